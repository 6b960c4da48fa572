"""The domain's rules on their own: symbols, labels, validation, lifecycle, indicators as at a date."""

from __future__ import annotations

import copy

import pytest

from sstc_docs import demo
from sstc_docs.domain import labels, lifecycle
from sstc_docs.domain.framework import indicator_as_of
from sstc_docs.domain.records import parse_quantity, validate
from sstc_docs.domain.symbols import parse_symbol
from sstc_docs.errors import ValidationError


@pytest.mark.parametrize("text, expected", [
    ("GB.316/POL/5", ("GB.316/POL/5", 316, "POL", 5, None, "")),
    ("GB.316/INS/3/1(Rev.1)", ("GB.316/INS/3/1(Rev.1)", 316, "INS", 3, 1, "Rev.1")),
    ("gb.313/pfa/7(Add.2)".upper().replace("ADD", "Add"), ("GB.313/PFA/7(Add.2)", 313, "PFA", 7, None, "Add.2")),
    (" GB.320/LILS/2(Rev.) ", ("GB.320/LILS/2(Rev.)", 320, "LILS", 2, None, "Rev.")),
])
def test_symbols_parse_and_print_back(text, expected):
    symbol = parse_symbol(text)
    assert (str(symbol), symbol.session, symbol.section, symbol.item, symbol.sub_item, symbol.suffix) == expected


@pytest.mark.parametrize("text, fragment", [
    ("GB316/POL/5", "not a Governing Body document symbol"),
    ("GB.316/XYZ/5", "unknown section 'XYZ'"),
    ("GB.316/POL/5(Rev)", "not a Governing Body document symbol"),
    ("", "not a Governing Body document symbol"),
])
def test_bad_symbols_say_what_is_wrong(text, fragment):
    with pytest.raises(ValidationError) as error:
        parse_symbol(text)
    assert fragment in str(error.value)
    assert error.value.problems[0].field == "symbol"


def test_revised_symbols_count_up():
    symbol = parse_symbol("GB.316/POL/5")
    assert [str(symbol.revised()), str(symbol.revised().revised()), str(symbol.revised().revised().revised())] == \
        ["GB.316/POL/5(Rev.)", "GB.316/POL/5(Rev.2)", "GB.316/POL/5(Rev.3)"]


def test_agenda_lines_in_both_languages():
    assert labels.agenda_line(5, "zh") == "第五项议程"
    assert labels.agenda_line(5, "en") == "FIFTH ITEM ON THE AGENDA"
    assert labels.agenda_line(12, "zh") == "第十二项议程"
    assert labels.agenda_line(21, "zh") == "第二十一项议程"
    assert labels.agenda_line(23, "en") == "23RD ITEM ON THE AGENDA"
    assert labels.session_line(316, "1–16 November 2012", "en") == "316th Session, Geneva, 1–16 November 2012"
    assert labels.session_line(301, "March 2008", "en").startswith("301st Session")


def test_paper_validation_lists_every_problem_and_where():
    with pytest.raises(ValidationError) as error:
        validate("paper", {"symbol": "GB.316/XYZ/5", "title": "  ", "action": "vote",
                           "body": [{"type": "paragraph", "text": "See [^9]."}]})
    fields = {p.field for p in error.value.problems}
    assert {"symbol", "title", "action", "body[0].text"} <= fields


def test_footnotes_must_be_anchored_exactly_once():
    paper = copy.deepcopy(demo.PAPER)
    paper["body"][0]["footnotes"].append({"key": "x", "text": "orphan"})
    with pytest.raises(ValidationError) as error:
        validate("paper", paper)
    assert "put [^x] in the text" in str(error.value)


@pytest.mark.parametrize("value, expected", [
    (5, {"value": 5}),
    ("five meetings", {"text": "five meetings"}),
    ({"text": "ten", "value": "10", "unit": "meetings"}, {"text": "ten", "value": 10, "unit": "meetings"}),
    ({"value": 2.5}, {"value": 2.5}),
])
def test_quantities_accept_numbers_with_units_or_text(value, expected):
    assert parse_quantity(value, "baseline") == expected


