"""A synthetic English paper, built from plain dicts: cover, numbering, a three-part decision."""

from __future__ import annotations

import pytest
from test_word_support import (Docx, body_texts, footnote_texts, in_table, numbered_paragraphs, paragraph_text,
                               paragraphs, q, table_style)

from sstc_docs.domain.bundle import assemble
from sstc_docs.domain.records import validate
from sstc_docs.word import export_docx

SYMBOL = "GB.316/INS/3/1(Rev.1)"


def english_paper(**changes) -> dict:
    paper = {
        "id": "GB.316/INS/3/1", "symbol": SYMBOL, "session_dates": "1–16 November 2012", "agenda_item": 3,
        "action": "decision", "date": "2012-10-17", "original_language": "en", "language": "en",
        "title": "Report of the Committee on Freedom of Association\nfollow-up of the 2011 review",
        "status": "issued",
        "front_matter": {"purpose": "The Governing Body is invited to approve the plan "
                                    "(see the draft decision in paragraph 3).",
                         "strategic_objective": "Rights at work.", "main_outcome": "Outcome 14: Freedom of association.",
                         "author_unit": "NORMES",
                         "related_documents": "GB.313/INS/3"},
        "body": [
            {"type": "paragraph", "numbered": True,
             "text": "At its 313th Session the Governing Body asked for a plan.[^a] This paper sets it out.",
             "footnotes": [{"key": "a", "text": "GB.313/PV, paragraph 12; see https://www.ilo.org/gb/313."}]},
            {"type": "heading", "text": "The plan"},
            {"type": "paragraph", "numbered": False, "text": "The plan has three parts, set out below."},
            {"type": "paragraph", "numbered": True, "text": "The Office would consult the constituents.",
             "footnotes": []},
            {"type": "paragraph", "numbered": True, "text": "A report would follow in March 2013."},
        ],
        "decision_ids": ["GB.316/INS/3/1:D1"],
    }
    paper.update(changes)
    return validate("paper", paper)


DECISION = {"id": "GB.316/INS/3/1:D1", "paper_id": "GB.316/INS/3/1", "language": "en",
            "text": "The Governing Body:", "status": "draft",
            "parts": ["approves the plan set out in this paper", "requests the Office to consult the constituents;",
                      "requests a report at its 317th Session."]}


def english_bundle(segment: str = "", revised_paragraphs: tuple[int, ...] = (), decision: dict | None = None,
                   **changes):
    return assemble(english_paper(**changes), 3, strategies={}, indicators={},
                    decisions=[(validate("decision", decision or DECISION), 2)], author="drafter", segment=segment,
                    revised_paragraphs=revised_paragraphs)


@pytest.fixture(scope="module")
def english() -> Docx:
    return Docx(export_docx(english_bundle()))


def test_cover(english):
    texts = body_texts(english.document)
    assert texts[:10] == [
        f"International Labour Office\t{SYMBOL}", "Governing Body", "316th Session, Geneva, 1–16 November 2012",
        "Institutional Section\tINS", "\tDate: 17 October 2012", "\tOriginal: English",
        "THIRD ITEM ON THE AGENDA", "FOR DECISION",
        "Report of the Committee on Freedom of Association\nfollow-up of the 2011 review",
        "This document replaces GB.316/INS/3/1."]


def test_section_code_stands_on_the_cover_in_the_symbol_style(english):
    line = next(p for p in paragraphs(english.document) if paragraph_text(p) == "Institutional Section\tINS")
    code = [r for r in line.findall(q("w:r")) if paragraph_text(r) == "INS"]
    assert len(code) == 1
    assert english.style_names()[code[0].find(f"{q('w:rPr')}/{q('w:rStyle')}").get(q("w:val"))] == "Cover Symbol"
    assert english.style_names()[line.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))] == "Cover Text"


def test_segment_line_when_the_paper_has_a_segment():
    texts = body_texts(Docx(export_docx(english_bundle(segment="Employment and Social Protection Segment"))).document)
    assert texts[3:5] == ["Institutional Section\tINS", "Employment and Social Protection Segment"]


def test_cover_leaves_out_what_the_paper_does_not_have():
    texts = body_texts(Docx(export_docx(english_bundle(date="", session_dates=""))).document)
    assert texts[2:5] == ["316th Session, Geneva", "Institutional Section\tINS", "\tOriginal: English"]
    assert not any(t.rstrip().endswith(("Date:", "Geneva,")) for t in texts)


