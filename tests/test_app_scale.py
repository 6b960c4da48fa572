"""Pages over many records (AppTest): lists come a page at a time with paging that works, and no
select box offers more than a picker's few dozen options — records are found by a search box."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from people import TESTER, sign_in
from sstc_docs import demo as seed
from sstc_docs.services import open_services
from sstc_docs.services.search import SUGGESTIONS

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE = 2000
PAPERS = 120


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The demo, 2,000 evidence records linked to its indicator, and 120 more papers."""
    path = tmp_path_factory.mktemp("scale") / "db"
    services = open_services(path).acting_as(TESTER)
    services.load_demo()
    with services.records.unit(why="A large archive"):
        for n in range(1, EVIDENCE + 1):
            services.evidence.register({"title": f"Mission report number {n}", "kind": "report",
                                        "date": f"{2012 + n % 2}-05-{1 + n % 28:02d}", "reliability": "reported",
                                        "links": {"indicators": [{"id": seed.IND_MEETINGS, "value": 1, "period": ""}],
                                                  "decisions": [], "papers": []}}, why="A large archive")
        for n in range(1, PAPERS + 1):
            services.papers.create({"symbol": f"GB.350/INS/{n}", "title": f"Programme report {n}", "language": "en",
                                    "body": []}, why="A large archive")
    services.close()
    return path


@pytest.fixture
def db(archive, monkeypatch) -> Path:
    monkeypatch.setenv("SSTC_DB", str(archive))
    monkeypatch.setenv("SSTC_AUTH", "accounts")
    st.cache_resource.clear()
    yield archive
    st.cache_resource.clear()


def open_page(name: str, tab: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "sstc_docs" / "ui" / "pages" / f"{name}.py"), default_timeout=120)
    sign_in(at, "Ana Lopez")
    if tab:
        at.session_state["ev_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def assert_no_big_pickers(at: AppTest) -> None:
    sizes = {box.label: len(box.options) for box in [*at.selectbox, *at.multiselect]}
    assert sizes and all(n <= SUGGESTIONS for n in sizes.values()), sizes


def listed_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["ID"])


def test_evidence_comes_a_page_at_a_time_and_the_pages_turn(db):
    at = open_page("evidence")
    assert_no_big_pickers(at)
    pages = -(-(EVIDENCE + 3) // 50)
    pager = at.number_input(key="ev_page")
    assert pager.label == f"Page (of {pages})"
    first = listed_ids(at)
    assert len(first) == 50
    pager.set_value(2).run()
    second = listed_ids(at)
    assert len(second) == 50 and not set(first) & set(second)
    at.number_input(key="ev_page").set_value(pages).run()
    assert len(listed_ids(at)) == (EVIDENCE + 3) % 50
    assert any(f"{EVIDENCE + 3} of {EVIDENCE + 3} evidence" in c.value for c in at.caption)
    # a filter narrows the count and the pages with it
    at.text_input(key="ev_q").input("number 1999").run()
    assert listed_ids(at) == ["EV-1999"]
    assert not [n for n in at.number_input if n.key == "ev_page"]


def test_the_evidence_to_link_is_found_by_typing_not_chosen_from_every_record(db):
    at = open_page("evidence", "Link evidence")
    assert_no_big_pickers(at)
    at.text_input(key="ev_link_which:find").input("EV-1234").run()
    assert at.selectbox(key="ev_link_which").options[0].startswith("EV-1234 — Mission report number 1234")
    at.selectbox(key="ev_link_which").select("EV-1234").run()
    assert not at.exception
    assert_no_big_pickers(at)                         # the link form's pickers too
    assert at.selectbox(key="ev_link_ind_0").options  # the demo's indicators are offered
    at.text_input(key="ev_link_target:find").input(seed.IND_MEETINGS).run()
    at.selectbox(key="ev_link_target").select(seed.IND_MEETINGS).run()
    assert len(at.dataframe[0].value) == EVIDENCE    # every evidence linked to it, from its own end
    at = open_page("evidence", "Register evidence")
    assert_no_big_pickers(at)


def test_papers_come_a_page_at_a_time(db):
    at = open_page("papers")
    assert_no_big_pickers(at)
    assert at.number_input(key="papers:page").label == "Page (of 3)"
    first = at.dataframe[0].value["Symbol"].tolist()
    at.number_input(key="papers:page").set_value(3).run()
    last = at.dataframe[0].value["Symbol"].tolist()
    assert len(first) == 50 and len(last) == PAPERS + 1 - 100 and not set(first) & set(last)
    assert seed.PAPER_ID in last                      # GB.316 after GB.350: newest session first


def test_history_reads_the_changes_a_page_at_a_time(db):
    """The audit trail has no count: a page reads the changes up to its end and one more, so the
    pager offers the pages back to the latest 500 until the end is reached."""
    at = open_page("history")

    def rows() -> list[str]:
        return [b.key for b in at.button if (b.key or "").startswith("hist:open:")]

    first = rows()
    assert len(first) == 25 and any("Changes 1–25" in m.value for m in at.markdown)
    assert at.number_input(key="hist:page").label == "Page (of up to 20)"
    at.number_input(key="hist:page").set_value(2).run()
    second = rows()
    assert len(second) == 25 and not set(first) & set(second)
    assert any("Changes 26–50" in m.value for m in at.markdown)
    at.number_input(key="hist:page").set_value(20).run()
    assert len(rows()) == 25 and any("500 change(s)" in m.value and "latest 500" in m.value for m in at.markdown)
    assert at.number_input(key="hist:page").label == "Page (of 20)"
    at.selectbox(key="hist:f:kind").set_value("strategy").run()     # the demo's two versions: page 20 is past the end
    assert len(rows()) == 2 and any("2 change(s)" in m.value for m in at.markdown)
    assert not [n for n in at.number_input if n.key == "hist:page"]
