"""Record text reaches Streamlit's Markdown only escaped, on every page (the browser test checks what
Chromium then shows: tests/browser/test_literal_journey.py).

Records are planted with Markdown, Streamlit directives, LaTeX, HTML and an image in every text
field, and shortcodes, bare addresses and line-start markup in some (tests/hostile.py); then every string of every element that Streamlit reads as Markdown —
bodies, captions, alerts, headings, labels, help texts — is checked for the raw markup.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from streamlit.testing.v1.element_tree import AlertBase, Block, HeadingBase, Markdown

from hostile import hostile, plant
from sstc_docs import demo as seed
from sstc_docs.services import open_services
from test_app_pages import FRAMEWORK_TABS, PAPER_TABS, frameworks_tab, open_app, open_tab, papers_tab, services, shown

ADDRESS = "http://127.0.0.1:9/probe"
TEXT = hostile(ADDRESS)
# What Markdown would make an image, bold, colour, maths or HTML of; a heading, list or code block;
# and what Streamlit or GFM would rewrite as an icon, emoji, logo, link or arrow.
RAW = ("![", "**x**", ":red[", "$x$", "<b>h</b>", "\n# hd1", "\n- li1", "\n1. ol1", "    cd1",
       ":material/", ":smile:", ":streamlit:", "www.", "a@b", "://", " -> ")


@pytest.fixture
def planted(demo_db):
    services = open_services(demo_db)
    try:
        yield plant(services, ADDRESS)
    finally:
        services.close()


def _sources(node):
    """(Markdown source, whether it is an HTML block) for everything under ``node`` Streamlit renders as Markdown."""
    if isinstance(node, Block):
        if getattr(node, "label", ""):
            yield node.label, False            # expander and tab labels
        for child in node.children.values():
            yield from _sources(child)
    elif isinstance(node, Markdown):
        yield node.value, node.proto.allow_html
    elif isinstance(node, (AlertBase, HeadingBase)):
        yield node.value, False
    for name in ("label", "help"):             # widget, button and metric labels and their tooltips
        value = getattr(getattr(node, "proto", None), name, "")
        if isinstance(value, str) and value and not isinstance(node, Block):
            yield value, False


def check(at, *, expect_text: bool = True) -> None:
    """No raw markup in any Markdown source; HTML blocks one line with the text escaped; the planted
    text shown as typed somewhere on the page."""
    assert not at.exception, [e.value for e in at.exception]
    seen = []
    for source, is_html in _sources(at._tree):
        if is_html:
            assert "\n" not in source and "\r" not in source, source   # a blank line would end the HTML block
            # no tag from the text, and nothing for the passes that read the raw source (icons, LaTeX)
            assert not [raw for raw in ("<b>h</b>", "<img", ":material/", "$x$") if raw in source], source
            seen.append(html.unescape(source))
        else:
            assert not [raw for raw in RAW if raw in source], source
            seen.append(shown(source))
    if expect_text:
        assert any("**x** :red[x] $x$ <b>h</b>" in text for text in seen)


def test_overview_and_history_show_the_text_as_typed(planted):
    check(open_app("overview"), expect_text=False)   # its record text is in tables, which show text
    at = open_app("history")
    check(at)
    at.session_state["hist:open"] = ("paper", seed.PAPER_ID, services().records.get("paper", seed.PAPER_ID).version)
    at.run()
    check(at)
    for tab in ("What changed", "Fields"):   # one tab of the version is drawn at a time
        check(open_tab(at, "hist:tabs:paper", tab))
    at.toggle(key="hist:cmp:on").set_value(True).run()
    check(at)


def test_papers_show_the_text_as_typed_in_every_tab_and_the_reader(planted):
    at = open_app("papers")
    for tab in PAPER_TABS:   # one tab is drawn at a time
        check(papers_tab(at, tab))
    at.date_input(key=f"papers:asof:{seed.PAPER_ID}").set_value(dt.date.today()).run()
    check(at)
    # the reading view (the Word layout as HTML) shows the planted title as typed
    assert any("**x** :red[x] $x$ <b>h</b>" in html.unescape(m.value) for m in at.markdown
               if m.proto.allow_html and "font-size:1.35em" in m.value)


def test_frameworks_show_the_text_as_typed(planted):
    at = open_app("frameworks")   # one tab is drawn at a time: each is opened in turn
    at.selectbox(key="fw:rev:indicator").set_value(planted["indicator"]).run()
    check(at)
    at.session_state[f"cmp:indicator:{seed.IND_PARTNERSHIPS}:open"] = True
    frameworks_tab(at, "Revision history").selectbox(key="fw:hist:indicator").set_value(seed.IND_PARTNERSHIPS).run()
    assert any("Fingerprint" in df.value.columns for df in at.dataframe)   # its versions, opened
    check(at)
    at.session_state[f"fw:report:{seed.STRATEGY_ID}:open"] = True
    for tab in FRAMEWORK_TABS[2:]:
        check(frameworks_tab(at, tab))


def test_decisions_show_the_text_as_typed(planted):
    decision = planted["decision"]
    at = open_app("decisions")
    at.selectbox(key="dec:pick").set_value(decision).run()
    at.session_state[f"dec:asof:{decision}:open"] = True
    at.session_state[f"cmp:decision:{decision}:open"] = True
    at.run()
    at.date_input(key=f"dec:asof:{decision}").set_value(dt.date.today()).run()
    check(at)


def test_evidence_shows_the_text_as_typed_in_every_tab(planted):
    at = open_app("evidence")
    at.selectbox(key="ev_open").set_value(planted["evidence"]).run()
    check(at)
    assert any(f'href="{ADDRESS.replace(":", "&#58;")}?link"' in m.value for m in at.markdown if m.proto.allow_html)
    at.session_state["ev_tab"] = "Link evidence"
    at.run()
    at.selectbox(key="ev_link_which").set_value(planted["evidence"]).run()
    check(at, expect_text=False)   # its labels and help, checked; the record text is in option lists
    at.session_state["ev_tab"] = "Progress"
    at.run()
    at.selectbox(key="ev_prog_drill").set_value(planted["indicator"]).run()
    check(at)
