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
SESSION_347 = {"number": 347, "place": "Geneva", "opening": "2023-03-13", "closing": "2023-03-23", "sections": []}


def prepare(path: Path) -> dict:
    """The demo, and a paper with one decision point in draft (to review) and one in review (to submit)."""
    services = open_services(path).acting_as(TESTER)
    services.load_demo()
    services.accounts.create(TESTER.login, name=TESTER.name, roles=list(ROLES), why="setup")
    paper = services.papers.create(blank_paper(NEW_PAPER, "Rights", "en"), why="setup")
    to_review = services.decisions.create(paper.id, text="The Governing Body notes A.", why="setup")
    to_submit = services.decisions.create(paper.id, text="The Governing Body notes B.", why="setup")
    services.decisions.move(to_submit.id, "in_review", why="setup", base_version=to_submit.version)
    services.sessions.save(dict(SESSION_347), why="setup", base_version=None)
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


# -- a session: its agenda is drafted, what the Governing Body concluded is recorded ------------
def _with_outcome(session: dict, outcome: str) -> dict:
    sections = [dict(section, items=[dict(item, outcome=outcome) for item in section["items"]])
                for section in session["sections"]]
    return dict(session, sections=sections)


def _saved_over(services, number: int, change):
    """``change`` made to the session's latest version, saved."""
    current = services.sessions.get(number)
    return services.sessions.save(change(current.data), why="changed", base_version=current.version)


#: what is done to a session → (the action of the table it needs, doing it through the services)
SESSION_ACTIONS = {
    "create a session": (rights.DRAFT, lambda s: s.sessions.save(
        dict(SESSION_347, number=348, opening="2023-06-01", closing="2023-06-10"), why="next", base_version=None)),
    "put a paper on the agenda": (rights.DRAFT, lambda s: s.sessions.add_paper(347, NEW_PAPER, why="agenda")),
    "change the session's dates": (rights.DRAFT, lambda s: _saved_over(s, 347, lambda d: dict(d, closing="2023-03-24"))),
    "record an item's outcome": (rights.RECORD, lambda s: _saved_over(
        s, 316, lambda d: _with_outcome(d, "The Governing Body took note."))),
}


@pytest.mark.parametrize("what", SESSION_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_or_may_not_change_a_session(worlds, role, what):
    path, _ = worlds[role]
    action, change = SESSION_ACTIONS[what]
    services = open_services(path).acting_as(person(f"{role}.s", f"{ROLE_NAMES[role]} S", role))
    try:
        before = services.store.last_seq()
        if role in RIGHTS[action][0]:
            saved = change(services)
            assert saved.author == f"{ROLE_NAMES[role]} S ({role}.s)"
        else:
            with pytest.raises(Forbidden, match=f"needs the {' or '.join(RIGHTS[action][0])} role"):
                change(services)
            assert services.store.last_seq() == before
    finally:
        services.close()


@pytest.mark.parametrize("roles, refused", [(("approver",), "drafter"), (("drafter",), "approver"),
                                             (("drafter", "approver"), None)])
def test_a_save_that_is_two_actions_needs_both_rights(tmp_path, roles, refused):
    """An outcome recorded and the agenda changed in one save: the approver's right does not carry
    the drafter's change in with it, nor the other way round."""
    path = tmp_path / "db"
    prepare(path)
    services = open_services(path).acting_as(person("two.actions", "Two Actions", *roles))
    try:
        def both(data):
            changed = _with_outcome(data, "The Governing Body took note.")
            return dict(changed, place="Turin")
        before = services.store.last_seq()
        if refused:
            with pytest.raises(Forbidden, match=f"needs the {refused} role"):
                _saved_over(services, 316, both)
            assert services.store.last_seq() == before
        else:
            assert _saved_over(services, 316, both).data["place"] == "Turin"
    finally:
        services.close()


def test_an_approver_who_issues_a_paper_may_not_change_its_text_in_the_same_save(tmp_path):
    path = tmp_path / "db"
    prepare(path)
    services = open_services(path).acting_as(person("approver.only", "Approver Only", "approver"))
    try:
        paper = services.records.get("paper", NEW_PAPER)
        issued = dict(paper.data, status="issued", date="2023-03-01")
        with pytest.raises(Forbidden, match="needs the drafter role"):
            services.papers.update(NEW_PAPER, dict(issued, title="Changed on the way"), why="issue",
                                   base_version=paper.version)
        assert services.papers.update(NEW_PAPER, issued, why="issue", base_version=paper.version).data["status"] == "issued"
    finally:
        services.close()


def test_the_approver_s_adoption_carries_the_paper_to_decided(tmp_path):
    """A paper's status follows its decision points in the move's unit: that is recording what the
    Governing Body decided, so an approver who may not draft still moves the paper with it."""
    path = tmp_path / "db"
    prepare(path)
    services = open_services(path).acting_as(person("approver.only", "Approver Only", "approver"))
    try:
        services.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1, adopted_on="2012-11-16")
        paper = services.records.get("paper", seed.PAPER_ID)
        assert paper.data["status"] == "decided" and paper.author == "Approver Only (approver.only)"
    finally:
        services.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_build_the_documents_of_a_session_and_nothing_is_written(worlds, role):
    """The record of decisions, the minutes' contents and the session pack are read from the record:
    like any export, they need no role."""
    path, _ = worlds[role]
    services = open_services(path).acting_as(person(f"{role}.d", f"{ROLE_NAMES[role]} D", role))
    try:
        before = services.store.last_seq()
        assert services.sessions.record_of_decisions_docx(316)[0][:2] == b"PK"
        assert services.sessions.minutes_toc_docx(316, "zh")[0][:2] == b"PK"
        assert services.sessions.pack(316)[1] == "GB.316-papers.zip"
        assert services.store.last_seq() == before
    finally:
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


@pytest.mark.parametrize("role", ROLES)
def test_the_cli_session_commands_follow_the_table(cli_worlds, role, tmp_path):
    """`session agenda` and `session put` are drafting; `record-of-decisions` and `session-pack` read."""
    path, _, token = cli_worlds[role]
    drafter = role in RIGHTS[rights.DRAFT][0]
    agenda = cli(path, "session", "agenda", "347", "--add-paper", NEW_PAPER, "--why", "agenda", token=token)
    put = cli(path, "session", "put", "-", "--why", "next", token=token,
              stdin=json.dumps(dict(SESSION_347, number=349, opening="2023-11-01", closing="2023-11-10")))
    for result in (agenda, put):
        if drafter:
            assert result.returncode == 0, result.stderr
        else:
            assert result.returncode == 2 and "needs the drafter role" in result.stderr, result.stderr
    for command, out in (("record-of-decisions", "r.docx"), ("session-pack", "p.zip")):
        result = cli(path, command, "316", "--out", str(tmp_path / out), token=token)
        assert result.returncode == 0 and (tmp_path / out).stat().st_size > 1000, result.stderr
    assert cli(path, "session", "put", "-", "--why", "x", "--author", "Someone", token=token,
               stdin=json.dumps(SESSION_347)).returncode == 2


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
