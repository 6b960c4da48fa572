"""Signing in and what each role may do, in a real browser against `streamlit run` in accounts mode.

A server of its own over its own demo database, so that no other journey's adoption of the demo
decision changes what these see.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from people import TESTER
from sstc_docs import demo as seed
from sstc_docs.services import open_services

from test_journeys import PAPER, edit_paragraph_2, marker

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own(serve, tmp_path_factory):
    db = tmp_path_factory.mktemp("signin") / "db"
    services = open_services(db).acting_as(TESTER)
    services.load_demo()
    services.close()
    with serve(db, tmp_path_factory.mktemp("signin-server")) as base:
        yield base, db


@pytest.fixture
def app(app_at, own):
    return app_at(*own)


def test_sign_in_make_a_change_see_the_account_in_the_history_and_sign_out(app):
    tab = app.new_page("Ana Lopez", "Papers", "drafter")
    expect(tab.get_by_test_id("stSidebar").get_by_text("Ana Lopez (ana.lopez)")).to_be_visible()
    version = edit_paragraph_2(app, tab, f"Paragraph 2, checked {marker('S1')}.[^2]", "Sign-in journey: checked")
    assert app.latest("paper", PAPER).author == "Ana Lopez (ana.lopez)"
    app.go(tab, "History")
    expect(tab.get_by_test_id("stMain").get_by_text("Ana Lopez (ana.lopez)").first).to_be_visible()
    app.shot(tab, "history-signed-in")
    tab.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("heading", name="Sign in to sstc-docs")).to_be_visible()
    expect(tab.get_by_text("You are signed out.")).to_be_visible()
    assert app.versions("paper", PAPER) == version


def test_a_wrong_password_is_refused_without_saying_which_half_was_wrong(app):
    app.account("Wendy Wrong", "reader")
    tab = app.new_page("", "Overview")
    app.sign_in(tab, "wendy.wrong", "not her password")
    expect(tab.get_by_text("That login and password do not match an account.")).to_be_visible()
    expect(tab.get_by_role("heading", name="Sign in to sstc-docs")).to_be_visible()


def test_a_drafter_cannot_record_an_adoption(app):
    tab = app.new_page("Dee Drafter", "Decisions", "drafter")
    expect(tab.get_by_role("heading", name=f"{seed.DECISION_ID} · Submitted")).to_be_visible()
    expect(tab.get_by_text("may not record what the Governing Body decided").first).to_be_visible()
    expect(tab.get_by_text("needs the approver role").first).to_be_visible()
    expect(tab.get_by_role("button", name="Move to Adopted")).to_have_count(0)
    app.shot(tab, "decisions-drafter")
    assert app.latest("decision", seed.DECISION_ID).data["status"] == "submitted"


def test_a_reader_cannot_save(app):
    tab = app.new_page("Rae Reader", "Papers", "reader")
    expect(tab.get_by_text("needs the drafter role").first).to_be_visible()
    expect(tab.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    app.shot(tab, "papers-reader")
