"""The app all day, in a real browser: nothing typed is lost — another save landing while someone
types, a reload with unsaved text, two people editing different words of one paragraph.

Each journey has its own people (drafts are kept on the server per person) and unique markers.
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from people import person
from test_journeys import PAPER, edit_paragraph_2, marker, open_paragraphs

pytestmark = pytest.mark.browser
CLI_WRITER = person("cli.writer", "Cli Writer")


def _their_save(app, change) -> int:
    """A save by someone else (here the CLI's way: the services on the same database)."""
    with app.services() as services:
        latest = services.records.get("paper", PAPER)
        data = latest.data
        if data["status"] == "issued":  # fixed: the change is saved in its revision
            data.update(symbol=f"{PAPER}(Rev.)", status="draft")
        change(data)
        return services.acting_as(CLI_WRITER).papers.update(PAPER, data, why="saved elsewhere",
                                                            base_version=latest.version).version


def test_typing_while_another_save_lands_keeps_the_text_and_merges(app):
    tab = app.new_page("Ida Typist", "Papers")
    open_paragraphs(app, tab)
    mine, theirs = marker("TYPED"), marker("ELSEWHERE")
    # Their save lands while the page still shows the version it opened; what I type reaches the
    # server after it (when the typing pauses or the box loses focus).
    version = _their_save(app, lambda d: d["front_matter"].__setitem__("author_unit", f"PARDEV {theirs}"))
    app.fill(tab, "Paragraph 3 text", f"Paragraph three as I type it {mine}.")
    expect(tab.get_by_text(f"{CLI_WRITER.label} saved version {version} while you were typing", exact=False)
           ).to_be_visible()
    expect(tab.get_by_role("tab", name="Paragraphs and framework", exact=True)   # still where I was typing
           ).to_have_attribute("aria-selected", "true")
    expect(tab.get_by_label("Paragraph 3 text", exact=True)).to_have_value(f"Paragraph three as I type it {mine}.")
    app.fill(tab, "Reason for this change", "All day: paragraph 3")
    app.click(tab, "Save")
    latest = app.latest("paper", PAPER)
    expect(tab.get_by_text(f"Saved version {version + 1} of {latest.data['symbol']}.")).to_be_visible()
    assert mine in latest.data["body"][2]["text"] and theirs in latest.data["front_matter"]["author_unit"]


def test_a_reload_with_unsaved_text_brings_it_back(app):
    tab = app.new_page("Rex Reload", "Papers")
    login = app.account("Rex Reload")
    open_paragraphs(app, tab)
    text = f"Unsaved before the reload {marker('RELOAD')}.[^2]"
    app.fill(tab, "Paragraph 2 text", text)
    with app.services() as services:   # kept on the server by the run the blur caused
        assert any(text in json.dumps(v, ensure_ascii=False) for v in services.drafts.all(login).values())
    tab.reload()                        # a new session: signed out, nothing in it
    app.wait(tab)
    app.sign_in(tab, login)
    expect(tab.get_by_role("heading", name="Papers", exact=True)).to_be_visible()
    open_paragraphs(app, tab)
    expect(tab.get_by_label("Paragraph 2 text", exact=True)).to_have_value(text)
    app.click(tab, "Discard changes")
    expect(tab.get_by_text("Your unsaved changes were discarded.")).to_be_visible()
    with app.services() as services:
        assert not [k for k in services.drafts.all(login) if k.startswith("paper:")]


def _kept_on_server(app, login: str, text: str) -> bool:
    with app.services() as services:
        return any(text in json.dumps(v, ensure_ascii=False) for v in services.drafts.all(login).values())


def test_text_still_in_a_focused_box_is_kept_after_a_pause_and_survives_closing_the_tab(app):
    tab = app.new_page("Tia Typing", "Papers")
    login = app.account("Tia Typing")
    open_paragraphs(app, tab)
    text = f"Typed, never left the box {marker('PAUSE')}."
    field = tab.get_by_label("Paragraph 3 text", exact=True)
    field.click()
    field.press("Control+a")
    field.press_sequentially(text)                 # keystrokes only: no blur, no Enter
    deadline = time.monotonic() + 20
    while not _kept_on_server(app, login, text):   # sent by the pause, kept by the run it caused
        assert time.monotonic() < deadline, "the typed text never reached the server"
        time.sleep(0.2)                            # polling interval, not a wait for the app
    app.wait(tab)
    expect(field).to_be_focused()                  # the box kept the focus and the text
    expect(field).to_have_value(text)
    tab.context.close()                            # the tab is closed; nothing was ever blurred

    again = app.new_page("Tia Typing", "Papers")
    open_paragraphs(app, again)
    expect(again.get_by_label("Paragraph 3 text", exact=True)).to_have_value(text)


def test_two_people_edit_different_words_of_the_same_paragraph_both_kept(app):
    first = app.new_page("Una Early", "Papers")
    second = app.new_page("Vic Later", "Papers")
    original = app.latest("paper", PAPER).data["body"][1]["text"]
    start, end = marker("START"), marker("END")
    open_paragraphs(app, first)
    app.fill(first, "Paragraph 2 text", f"{start} {original}")
    app.fill(first, "Reason for this change", "All day: the start of paragraph 2")
    their_version = edit_paragraph_2(app, second, original.replace("[^2]", f" {end}[^2]"), "All day: its end")

    app.click(first, "Save")
    expect(first.get_by_text("Not saved — someone else saved first.")).to_be_visible()
    expect(first.get_by_text("you both changed it, in different places: merged").first).to_be_visible()
    app.click(first, f"Merge my changes with version {their_version} and save")
    expect(first.get_by_text(f"Your changes were merged with those of Vic Later (vic.later) and saved: "
                             f"version {their_version + 1}.")
           ).to_be_visible()
    expect(first.get_by_role("tab", name="Paragraphs and framework", exact=True)).to_have_attribute("aria-selected",
                                                                                                     "true")
    text = app.latest("paper", PAPER).data["body"][1]["text"]
    assert text.startswith(start) and f"{end}[^2]" in text


def _add_paper(app, symbol: str) -> None:
    from sstc_docs.services.papers import blank_paper
    with app.services() as services:
        if not services.records.exists("paper", symbol):
            services.acting_as(CLI_WRITER).papers.create(blank_paper(symbol, f"Item {symbol}", "en"), why="order test")


def test_papers_list_in_natural_order_and_a_row_opens_its_paper(app):
    for symbol in ("GB.316/POL/10", "GB.316/POL/9"):
        _add_paper(app, symbol)
    tab = app.new_page("Nat Order", "Papers")
    picker = tab.get_by_label("Open paper", exact=True)
    picker.click()
    options = [o.inner_text() for o in tab.get_by_role("option").all()]
    tab.keyboard.press("Escape")
    symbols = [o.split(" — ")[0].removesuffix("(Rev.)") for o in options]   # "symbol — title"; the demo's may be revised
    assert [s for s in symbols if s in (PAPER, "GB.316/POL/9", "GB.316/POL/10")] == [PAPER, "GB.316/POL/9",
                                                                                     "GB.316/POL/10"]
    assert "GB.316/POL/10 — Item GB.316/POL/10" in options
    app.wait(tab)
    grid = tab.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row = symbols.index("GB.316/POL/10")
    tab.mouse.click(box["x"] + 12, box["y"] + 35 * (row + 1) + 17)     # the row's selection cell
    app.wait(tab)
    expect(tab.get_by_role("heading", name="GB.316/POL/10 · version 1")).to_be_visible()
    app.shot(tab, "papers-row-opened")


def test_reading_view_of_the_chinese_demo_paper_has_chinese_labels(app):
    tab = app.new_page("Lin Reader", "Papers")
    app.open_tab(tab, "Read")
    expect(tab.get_by_text("第五项议程")).to_be_visible()
    expect(tab.get_by_text("决定草案", exact=True)).to_be_visible()
    expect(tab.get_by_text("供决定", exact=True)).to_be_visible()
    app.shot(tab, "papers-read")
