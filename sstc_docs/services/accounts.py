"""Accounts, how people prove who they are, and which account acts.

How the program runs is chosen with ``SSTC_AUTH`` (``auth_mode``):

- ``local`` (the default, what ``make run`` does): the app listens on 127.0.0.1 only, and the
  person is the operating system's user — whoever can use this machine's account already is
  that person. Their account is made the first time, holding every role.
- ``accounts``: an administrator creates accounts and sets their passwords; people sign in
  with login and password. Passwords are hashed with argon2; five failures within fifteen
  minutes lock the account for the rest of that window.
- ``oidc``: the organisation's sign-in, through Streamlit's ``st.login`` (the ui does that
  part); the person's roles are those an administrator gave their account here, or those the
  provider sends in the claim named by ``SSTC_OIDC_ROLES_CLAIM`` when it is set.

The command line acts as the account whose token ``SSTC_TOKEN`` holds (``account token LOGIN``
prints one, once), or in local mode as the operating system's user.

Where the secrets live: accounts are records of kind ``account`` — login, name, roles,
active — so who changed whose rights, when and why is versioned history like everything else.
Password and token hashes are records of their own kind, ``credentials``, declared secret in
the registry: saved through the same units of work (atomic, in backups, checked by verify, on
whichever store backs the program) but never listed, printed by ``get`` or shown in history.
A separate secrets file would have needed its own locking, backup and restore; a field of the
account would have put hashes into the history everybody reads. Only hashes are kept: argon2
for passwords (people choose them, so they must be slow to guess), SHA-256 for tokens (32
random bytes cannot be guessed, so a fast hash is enough). No password or token is ever stored,
logged or put in an error message as typed.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import hashlib
import hmac
import os
import secrets
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..domain.rights import ROLES, SIGN_IN_COMMAND, SYSTEM, Actor
from ..errors import ConflictError, NotFound, SstcError, ValidationError
from .records import RecordService


MODES = ("local", "accounts", "oidc")
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Compared against when the login is unknown, so a wrong login takes as long as a wrong
    password. Made on first use: hashing costs a tenth of a second, which every command would
    otherwise pay at start-up."""
    return _HASHER.hash("not a password anyone has")


class SignInRefused(SstcError):
    """Signing in (or a token) did not work; the message never says which half was wrong."""


def auth_mode() -> str:
    """``SSTC_AUTH``: local (default), accounts or oidc."""
    mode = (os.environ.get("SSTC_AUTH") or "local").strip().lower()
    if mode not in MODES:
        raise SstcError(f"SSTC_AUTH is '{mode}', which is not a way to run; set it to local, accounts or oidc "
                        "(see the README, “Who is signed in”).")
    return mode


def session_idle_limit() -> dt.timedelta:
    """How long a signed-in browser session may stay idle (``SSTC_SESSION_HOURS``, default 8)."""
    try:
        hours = float(os.environ.get("SSTC_SESSION_HOURS") or 8)
    except ValueError:
        raise SstcError("SSTC_SESSION_HOURS must be a number of hours, e.g. 8") from None
    return dt.timedelta(hours=hours)


