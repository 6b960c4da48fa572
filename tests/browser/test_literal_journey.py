"""Text people typed shows as they typed it, in Chromium, on every page — and nothing is fetched
from an address found in it.

A tiny HTTP server on 127.0.0.1 records every request (the probe). Records are planted whose
every text field holds an image from the probe, Markdown, a Streamlit directive, LaTeX and HTML
(tests/hostile.py); a `streamlit run` over that database is opened page by page, tab by tab.
The probe must never be asked for anything, the text must read as typed, and nothing may be
made from it: no bold, no colour, no maths, no image.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from hostile import REWRITTEN, plant
from people import TESTER
from sstc_docs import demo as seed
from sstc_docs.services import open_services

pytestmark = pytest.mark.browser

TYPED = "**x** :red[x] $x$ <b>h</b>"   # the planted text after the image, as it must read


class Probe:
    """An HTTP server on a free loopback port that answers 204 and remembers every path asked for."""

    def __init__(self):
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_HEAD = do_POST = do_GET

            def log_message(self, *args):  # the test reports requests itself
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}/probe"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def probe():
    opened = Probe()
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def planted(probe, serve, tmp_path_factory):
    """A server over the demo with the planted records; yields (address, database, planted ids)."""
    db = tmp_path_factory.mktemp("literal") / "db"
    services = open_services(db).acting_as(TESTER)
    try:
        services.load_demo()
        ids = plant(services, probe.address)
    finally:
        services.close()
    with serve(db, tmp_path_factory.mktemp("literal-server")) as base:
        yield base, db, ids


@pytest.fixture
def app(app_at, planted):
    base, db, _ = planted
    return app_at(base, db)


MADE = r"""() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const all = selector => [...document.querySelectorAll(selector)];
    const text = main.innerText;
    return {
        bold: all('strong, b').filter(e => ['x', 'h'].includes(e.textContent.trim())).length,
        maths: all('.katex, math').length,
        colour: all('.stMarkdownColoredText, .stMarkdownColoredBackground').length,
        images: [...document.images].filter(image => image.src.includes('/probe')).length,
        blocks: all('h1, h2, h3, h4, h5, h6, li, pre, code').filter(e => /hd1|li1|ol1|cd1/.test(e.textContent)).length,
        shortcodes: main.querySelectorAll('[aria-label="home icon"], img[alt="Streamlit logo"]').length
                    + (text.includes('\u{1F604}') ? 1 : 0),
        links: all('a[href]').filter(a => /example\.com|mailto:/.test(a.href)).length,
        arrows: text.includes('a \u2192 b') ? 1 : 0,
    };
}"""
NOTHING = dict.fromkeys(("bold", "maths", "colour", "images", "blocks", "shortcodes", "links", "arrows"), 0)


def literal(app, tab: Page, probe: Probe, name: str, *, typed: bool = True) -> None:
    """The page, once its script is done: the text shown as typed (when the page shows any outside
    tables), nothing made from it, nothing fetched from the probe; then a screenshot."""
    app.wait(tab)
    if typed:
        expect(tab.get_by_test_id("stMain").get_by_text(TYPED).filter(visible=True).first).to_be_visible()
    app.shot(tab, f"literal-{name}")
    made = tab.evaluate(MADE)
    assert (made, probe.requests) == (NOTHING, []), name


def reads(tab: Page, text: str) -> None:
    """``text`` is on the page as typed: read from innerText, without the invisible word joiners
    literal() puts inside shortcodes and addresses."""
    shown = tab.get_by_test_id("stMain").evaluate("main => main.innerText.replaceAll('\\u2060', '')")
    assert text in shown


def test_overview_and_history(app, probe):
    tab = app.new_page("Ana Lopez", "Overview")
    literal(app, tab, probe, "overview", typed=False)   # its record text is in tables, which show text
    app.go(tab, "History")
    literal(app, tab, probe, "history")
    tab.get_by_test_id("stButton").get_by_role("button", name="Open", exact=True).first.click()
    expect(tab.get_by_text("Why:").first).to_be_visible()
    literal(app, tab, probe, "history-version")
    app.open_tab(tab, "What changed")
    literal(app, tab, probe, "history-version-diff")


def test_papers_tabs_and_the_as_at_reader(app, probe, planted):
    tab = app.new_page("Ana Lopez", "Papers")
    literal(app, tab, probe, "papers")
    app.open_tab(tab, "Paragraphs and framework")
    literal(app, tab, probe, "papers-paragraphs")
    app.open_tab(tab, "Draft decision")
    tab.get_by_text("As printed").last.click()
    literal(app, tab, probe, "papers-decision")
    app.open_tab(tab, "Versions and download")
    expect(tab.get_by_label("Version to download", exact=True)).to_have_value(re.compile(re.escape(TYPED)))
    literal(app, tab, probe, "papers-versions", typed=False)
    app.open_tab(tab, "Compare versions")
    literal(app, tab, probe, "papers-compare")
    app.open_tab(tab, "As at a date")
    # A date field of segments (year, month, day): type the digits into the first, they move on by themselves.
    tab.get_by_label("Show the paper as it stood on", exact=True).get_by_role("spinbutton").first.click()
    tab.keyboard.type(dt.date.today().strftime("%Y%m%d"))
    tab.get_by_role("heading", name="Papers", exact=True).click()   # leaving the field sends the date
    expect(tab.get_by_role("heading", name=TYPED).first).to_be_visible()   # the title; a heading too
    literal(app, tab, probe, "papers-as-at")
    for line in ("# hd1", "- li1", "1. ol1", "cd1", REWRITTEN):   # purpose and paragraph 1, as typed
        reads(tab, line)


def test_frameworks(app, probe):
    tab = app.new_page("Ana Lopez", "Frameworks")
    expect(tab.get_by_label("Strategy", exact=True)).to_have_value(re.compile(re.escape(TYPED)))
    literal(app, tab, probe, "frameworks")
    app.open_tab(tab, "Revision history")
    app.choose(tab, "Indicator", seed.IND_PARTNERSHIPS)
    tab.get_by_test_id("stExpander").filter(has_text=seed.DECISION_ID).first.click()
    literal(app, tab, probe, "frameworks-history")
    app.open_tab(tab, "Revision report")
    tab.get_by_text("Read the report here").click()
    expect(tab.get_by_text(f"Authorised by {seed.DECISION_ID}").first).to_be_visible()
    literal(app, tab, probe, "frameworks-report")


def test_decisions(app, probe, planted):
    decision = planted[2]["decision"]
    tab = app.new_page("Ana Lopez", "Decisions")
    app.choose(tab, "Open decision point", decision)
    expect(tab.get_by_role("heading", name=f"{decision} · Draft")).to_be_visible()
    literal(app, tab, probe, "decisions")


def test_evidence(app, probe, planted):
    evidence = planted[2]["evidence"]
    tab = app.new_page("Ana Lopez", "Evidence")
    app.choose(tab, "Open an evidence record", evidence)
    link = tab.get_by_role("link", name=f"{probe.address}?link")
    expect(link).to_have_attribute("href", f"{probe.address}?link")   # a link to follow, never fetched on view
    literal(app, tab, probe, "evidence")
    for line in ("# hd1", "- li1", "1. ol1", "cd1", REWRITTEN):   # the notes, as typed
        reads(tab, line)
    app.open_tab(tab, "Progress")
    app.choose(tab, "Indicator", planted[2]["indicator"])
    literal(app, tab, probe, "evidence-progress")