@pytest.mark.parametrize("value", [True, None, [5], {"value": "many"}, {"value": float("nan")}, {}, {"colour": 1}])
def test_quantities_refuse_anything_else_with_how_to_write_it(value):
    with pytest.raises(ValidationError) as error:
        parse_quantity(value, "baseline")
    assert error.value.problems[0].field == "baseline"
    assert "write it as a number" in str(error.value)


def test_unknown_fields_are_refused_not_dropped():
    with pytest.raises(ValidationError) as error:
        validate("strategy", {"id": "S", "title": "T", "titel": "typo"})
    assert "unknown field 'titel'" in str(error.value)


def test_lifecycle_allows_only_its_transitions():
    lifecycle.check_transition("draft", "in_review")
    lifecycle.check_transition("submitted", "deferred")
    lifecycle.check_transition("deferred", "submitted")
    with pytest.raises(ValidationError, match="allowed next: In review, Withdrawn"):
        lifecycle.check_transition("draft", "adopted")
    with pytest.raises(ValidationError, match="none: it is final"):
        lifecycle.check_transition("adopted", "draft")


def test_decision_parts_are_punctuated_as_the_house_format_says():
    lines = lifecycle.decision_paragraphs("The Governing Body:", ["approves the strategy.", "requests a report",
                                                                  "decides to review it in 2014"], "en")
    assert lines == ["The Governing Body:", "(a) approves the strategy;", "(b) requests a report; and",
                     "(c) decides to review it in 2014."]


def test_record_of_decision_is_past_tense_and_cites_the_paragraph():
    cite = lifecycle.citation("GB.316/POL/5", 4, "en")
    assert lifecycle.record_of_decision("The Governing Body approves the new indicators.", [], "en", cite) == \
        "The Governing Body approved the new indicators. (GB.316/POL/5, paragraph 4.)"
    assert lifecycle.record_of_decision(demo.DECISION["text"], [], "zh", lifecycle.citation("GB.316/POL/5", 4, "zh")) \
        .startswith("理事会批准了对成果 1 的新指标")


def test_indicator_as_of_follows_revisions_in_force():
    indicator = copy.deepcopy(demo.INDICATOR_PARTNERSHIPS_V2)
    assert indicator_as_of(indicator, "2013-01-01").values["target"]["value"] == 5
    assert indicator_as_of(indicator).pending[0]["type"] == "revised"
    indicator["revisions"][0].update(status="in_force", effective_date="2012-11-16")
    assert indicator_as_of(indicator, "2012-06-01").values["text"] == demo.PARTNERSHIPS_ORIGINAL["text"]
    assert indicator_as_of(indicator, "2012-11-16").values["text"] == demo.PARTNERSHIPS_REVISED["text"]
    new = copy.deepcopy(demo.INDICATOR_PROGRAMMES)
    assert not indicator_as_of(new, "2013-01-01").in_force
    new["revisions"][0].update(status="in_force", effective_date="2012-11-16")
    assert not indicator_as_of(new, "2012-11-15").in_force
    assert indicator_as_of(new, "2012-11-16").in_force


def test_symbols_typed_in_any_case_are_read_and_sort_in_natural_order():
    from sstc_docs.domain.symbols import parse_symbol, symbol_order
    assert str(parse_symbol("gb.347/pol/2")) == "GB.347/POL/2"
    assert str(parse_symbol(" GB.316/pol/5(rev.) ")) == "GB.316/POL/5(Rev.)"
    assert str(parse_symbol("gb.316/ins/3/1(ADD.2)")) == "GB.316/INS/3/1(Add.2)"
    typed = ["GB.329/PFA/1/120", "GB.329/PFA/1/60(Rev.)", "GB.329/PFA/1/60", "GB.329/PFA/1/9", "GB.316/POL/5"]
    assert sorted(typed, key=symbol_order) == ["GB.316/POL/5", "GB.329/PFA/1/9", "GB.329/PFA/1/60",
                                              "GB.329/PFA/1/60(Rev.)", "GB.329/PFA/1/120"]