def os_login() -> str:
    """The operating system's user, as a login."""
    return getpass.getuser().strip().lower()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AccountService:
    """Accounts and their secrets, through the one save path and its rights (domain/rights.py)."""

    def __init__(self, records: RecordService):
        self.records = records

    # -- reading -----------------------------------------------------------------------------
    def list(self) -> list[dict]:
        return sorted(self.records.heads("account"), key=lambda head: head["id"])

    def get(self, login: str) -> dict:
        return self.records.get("account", login.strip().lower()).data

    def actor(self, login: str) -> Actor:
        """The account ``login`` as the one acting, or a refusal when it is unknown or inactive."""
        try:
            account = self.get(login)
        except NotFound:
            raise SignInRefused(f"There is no account '{login}'; ask an administrator to create one.") from None
        if not account["active"]:
            raise SignInRefused(f"The account '{login}' is deactivated; ask an administrator to reactivate it.")
        return Actor(account["login"], account["name"], frozenset(account["roles"]))

    # -- administering -----------------------------------------------------------------------
    def create(self, login: str, *, name: str, roles: list[str], why: str) -> Actor:
        self.records.save("account", {"login": login.strip().lower(), "name": name, "roles": roles,
                                      "active": True}, why=why, base_version=None)
        return self.actor(login)

    def update(self, login: str, *, why: str, name: str | None = None, roles: list[str] | None = None,
               active: bool | None = None) -> dict:
        """Change an account's name, roles or whether it may sign in; kept in its history."""
        current = self.records.get("account", login.strip().lower())
        data = dict(current.data)
        for key, value in (("name", name), ("roles", roles), ("active", active)):
            if value is not None:
                data[key] = value
        return self.records.save("account", data, why=why, base_version=current.version).data

    def set_password(self, login: str, password: str, *, why: str) -> None:
        """An administrator sets (or resets) a password; only its argon2 hash is kept."""
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters", field="password")
        account = self.get(login)
        self._save_credentials(account["login"], why=why, password_hash=_HASHER.hash(password), failures=[])

    def issue_token(self, login: str, *, why: str) -> str:
        """A new token for the command line (``SSTC_TOKEN``); returned once, kept only as a hash."""
        account = self.get(login)
        secret = secrets.token_urlsafe(32)
        tokens = self._credentials(account["login"]).get("tokens", [])
        number = 1 + max((int(t["id"][1:]) for t in tokens if t["id"][1:].isdigit()), default=0)
        token = {"id": f"T{number}", "hash": _token_hash(secret), "issued_at": _stamp(_now()), "revoked_at": ""}
        self._save_credentials(account["login"], why=why, tokens=[*tokens, token])
        return f"{account['login']}:{secret}"

    def revoke_tokens(self, login: str, *, why: str) -> int:
        """Revoke every token of ``login``; returns how many were still valid."""
        account = self.get(login)
        tokens = [dict(t) for t in self._credentials(account["login"]).get("tokens", [])]
        live = [t for t in tokens if not t["revoked_at"]]
        for token in live:
            token["revoked_at"] = _stamp(_now())
        if live:
            self._save_credentials(account["login"], why=why, tokens=tokens)
        return len(live)

    # -- signing in --------------------------------------------------------------------------
    def sign_in(self, login: str, password: str) -> Actor:
        """The account, if the password is its own; every failure is counted and five within
        fifteen minutes lock the account until the oldest of them is fifteen minutes old."""
        login = (login or "").strip().lower()
        wrong = SignInRefused("That login and password do not match an account. Check both and try again; "
                              f"after {LOCKOUT_FAILURES} failures the account is locked for "
                              f"{int(LOCKOUT_WINDOW.total_seconds() // 60)} minutes.")
        try:
            account = self.get(login) if login else None
        except (NotFound, ValidationError):
            account = None
        if account is None:
            _verify(_dummy_hash(), password)
            raise wrong
        credentials = self._credentials(login)
        now = _now()
        recent = [f for f in credentials.get("failures", [])
                  if now - dt.datetime.fromisoformat(f.replace("Z", "+00:00")) < LOCKOUT_WINDOW]
        if len(recent) >= LOCKOUT_FAILURES:
            raise SignInRefused(f"The account '{login}' is locked after {LOCKOUT_FAILURES} failed sign-ins; try "
                                f"again in {int(LOCKOUT_WINDOW.total_seconds() // 60)} minutes, or ask an "
                                "administrator to reset the password.")
        if not credentials.get("password_hash") or not _verify(credentials["password_hash"], password):
            self._bookkeeping(login, failures=[*recent, _stamp(now)], why="Sign-in failed.")
            raise wrong
        actor = self.actor(login)
        if recent:
            self._bookkeeping(login, failures=[], why="Signed in: earlier failures cleared.")
        return actor

    def actor_for_token(self, token: str) -> Actor:
        """The account a command-line token belongs to, if the token is valid and not revoked."""
        login, _, secret = (token or "").strip().partition(":")
        refused = SignInRefused("SSTC_TOKEN is not a valid token (revoked, mistyped, or of another database); "
                                "ask an administrator for a new one: python -m sstc_docs account token LOGIN")
        if not secret:
            raise refused
        try:
            tokens = self._credentials(login.lower()).get("tokens", [])
        except ValidationError:
            raise refused from None
        digest = _token_hash(secret)
        if not any(hmac.compare_digest(t["hash"], digest) and not t["revoked_at"] for t in tokens):
            raise refused
        return self.actor(login)

    def local_actor(self) -> Actor:
        """Local mode: the operating system's user, whose account is made the first time with
        every role (on one's own machine one is drafter, reviewer, approver and administrator)."""
        login = os_login()
        if not self.records.exists("account", login):
            self._first_sign_in(login, login, list(ROLES), "First run in local mode: the operating system's user.")
        return self.actor(login)

    def oidc_actor(self, claims: dict, *, login_claim: str = "email", roles_claim: str = "") -> Actor:
        """OIDC mode: the account of the person the provider signed in, made on first sign-in.
        With ``roles_claim`` set, the roles are the provider's (kept in the account's history
        when they change); otherwise those an administrator gives the account (reader at first)."""
        login = str(claims.get(login_claim) or claims.get("sub") or "").strip().lower()
        if not login:
            raise SignInRefused(f"The sign-in provider sent no '{login_claim}'; ask its administrator to include "
                                "that claim, or set SSTC_OIDC_LOGIN_CLAIM to one it sends.")
        name = str(claims.get("name") or claims.get("preferred_username") or login)
        claimed = None
        if roles_claim:
            value = claims.get(roles_claim) or []
            claimed = [r for r in ROLES if r in (value.split() if isinstance(value, str) else value)]
        if not self.records.exists("account", login):
            self._first_sign_in(login, name, claimed or ["reader"], "First sign-in through the organisation.")
        elif claimed is not None and self.get(login)["roles"] != claimed:
            current = self.records.get("account", login)
            self._as(current.data["login"], current.data["name"], claimed).save(
                "account", dict(current.data, roles=claimed), why=f"Roles from the provider's claim '{roles_claim}'.",
                base_version=current.version, command=SIGN_IN_COMMAND)
        return self.actor(login)

    # -- secrets -----------------------------------------------------------------------------
    def _credentials(self, login: str) -> dict:
        try:
            return self.records.store.get("credentials", login).data
        except NotFound:
            return {"login": login, "password_hash": "", "tokens": [], "failures": []}

    def _save_credentials(self, login: str, *, why: str, command: str | None = None, **changes) -> None:
        records = self.records if command is None else self._as(SYSTEM.login, SYSTEM.name, [])
        history = records.store.history("credentials", login)
        base = history[-1].version if history else None
        records.save("credentials", {**self._credentials(login), **changes}, why=why, base_version=base,
                     command=command)

    def _bookkeeping(self, login: str, *, why: str, **changes) -> None:
        """What signing in records by itself (failures towards the lockout), by the program."""
        self._save_credentials(login, why=why, command=SIGN_IN_COMMAND, **changes)

    def _first_sign_in(self, login: str, name: str, roles: list[str], why: str) -> None:
        """The account of someone the program has just established (local user, provider's user),
        recorded as made by that person. Two first sessions at once make it once: the later finds it."""
        try:
            self._as(login, name, roles).save("account", {"login": login, "name": name, "roles": roles,
                                                          "active": True},
                                              why=why, base_version=None, command=SIGN_IN_COMMAND)
        except ConflictError:
            pass

    def _as(self, login: str, name: str, roles: list[str]) -> RecordService:
        return RecordService(self.records.store, Actor(login, name, frozenset(roles)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False