def test_revision_note_names_the_revised_paragraphs():
    texts = body_texts(Docx(export_docx(english_bundle(revised_paragraphs=(5, 2)))).document)
    assert texts[9] == "This document replaces GB.316/INS/3/1. Paragraphs 2 and 5 have been revised."
    texts = body_texts(Docx(export_docx(english_bundle(revised_paragraphs=(3,)))).document)
    assert texts[9] == "This document replaces GB.316/INS/3/1. Paragraph 3 has been revised."
    # no note on a paper that is not a revision
    plain = body_texts(Docx(export_docx(english_bundle(symbol="GB.316/INS/3/1", revised_paragraphs=(2,)))).document)
    assert not any("replaces" in t or "revised." in t for t in plain)


def test_front_matter_prints_none_for_empty_entries(english):
    texts = body_texts(english.document)
    assert texts[10:22] == [
        "Purpose of the document",
        "The Governing Body is invited to approve the plan (see the draft decision in paragraph 4).",
        "Relevant strategic objective: Rights at work.", "Main relevant outcome: Outcome 14: Freedom of association.",
        "Policy implications: None.", "Legal implications: None.",
        "Financial implications: None.", "Follow-up action required: None.", "Author unit: NORMES",
        "Related documents: GB.313/INS/3", "",
        "At its 313th Session the Governing Body asked for a plan. This paper sets it out."]


def test_numbering_and_three_part_decision(english):
    numbered = numbered_paragraphs(english)
    assert [(n, t[:25]) for n, t, _ in numbered] == [
        (1, "At its 313th Session the "), (2, "The Office would consult "), (3, "A report would follow in "),
        (4, "The Governing Body:")]
    decision = numbered[3][2]
    assert in_table(decision)
    cell = decision.getparent()
    parts = [paragraph_text(p) for p in cell.findall(q("w:p"))][1:]
    assert parts == ["(a)\tapproves the plan set out in this paper;",
                     "(b)\trequests the Office to consult the constituents; and",
                     "(c)\trequests a report at its 317th Session."]
    texts = body_texts(english.document)
    assert texts[texts.index("The Governing Body:") - 1] == "Draft decision"
    assert "The plan has three parts, set out below." in texts      # unnumbered paragraph, printed
    assert not any(p.find(f"{q('w:pPr')}/{q('w:numPr')}") is not None and paragraph_text(p) == "The plan"
                   for p in paragraphs(english.document))


def test_no_framework_table_and_links_and_fonts(english):
    tables = [table_style(english, t) for t in english.document.iter(q("w:tbl"))]
    assert tables == ["Front Matter Box", "Decision Box"]           # no framework table
    assert footnote_texts(english) == {1: "GB.313/PV, paragraph 12; see https://www.ilo.org/gb/313."}
    link = next(english.footnotes.iter(q("w:hyperlink")))
    assert english.rels("word/footnotes.xml")[link.get(q("r:id"))][1] == "https://www.ilo.org/gb/313"
    for run in english.document.iter(q("w:r")):
        if run.find(q("w:t")) is not None:
            assert run.find(f"{q('w:rPr')}/{q('w:rFonts')}").get(q("w:eastAsia"))
            assert run.find(f"{q('w:rPr')}/{q('w:lang')}") is None          # English paper: no zh-CN tag
    assert english.custom_properties()["sstc.paper_version"] == "3"
    assert english.custom_properties()["sstc.decision:GB.316/INS/3/1:D1"] == "2"
    assert english.core()["subject"] == SYMBOL


def test_body_urls_become_hyperlinks_on_the_document_part():
    bundle = english_bundle(body=[{"type": "paragraph", "numbered": True,
                                   "text": "See www.ilo.org/gb, or http://example.org/a_(b)."}])
    data = Docx(export_docx(bundle))
    links = list(data.document.iter(q("w:hyperlink")))
    targets = [data.rels("word/document.xml")[link.get(q("r:id"))][1] for link in links]
    assert targets == ["http://www.ilo.org/gb", "http://example.org/a_(b)"]
    assert [paragraph_text(link) for link in links] == ["www.ilo.org/gb", "http://example.org/a_(b)"]
