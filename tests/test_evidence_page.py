"""The Evidence page on the demo data, headless (Streamlit's AppTest): it renders, registers evidence
with an uploaded file and a link, refuses bad input with a message (never a traceback), and the
strategy's progress follows."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from people import TESTER, sign_in
from sstc_docs import demo as seed
from sstc_docs.services import open_services

PAGE = Path(__file__).resolve().parents[1] / "sstc_docs" / "ui" / "pages" / "evidence.py"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "db"
    services = open_services(path).acting_as(TESTER)
    services.load_demo()
    services.close()
    monkeypatch.setenv("SSTC_DB", str(path))
    monkeypatch.setenv("SSTC_AUTH", "accounts")
    st.cache_resource.clear()  # get_services() must open this test's database
    yield path
    st.cache_resource.clear()


def page(user: str = "Ana Lopez") -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if user:
        sign_in(at, user)
    at.run()
    assert not at.exception, at.exception
    return at


def show(at: AppTest, tab: str) -> AppTest:
    """Open a tab: the page's tabs track which one is open and compute only that one."""
    at.session_state["ev_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def evidence_heads(db: Path) -> list[dict]:
    services = open_services(db)
    try:
        return sorted(services.records.heads("evidence"), key=lambda h: h["id"])
    finally:
        services.close()


def test_page_renders_the_demo(db):
    at = page()
    assert [t.label for t in at.tabs] == ["Find evidence", "Register evidence", "Link evidence", "Progress"]
    assert not at.error
    # the three references the seed paper's footnotes cite are listed
    listed = at.dataframe[0].value
    assert set(listed["ID"]) == {"EV-GB313-PV-401", "EV-SSC-17-3", "EV-GB313-POL7-10"}
    show(at, "Register evidence")
    assert any("50 MB" in u.label for u in at.file_uploader)
    show(at, "Link evidence")
    assert [s.label for s in at.selectbox] == ["Evidence", "Indicator, decision or paper"]
    # progress of the demo strategy: every indicator at 0, the empty state says what to do
    show(at, "Progress")
    assert any("No evidence is linked to these indicators yet" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["No evidence"] == "3"
    assert not at.error


def test_registering_evidence_with_a_file_and_a_link(db):
    at = show(page(), "Register evidence")
    content = b"Report of the technical meeting\x00\x01\xff"
    at.text_input(key="ev_reg_0_title").input("Technical meeting on SSTC, Brasilia")
    at.selectbox(key="ev_reg_0_kind").select("meeting")
    at.selectbox(key="ev_reg_ind_0").select(seed.IND_MEETINGS)
    at.number_input(key="ev_reg_val_0").set_value(1.0)
    at.multiselect(key="ev_reg_dec_0").select(seed.DECISION_ID)
    at.file_uploader(key="ev_reg_file_0").upload("meeting report.pdf", content, "application/pdf")
    at.text_input(key="ev_reg_why_0").input("Report received from the Brasilia office")
    submit(at, "Register evidence")
    assert not at.error, [e.value for e in at.error]
    assert any("Registered EV-0001 with meeting report.pdf" in s.value for s in at.success)
    heads = {h["id"]: h for h in evidence_heads(db)}
    assert heads["EV-0001"]["indicator_ids"] == [seed.IND_MEETINGS]
    assert heads["EV-0001"]["decision_ids"] == [seed.DECISION_ID]
    assert heads["EV-0001"]["author"] == "Ana Lopez (ana.lopez)"
    services = open_services(db)
    try:
        assert services.evidence.download("EV-0001") == (content, "meeting report.pdf", "application/pdf")
    finally:
        services.close()
    # the form is fresh again, and the strategy's progress shows the meeting
    assert at.text_input(key="ev_reg_1_title").value == ""
    show(at, "Progress")
    assert {m.label: m.value for m in at.metric}["Actual (count) 技术会议"] == "1"
    assert any("meeting report.pdf (EV-0001)" in b.label for b in at.get("download_button"))
    # open it: the detail shows its link and offers the file for download
    show(at, "Find evidence")
    at.selectbox(key="ev_open").select("EV-0001").run()
    assert not at.exception
    assert any("contributes **1**" in m.value for m in at.markdown)
    assert any("meeting report.pdf" in b.label for b in at.get("download_button"))


def test_without_an_account_there_is_no_form_and_the_page_says_to_sign_in(db):
    at = show(page(user=""), "Register evidence")
    assert not [t for t in at.text_input if t.key == "ev_reg_0_title"]
    assert any("Sign in first" in c.value for c in at.caption)
    assert len(evidence_heads(db)) == 3


def test_bad_input_is_shown_and_nothing_stored(db):
    at = show(page(), "Register evidence")
    at.text_input(key="ev_reg_0_title").input("")
    at.file_uploader(key="ev_reg_file_0").upload("notes\x07.txt", b"", "text/plain")
    submit(at, "Register evidence")
    messages = " ".join(e.value for e in at.error)
    assert "Not saved" in messages and "must not be empty" in messages
    assert "control characters" in messages and "is empty" in messages
    assert "give the reason" in messages
    assert len(evidence_heads(db)) == 3
    assert not (db / "blobs").exists() or not any(p.is_file() for p in (db / "blobs").rglob("*"))


def test_file_over_the_limit_is_refused(db, monkeypatch):
    monkeypatch.setenv("SSTC_MAX_UPLOAD_MB", "0.001")
    at = show(page(), "Register evidence")
    assert any("1 KB" in u.label for u in at.file_uploader)
    at.text_input(key="ev_reg_0_title").input("Too big")
    at.selectbox(key="ev_reg_0_kind").select("file")
    at.file_uploader(key="ev_reg_file_0").upload("big.bin", b"x" * 5000)
    at.text_input(key="ev_reg_why_0").input("Trying a large file")
    submit(at, "Register evidence")
    assert any("the limit is 1 KB" in e.value for e in at.error)
    assert len(evidence_heads(db)) == 3


def test_linking_existing_evidence_raises_the_actual_value(db):
    at = show(page(), "Link evidence")
    at.selectbox(key="ev_link_which").select("EV-GB313-PV-401").run()
    at.selectbox(key="ev_link_ind_0").select(seed.IND_PARTNERSHIPS)
    at.number_input(key="ev_link_val_0").set_value(2.0)
    at.text_input(key="ev_link_why_0").input("The minutes record a partnership")
    submit(at, "Save the links")
    assert any("would count as 1" in e.value for e in at.error)  # said at link time, not counted silently
    at.number_input(key="ev_link_val_0").set_value(1.0)
    submit(at, "Save the links")
    assert not at.error, [e.value for e in at.error]
    assert any("Saved the links of EV-GB313-PV-401" in s.value for s in at.success)
    at.selectbox(key="ev_link_target").select(seed.IND_PARTNERSHIPS).run()
    tables = [d.value for d in at.dataframe if "Value" in d.value.columns and "Period" in d.value.columns]
    assert any("EV-GB313-PV-401" in list(t["Evidence"]) for t in tables)
    show(at, "Progress")
    at.selectbox(key="ev_prog_drill").select(seed.IND_PARTNERSHIPS).run()
    assert {m.label: m.value for m in at.metric}["Actual (count) 伙伴关系协议"] == "1"
