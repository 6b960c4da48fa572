"""The diff engine: tokens, text diffs, value/record diffs, paper diffs and their rendering."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sstc_docs.diff import (
    DELETE, EQUAL, INSERT, PaperDiff, RecordDiff, Segment, changed_text, diff_bodies, diff_papers,
    diff_records, diff_text, diff_tokens, diff_value, new_text, old_text, segments_to_html, segments_to_text,
    similarity, summary, tokenize,
)
from sstc_docs.diff.tokens import (NOT_A_MARK_CHARS, OTHER, SIMPLE_WORD_CHARS, SINGLE_CHARS, SPACE, SPACELESS, WORD,
                                   char_class, token_end)
from sstc_docs.domain.records import validate


def ops(segments):
    return [(s.op, s.text) for s in segments]


# --------------------------------------------------------------------------- tokens


def test_tokenize_mixed_text_keeps_symbols_whole_and_splits_chinese_by_character():
    assert tokenize("2012 年 3 月份 GB.313/POL/7") == [
        "2012", " ", "年", " ", "3", " ", "月", "份", " ", "GB.313/POL/7"]


def test_tokenize_words_punctuation_markers_and_numbers():
    assert tokenize("Don't stop, 2012-13: 1,000.5 units[^n1].") == [
        "Don't", " ", "stop", ",", " ", "2012-13", ":", " ", "1,000.5", " ", "units", "[^n1]", "."]
    assert tokenize("理事会(SSTC)。") == ["理", "事", "会", "(", "SSTC", ")", "。"]
    assert tokenize("  \n\t") == ["  \n\t"]
    assert tokenize("") == [] and tokenize(None) == []
    # a bracket that is not a footnote marker is ordinary punctuation
    assert tokenize("[^ x]") == ["[", "^", " ", "x", "]"]


def test_tokenize_other_spaceless_scripts_and_combining_marks():
    assert tokenize("ภาษาไทย") == list("ภาษาไทย")
    assert tokenize("かな漢字") == ["か", "な", "漢", "字"]
    assert tokenize("cafe\u0301 au") == ["cafe\u0301", " ", "au"]


# --------------------------------------------------------------------------- text diff


def test_the_fast_paths_of_the_tokenizer_follow_its_rules():
    def chars(cls: str) -> list[str]:
        pattern = re.compile(f"[{cls}]")
        return [chr(c) for c in range(0x10000) if pattern.match(chr(c))]
    assert {char_class(ch) for ch in chars(SIMPLE_WORD_CHARS)} == {WORD}
    assert {char_class(ch) for ch in chars(SINGLE_CHARS)} <= {OTHER, SPACELESS}
    assert not [ch for ch in chars(NOT_A_MARK_CHARS) if unicodedata.category(ch)[0] == "M"]
    space = re.compile(r"\s")
    assert all(bool(space.match(chr(c))) == (char_class(chr(c)) == SPACE) for c in range(0x10000))


TRICKY = list("abzÀɏΆ\u038bϵ\u03f6Ѐ\u0482ҁҊӿᾶ_09٣.,/:-–'’&@[]^ \t\n\u3000、〩\u302a一鿿！／０：＠ｦ\u0301\u0483") + ["[^1]", "[^"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TRICKY), max_size=30).map("".join))
def test_tokenize_cuts_where_the_rules_cut(text):
    by_rules, i = [], 0
    while i < len(text):
        j = token_end(text, i)
        by_rules.append(text[i:j])
        i = j
    assert tokenize(text) == by_rules


def test_english_word_insert():
    segments = diff_text("approve the indicator", "approve the new indicator")
    assert ops(segments) == [(EQUAL, "approve the "), (INSERT, "new "), (EQUAL, "indicator")]


def test_english_word_delete():
    segments = diff_text("approve the new indicator", "approve the indicator")
    assert ops(segments) == [(EQUAL, "approve the "), (DELETE, "new "), (EQUAL, "indicator")]


def test_english_word_replace_is_delete_then_insert():
    segments = diff_text("The Office will report in 2013.", "The Office will report in 2014.")
    assert ops(segments) == [(EQUAL, "The Office will report in "), (DELETE, "2013"), (INSERT, "2014"),
                             (EQUAL, ".")]
    assert segments_to_text(segments) == "The Office will report in [-2013-]{+2014+}."


def test_english_word_move_shows_as_delete_and_insert_elsewhere():
    segments = diff_text("urgently the Office will act", "the Office will act urgently")
    deleted, inserted = changed_text(segments)
    assert deleted.strip() == "urgently" and inserted.strip() == "urgently"
    assert [s.op for s in segments] == [DELETE, EQUAL, INSERT]
    assert segments[1].text == "the Office will act"


def test_whitespace_between_two_changes_is_folded_into_them():
    segments = diff_text("the quick brown fox", "a slow brown fox")
    assert ops(segments) == [(DELETE, "the quick"), (INSERT, "a slow"), (EQUAL, " brown fox")]
    # …but not between two pure deletions, and a real word in between stays equal
    assert segments_to_text(diff_tokens(["a", " ", "b"], [" "])) == "[-a-] [-b-]"
    assert segments_to_text(diff_text("approve the new indicator", "adopt the revised indicator")) == \
        "[-approve-]{+adopt+} the [-new-]{+revised+} indicator"


def test_chinese_insert_is_minimal_not_a_sentence_replace():
    segments = diff_text("理事会批准对成果 1 的新指标", "理事会批准对成果 1 和成果 2 的新指标")
    assert [s.op for s in segments] == [EQUAL, INSERT, EQUAL]
    assert segments[1].text == "和成果 2 "
    assert segments[0].text == "理事会批准对成果 1 " and segments[2].text == "的新指标"


def test_chinese_character_level_replace():
    segments = diff_text("五项新的", "每年签署并实施五个新的")
    assert segments_to_text(segments) == "{+每年签署并实施+}五[-项-]{+个+}新的"


def test_mixed_text_diff_keeps_symbols_whole():
    segments = diff_text("见 2012 年 3 月份 GB.313/POL/7 文件", "见 2013 年 3 月份 GB.316/POL/7 文件")
    assert segments_to_text(segments) == "见 [-2012-]{+2013+} 年 3 月份 [-GB.313/POL/7-]{+GB.316/POL/7+} 文件"


def test_identical_and_empty_texts():
    assert diff_text("同一", "同一") == [Segment(EQUAL, "同一")]
    assert diff_text("", "") == [] and diff_text(None, None) == []
    assert diff_text("", "新") == [Segment(INSERT, "新")]
    assert diff_text("旧", None) == [Segment(DELETE, "旧")]


def test_segment_rejects_unknown_op():
    with pytest.raises(ValueError):
        Segment("replace", "x")


def test_similarity():
    assert similarity("abc def", "abc def") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("南南合作", "三角形") == 0.0
    assert 0.8 < similarity("在当前的两年期举行十次会议。", "在当前的两年期举行十二次会议。") < 1.0


MIXED_ALPHABET = list("abcXYZ019 .,/-'()\n\t，。、：") + list("理事会批准成果南南合作年月") + \
    ["GB.313/POL/7", "[^1]", "[^a2]", "2012-13", "ภา", "e\u0301", "😀"]
mixed_text = st.lists(st.sampled_from(MIXED_ALPHABET), max_size=40).map("".join)


def check_segments(old: str, new: str, segments: list[Segment]) -> None:
    assert old_text(segments) == old
    assert new_text(segments) == new
    assert all(s.text for s in segments), "no empty segments"
    assert all(a.op != b.op for a, b in zip(segments, segments[1:])), "adjacent segments are merged"
    assert all(not (a.op == INSERT and b.op == DELETE) for a, b in zip(segments, segments[1:])), \
        "a replacement is delete then insert"
    if old == new:
        assert all(s.op == EQUAL for s in segments)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_text, mixed_text)
def test_round_trip_mixed_script(old, new):
    check_segments(old, new, diff_text(old, new))


@settings(max_examples=300)
@given(mixed_text, st.integers(0, 40), st.integers(0, 10), mixed_text)
def test_round_trip_of_local_edits(old, start, length, replacement):
    start = min(start, len(old))
    new = old[:start] + replacement + old[start + length:]
    segments = diff_text(old, new)
    check_segments(old, new, segments)
    if old == new:
        assert segments == ([Segment(EQUAL, old)] if old else [])


@settings(max_examples=300)
@given(st.text(max_size=60), st.text(max_size=60))
def test_round_trip_any_unicode(old, new):
    check_segments(old, new, diff_text(old, new))
    assert "".join(tokenize(old)) == old


# --------------------------------------------------------------------------- values and records


def test_diff_value_numbers_texts_and_quantities():
    assert diff_value(5, 5) is None and diff_value(5, 5.0) is None and diff_value(None, "") is None
    assert diff_value(3, 5) == {"op": "changed", "old": 3, "new": 5, "delta": 2}
    assert diff_value(None, 4) == {"op": "added", "old": None, "new": 4}
    assert diff_value(True, 1) == {"op": "changed", "old": True, "new": 1}
    text = diff_value("两项计划", "三项计划")
    assert text["op"] == "changed" and text["segments"] == [
        {"op": "delete", "text": "两"}, {"op": "insert", "text": "三"}, {"op": "equal", "text": "项计划"}]
    target = diff_value({"text": "五项新的"}, {"text": "每年签署并实施五个新的"})
    assert target["old"] == {"text": "五项新的"} and target["new"] == {"text": "每年签署并实施五个新的"}
    assert target["parts"]["text"]["old"] == "五项新的"
    assert new_text(Segment(**s) for s in target["segments"]) == "每年签署并实施五个新的"
    number = diff_value({"value": 10, "unit": "meetings"}, {"value": 12, "unit": "meetings"})
    assert number["parts"] == {"value": {"op": "changed", "old": 10, "new": 12, "delta": 2}}
    assert segments_to_text(Segment(**s) for s in number["segments"]) == "[-10-]{+12+} meetings"


INDICATOR = {"id": "SSTC-2-A", "strategy_id": "SSTC-2012", "outcome": 2, "label": "(A)",
             "text": "同南南合作和三角形合作的伙伴建立的或延续伙伴关系的数目。",
             "baseline": {"text": "每年签署并实施三个伙伴关系。"}, "target": {"text": "五项新的"},
             "unit": "协议", "period": "2012-13", "measure": "count",
             "revisions": [{"id": "R1", "type": "revised", "old": None, "new": {"text": "x"}, "reason": "GB.316",
                            "decision_id": "", "status": "proposed", "effective_date": "", "proposed_on": ""}]}


def test_indicator_target_change_is_reported_under_target():
    old = validate("indicator", INDICATOR)
    new = validate("indicator", {**INDICATOR, "target": {"text": "每年签署并实施五个新的"}})
    diff = diff_records("indicator", old, new)
    assert diff.op == "changed" and diff.id == "SSTC-2-A"
    assert diff.paths == ["target"]
    change = diff.get("target")
    assert change.op == "changed"
    assert change.old == {"text": "五项新的"} and change.new == {"text": "每年签署并实施五个新的"}
    assert segments_to_text(change.segments) == "{+每年签署并实施+}五[-项-]{+个+}新的"
    assert summary(diff) == "1 field changed"


def test_record_diff_nested_keyed_lists_scalars_and_numbers():
    old = validate("indicator", INDICATOR)
    revised = json.loads(json.dumps(INDICATOR))
    revised["revisions"][0]["status"] = "in_force"
    revised["revisions"][0]["effective_date"] = "2012-11-16"
    revised["revisions"].append({"id": "R0", "type": "new", "reason": "created", "status": "proposed"})
    revised["baseline"] = {"value": 3, "unit": "伙伴关系"}
    revised["outcome"] = 1
    diff = diff_records("indicator", old, validate("indicator", revised))
    assert diff.get("outcome").to_json() == {"path": "outcome", "op": "changed", "old": 2, "new": 1, "delta": -1}
    assert diff.get("revisions[id=R1].status").new == "in_force"
    assert diff.get("revisions[id=R1].effective_date").op == "added"
    assert diff.get("revisions[id=R0]").op == "added"
    assert diff.get("revisions[id=R0]").new["reason"] == "created"
    baseline = diff.get("baseline")
    assert baseline.parts["value"] == {"op": "added", "old": None, "new": 3}
    assert baseline.parts["text"]["op"] == "removed"
    assert len(diff.under("revisions")) == 3
    json.dumps(diff.to_json(), ensure_ascii=False)


def test_record_diff_lists_of_scalars_and_reordered_keyed_items():
    old = {"id": "D1", "parts": ["(a) 批准新指标", "(b) 要求报告"], "decision_ids": ["A", "B"],
           "outcomes": [{"number": 1, "statement": "一"}, {"number": 2, "statement": "二"}]}
    new = {"id": "D1", "parts": ["(a) 批准修订指标", "(b) 要求报告", "(c) 其他"], "decision_ids": ["B"],
           "outcomes": [{"number": 2, "statement": "二"}, {"number": 1, "statement": "一"}]}
    diff = diff_records("decision", old, new)
    assert segments_to_text(diff.get("parts[0]").segments) == "(a) 批准[-新-]{+修订+}指标"
    assert diff.get("parts[2]").op == "added" and diff.get("parts[2]").new == "(c) 其他"
    assert diff.get("decision_ids[0]").op == "removed" and diff.get("decision_ids[0]").old == "A"
    moved = diff.get("outcomes")
    assert moved.op == "moved" and moved.old == [1, 2] and moved.new == [2, 1]
    assert len(diff) == 4


def test_record_added_removed_unchanged():
    assert diff_records("decision", {"id": "D1", "text": "x"}, {"id": "D1", "text": "x"}).op == "unchanged"
    assert not diff_records("decision", {"id": "D1"}, {"id": "D1"})
    added = diff_records("decision", None, {"id": "D1", "text": "批准", "parts": [], "record": ""})
    assert added.op == "added" and added.paths == ["id", "text"]
    assert summary(added) == "new decision"
    removed = diff_records("decision", {"id": "D1", "text": "批准"}, None)
    assert removed.op == "removed" and {c.op for c in removed} == {"removed"}
    assert isinstance(removed, RecordDiff) and summary(removed) == "decision removed"


def test_empty_and_missing_are_the_same():
    diff = diff_records("paper", {"id": "P", "symbol_note": "", "decision_ids": []}, {"id": "P"})
    assert diff.op == "unchanged" and diff.changes == ()


# --------------------------------------------------------------------------- papers


def para(text, footnotes=(), numbered=True):
    return {"type": "paragraph", "numbered": numbered, "text": text,
            "footnotes": [{"key": k, "text": t} for k, t in footnotes]}


P1 = "2012 年 3 月，理事会批准了国际劳工组织关于南南合作和三角形合作的战略(SSTC)，并且要求细化两个成果指标。[^1]"
P2 = "用于南南合作和三角形合作指标的细化标准是根据国际劳工组织在过去十年中取得的经验。"
P3 = "成果 1 和成果 2 的行文是沿用了有一个更有说服力基于结果的方法，之后进行了重新编写。"
P4 = "理事会批准对成果 1 的新指标以及为国际劳工组织关于南南合作和三角形合作战略的成果 2 的修订指标。"
PNEW = "本文件还说明了伙伴关系协议的统计方法以及各地区办事处的报告安排。"


def paper(body, **fields):
    base = {"id": "GB.316/POL/3", "symbol": "GB.316/POL/3", "title": "南南合作和三角形合作：前进的方向",
            "status": "draft", "front_matter": {"purpose": "供决定"}, "decision_ids": ["GB.316/POL/3/D1"],
            "body": body}
    base.update(fields)
    return base


OLD_BODY = [{"type": "heading", "text": "背景"}, para(P1, [("1", "GB.313/POL/7。")]), para(P2), para(P3), para(P4)]


def test_paper_edit_insert_move_are_told_apart():
    edited_p2 = P2.replace("过去十年中", "过去十五年中")
    new_body = [{"type": "heading", "text": "背景"}, para(P1, [("1", "GB.313/POL/7。")]), para(PNEW),
                para(edited_p2), para(P4), para(P3)]
    diff = diff_papers(paper(OLD_BODY), paper(new_body))
    assert isinstance(diff, PaperDiff)
    statuses = [(b.status, b.old_index, b.new_index) for b in diff.blocks]
    assert statuses == [("unchanged", 0, 0), ("unchanged", 1, 1), ("inserted", None, 2), ("edited", 2, 3),
                        ("unchanged", 4, 4), ("moved", 3, 5)]
    edited = diff.edited[0]
    assert edited.old_number == 2 and edited.new_number == 3
    assert [s for s in edited.segments if s.op != EQUAL] == [Segment(INSERT, "五")]
    moved = diff.moved[0]
    assert moved.old_number == 3 and moved.new_number == 5 and not moved.text_changed
    assert moved.similarity == 1.0
    assert diff.inserted[0].segments == (Segment(INSERT, PNEW),)
    assert diff.counts == {"unchanged": 3, "edited": 1, "inserted": 1, "deleted": 0, "moved": 1}
    assert summary(diff) == "paragraph 2 edited, 1 inserted, paragraph 3 moved"


def test_paper_move_to_end_in_a_short_paper_blames_the_paragraph_that_moved():
    old = [para("Alpha paragraph one."), para("Bravo paragraph two."), para("Charlie paragraph three."),
           para("Delta paragraph four.")]
    new = [para("Alpha paragraph one."), para("Echo inserted paragraph."), para("Bravo paragraph two, edited."),
           para("Delta paragraph four."), para("Charlie paragraph three.")]
    blocks = diff_bodies(old, new)
    assert [(b.status, b.label) for b in blocks] == [
        ("unchanged", "paragraph 1"), ("inserted", "paragraph 2"), ("edited", "paragraph 2"),
        ("unchanged", "paragraph 4"), ("moved", "paragraph 3")]


def test_swap_after_a_deletion_reports_the_paragraph_that_went_down():
    old = [para("Alpha."), para("Xray."), para("Bravo."), para("Charlie."), para("Delta.")]
    new = [para("Alpha."), para("Bravo."), para("Delta."), para("Charlie.")]
    blocks = diff_bodies(old, new)
    assert [(b.status, b.old_index, b.new_index) for b in blocks] == [
        ("unchanged", 0, 0), ("deleted", 1, None), ("unchanged", 2, 1), ("unchanged", 4, 2), ("moved", 3, 3)]


def test_moved_and_lightly_edited_paragraph_is_still_moved():
    old = [para(P1, [("1", "GB.313/POL/7。")]), para(P2), para(P3), para(P4)]
    new = [para(P3.replace("重新编写", "全面重新编写")), para(P1, [("1", "GB.313/POL/7。")]), para(P2), para(P4)]
    blocks = diff_bodies(old, new)
    assert [b.status for b in blocks] == ["moved", "unchanged", "unchanged", "unchanged"]
    assert blocks[0].text_changed and blocks[0].similarity >= 0.8
    assert changed_text(blocks[0].segments) == ("", "全面")


def test_deleted_paragraph_stays_where_it_was_and_paper_fields_are_diffed():
    new_body = [OLD_BODY[0], OLD_BODY[1], OLD_BODY[3], OLD_BODY[4]]
    diff = diff_papers(paper(OLD_BODY), paper(new_body, title="南南合作和三角形合作：前进方向",
                                                  front_matter={"purpose": "供讨论"},
                                                  decision_ids=["GB.316/POL/3/D1", "GB.316/POL/3/D2"]))
    assert [b.status for b in diff.blocks] == ["unchanged", "unchanged", "deleted", "unchanged", "unchanged"]
    assert diff.deleted[0].old_index == 2 and diff.deleted[0].segments == (Segment(DELETE, P2),)
    assert diff.fields.paths == ["title", "front_matter.purpose", "decision_ids[1]"]
    assert segments_to_text(diff.fields.get("front_matter.purpose").segments) == "供[-决定-]{+讨论+}"
    assert "body" not in " ".join(diff.fields.paths)
    assert summary(diff) == "3 fields changed; 1 deleted"


def test_footnote_edit_shows_in_its_block_without_text_noise():
    new_body = [OLD_BODY[0], para(P1, [("1", "GB.313/POL/7，第 5 段。")])] + OLD_BODY[2:]
    diff = diff_papers(paper(OLD_BODY), paper(new_body))
    assert [b.status for b in diff.blocks] == ["unchanged", "edited", "unchanged", "unchanged", "unchanged"]
    block = diff.edited[0]
    assert not block.text_changed and block.footnotes_changed
    assert block.segments == (Segment(EQUAL, P1),)
    note = block.footnote("1")
    assert note.op == "changed" and note.old_text == "GB.313/POL/7。"
    assert segments_to_text(note.segments) == "GB.313/POL/7{+，第 5 段+}。"
    assert summary(diff) == "paragraph 1 edited"


def test_renumbered_footnotes_are_not_changes_and_new_ones_are_added():
    old = [para("First.[^1]", [("1", "Note A.")]), para("Second.[^2] More.[^3]", [("2", "Note B."), ("3", "Note C.")])]
    new = [para("First.[^1] Added.[^2]", [("1", "Note A."), ("2", "Note N.")]),
           para("Second.[^3] More.[^4]", [("3", "Note B."), ("4", "Note C, revised.")])]
    blocks = diff_bodies(old, new)
    assert [b.status for b in blocks] == ["edited", "edited"]
    first, second = blocks
    assert segments_to_text(first.segments) == "First.[^1]{+ Added.[^2]+}"
    assert [(f.key, f.op) for f in first.footnotes] == [("1", "unchanged"), ("2", "added")]
    assert second.segments == (Segment(EQUAL, "Second.[^3] More.[^4]"),)  # no marker noise
    assert [(f.key, f.old_key, f.op, f.renumbered) for f in second.footnotes] == [
        ("3", "2", "unchanged", True), ("4", "3", "changed", True)]


def test_only_renumbered_block_is_unchanged():
    old = [para("Intro."), para("Text.[^2]", [("2", "Source.")])]
    new = [para("Intro.[^1]", [("1", "New.")]), para("Text.[^3]", [("3", "Source.")])]
    blocks = diff_bodies(old, new)
    assert [b.status for b in blocks] == ["edited", "unchanged"]
    assert blocks[1].footnotes[0].renumbered


def test_attribute_change_and_heading_edit():
    old = [{"type": "heading", "text": "2012-13 年战略框架"}, para("正文。", numbered=True),
           {"type": "framework", "strategy_id": "SSTC", "outcome": 1, "text": "", "footnotes": []}]
    new = [{"type": "heading", "text": "2014-15 年战略框架"}, para("正文。", numbered=False),
           {"type": "framework", "strategy_id": "SSTC", "outcome": 1, "text": "", "footnotes": []}]
    diff = diff_papers(paper(old), paper(new))
    heading, body, framework = diff.blocks
    assert heading.status == "edited" and segments_to_text(heading.segments) == "[-2012-13-]{+2014-15+} 年战略框架"
    assert body.status == "edited" and [c.to_json() for c in body.changes] == [
        {"path": "numbered", "op": "changed", "old": True, "new": False}]
    assert framework.status == "unchanged" and framework.segments == ()
    assert summary(diff) == "heading “2012-13 年战略框架” and paragraph 1 edited"


def test_unrelated_rewrite_is_delete_and_insert_not_edit():
    blocks = diff_bodies([para("The Office will report in 2014.")], [para("完全不同的段落。")])
    assert [b.status for b in blocks] == ["deleted", "inserted"]


def test_new_and_identical_papers():
    same = diff_papers(paper(OLD_BODY), paper(OLD_BODY))
    assert not same and summary(same) == "no changes"
    assert [b.status for b in same.blocks] == ["unchanged"] * 5
    created = diff_papers(None, paper(OLD_BODY))
    assert created.fields.op == "added" and all(b.status == "inserted" for b in created.blocks)
    assert summary(created) == "new paper with 5 blocks"


def test_paper_diff_to_json_is_json_ready():
    new_body = [OLD_BODY[0], para(P1, [("1", "GB.313/POL/7，第 5 段。")]), para(PNEW), OLD_BODY[3], OLD_BODY[2]]
    data = diff_papers(paper(OLD_BODY), paper(new_body, status="in_review")).to_json()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    # P2 and P3 swapped places: the one that went down (P2) is the one reported moved.
    assert data["summary"] == "1 field changed; paragraph 1 edited, 1 inserted, 1 deleted, paragraph 2 moved"
    assert [(b["status"], b["old_index"], b["new_index"]) for b in data["blocks"]] == [
        ("unchanged", 0, 0), ("edited", 1, 1), ("inserted", None, 2), ("unchanged", 3, 3),
        ("deleted", 4, None), ("moved", 2, 4)]
    assert data["counts"]["moved"] == 1
    assert data["fields"] == [{"path": "status", "op": "changed", "old": "draft", "new": "in_review",
                               "segments": [{"op": "delete", "text": "draft"}, {"op": "insert", "text": "in_review"}]}]
    assert data["blocks"][1]["footnotes"][0]["op"] == "changed"


POOL = [P1.replace("[^1]", ""), P2, P3, P4, PNEW, "Short English paragraph.", "Another English paragraph here."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(POOL), max_size=7), st.lists(st.sampled_from(POOL), max_size=7))
def test_every_block_appears_once(old_texts, new_texts):
    blocks = diff_bodies([para(t) for t in old_texts], [para(t) for t in new_texts])
    olds = sorted(b.old_index for b in blocks if b.old_index is not None)
    news = [b.new_index for b in blocks if b.new_index is not None]
    assert olds == list(range(len(old_texts)))
    assert news == list(range(len(new_texts))), "entries follow the new reading order"
    for b in blocks:
        assert old_text(b.segments) == (old_texts[b.old_index] if b.old_index is not None else "")
        assert new_text(b.segments) == (new_texts[b.new_index] if b.new_index is not None else "")
        if b.status == "moved":
            assert b.similarity >= 0.8
    if old_texts == new_texts:
        assert all(b.status == "unchanged" for b in blocks)


# --------------------------------------------------------------------------- rendering


def test_segments_to_html_escapes_and_marks():
    segments = diff_text("a <b> & c", "a <i> & c")
    out = segments_to_html(segments)
    assert out.startswith("a &lt;")
    assert '<del style="' in out and "line-through" in out and ">b</del>" in out
    assert '<ins style="' in out and "#116329" in out and ">i</ins>" in out
    assert "<b>" not in out and "&amp;" in out
    assert segments_to_html([Segment(EQUAL, "x\ny")], line_breaks=True) == "x<br>\ny"
    assert segments_to_html([]) == ""


def test_segments_to_text_convention():
    assert segments_to_text([Segment(EQUAL, "a "), Segment(DELETE, "b"), Segment(INSERT, "c")]) == "a [-b-]{+c+}"
