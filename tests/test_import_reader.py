"""Reading Word files back: our exports and redlines, papers typed elsewhere, LibreOffice and pandoc
conversions.

Every file is built at run time (exported, written with python-docx, converted by soffice/pandoc)
and read back; the expectations come from the records or texts the file was built from.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import pytest

from sstc_docs import demo
from sstc_docs.domain.bundle import assemble, demo_bundle
from sstc_docs.domain.records import FOOTNOTE_MARKER, validate
from sstc_docs.word import export_docx, redline_docx
from sstc_docs.word.reader import read_paper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_docs import EN, URL, ZH, foreign_paper, pandoc_docx, rewrite, soffice_roundtrip  # noqa: E402

from bench_export import markdown, synthetic_paper  # noqa: E402

DEMO_INDICATORS = {i["id"]: i for i in (demo.INDICATOR_MEETINGS, demo.INDICATOR_PROGRAMMES, demo.INDICATOR_COUNTRIES,
                                        demo.INDICATOR_PARTNERSHIPS_V2)}
COVER = ("symbol", "session_dates", "agenda_item", "action", "date", "original_language", "language", "title")


def renumbered(body: list[dict]) -> list[dict]:
    """Blocks with footnote keys renumbered 1, 2 … in reading order and strategy ids dropped:
    the keys a file carries are its note numbers, not the keys typed in the record."""
    out, n = [], 0
    for block in copy.deepcopy(body):
        block.pop("strategy_id", None)
        notes = {note["key"]: note["text"] for note in block.get("footnotes", [])}
        new_notes = []

        def swap(match):
            nonlocal n
            n += 1
            new_notes.append({"key": str(n), "text": notes[match.group(1)]})
            return f"[^{n}]"
        if "text" in block and block["type"] != "heading":
            block["text"] = FOOTNOTE_MARKER.sub(swap, block["text"])
            block["footnotes"] = new_notes
        out.append(block)
    return out


def test_the_demo_paper_comes_back_as_it_was_exported():
    bundle = demo_bundle()
    result = read_paper(export_docx(bundle), name="GB.316-POL-5.docx")
    assert result.missing == [] and result.unrecognised == []
    paper, expected = result.paper, validate("paper", demo.PAPER)
    assert validate("paper", paper) == paper
    assert {k: paper[k] for k in COVER} == {k: expected[k] for k in COVER}
    assert paper["front_matter"] == expected["front_matter"]
    assert renumbered(paper["body"]) == renumbered(demo.PAPER["body"])
    assert [(d["id"], d["text"], d["parts"]) for d in result.decisions] == [
        (demo.DECISION["id"], demo.DECISION["text"], demo.DECISION["parts"])]
    assert result.provenance == {"paper_id": demo.PAPER_ID, "paper_version": 1, "symbol": demo.PAPER_ID,
                                 "decisions": {demo.DECISION_ID: 1}, "sources": {}}
    assert [link.target for link in result.links] == [demo.SOURCE_URL]


def test_the_demo_framework_tables_read_as_the_indicators_they_print():
    result = read_paper(export_docx(demo_bundle()), name="demo.docx")
    first, second = result.frameworks
    assert (first.outcome, first.statement) == (1, demo.OUTCOME_1)
    assert [(i.label, i.new, i.text, i.baseline, i.target) for i in first.indicators] == [
        (ind["label"], bool(ind["label"]), ind["text"], ind["baseline"]["text"], ind["target"]["text"])
        for ind in (demo.INDICATOR_MEETINGS, demo.INDICATOR_PROGRAMMES, demo.INDICATOR_COUNTRIES)]
    assert (second.outcome, second.statement) == (2, demo.OUTCOME_2)
    [partnerships] = second.indicators
    assert partnerships.text == demo.PARTNERSHIPS_ORIGINAL["text"]
    assert partnerships.revised == {"text": demo.PARTNERSHIPS_REVISED["text"],
                                    "baseline": demo.PARTNERSHIPS_REVISED["baseline"]["text"],
                                    "target": demo.PARTNERSHIPS_REVISED["target"]["text"]}
    assert first.heading == "2012-13 年国际劳工组织关于南南合作和三角形合作的战略框架"


def test_the_thirty_page_paper_round_trips():
    bundle = synthetic_paper()
    result = read_paper(export_docx(bundle), name="big.docx")
    assert result.missing == [] and result.unrecognised == []
    assert renumbered(result.paper["body"]) == renumbered(bundle.paper["body"])
    [decision] = result.decisions
    assert (decision["text"], decision["parts"]) == ("The Governing Body:", ["approves the indicators",
                                                                             "requests a report"])
    assert len(result.frameworks) == 10 and all(len(t.indicators) == 3 for t in result.frameworks)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("numbering", ["word", "typed"])
def test_a_paper_typed_elsewhere_is_read(language, numbering):
    t = EN if language == "en" else ZH
    result = read_paper(foreign_paper(language, numbering=numbering), name="typed.docx")
    paper = result.paper
    assert result.missing == []
    assert (paper["symbol"], paper["agenda_item"], paper["action"], paper["date"], paper["language"]) == (
        "GB.320/POL/3", 3, "decision", "2014-02-07", language)
    assert paper["original_language"] == "en" and paper["title"] == t["title"]
    assert paper["session_dates"] == t["cover"][2].split("，" if language == "zh" else ", ")[-2 if language == "zh" else -1]
    assert paper["front_matter"]["purpose"] == t["purpose"][1]
    assert paper["front_matter"]["strategic_objective"] == t["front"][0][1]
    assert paper["front_matter"]["policy_implications"] == ""            # "None." / "无。"
    assert paper["front_matter"]["author_unit"] == t["front"][2][1]
    kinds = [(b["type"], b.get("numbered")) for b in paper["body"]]
    assert kinds == [("heading", None), ("paragraph", True), ("paragraph", True), ("paragraph", True),
                     ("heading", None), ("framework", None), ("framework", None)]
    headings = [b["text"] for b in paper["body"] if b["type"] == "heading"]
    assert headings == [t["heading_bold"], t["heading_big"]]               # bold run; larger type
    first = paper["body"][1]
    assert first["text"].startswith(t["paras"][0] + "[^1]") and f"the report ({URL})" in first["text"]
    assert first["footnotes"] == [{"key": "1", "text": f"{t['note']} Available at: {URL}"}]
    assert paper["body"][3]["text"] == t["paras"][2]                       # typed "3. " / "3　" removed
    outcome_1, outcome_2 = result.frameworks
    assert [(i.label, i.text, i.baseline, i.target) for i in outcome_1.indicators] == [
        ("", t["rows"][0][1], t["rows"][1][1], t["rows"][2][1]), ("(A)", t["rows"][3][1], t["rows"][4][1],
                                                                  t["rows"][5][1])]
    assert outcome_2.outcome == 2 and outcome_2.indicators[0].target == t["column_row"][3]
    [decision] = result.decisions
    assert decision["text"] == t["decision"]
    assert decision["parts"] == [re.sub(r"^\(.\) |[；;].*$|[.。]$", "", p) for p in t["parts"]]
    assert [(link.target, link.text) for link in result.links] == [(URL, "the report")]


def test_tracked_changes_are_proposals_and_comments_keep_their_place():
    data = foreign_paper("en")
    before = read_paper(data, name="tracked.docx")
    assert [(c.id, c.kind, c.author, c.text.strip()) for c in before.tracked_changes] == [
        ("901", "insertion", "Ana Lopez", "Inserted words."), ("902", "deletion", "Ana Lopez", "Deleted words.")]
    assert all(c.where.startswith("¶") and "indicators were refined" in c.where for c in before.tracked_changes)
    text = before.paper["body"][2]["text"]
    assert text.endswith("constituents. Deleted words.") and "Inserted" not in text    # as before the changes
    after = read_paper(data, name="tracked.docx", accepted_changes={"901", "902"})
    assert after.paper["body"][2]["text"] == EN["paras"][1] + " Inserted words."
    [comment] = before.comments
    assert (comment.author, comment.text) == ("Reviewer One", "Check this figure.")
    assert EN["paras"][2][:20] in comment.where
    assert [(p.what, p.where.split(" ")[0]) for p in before.unrecognised] == [("a drawing or picture", "¶")]


def test_the_symbol_can_be_supplied_and_a_missing_decision_is_named():
    data = rewrite(foreign_paper("en", with_extras=False), "GB.320/POL/3", "(symbol to follow)")
    result = read_paper(data, name="nosymbol.docx")
    assert any("no document symbol" in m for m in result.missing)
    supplied = read_paper(data, name="nosymbol.docx", symbol="GB.320/POL/3")
    assert supplied.missing == [] and supplied.paper["symbol"] == "GB.320/POL/3"
    no_decision = read_paper(rewrite(data, "Draft decision", "Final remarks"), name="x.docx", symbol="GB.320/POL/3")
    assert any("no draft decision" in m for m in no_decision.missing)


def test_libreoffice_saves_of_our_export_and_of_a_typed_paper_read_the_same():
    exported = export_docx(demo_bundle())
    converted = soffice_roundtrip(exported)
    if converted is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    ours, theirs = read_paper(exported, name="a.docx"), read_paper(converted, name="b.docx")
    assert theirs.missing == [] and theirs.unrecognised == []
    assert {k: theirs.paper[k] for k in COVER} == {k: ours.paper[k] for k in COVER}
    assert theirs.paper["front_matter"] == ours.paper["front_matter"]
    assert renumbered(theirs.paper["body"]) == renumbered(ours.paper["body"])
    assert theirs.decisions == ours.decisions and theirs.frameworks[1].indicators == ours.frameworks[1].indicators
    assert theirs.provenance["paper_version"] == 1
    typed = foreign_paper("zh", numbering="word", with_extras=False)
    assert renumbered(read_paper(soffice_roundtrip(typed), name="c.docx").paper["body"]) == renumbered(
        read_paper(typed, name="d.docx").paper["body"])


def test_a_paper_converted_by_pandoc_is_read():
    bundle = synthetic_paper()
    data = pandoc_docx(markdown(bundle))
    if data is None:
        pytest.skip("pandoc is not installed")
    result = read_paper(data, name="pandoc.docx")
    assert result.missing == [] and result.unrecognised == []
    assert result.provenance == {}
    paper = result.paper
    assert (paper["symbol"], paper["title"], paper["date"], paper["agenda_item"]) == (
        "GB.316/POL/9", "A thirty-page paper", "2012-10-01", 9)
    assert renumbered(paper["body"]) == renumbered(bundle.paper["body"])
    assert [(d["text"], d["parts"]) for d in result.decisions] == [("The Governing Body:",
                                                                     ["approves the indicators", "requests a report"])]


def test_a_text_box_is_reported_with_the_words_inside_it():
    box = ('<w:r><w:pict xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent><w:p><w:r>'
           '<w:t>Box text the paper does not keep</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'
           '</w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/>')
    data = rewrite(export_docx(demo_bundle()), '</w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/>', box)
    result = read_paper(data, name="box.docx")
    [piece] = result.unrecognised
    assert (piece.what, piece.text) == ("a picture or text box", "Box text the paper does not keep")
    assert piece.where.startswith("¶ ") and "(“成果 1 和成果 2 的行文" in piece.where
    assert renumbered(result.paper["body"]) == renumbered(demo.PAPER["body"])


def test_our_redline_reads_as_the_old_version_and_accepting_every_change_gives_the_new_one():
    old = demo_bundle()
    paper = copy.deepcopy(demo.PAPER)
    paper["body"][2]["text"] = "成果 1 和成果 2 的行文已重新编写。"
    paper["body"].insert(3, {"type": "paragraph", "numbered": True, "text": "新增的一段。", "footnotes": []})
    del paper["body"][1]                                   # with its footnote
    new = assemble(paper, 2, strategies={demo.STRATEGY_ID: demo.STRATEGY_V2}, indicators=DEMO_INDICATORS,
                   decisions=[(demo.DECISION, 1)], author="Ana Lopez", recorded_at="2012-11-02")
    data = redline_docx([old, new])
    proposed = read_paper(data, name="redline.docx")
    assert proposed.missing == [] and proposed.unrecognised == []
    assert {(c.author, c.date) for c in proposed.tracked_changes} == {("Ana Lopez", "2012-11-02T00:00:00Z")}
    assert {c.kind for c in proposed.tracked_changes} == {"insertion", "deletion"}
    assert proposed.tracked_changes[0].where.startswith("¶")           # body first, then the notes
    assert renumbered(proposed.paper["body"]) == renumbered(old.paper["body"])
    accepted = read_paper(data, name="redline.docx", accepted_changes={c.id for c in proposed.tracked_changes})
    assert renumbered(accepted.paper["body"]) == renumbered(paper["body"])


def test_unrecognised_pieces_are_shown_in_place():
    result = read_paper(foreign_paper("en"), name="typed.docx")
    order = [(kind, x["type"] if kind == "block" else x.what) for kind, x in result.in_place()]
    assert order == [("block", "heading"), ("block", "paragraph"), ("block", "paragraph"), ("block", "paragraph"),
                     ("piece", "a drawing or picture"), ("block", "heading"), ("block", "framework"),
                     ("block", "framework")]
