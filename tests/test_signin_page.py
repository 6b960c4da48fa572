"""Sign-in in the app (ui/signin.py), headless: the refusal to serve beyond this machine in local
mode, local mode without a form, sessions that end after being idle, a deactivated account."""

from __future__ import annotations

import time

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from people import TESTER, sign_in
from sstc_docs.services.accounts import os_login
from sstc_docs.ui.signin import SESSION_KEY, loopback
from sstc_docs.ui.state import get_services

from test_app_pages import APP, open_app, texts


@pytest.mark.parametrize("address, expected", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                               ("0.0.0.0", False), ("", False), ("10.1.2.3", False),
                                               ("sstc.example.org", False)])
def test_loopback_means_this_machine_only(address, expected):
    assert loopback(address) is expected


@pytest.fixture
def listening_everywhere():
    before = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "0.0.0.0")
    yield
    streamlit_config.set_option("server.address", before)


def test_local_mode_refuses_to_serve_beyond_this_machine_and_says_how_to_open_it(demo_db, monkeypatch,
                                                                                 listening_everywhere):
    monkeypatch.setenv("SSTC_AUTH", "local")
    at = AppTest.from_file(APP, default_timeout=60).run()
    error = texts(at.error)
    assert "listens on 0.0.0.0" in error and "SSTC_AUTH=accounts" in error and "SSTC_AUTH=oidc" in error
    assert not at.title


def test_accounts_mode_may_serve_beyond_this_machine_behind_its_sign_in(demo_db, listening_everywhere):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Sign in to sstc-docs" and not at.error


def test_local_mode_needs_no_form_the_person_is_this_machine_s_user(demo_db, monkeypatch):
    monkeypatch.setenv("SSTC_AUTH", "local")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Overview" and not at.error
    assert f"Signed in as **{os_login()}**" in [m.value for m in at.sidebar.markdown][0].replace("\\", "")


def test_a_session_idle_longer_than_allowed_ends_and_asks_to_sign_in_again(demo_db, monkeypatch):
    monkeypatch.setenv("SSTC_SESSION_HOURS", "8")
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "Ana Tester")
    at.session_state[SESSION_KEY] = {"login": "ana.tester", "seen": time.time() - 8 * 3600 - 60}
    at.run()
    assert at.title[0].value == "Sign in to sstc-docs"
    assert "Your session ended after 8 hours without activity" in texts(at.info)


def test_an_account_deactivated_meanwhile_is_signed_out_at_its_next_click(demo_db):
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "Ana Tester")
    at.run()
    assert at.title[0].value == "Overview"
    get_services().acting_as(TESTER).accounts.update("ana.tester", active=False, why="left")
    at.run()
    assert "deactivated" in texts(at.error) and not [t for t in at.title if t.value == "Overview"]


@pytest.mark.parametrize("page", ["papers", "frameworks", "evidence"])
def test_a_reader_sees_no_form_to_change_anything_and_is_told_which_role_it_needs(demo_db, page):
    at = open_app(page, user="Rae Reader", roles=("reader",))
    if page == "evidence":
        at.session_state["ev_tab"] = "Register evidence"
        at.run()
    assert not at.exception and not at.error, texts(at.error)
    assert "needs the drafter role" in texts(at.caption)
    assert not [b for b in at.button if b.key and b.key.endswith((":save", ":create"))]
