"""The Streamlit app through AppTest, on the demo data: every page renders; overview and history.

Each test gets its own database folder with the demo loaded (SSTC_DB), and the cached services are
dropped before and after so no test sees another's store. Helpers here are shared by the other
test_app_* modules.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from people import TESTER, login_of, person, sign_in
from revisions import REVISED
from sstc_docs import demo as seed
from sstc_docs.ui.state import get_services

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = ("overview", "papers", "frameworks", "decisions", "history")


def services():
    """The app's own services (the cached instance), to check what a page saved."""
    return get_services()


def open_app(page: str = "overview", *, user: str = "Ana Tester", roles: tuple[str, ...] = ()) -> AppTest:
    """The app on ``page``, signed in as ``user`` (holding ``roles``; every role when none are given)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        sign_in(at, user, *roles)
    at.run()
    if page != "overview":
        at.switch_page(f"sstc_docs/ui/pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, tab: str) -> AppTest:
    """The tabs under ``key`` switched to ``tab``, as a click on it does: a page draws only its
    open tab, so a test reaches another tab's boxes this way."""
    at.session_state[key] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


#: the tabs of the Papers editor and of the Frameworks page, in order
PAPER_TABS = ("Cover and front matter", "Paragraphs and framework", "Draft decision", "Read", "Versions and download",
              "Compare versions", "As at a date")
FRAMEWORK_TABS = ("Revise an indicator", "Revision history", "Revision report", "Add an indicator")


def papers_tab(at: AppTest, tab: str, paper_id: str = seed.PAPER_ID) -> AppTest:
    assert tab in PAPER_TABS, tab
    return open_tab(at, f"papers:tabs:{paper_id}", tab)


def frameworks_tab(at: AppTest, tab: str) -> AppTest:
    assert tab in FRAMEWORK_TABS, tab
    return open_tab(at, "fw:tab", tab)


def services_as(name: str):
    """The app's services acting as someone else, ``name`` (every role)."""
    return services().acting_as(person(login_of(name), name))


def shown(markdown: str) -> str:
    """Markdown source as the words it shows: record text reaches Streamlit escaped (widgets.literal:
    a backslash before punctuation, an invisible word joiner inside shortcodes and addresses;
    widgets.literal_html: HTML entities)."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", ""))


def texts(elements) -> str:
    return "\n".join(shown(str(e.value)) for e in elements)


def versions(kind: str, record_id: str) -> int:
    return len(services().records.history(kind, record_id))


# -- every page renders ---------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_without_error(demo_db, page):
    at = open_app(page)
    assert at.title[0].value == page.capitalize()
    assert not at.error, texts(at.error)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_what_to_do_on_an_empty_database(empty_db, page):
    at = open_app(page)
    assert not at.error, texts(at.error)
    if page == "history":  # the only change yet: the account of who signed in
        assert _history_rows(at) == ["hist:open:account:ana.tester:1"]
    else:
        assert "demo" in texts(at.info) or "Papers page" in texts(at.info)


def test_the_signed_in_account_is_shown_on_every_page(demo_db):
    at = open_app("overview", user="Bo Li")
    at.switch_page("sstc_docs/ui/pages/history.py").run()
    assert "Bo Li (bo.li)" in texts(at.sidebar.markdown)


def test_without_a_session_the_app_asks_to_sign_in_and_shows_nothing_else(demo_db):
    at = open_app("overview", user="")
    assert at.title[0].value == "Sign in to sstc-docs"
    assert not at.get("dataframe")


# -- overview -------------------------------------------------------------------------------------
def test_overview_shows_state_of_play(demo_db):
    at = open_app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == "1"
    assert metrics["Decision points awaiting action"] == "1"
    assert metrics["Revisions not yet in force"] == "3"
    frames = [df.value for df in at.dataframe]
    decisions = next(f for f in frames if "Decision" in f.columns)
    assert list(decisions["Decision"]) == [seed.DECISION_ID]
    changes = next(f for f in frames if "Why" in f.columns)
    assert len(changes) >= 10 and set(changes["Who"]) == {TESTER.label}


def test_overview_empty_states(empty_db):
    at = open_app()
    info = texts(at.info)
    assert "No papers yet — create one on the Papers page" in info
    assert "python -m sstc_docs demo" in info


# -- history --------------------------------------------------------------------------------------
def _history_rows(at) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("hist:open:")]


def test_history_lists_every_change_and_filters(demo_db):
    at = open_app("history")
    assert len(_history_rows(at)) == 14  # the demo's 13 (its session included) and the signed-in account
    at.selectbox(key="hist:f:kind").set_value("paper").run()
    assert _history_rows(at) == [f"hist:open:paper:{seed.PAPER_ID}:1"]
    at.selectbox(key="hist:f:kind").set_value("All kinds").run()
    at.text_input(key="hist:f:record").input(seed.IND_PARTNERSHIPS).run()
    assert len(_history_rows(at)) == 2


def test_history_filters_by_who_and_date(demo_db):
    paper = services().records.get("paper", seed.PAPER_ID)
    changed = dict(paper.data, symbol_note=paper.data["symbol_note"] + " Checked.", symbol=REVISED, status="draft")
    services_as("Zoe").papers.update(seed.PAPER_ID, changed, why="Re-save", base_version=1)
    at = open_app("history")
    at.selectbox(key="hist:f:author").set_value("Zoe (zoe)").run()
    assert _history_rows(at) == [f"hist:open:paper:{seed.PAPER_ID}:2"]
    at.selectbox(key="hist:f:author").set_value("Anyone").run()
    today = dt.datetime.now(dt.timezone.utc).date()
    at.date_input(key="hist:f:dates").set_value((today, today)).run()
    assert len(_history_rows(at)) == 15
    at.date_input(key="hist:f:dates").set_value((dt.date(2001, 1, 1), dt.date(2001, 12, 31))).run()
    assert _history_rows(at) == []
    assert "No change matches these filters" in texts(at.info)


def test_history_opens_a_version(demo_db):
    at = open_app("history")
    at.button(key=f"hist:open:indicator:{seed.IND_PARTNERSHIPS}:2").click().run()
    assert not at.exception
    assert f"Indicator {seed.IND_PARTNERSHIPS} · version 2" in texts(at.subheader)
    assert not [df for df in at.dataframe if "Field" in df.value.columns]   # only the open tab is drawn
    open_tab(at, "hist:tabs:record", "Fields")
    assert not at.json                                  # the fields in words, no raw JSON
    assert any("text" in list(df.value["Field"]) for df in at.dataframe if "Field" in df.value.columns)
    at.button(key="hist:close").click().run()
    assert "version 2" not in texts(at.subheader)


def test_a_search_typed_on_evidence_is_still_there_after_a_page_switch(demo_db):
    at = open_app("evidence")
    at.text_input(key="ev_q").input("PARDEV").run()
    at.switch_page("sstc_docs/ui/pages/papers.py").run()
    at.switch_page("sstc_docs/ui/pages/evidence.py").run()
    assert at.text_input(key="ev_q").value == "PARDEV"
    assert open_app("evidence").text_input(key="ev_q").value == "PARDEV"     # and after a reload
