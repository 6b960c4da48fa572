"""Steps on the demo paper that more than one journey takes: on one server (test_journeys.py)
and on two servers sharing a PostgreSQL database (test_two_servers_journey.py)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from sstc_docs import demo as seed

PAPER = seed.PAPER_ID


def marker(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def open_paragraphs(app, tab: Page) -> None:
    """On the Papers page: the demo paper (whichever paper the list shows first), its paragraphs tab."""
    app.choose(tab, "Open paper", PAPER)
    app.open_tab(tab, "Paragraphs and framework")
    expect(tab.get_by_label("Paragraph 2 text", exact=True)).to_be_visible()


def edit_paragraph_2(app, tab: Page, text: str, reason: str) -> int:
    """Edit paragraph 2 of the demo paper and save with ``reason``; returns the new version number.
    While the latest version is the issued one, the edit starts its revision, as a user must."""
    latest = app.latest("paper", PAPER)
    expected, symbol = latest.version + 1, latest.data["symbol"]
    open_paragraphs(app, tab)
    if latest.data["status"] == "issued":
        symbol = f"{PAPER}(Rev.)"
        tab.get_by_role("button", name=f"Start the revision {symbol}").click()
        expect(tab.get_by_text(f"{PAPER} is issued", exact=False)).to_have_count(0)
        app.wait(tab)
    app.fill(tab, "Paragraph 2 text", text)
    app.fill(tab, "Reason for this change", reason)
    tab.get_by_role("button", name="Save", exact=True).click()
    expect(tab.get_by_text(f"Saved version {expected} of {symbol}.")).to_be_visible()
    expect(tab.get_by_role("heading", name=f"{symbol} · version {expected}")).to_be_visible()
    app.wait(tab)
    return expected


def two_people_edit_paragraph_2(eva_app, femi_app, screenshot: str) -> None:
    """Eva (on ``eva_app``'s server) types into paragraph 2 while Femi (on ``femi_app``'s, the same
    server or another on the same database) saves other words there: Eva's save meets the conflict
    panel with both texts, she keeps her words, and the merge saves them on top of Femi's version,
    which stays in the history."""
    first = eva_app.new_page("Eva First", "Papers")
    second = femi_app.new_page("Femi Second", "Papers")
    mine, theirs = marker("MINE"), marker("THEIRS")
    open_paragraphs(eva_app, first)
    eva_app.fill(first, "Paragraph 2 text", f"Eva's paragraph two {mine}.[^2]")
    eva_app.fill(first, "Reason for this change", "Journey 5: Eva's wording")

    their_version = edit_paragraph_2(femi_app, second, f"Femi's paragraph two {theirs}.[^2]",
                                     "Journey 5: Femi's wording")

    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.get_by_text("Not saved — someone else saved first.")).to_be_visible()
    expect(first.get_by_text(f"Femi Second (femi.second) saved version {their_version}", exact=False)).to_be_visible()
    expect(first.get_by_text(theirs).first).to_be_visible()       # their text, in the comparison
    expect(first.get_by_text(mine).first).to_be_visible()         # mine, in the comparison
    expect(first.get_by_label("Paragraph 2 text", exact=True)).to_have_value(f"Eva's paragraph two {mine}.[^2]")
    eva_app.shot(first, screenshot)
    assert eva_app.versions("paper", PAPER) == their_version

    merge = first.get_by_role("button", name=f"Merge my changes with version {their_version} and save")
    merge.click()                                   # the same words changed by both: it asks first
    expect(first.get_by_text("Choose, above, whose words to keep", exact=False)).to_be_visible()
    assert eva_app.versions("paper", PAPER) == their_version
    first.get_by_text("my words", exact=True).click()
    eva_app.wait(first)
    expect(first.get_by_text(f"Their words there stay in the history (version {their_version}).")).to_be_visible()
    merge.click()
    expect(first.get_by_text(f"Your changes were merged with those of Femi Second (femi.second) and saved: version "
                             f"{their_version + 1}.")).to_be_visible()
    latest = eva_app.latest("paper", PAPER)
    assert latest.version == their_version + 1 and mine in latest.data["body"][1]["text"]
    with eva_app.services() as services:
        older = services.records.get("paper", PAPER, their_version)
    assert theirs in older.data["body"][1]["text"]              # theirs stays in the history
