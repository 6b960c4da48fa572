"""Who is at the keyboard, established at the start of every run, in the way ``SSTC_AUTH`` says
(services/accounts.py): local — the server's operating-system user, no form; accounts — a
sign-in form, a session that ends after ``SSTC_SESSION_HOURS`` idle; oidc — Streamlit's own
``st.login`` against the provider configured in ``.streamlit/secrets.toml``.

The account is looked up again on every run, so a role taken away or an account deactivated
counts from the person's next click, not their next sign-in.
"""

from __future__ import annotations

import ipaddress
import os
import time

import streamlit as st

from ..domain.rights import Actor
from ..errors import SstcError
from ..services.accounts import SignInRefused, auth_mode, session_idle_limit
from .state import ACTOR_KEY, get_services

#: This browser session's sign-in (accounts mode): {"login", "seen": time of the last run}.
SESSION_KEY = "_signed_in"
_NOTICE_KEY = "_signin_notice"


def loopback(address: str) -> bool:
    """Whether the server listens only on this machine."""
    if address in ("localhost", ""):
        return address == "localhost"
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def refuse_open_without_sign_in() -> None:
    """Local mode trusts whoever reaches the app, so it must not be reachable from elsewhere."""
    address = st.get_option("server.address") or ""
    if auth_mode() == "local" and not loopback(address):
        st.error(f"This server listens on {address or 'every network address'}, but it runs in local mode, where "
                 "whoever reaches the app acts as this machine's user. Set SSTC_AUTH=accounts (accounts an "
                 "administrator creates) or SSTC_AUTH=oidc (your organisation's sign-in, configured in "
                 ".streamlit/secrets.toml) and restart, or listen on 127.0.0.1 only; the README explains "
                 "both, under “Who is signed in”.")
        st.stop()


def establish() -> Actor:
    """The signed-in account for this run; shows the sign-in and stops the page until there is one."""
    services = get_services()
    mode = auth_mode()
    try:
        if mode == "local":
            actor = services.accounts.local_actor()
        elif mode == "accounts":
            actor = _accounts(services)
        else:
            actor = _oidc(services)
    except SignInRefused as error:
        st.session_state.pop(SESSION_KEY, None)
        st.error(str(error))
        if mode == "oidc":
            st.button("Sign out", on_click=st.logout)
        st.stop()
    st.session_state[ACTOR_KEY] = actor
    return actor


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state[_NOTICE_KEY] = "You are signed out."
    st.rerun()


def _accounts(services) -> Actor:
    entry = st.session_state.get(SESSION_KEY)
    now = time.time()
    if entry and now - entry["seen"] > session_idle_limit().total_seconds():
        st.session_state.pop(SESSION_KEY)
        st.session_state[_NOTICE_KEY] = (f"Your session ended after {session_idle_limit().total_seconds() / 3600:g} "
                                         "hours without activity; sign in again.")
        entry = None
    if entry:
        actor = services.accounts.actor(entry["login"])
        entry["seen"] = now
        return actor
    _sign_in_form(services)
    st.stop()


def _sign_in_form(services) -> None:
    st.title("Sign in to sstc-docs")
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("signin", enter_to_submit=True):
        login = st.text_input("Login", key="signin:login", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin:password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    st.caption("No account, or forgot your password? Ask an administrator: they create accounts and reset passwords.")
    if not submitted:
        return
    try:
        actor = services.accounts.sign_in(login, password)
    except SstcError as error:
        st.error(str(error))
        return
    st.session_state[SESSION_KEY] = {"login": actor.login, "seen": time.time()}
    st.session_state.pop("signin:password", None)
    st.rerun()


def _oidc(services) -> Actor:
    if not st.user.is_logged_in:
        st.title("Sign in to sstc-docs")
        notice = st.session_state.pop(_NOTICE_KEY, None)
        if notice:
            st.info(notice)
        provider = os.environ.get("SSTC_OIDC_PROVIDER") or None
        st.button("Sign in with your organisation's account", type="primary", on_click=st.login,
                  args=(provider,) if provider else ())
        st.stop()
    return services.accounts.oidc_actor(st.user.to_dict(),
                                        login_claim=os.environ.get("SSTC_OIDC_LOGIN_CLAIM") or "email",
                                        roles_claim=os.environ.get("SSTC_OIDC_ROLES_CLAIM") or "")
