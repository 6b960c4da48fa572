"""Redline: native tracked changes; accept-all gives the new paper, reject-all the old one."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from test_word_english import DECISION, english_paper
from test_word_support import (Docx, body_texts, footnote_texts, numbered_paragraphs, paragraph_text, q,
                               resolve_changes, resolved_footnotes)

from sstc_docs import demo
from sstc_docs.domain.bundle import PaperBundle, assemble, demo_bundle
from sstc_docs.domain.records import validate
from sstc_docs.word import export_docx, redline_docx

AUTHOR, DATE = "Drafter B", "2012-11-03T09:30:00Z"
INSERTED_PARAGRAPH = "本文件增加了一个新的段落。"


def _demo_indicators(drop_b: bool = False) -> tuple[dict, dict]:
    indicators = {i["id"]: copy.deepcopy(i) for i in (demo.INDICATOR_MEETINGS, demo.INDICATOR_PROGRAMMES,
                                                     demo.INDICATOR_COUNTRIES, demo.INDICATOR_PARTNERSHIPS_V2)}
    strategy = copy.deepcopy(demo.STRATEGY_V2)
    if drop_b:
        strategy["outcomes"][0]["indicator_ids"].remove(demo.IND_COUNTRIES)
    return strategy, indicators


def changed_seed() -> PaperBundle:
    paper = copy.deepcopy(demo.PAPER)
    body = paper["body"]
    body[0]["text"] = body[0]["text"].replace("细化两个成果指标", "细化三个成果指标")
    body[1]["footnotes"][0]["text"] = f"可从下列网址获取（已更新）：{demo.SOURCE_URL}。"
    del body[2]                                                      # paragraph 3 deleted
    body.insert(2, {"type": "paragraph", "numbered": True, "text": INSERTED_PARAGRAPH + "[^n]",
                    "footnotes": [{"key": "n", "text": "新的脚注。"}]})
    strategy, indicators = _demo_indicators(drop_b=True)             # the (B) rows go
    indicators[demo.IND_MEETINGS]["target"] = {"text": "在当前的两年期举行十二次会议。"}
    decision = dict(demo.DECISION, text=demo.DECISION["text"].replace("批准", "核可"))
    return assemble(paper, 2, strategies={demo.STRATEGY_ID: strategy}, indicators=indicators,
                    decisions=[(decision, 2)], author=AUTHOR, recorded_at=DATE)


def with_symbol(bundle: PaperBundle, symbol: str) -> PaperBundle:
    return dataclasses.replace(bundle, paper=dict(bundle.paper, symbol=symbol))


@pytest.fixture(scope="module")
def pair():
    return demo_bundle(), changed_seed()


@pytest.fixture(scope="module")
def redline(pair) -> Docx:
    old, new = pair
    return Docx(redline_docx([old, new]))


def test_tracked_changes_carry_author_and_date(redline):
    for part in (redline.document, redline.footnotes):
        changes = list(part.iter(q("w:ins"), q("w:del")))
        assert changes
        for change in changes:
            assert change.get(q("w:author")) == AUTHOR
            assert change.get(q("w:date")) == DATE
    ids = [c.get(q("w:id")) for p in (redline.document, redline.footnotes) for c in p.iter(q("w:ins"), q("w:del"))]
    assert len(ids) == len(set(ids))                                 # unique across parts
    deleted = "".join(t.text for t in redline.document.iter(q("w:delText")))
    inserted = "".join(paragraph_text(i) for i in redline.document.iter(q("w:ins")) if i.getparent().tag == q("w:p"))
    assert "两" in deleted and "三" in inserted                       # by character, not the whole sentence
    assert "成果 1 和成果 2 的行文" in deleted                        # the deleted paragraph
    assert INSERTED_PARAGRAPH in inserted
    assert "批准" in deleted and "核可" in inserted                   # the decision text, inside the box


def test_an_internal_draft_keeps_its_own_symbol_without_rev(redline):
    texts = body_texts(redline.document)
    assert texts[0] == "国际劳工局\tGB.316/POL/5"
    headers = ["".join(body_texts(redline.xml(h))) for h in redline.part_for("header")]
    assert any("GB.316/POL/5" in h for h in headers) and not any("(Rev" in h for h in headers)


def test_whole_paragraphs_rows_and_notes(redline):
    marks = {kind: [p for p in redline.document.iter(q("w:p"))
                    if p.find(f"{q('w:pPr')}/{q('w:rPr')}/{q('w:' + kind)}") is not None]
             for kind in ("ins", "del")}
    assert [paragraph_text(p) for p in marks["ins"]] == [INSERTED_PARAGRAPH]
    assert [paragraph_text(p, deleted=True) for p in marks["del"]][0].startswith("成果 1 和成果 2 的行文")
    deleted_rows = [tr for tr in redline.document.iter(q("w:tr"))
                    if tr.find(f"{q('w:trPr')}/{q('w:del')}") is not None]
    assert [paragraph_text(tr.find(q("w:tc")), deleted=True) for tr in deleted_rows] == ["新的指标(B)：", "基线：", "目标："]
    # footnote 2's text change is tracked inside the note; the new paragraph's note is inserted whole
    notes = {int(n.get(q("w:id"))): n for n in redline.footnotes.iter(q("w:footnote"))}
    assert "（已更新）" in "".join(paragraph_text(i) for i in notes[2].iter(q("w:ins")))
    new_note = next(n for i, n in notes.items() if i > 0 and "新的脚注" in paragraph_text(n))
    assert new_note.find(f"{q('w:p')}/{q('w:ins')}") is not None


def test_accept_all_is_the_new_version_and_reject_all_the_old(pair, redline):
    old, new = pair
    new_docx = Docx(export_docx(new))
    old_docx = Docx(export_docx(with_symbol(old, new.paper["symbol"])))
    assert body_texts(resolve_changes(redline.document, accept=True)) == body_texts(new_docx.document)
    assert body_texts(resolve_changes(redline.document, accept=False)) == body_texts(old_docx.document)
    assert resolved_footnotes(redline, accept=True) == list(footnote_texts(new_docx).values())
    assert resolved_footnotes(redline, accept=False) == list(footnote_texts(old_docx).values())


def test_numbering_continues_through_the_changes(redline):
    numbers = [n for n, _, _ in numbered_paragraphs(redline)]
    assert numbers == [1, 2, 3, 4, 5]        # with markup shown: deleted 3 and inserted one both appear


def test_english_redline_by_word():
    def bundle(decision_text: str, version: int, paragraph: str):
        paper = english_paper(body=[{"type": "paragraph", "numbered": True, "text": paragraph}])
        decision = validate("decision", dict(DECISION, text=decision_text, parts=[]))
        return assemble(paper, version, strategies={}, indicators={}, decisions=[(decision, version)],
                        author="Editor", recorded_at="2012-11-04")
    old = bundle("The Governing Body approves the plan.", 1, "The Office will consult the constituents.")
    new = bundle("The Governing Body endorses the plan.", 2, "The Office will consult all the constituents.")
    red = Docx(redline_docx([old, new]))
    assert [t.text for t in red.document.iter(q("w:delText"))] == ["approves"]
    inserted = [paragraph_text(i) for i in red.document.iter(q("w:ins")) if i.getparent().tag == q("w:p")]
    assert inserted == ["all ", "endorses"]
    assert next(red.document.iter(q("w:ins"))).get(q("w:date")) == "2012-11-04T00:00:00Z"
    # the symbol already had (Rev.1): kept as it is
    assert body_texts(red.document)[0] == "International Labour Office\tGB.316/INS/3/1(Rev.1)"


def test_identical_versions_have_no_changes():
    red = Docx(redline_docx([demo_bundle(), demo_bundle()]))
    assert list(red.document.iter(q("w:ins"), q("w:del"))) == []
