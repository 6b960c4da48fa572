"""The Search page and the sidebar box through Streamlit's AppTest, on the demo database."""

from __future__ import annotations

import html

from streamlit.testing.v1 import AppTest

from people import TESTER
from sstc_docs import demo as seed
from sstc_docs.ui.search_box import SEARCH_PAGE
from sstc_docs.ui.state import get_services

MARKUP_TITLE = "*Draft* <b>bold</b> [link](http://x.example) $x^2$ :red[alert] # heading"


def search_page(query: str = "") -> AppTest:
    at = AppTest.from_file(str(SEARCH_PAGE), default_timeout=60)
    at.run()
    if query:
        at.text_input(key="search:q").input(query).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def result_blocks(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("<div")]


def test_the_page_finds_the_demo_paper_and_marks_the_hit(demo_db):
    at = search_page("业务守则")
    assert at.title[0].value == "Search"
    assert "1 result(s)" in " ".join(m.value for m in at.markdown)
    [block] = result_blocks(at)
    assert html.escape(seed.PAPER_ID) in block and "paragraph 2" in block
    assert "<mark>业务守则</mark>" in block


def test_filters_and_any_version_on_the_page(demo_db):
    at = search_page("指标")
    assert len(result_blocks(at)) >= 6
    at.selectbox(key="search:f:kind").set_value("indicator").run()
    assert len(result_blocks(at)) == 4 and all("Indicator" in b for b in result_blocks(at))
    at.text_input(key="search:q").input("伙伴关系协议").run()
    at.toggle(key="search:f:any").set_value(True).run()
    [block] = result_blocks(at)
    assert "appeared in v1, still in the latest version" in block


def test_user_text_is_shown_literally_never_as_markdown_or_html(demo_db):
    get_services().acting_as(TESTER).records.save("paper", {"symbol": "GB.317/INS/3", "title": MARKUP_TITLE, "language": "en",
                                          "body": [{"type": "paragraph", "text": "The plan for 2027 " + MARKUP_TITLE}]},
                                why="test", base_version=None)
    at = search_page("plan 2027")
    [block] = result_blocks(at)
    assert html.escape(MARKUP_TITLE) in block
    assert "<b>bold</b>" not in block and "\n" not in block  # escaped, on one line: an HTML block Markdown skips


def test_nothing_found_and_no_query_say_what_to_do(demo_db):
    at = search_page()
    assert "Type a word" in at.info[0].value
    at.text_input(key="search:q").input("nothingmatchesthis").run()
    assert "Any version" in at.info[0].value
    at.text_input(key="search:q").input("—").run()
    assert "type a word" in at.error[0].value


def test_an_empty_database_says_how_to_fill_it(empty_db):
    at = search_page()
    assert "Papers page" in at.info[0].value and "demo" in at.info[0].value


def _app_with_sidebar_box(page_file: str) -> None:
    import streamlit as st

    from sstc_docs.ui.search_box import sidebar_search_box
    from sstc_docs.ui.state import get_services

    def home() -> None:
        st.title("Home")

    search = st.Page(page_file, title="Search", url_path="search")  # as streamlit_app.py lists pages
    navigation = st.navigation([st.Page(home, title="Home", default=True), search])
    sidebar_search_box(get_services())
    navigation.run()


def test_the_sidebar_box_opens_the_search_page_with_the_words(demo_db):
    at = AppTest.from_function(_app_with_sidebar_box, args=(str(SEARCH_PAGE),), default_timeout=60)
    at.run()
    assert at.title[0].value == "Home"
    at.sidebar.text_input[0].input("指标")
    at.sidebar.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Search"
    assert at.text_input(key="search:q").value == "指标"
    assert any(seed.PAPER_ID in b for b in result_blocks(at))

