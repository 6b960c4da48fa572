"""Accounts and their secrets: argon2 password hashes and token hashes only, sign-in with lockout,
tokens that can be revoked, the local user's account, accounts from an OpenID Connect provider."""

from __future__ import annotations

import datetime as dt

import pytest

from people import TESTER, person
from sstc_docs.domain.rights import ROLES, Forbidden
from sstc_docs.errors import SstcError, ValidationError
from sstc_docs.services import accounts as accounts_module
from sstc_docs.services.accounts import LOCKOUT_FAILURES, SignInRefused, auth_mode, os_login

PASSWORD = "a long enough secret"


@pytest.fixture
def ana(services):
    services.accounts.create("ana", name="Ana Lopez", roles=["drafter"], why="new colleague")
    services.accounts.set_password("ana", PASSWORD, why="first password")
    return services


def every_file(services) -> bytes:
    return b"".join(p.read_bytes() for p in services.store.path.rglob("*") if p.is_file())


def test_a_password_is_kept_as_an_argon2_hash_only_in_the_data_and_in_backups(ana, tmp_path):
    assert PASSWORD.encode() not in every_file(ana)
    ana.store.backup(tmp_path / "backup.json")
    backup = (tmp_path / "backup.json").read_text()
    assert PASSWORD not in backup and "$argon2id$" in backup


def test_sign_in_gives_the_account_and_a_wrong_password_says_nothing_about_which_half(ana):
    assert ana.accounts.sign_in("Ana", PASSWORD).label == "Ana Lopez (ana)"
    with pytest.raises(SignInRefused) as wrong:
        ana.accounts.sign_in("ana", "not it at all")
    with pytest.raises(SignInRefused) as unknown:
        ana.accounts.sign_in("nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) and "do not match" in str(wrong.value)


def test_five_failures_in_fifteen_minutes_lock_the_account_then_it_opens_again(ana, monkeypatch):
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises(SignInRefused, match="do not match"):
            ana.accounts.sign_in("ana", "wrong password")
    with pytest.raises(SignInRefused, match="locked"):
        ana.accounts.sign_in("ana", PASSWORD)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=16)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    assert ana.accounts.sign_in("ana", PASSWORD).login == "ana"


def test_an_administrator_resets_a_password_and_nobody_else_may(ana):
    with pytest.raises(Forbidden, match="needs the administrator role"):
        ana.acting_as(person("bo", "Bo", "drafter", "approver")).accounts.set_password("ana", "x" * 12, why="no")
    ana.accounts.set_password("ana", "a brand new secret", why="forgotten")
    assert ana.accounts.sign_in("ana", "a brand new secret").login == "ana"
    with pytest.raises(ValidationError, match="at least"):
        ana.accounts.set_password("ana", "short", why="too short")


def test_a_deactivated_account_cannot_sign_in_and_its_rights_history_says_who_and_when(ana):
    ana.accounts.update("ana", roles=["reader"], why="moved to another unit")
    ana.accounts.update("ana", active=False, why="left the Office")
    with pytest.raises(SignInRefused, match="deactivated"):
        ana.accounts.sign_in("ana", PASSWORD)
    history = ana.records.history("account", "ana")
    assert [(v.data["roles"], v.data["active"], v.author, v.why) for v in history] == [
        (["drafter"], True, TESTER.label, "new colleague"),
        (["reader"], True, TESTER.label, "moved to another unit"),
        (["reader"], False, TESTER.label, "left the Office")]


def test_tokens_are_kept_hashed_act_as_their_account_and_can_be_revoked(ana):
    token = ana.accounts.issue_token("ana", why="scripts")
    assert token.startswith("ana:") and token.split(":", 1)[1].encode() not in every_file(ana)
    assert ana.accounts.actor_for_token(token).label == "Ana Lopez (ana)"
    with pytest.raises(SignInRefused, match="not a valid token"):
        ana.accounts.actor_for_token(token[:-1])
    assert ana.accounts.revoke_tokens("ana", why="laptop lost") == 1
    with pytest.raises(SignInRefused, match="not a valid token"):
        ana.accounts.actor_for_token(token)


def test_secrets_are_never_listed_read_or_shown_in_the_history(ana):
    ana.accounts.issue_token("ana", why="scripts")
    with pytest.raises(SignInRefused):
        ana.accounts.sign_in("ana", "wrong password")
    for read in (lambda: ana.records.heads("credentials"), lambda: ana.records.history("credentials", "ana"),
                 lambda: ana.records.get("credentials", "ana"), lambda: ana.overview.changes(kind="credentials")):
        with pytest.raises(ValidationError, match="never shown"):
            read()
    assert {c["kind"] for c in ana.overview.changes()} == {"account"}
    assert "sstc-docs" not in ana.overview.authors()


def test_local_mode_makes_the_operating_system_user_s_account_once_with_every_role(tmp_path):
    from sstc_docs.services import open_services
    services = open_services(tmp_path / "db")
    first = services.accounts.local_actor()
    assert first.login == os_login() and first.roles == frozenset(ROLES)
    assert services.accounts.local_actor() == first
    assert len(services.records.history("account", os_login())) == 1
    services.close()


def test_an_organisation_s_account_is_made_on_first_sign_in_with_roles_from_the_claim(services):
    claims = {"sub": "x1", "email": "Omar@Example.org", "name": "Omar Oidc", "roles": ["drafter", "unknown"]}
    assert services.accounts.oidc_actor(claims).roles == frozenset({"reader"})  # no claim configured: reader
    assert services.accounts.oidc_actor(claims, roles_claim="roles").roles == frozenset({"drafter"})
    history = services.records.history("account", "omar@example.org")
    assert [v.data["roles"] for v in history] == [["reader"], ["drafter"]]
    assert "claim 'roles'" in history[-1].why
    with pytest.raises(SignInRefused, match="SSTC_OIDC_LOGIN_CLAIM"):
        services.accounts.oidc_actor({"name": "No Id"})


def test_the_way_to_run_is_one_of_three_and_a_mistake_says_so(monkeypatch):
    monkeypatch.delenv("SSTC_AUTH", raising=False)
    assert auth_mode() == "local"
    monkeypatch.setenv("SSTC_AUTH", "OIDC")
    assert auth_mode() == "oidc"
    monkeypatch.setenv("SSTC_AUTH", "ldap")
    with pytest.raises(SstcError, match="local, accounts or oidc"):
        auth_mode()
