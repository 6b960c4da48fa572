"""Text Word cannot hold is cleaned, never a crash; \\v is a line break and \\f a page break."""

from __future__ import annotations

import dataclasses
import io

import docx as python_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_word_support import Docx, body_texts, footnote_texts, paragraphs, paragraph_text, q

from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.word import export_docx, redline_docx
from sstc_docs.word.text import clean, pieces, plain


def test_clean_and_pieces():
    assert clean("a\x00b\x07c\ud800d\ufffee\uffff") == "abcde"
    assert clean("line\nnext\vtab\tpage\f") == "line next tab page "
    assert list(pieces("a\vb\fc\r\nd\te\x01")) == [
        ("t", "a"), ("br", ""), ("t", "b"), ("page", ""), ("t", "c"), ("br", ""), ("t", "d"), ("tab", ""),
        ("t", "e")]
    assert list(pieces("")) == [] and list(pieces(None)) == []
    assert plain("x\fy\x02") == "x\ny"
    assert clean(12) == "12"


def _bundle_with(text: str, note: str = "note", title: str = "Title"):
    bundle = demo_bundle()
    paper = dict(bundle.paper, title=title, front_matter=dict(bundle.paper["front_matter"], purpose=text))
    blocks = [{"type": "paragraph", "numbered": True, "text": text + "[^1]",
               "footnotes": [{"key": "1", "text": note}]}] + bundle.blocks[1:]
    return dataclasses.replace(bundle, paper=paper, blocks=blocks)


def test_vertical_tab_and_form_feed_become_breaks():
    data = Docx(export_docx(_bundle_with("first\vsecond\fthird\x00\ud83d!")))
    # the body paragraph (the purpose entry that starts the same way ends with the decision pointer)
    first = [p for p in paragraphs(data.document) if paragraph_text(p).startswith("first")][-1]
    breaks = [b.get(q("w:type")) for b in first.iter(q("w:br"))]
    assert breaks == [None, "page"]
    assert paragraph_text(first) == "first\nsecond\fthird!"


_ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
_NASTY = st.text(alphabet=st.sampled_from(list("\x00\x01\x08\t\n\v\f\r\x1f\ud800\udfff\ufffe\uffff"
                                                "abc 中文 [^1]<>&\"'http://x.org/ www. \u2028\U0001F600")),
                 max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(_ANY_TEXT, _NASTY), note=st.one_of(_ANY_TEXT, _NASTY), title=st.one_of(_ANY_TEXT, _NASTY))
def test_fuzzed_text_never_breaks_the_export(text, note, title):
    data = export_docx(_bundle_with(text, note, title))
    document = python_docx.Document(io.BytesIO(data))          # opens
    assert document.paragraphs
    read = Docx(data)
    expected = plain(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\t", "")
    texts = [t.replace("\t", "") for t in body_texts(read.document)]
    assert expected.replace("\f", "\n") in [t.replace("\f", "\n") for t in texts] or not expected
    assert list(footnote_texts(read))[:1] == [1]


@settings(max_examples=25, deadline=None)
@given(old=_NASTY, new=_NASTY)
def test_fuzzed_redline_never_breaks(old, new):
    def version(text: str, recorded_at: str):
        return dataclasses.replace(_bundle_with(text), author="A\x00uthor", recorded_at=recorded_at)
    data = redline_docx([version(old, "2012-11-01"), version(new, "2012-11-02")])
    python_docx.Document(io.BytesIO(data))
