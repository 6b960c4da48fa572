"""Redline: native tracked changes; accept-all gives the new paper, reject-all the old one."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_word_english import DECISION, english_paper
from test_word_support import (Docx, body_texts, footnote_texts, numbered_paragraphs, paragraph_text, q,
                               resolve_changes, resolved_footnotes)

from sstc_docs import demo
from sstc_docs.diff import DELETE, INSERT, changed_text, diff_papers, diff_text
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


# ---- one diff: the redline tracks exactly what the compare view reports ---------------------------------
def demo_version(paper: dict, version: int, author: str, recorded_at: str) -> PaperBundle:
    strategy, indicators = _demo_indicators()
    return assemble(paper, version, strategies={demo.STRATEGY_ID: strategy}, indicators=indicators,
                    decisions=[(demo.DECISION, 1)], author=author, recorded_at=recorded_at)


def edited_demo(edits: dict[int, tuple[str, str]]) -> dict:
    """The demo paper with text replaced in some body blocks: {index: (old, new)}."""
    paper = copy.deepcopy(demo.PAPER)
    for index, (old, new) in edits.items():
        assert old in paper["body"][index]["text"]
        paper["body"][index]["text"] = paper["body"][index]["text"].replace(old, new)
    return paper


def changes_in(element) -> list:
    return list(element.iter(q("w:ins"), q("w:del")))


def changed_paragraphs(root) -> list:
    """The w:p that hold a tracked change (in their runs or on their mark), in document order."""
    return list(dict.fromkeys(next(c.iterancestors(q("w:p"))) for c in changes_in(root)))


def test_editing_paragraph_2_alone_tracks_only_that_edit():
    paper = edited_demo({1: ("过去十年", "过去十五年")})
    red = Docx(redline_docx([demo_bundle(), demo_version(paper, 2, AUTHOR, DATE)]))
    changed = changed_paragraphs(red.document)
    assert len(changed) == 1
    assert paragraph_text(changed[0]).startswith("用于南南合作")
    assert [t.text for t in red.document.iter(q("w:delText"))] == []
    assert [paragraph_text(i) for i in red.document.iter(q("w:ins"))] == ["五"]
    assert changes_in(red.footnotes) == []


def test_a_symbol_and_a_cyrillic_word_are_whole_tokens():
    def bundle(text: str, version: int) -> PaperBundle:
        paper = english_paper(body=[{"type": "paragraph", "numbered": True, "text": text}])
        return assemble(paper, version, strategies={}, indicators={}, decisions=[], author="Editor",
                        recorded_at="2012-11-04")
    old_text = "See GB.313/POL/7 on Сотрудничество with partners."
    new_text = "See GB.316/POL/5 on Сотрудничества with partners."
    red = Docx(redline_docx([bundle(old_text, 1), bundle(new_text, 2)]))
    deleted = [t.text for t in red.document.iter(q("w:delText"))]
    inserted = [paragraph_text(i) for i in red.document.iter(q("w:ins"))]
    assert deleted == ["GB.313/POL/7", "Сотрудничество"]
    assert inserted == ["GB.316/POL/5", "Сотрудничества"]
    segments = diff_text(old_text, new_text)                         # the compare view's own diff
    assert [s.text for s in segments if s.op == DELETE] == deleted
    assert [s.text for s in segments if s.op == INSERT] == inserted


def test_each_change_is_credited_to_the_version_that_made_it():
    v2 = edited_demo({0: ("细化两个成果指标", "细化三个成果指标")})                      # Ana: paragraph 1
    v3 = edited_demo({0: ("细化两个成果指标", "细化三个成果指标"), 2: ("重新编写", "全面改写")})  # Bo: paragraph 3
    v3["body"][0]["footnotes"][0]["text"] += "（已核对）"                           # Bo: footnote 1
    bundles = [demo_bundle(), demo_version(v2, 2, "Ana", "2012-11-02T10:00:00Z"),
               demo_version(v3, 3, "Bo", "2012-11-03T11:00:00Z")]
    red = Docx(redline_docx(bundles))
    numbered = {n: p for n, _, p in numbered_paragraphs(red)}

    def authors(element) -> set:
        return {(c.get(q("w:author")), c.get(q("w:date"))) for c in changes_in(element)}
    assert authors(numbered[1]) == {("Ana", "2012-11-02T10:00:00Z")}
    assert authors(numbered[3]) == {("Bo", "2012-11-03T11:00:00Z")}
    assert authors(red.footnotes) == {("Bo", "2012-11-03T11:00:00Z")}
    assert all(not changes_in(numbered[n]) for n in numbered if n not in (1, 3))
    assert len(changed_paragraphs(red.document)) == 2


def test_a_deleted_paragraph_is_credited_to_the_version_that_deleted_it():
    v2 = edited_demo({2: ("重新编写", "全面改写")})
    v3 = copy.deepcopy(v2)
    del v3["body"][2]
    bundles = [demo_bundle(), demo_version(v2, 2, "Ana", "2012-11-02"), demo_version(v3, 3, "Bo", "2012-11-03")]
    red = Docx(redline_docx(bundles))
    deleted_marks = [p for p in red.document.iter(q("w:p"))
                     if p.find(f"{q('w:pPr')}/{q('w:rPr')}/{q('w:del')}") is not None]
    assert [paragraph_text(p, deleted=True)[:6] for p in deleted_marks] == ["成果 1 和"]
    assert {c.get(q("w:author")) for c in changes_in(red.document)} == {"Bo"}


def test_numbering_a_paragraph_differently_is_formatting_not_a_rewrite():
    paper = copy.deepcopy(demo.PAPER)
    paper["body"][2]["numbered"] = False
    red = Docx(redline_docx([demo_bundle(), demo_version(paper, 2, AUTHOR, DATE)]))
    # The paragraph itself shows no change; the only change is the computed pointer to the draft
    # decision in the front matter, which now reads paragraph 3 instead of 4.
    changed = changed_paragraphs(red.document)
    assert len(changed) == 1 and "决定草案" in paragraph_text(changed[0])
    assert sorted("".join(t.text for t in c.iter(q("w:t"), q("w:delText"))) for c in changes_in(red.document)) == ["3", "4"]
    assert [n for n, _, _ in numbered_paragraphs(red)] == [1, 2, 3]          # 2 body + the decision


VOCABULARY = ["The", "Office", "will", "consult", "partners", "GB.313/POL/7", "Сотрудничество", "南南合作",
              "2012-13", "in", "March", "report", "(a)", "targets", "new"]
sentence = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=8).map(" ".join)


def _english_bundle(texts: list[str], version: int) -> PaperBundle:
    body = [{"type": "paragraph", "numbered": True, "text": t} for t in texts]
    return assemble(english_paper(body=body), version, strategies={}, indicators={}, decisions=[],
                    author=f"v{version}", recorded_at="2012-11-04")


def _tracked(p) -> tuple[str, str]:
    deleted = "".join(t.text or "" for t in p.iter(q("w:delText")))
    inserted = "".join(paragraph_text(i) for i in p.iter(q("w:ins")))
    if p.find(f"{q('w:pPr')}/{q('w:rPr')}/{q('w:ins')}") is not None:
        inserted = paragraph_text(p)
    return deleted, inserted


def _expected(block) -> list[tuple[str, str]]:
    old, new = (block.old or {}).get("text", ""), (block.new or {}).get("text", "")
    if block.status == "moved":
        return [(old, ""), ("", new)]
    if block.status in ("inserted", "deleted"):
        return [(old, new)]
    return [changed_text(block.segments)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence, min_size=1, max_size=6), st.data())
def test_compare_view_and_redline_agree_on_every_paragraph(old_texts, data):
    new_texts = list(old_texts)
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["edit", "insert", "delete", "move"]))
        if action == "insert" or not new_texts:
            new_texts.insert(data.draw(st.integers(0, len(new_texts))), data.draw(sentence))
        elif action == "edit":
            new_texts[data.draw(st.integers(0, len(new_texts) - 1))] = data.draw(sentence)
        elif action == "delete":
            new_texts.pop(data.draw(st.integers(0, len(new_texts) - 1)))
        else:
            new_texts.insert(data.draw(st.integers(0, len(new_texts) - 1)),
                             new_texts.pop(data.draw(st.integers(0, len(new_texts) - 1))))
    old, new = _english_bundle(old_texts, 1), _english_bundle(new_texts, 2)
    compare = diff_papers(old.paper, new.paper)
    red = Docx(redline_docx([old, new]))
    seen = sorted(_tracked(p) for _, _, p in numbered_paragraphs(red))
    assert seen == sorted(pair for block in compare.blocks for pair in _expected(block))
    accepted = [paragraph_text(p) for _, _, p in numbered_paragraphs(Docx(export_docx(new)))]
    resolved = resolve_changes(red.document, accept=True)
    assert [t for t in body_texts(resolved) if t in accepted] == accepted


# ---- determinism ------------------------------------------------------------------------------------------
def test_the_same_bundles_give_the_same_bytes(pair):
    old, new = pair
    for make in (lambda: export_docx(new), lambda: redline_docx([old, new])):
        first = make()
        assert make() == first
        docx = Docx(first)
        assert {info.date_time for info in docx.zip.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
        for part in ("docProps/core.xml", "docProps/custom.xml", "word/document.xml"):
            assert today not in docx.zip.read(part).decode()
        assert docx.core()["created"] == docx.core()["modified"] == DATE
