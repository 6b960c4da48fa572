"""A reviewer's journey in a real browser: edit the demo paper, open the diff of its last two versions
from the History page, see the inserted text marked, then download the redline from Papers and find
the edit as Word tracked changes."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from sstc_docs import demo as seed
from test_journeys import edit_paragraph_2, marker

pytestmark = pytest.mark.browser

PAPER = seed.PAPER_ID
TEXT = re.compile(r"<w:(?:t|delText)(?:\s[^>]*)?>([^<]*)</w:(?:t|delText)>")


def _tracked(xml: str, tag: str) -> str:
    """The text inside every <w:ins> or <w:del> of a document part."""
    blocks = re.findall(rf"<w:{tag}\s[^>]*>(.*?)</w:{tag}>", xml, flags=re.S)
    return "".join("".join(TEXT.findall(block)) for block in blocks)


def test_journey_compare_two_versions_and_download_the_redline(app, tmp_path):
    tab = app.new_page("Rita Reviewer", "Papers")
    token = marker("RV")
    version = edit_paragraph_2(app, tab, f"Paragraph two, reworded for the redline {token}.[^2]",
                               "Revisions journey: reword paragraph 2")

    app.go(tab, "History")
    app.fill(tab, "Record id (exact)", PAPER)
    diff = tab.get_by_role("button", name=re.compile("Diff")).first
    expect(diff).to_be_enabled()
    diff.click()
    app.wait(tab)
    expect(tab.get_by_text(f"paper {PAPER}: version {version - 1} → version {version}")).to_be_visible()
    inserted = tab.locator("ins", has_text=token)
    expect(inserted).to_be_visible()
    expect(tab.locator("del").first).to_be_visible()
    expect(tab.get_by_text("Paragraph 2", exact=True)).to_be_visible()
    inserted.scroll_into_view_if_needed()
    app.shot(tab, "compare")

    app.go(tab, "Papers")
    app.open_tab(tab, "Compare versions")
    button = tab.get_by_role("button", name=f"Download redline .docx (v{version - 1} → v{version})")
    expect(button).to_be_visible()
    expect(tab.locator("ins", has_text=token)).to_be_visible()
    app.shot(tab, "redline")
    with tab.expect_download(timeout=60_000) as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"GB.316-POL-5(Rev.)-redline-v{version - 1}-v{version}.docx"
    with zipfile.ZipFile(saved) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert token in _tracked(xml, "ins")
    assert _tracked(xml, "del").strip()          # the old wording of paragraph 2, struck through
    assert "Rita Reviewer (rita.reviewer)" in re.findall(r'<w:ins\s[^>]*w:author="([^"]*)"', xml)
