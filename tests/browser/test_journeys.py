"""What users do, in a real browser against `streamlit run` on the demo data.

Journeys are order-independent: each makes its own edit with a unique marker and reads version
numbers from the database before acting.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from paper_steps import PAPER, edit_paragraph_2, marker, open_paragraphs, two_people_edit_paragraph_2
from sstc_docs import demo as seed

pytestmark = pytest.mark.browser


def test_journey_1_edit_a_paragraph_and_see_the_new_version(app):
    tab = app.new_page("Ana Lopez", "Papers")
    app.shot(tab, "papers")
    text = f"用于南南合作和三角形合作指标的细化标准 {marker('J1')}。[^2]"
    version = edit_paragraph_2(app, tab, text, "Journey 1: tighten paragraph 2")
    app.open_tab(tab, "Versions and download")
    picker = tab.get_by_label("Version to download", exact=True)
    expect(picker).to_be_visible()
    expect(picker).to_have_value(re.compile(rf"^v{version} · .* · Ana Lopez \(ana\.lopez\) — Journey 1: tighten paragraph 2$"))
    app.shot(tab, "papers-versions")
    latest = app.latest("paper", PAPER)
    assert latest.version == version and latest.author == "Ana Lopez (ana.lopez)"
    assert latest.data["body"][1]["text"] == text


def test_journey_2_revise_a_target_then_adopt_the_decision(app):
    tab = app.new_page("Bo Chen", "Frameworks")
    app.shot(tab, "frameworks")
    target = f"每年签署并实施六个新的伙伴关系 {marker('J2')}。"
    app.choose(tab, "Indicator to revise", seed.IND_PARTNERSHIPS)
    # Wait for the chosen indicator's own form: the rerun that swaps the form in may not have started
    # yet when the choice shows, and typing into the previous indicator's form would be lost.
    in_force_target = tab.get_by_test_id("stMarkdownContainer").filter(has_text="In force now — target")
    expect(in_force_target.filter(has_text=seed.PARTNERSHIPS_ORIGINAL["target"]["text"])).to_be_visible()
    app.wait(tab)   # the run that swapped the form in has ended (and taken the previous form away)
    app.fill(tab, "New target", target)
    app.fill(tab, "Reason for the revision", "Journey 2: a higher target after the review")
    expect(tab.get_by_label("Authorised by decision", exact=True)).to_have_value(re.compile("^" + re.escape(seed.DECISION_ID)))
    tab.get_by_role("button", name="Propose revision").click()
    expect(tab.get_by_text(f"Revision proposed for {seed.IND_PARTNERSHIPS}")).to_be_visible()
    app.wait(tab)

    indicator = app.latest("indicator", seed.IND_PARTNERSHIPS).data
    revision = next(r for r in indicator["revisions"] if (r.get("new") or {}).get("target", {}).get("text") == target)
    assert revision["status"] == "proposed" and revision["decision_id"] == seed.DECISION_ID

    app.open_tab(tab, "Revision history")
    title = f"{revision['id']} · Revised · Proposed · {seed.DECISION_ID}"
    tab.get_by_text(title).click()   # the expander with old → new side by side
    expect(tab.get_by_text(target)).to_be_visible()
    app.shot(tab, "frameworks-history")

    app.go(tab, "Decisions")
    expect(tab.get_by_role("heading", name=f"{seed.DECISION_ID} · Submitted")).to_be_visible()
    app.shot(tab, "decisions")
    expect(tab.get_by_role("radiogroup")).to_contain_text("Adopted")
    expect(tab.get_by_text("The record of decision will read:")).to_be_visible()   # before adopting
    # Empty: never today by default (AppTest checks). A date field of segments: type into its first
    # (the year), which moves on by itself; a click elsewhere on the field lands on whichever segment
    # is under the pointer.
    tab.get_by_label("Adopted on", exact=True).get_by_role("spinbutton").first.click()
    tab.keyboard.type("20121116")
    tab.keyboard.press("Enter")
    app.wait(tab)
    expect(tab.get_by_text("Give the date the Governing Body adopted it")).to_have_count(0)
    app.fill(tab, "Reason for this change", "Journey 2: adopted by the Governing Body")
    tab.get_by_role("button", name="Move to Adopted").click()
    expect(tab.get_by_text(f"{seed.DECISION_ID} is now adopted")).to_be_visible()
    expect(tab.get_by_text("GB.316/POL/5，第 4 段").first).to_be_visible()   # the record of decision cites it
    app.shot(tab, "decisions-adopted")

    app.go(tab, "Frameworks")
    app.open_tab(tab, "Revision history")
    app.choose(tab, "Indicator", seed.IND_PARTNERSHIPS)
    expect(tab.get_by_text(f"{revision['id']} · Revised · In force · {seed.DECISION_ID}")).to_be_visible()
    settled = next(r for r in app.latest("indicator", seed.IND_PARTNERSHIPS).data["revisions"]
                   if r["id"] == revision["id"])
    assert settled["status"] == "in_force" and settled["effective_date"]


def test_journey_3_download_the_docx_holding_the_edit(app, tmp_path):
    tab = app.new_page("Chen Wei", "Papers")
    token = marker("J3")
    version = edit_paragraph_2(app, tab, f"Paragraph two as edited for the download {token}.[^2]",
                               "Journey 3: edit before export")
    app.open_tab(tab, "Versions and download")
    button = tab.get_by_role("button", name=f"Download .docx of version {version}")
    expect(button).to_be_visible()
    with tab.expect_download(timeout=60_000) as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "GB.316-POL-5(Rev.).docx"  # the edit is in the issued paper's revision
    with zipfile.ZipFile(saved) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    text = "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))
    assert token in text


def test_journey_4_bad_symbol_and_empty_reason_save_nothing(app):
    tab = app.new_page("Dana Roy", "Papers")
    papers_before = app.versions("paper", PAPER)
    with app.services() as services:
        count_before = len(services.papers.list())

    tab.get_by_text("Create a paper").click()
    app.fill(tab, "Symbol of the new paper", "GB316-POL-9")
    expect(tab.get_by_text("is not a Governing Body document symbol").first).to_be_visible()
    app.fill(tab, "Title of the new paper", "Should not be created")
    app.fill(tab, "Reason for creating it", "Journey 4")
    tab.get_by_role("button", name="Create paper").click()
    expect(tab.get_by_text("Correct the symbol above first. Nothing was saved.")).to_be_visible()
    app.shot(tab, "papers-bad-symbol")

    open_paragraphs(app, tab)
    app.fill(tab, "Paragraph 2 text", f"An edit with no reason {marker('J4')}.[^2]")
    tab.get_by_role("button", name="Save", exact=True).click()
    expect(tab.get_by_text("Give the reason for this change (it is kept in the history). Nothing was saved.")
           ).to_be_visible()

    with app.services() as services:
        assert len(services.papers.list()) == count_before
    assert app.versions("paper", PAPER) == papers_before


def test_journey_5_two_people_edit_the_same_paragraph(app):
    two_people_edit_paragraph_2(app, app, "papers-conflict")


def test_every_page_screenshot(app):
    tab = app.new_page("Gil Shot", "Overview")
    app.shot(tab, "overview")
    for page in ("Papers", "Frameworks", "Decisions", "History"):
        app.go(tab, page)
        app.shot(tab, page.lower())
    if tab.get_by_test_id("stSidebarNav").get_by_role("link", name="Evidence").count():
        app.go(tab, "Evidence")
        app.shot(tab, "evidence")
    app.go(tab, "History")
    tab.get_by_test_id("stButton").get_by_role("button", name="Open", exact=True).first.click()
    expect(tab.get_by_role("button", name="Close")).to_be_visible()
    app.shot(tab, "history-open")
