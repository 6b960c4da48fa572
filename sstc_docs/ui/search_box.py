"""The search box every page can put in the sidebar, and the safe HTML both it and the page use.

User text reaches the browser only HTML-escaped inside a ``<div>`` (Markdown leaves an HTML
block alone), so a title such as ``*draft* [x](y)`` reads exactly as typed; hits are ``<mark>``.
"""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

from ..errors import SstcError
from ..search.snippets import Snippet
from . import widgets as w

SEARCH_PAGE = Path(__file__).resolve().parent / "pages" / "search.py"
QUERY_KEY = "search:q"
BOX_FORM = "search:box"


def sidebar_search_box(services) -> None:
    """A search box in the sidebar: Enter opens the Search page with the words typed.

    It also catches the index up on every page run (one read of the journal's last line when
    nothing changed), so a search right after a save does not wait for the indexing."""
    with st.sidebar:
        with st.form(BOX_FORM, clear_on_submit=True, border=False):
            text = st.text_input("Search", placeholder="指标, approve indicator, GB.313/POL/7 …",
                                 help='Every kind of record. Words are all required; "a phrase" as written; '
                                      "-word leaves out.")
            submitted = st.form_submit_button("Search", icon=":material/search:")
    try:
        services.search.catch_up()
    except SstcError:
        pass  # the Search page says what is wrong when someone searches; other pages carry on
    if submitted and text.strip():
        w.preset(QUERY_KEY, text.strip())
        st.switch_page(SEARCH_PAGE)


def escaped(text: str) -> str:
    """HTML-escaped on one line: literal in the browser whatever characters it holds."""
    return html.escape(str(text).replace("\n", " "), quote=True)


def snippet_html(snippet: Snippet) -> str:
    """The snippet escaped, its hits in ``<mark>``."""
    pieces, last = [], 0
    for start, end in snippet.hits:
        pieces += [escaped(snippet.text[last:start]), "<mark>", escaped(snippet.text[start:end]), "</mark>"]
        last = end
    pieces.append(escaped(snippet.text[last:]))
    return "".join(pieces)


def html_block(markup: str) -> None:
    """Markup inside a <div> on one line, so Markdown never reads the user's text."""
    st.markdown(f'<div style="line-height:1.6;padding-bottom:0.9em">{markup}</div>', unsafe_allow_html=True)
