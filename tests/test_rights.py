"""The table of rights (domain/rights.py) as tests: every role × every action, through the services
and through the command line, allowed — or refused with a message naming the role it needs, and
nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from people import TESTER, person
from sstc_docs import demo as seed
from sstc_docs.domain import rights
from sstc_docs.domain.rights import ACTIONS, RIGHTS, ROLE_NAMES, ROLES, Forbidden
from sstc_docs.errors import StoreError
from sstc_docs.services import open_services
from sstc_docs.services.papers import blank_paper

ROOT = Path(__file__).resolve().parents[1]
NEW_PAPER = "GB.347/POL/9"
STRATEGY = {"kind": "strategy", "id": "S-RIGHTS", "title": "A strategy", "period": "2014-15", "outcomes": []}


def prepare(path: Path) -> dict:
    """The demo, and a paper with one decision point in draft (to review) and one in review (to submit)."""
    services = open_services(path).acting_as(TESTER)
    services.load_demo()
    services.accounts.create(TESTER.login, name=TESTER.name, roles=list(ROLES), why="setup")
    paper = services.papers.create(blank_paper(NEW_PAPER, "Rights", "en"), why="setup")
    to_review = services.decisions.create(paper.id, text="The Governing Body notes A.", why="setup")
    to_submit = services.decisions.create(paper.id, text="The Governing Body notes B.", why="setup")
    services.decisions.move(to_submit.id, "in_review", why="setup", base_version=to_submit.version)
    services.store.backup(path.parent / "backup.json")
    services.close()
    return {"review": to_review.id, "submit": to_submit.id, "backup": str(path.parent / "backup.json")}


def do(services, action: str, ids: dict) -> None:
    """Perform ``action`` through the services."""
    if action == rights.DRAFT:
        services.records.save("strategy", {k: v for k, v in STRATEGY.items() if k != "kind"}, why="draft",
                              base_version=None)
    elif action == rights.REVIEW:
        services.decisions.move(ids["review"], "in_review", why="review", base_version=1)
    elif action == rights.SUBMIT:
        services.decisions.move(ids["submit"], "submitted", why="submit", base_version=2)
    elif action == rights.RECORD:
        services.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1, adopted_on="2012-11-16")
    elif action == rights.ACCOUNTS:
        services.accounts.create("new.person", name="New Person", roles=["reader"], why="new colleague")
    elif action == rights.RESTORE:
        services.restore(ids["backup"])
    elif action == rights.REPAIR:
        services.verify(repair=True)


def test_the_table_names_every_action_once_and_only_known_roles():
    assert set(ACTIONS) == {rights.DRAFT, rights.REVIEW, rights.SUBMIT, rights.RECORD, rights.ACCOUNTS,
                            rights.RESTORE, rights.REPAIR}
    assert all(set(roles) <= set(ROLES) for roles, _ in RIGHTS.values())
    assert not any("reader" in roles for roles, _ in RIGHTS.values())  # a reader changes nothing


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """One prepared database per role (actions touch different records, so they do not interfere)."""
    made = {}
    for role in ROLES:
        path = tmp_path_factory.mktemp(f"rights-{role}") / "db"
        made[role] = (path, prepare(path))
    return made


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_services_allow_or_refuse_each_role_each_action(worlds, role, action):
    path, ids = worlds[role]
    services = open_services(path).acting_as(person(f"{role}.one", f"{ROLE_NAMES[role]} One", role))
    try:
        before = services.store.last_seq()
        allowed = role in RIGHTS[action][0]
        if allowed:
            try:
                do(services, action, ids)
            except StoreError as error:  # allowed to restore; the store restores only into an empty folder
                assert action == rights.RESTORE and "not empty" in str(error)
        else:
            with pytest.raises(Forbidden) as refused:
                do(services, action, ids)
            needed = " or ".join(ROLE_NAMES[r].lower() for r in RIGHTS[action][0])
            assert f"needs the {needed} role" in str(refused.value)
            assert f"{ROLE_NAMES[role]} One ({role}.one) may not" in str(refused.value)
            assert services.store.last_seq() == before
    finally:
        services.close()


def test_the_author_recorded_is_the_account_acting(tmp_path):
    services = open_services(tmp_path / "db").acting_as(person("ana", "Ana Lopez", "drafter"))
    saved = services.records.save("strategy", {k: v for k, v in STRATEGY.items() if k != "kind"}, why="w",
                                  base_version=None)
    assert saved.author == "Ana Lopez (ana)"
    with pytest.raises(Forbidden, match="Sign in first"):
        services.acting_as(None).records.save("strategy", dict(saved.data, title="x"), why="w", base_version=1)
    services.close()


# -- the same table through the command line ---------------------------------------------------
def cli(db: Path, *args: str, token: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "SSTC_AUTH": "accounts", "SSTC_TOKEN": token}
    return subprocess.run([sys.executable, "-m", "sstc_docs", "--db", str(db), *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


COMMANDS = {
    rights.DRAFT: lambda ids: (("put", "-", "--why", "draft"), json.dumps(STRATEGY)),
    rights.REVIEW: lambda ids: (("decision", "move", ids["review"], "--to", "in_review", "--why", "review"), None),
    rights.SUBMIT: lambda ids: (("decision", "move", ids["submit"], "--to", "submitted", "--why", "submit"), None),
    rights.RECORD: lambda ids: (("decision", "move", seed.DECISION_ID, "--to", "adopted", "--on", "2012-11-16",
                                 "--why", "adopted"), None),
    rights.ACCOUNTS: lambda ids: (("account", "create", "new.person", "--name", "New Person", "--roles", "reader"),
                                  None),
    rights.RESTORE: lambda ids: (("restore", ids["backup"]), None),
    rights.REPAIR: lambda ids: (("verify", "--repair"), None),
}


@pytest.fixture(scope="module")
def cli_worlds(tmp_path_factory):
    """Per role: a prepared database, an account holding only that role, and its token."""
    made = {}
    for role in ROLES:
        path = tmp_path_factory.mktemp(f"cli-rights-{role}") / "db"
        ids = prepare(path)
        services = open_services(path).acting_as(TESTER)
        services.accounts.create(f"{role}.one", name=f"{ROLE_NAMES[role]} One", roles=[role], why="test")
        token = services.accounts.issue_token(f"{role}.one", why="test")
        services.close()
        made[role] = (path, ids, token)
    return made


@pytest.mark.parametrize("role", ROLES)
def test_the_cli_allows_or_refuses_each_role_each_action(cli_worlds, role):
    path, ids, token = cli_worlds[role]
    for action in ACTIONS:
        args, stdin = COMMANDS[action](ids)
        result = cli(path, *args, token=token, stdin=stdin)
        if role in RIGHTS[action][0]:
            if action == rights.RESTORE:
                assert result.returncode == 4 and "not empty" in result.stderr, (action, result.stderr)
            else:
                assert result.returncode == 0, (action, result.stderr)
        else:
            needed = " or ".join(ROLE_NAMES[r].lower() for r in RIGHTS[action][0])
            assert result.returncode == 2, (action, result.stderr)
            assert "not allowed, nothing was written" in result.stderr
            assert f"needs the {needed} role" in result.stderr, (action, result.stderr)


def test_the_cli_records_the_token_s_account_and_refuses_author(cli_worlds):
    path, _, token = cli_worlds["drafter"]
    strategy = dict(STRATEGY, id="S-AUTHOR")
    assert cli(path, "put", "-", "--why", "mine", token=token, stdin=json.dumps(strategy)).returncode == 0
    history = json.loads(cli(path, "history", "strategy", "S-AUTHOR", "--json", token=token).stdout)
    assert history[-1]["author"] == "Drafter One (drafter.one)"
    named = cli(path, "put", "-", "--why", "x", "--author", "Someone Else", token=token, stdin=json.dumps(strategy))
    assert named.returncode == 2 and "SSTC_TOKEN" in named.stderr


def test_a_revoked_or_wrong_token_and_no_token_are_refused(cli_worlds):
    path, _, token = cli_worlds["reader"]
    assert cli(path, "verify", token=token).returncode == 0  # reading needs no role
    wrong = cli(path, "put", "-", "--why", "x", token=token + "x", stdin=json.dumps(STRATEGY))
    assert wrong.returncode == 2 and "not a valid token" in wrong.stderr and token not in wrong.stderr
    none = cli(path, "put", "-", "--why", "x", token="", stdin=json.dumps(STRATEGY))
    assert none.returncode == 2 and "set SSTC_TOKEN" in none.stderr
    services = open_services(path).acting_as(TESTER)
    assert services.accounts.revoke_tokens("reader.one", why="left") == 1
    services.close()
    revoked = cli(path, "put", "-", "--why", "x", token=token, stdin=json.dumps(STRATEGY))
    assert revoked.returncode == 2 and "not a valid token" in revoked.stderr


def test_rebuilding_the_search_index_is_a_repair_for_administrators(tmp_path):
    """``search --rebuild`` forgets the index and reads every version again: a repair, like
    ``verify --repair``; searching itself needs no role."""
    path = tmp_path / "db"
    prepare(path)
    services = open_services(path).acting_as(TESTER)
    tokens = {}
    for role in ROLES:
        services.accounts.create(f"{role}.one", name=f"{ROLE_NAMES[role]} One", roles=[role], why="test")
        tokens[role] = services.accounts.issue_token(f"{role}.one", why="test")
    services.close()
    for role, token in tokens.items():
        rebuilt = cli(path, "search", "--rebuild", token=token)
        if role == "administrator":
            assert rebuilt.returncode == 0 and "search index rebuilt from" in rebuilt.stderr, rebuilt.stderr
        else:
            assert rebuilt.returncode == 2 and "needs the administrator role" in rebuilt.stderr, (role, rebuilt.stderr)
        assert cli(path, "search", "指标", token=token).returncode == 0
    services = open_services(path).acting_as(person("d", "D", "drafter"))
    try:
        with pytest.raises(Forbidden, match="rebuild the search index"):
            services.rebuild_search()
    finally:
        services.close()
