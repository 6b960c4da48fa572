"""Who the tests act as: accounts given as actors, so every version a test records has an author."""

from __future__ import annotations

from sstc_docs.domain.rights import ROLES, Actor

#: Unless a test says otherwise: an account holding every role.
TESTER = Actor("tester", "Test User", frozenset(ROLES))


def person(login: str, name: str, *roles: str) -> Actor:
    """Someone else, holding ``roles`` (every role when none are given)."""
    return Actor(login, name, frozenset(roles or ROLES))


def login_of(name: str) -> str:
    return name.lower().replace(" ", ".")


def sign_in(at, name: str = "Ana Tester", *roles: str):
    """Give the AppTest ``at`` a signed-in account (accounts mode, as the AppTest fixtures run): the
    account ``name`` (login: lower case, dots for spaces), made with ``roles`` (every role when none
    are given) if it does not exist yet. A page run on its own (not through streamlit_app.py, which
    establishes the account on every run) finds it acting already. Returns the AppTest."""
    import time

    from sstc_docs.ui.signin import SESSION_KEY
    from sstc_docs.ui.state import ACTOR_KEY, get_services

    login = login_of(name)
    accounts = get_services().acting_as(TESTER).accounts
    wanted = list(roles or ROLES)
    if not accounts.records.exists("account", login):
        accounts.create(login, name=name, roles=wanted, why="Test account")
    elif accounts.get(login)["roles"] != [r for r in ROLES if r in wanted]:
        accounts.update(login, roles=wanted, why="Test roles")
    at.session_state[SESSION_KEY] = {"login": login, "seen": time.time()}
    at.session_state[ACTOR_KEY] = accounts.actor(login)
    return at
