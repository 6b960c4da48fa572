"""The indicator revision history: the pure report object, and the .docx printed from it."""

from __future__ import annotations

import copy

import pytest
from test_word_support import Docx, body_texts, paragraph_text, q

from sstc_docs import demo
from sstc_docs.domain.report import build_indicator_report
from sstc_docs.word import indicator_report_docx

INDICATORS = [demo.INDICATOR_MEETINGS, demo.INDICATOR_PROGRAMMES, demo.INDICATOR_COUNTRIES,
              demo.INDICATOR_PARTNERSHIPS_V2]
DECISIONS = {demo.DECISION_ID: (demo.DECISION, 4)}
GENERATED = "2012-11-05 10:00 UTC"


@pytest.fixture(scope="module")
def report():
    return build_indicator_report(demo.STRATEGY_V2, INDICATORS, DECISIONS, GENERATED)


def test_report_structure(report):
    assert (report.strategy_id, report.period, report.language) == ("SSTC-2012", "2012-13", "zh")
    assert [(o.number, [i.id for i in o.indicators]) for o in report.outcomes] == [
        (1, [demo.IND_MEETINGS, demo.IND_PROGRAMMES, demo.IND_COUNTRIES]), (2, [demo.IND_PARTNERSHIPS])]
    revisions = report.revisions()
    assert [(i.label, r.type, r.status) for i, r in revisions] == [
        ("(A)", "new", "proposed"), ("(B)", "new", "proposed"), ("", "revised", "proposed")]
    _, revised = revisions[2]
    assert revised.old_text == demo.PARTNERSHIPS_ORIGINAL["text"]
    assert revised.new_text == demo.PARTNERSHIPS_REVISED["text"]
    assert (revised.old_baseline, revised.new_baseline) == ("在过去的两年期达成十项伙伴关系协议。", "每年签署并实施三个伙伴关系。")
    assert revised.new_target == "每年签署并实施五个新的伙伴关系。"
    assert revised.decision.symbol == "GB.316/POL/5"
    assert revised.decision.paragraph == 4
    assert revised.decision.status == "submitted"
    assert revised.decision.citation == "GB.316/POL/5，第 4 段"
    programmes = report.outcomes[0].indicators[1]
    assert programmes.in_force is False and programmes.text.startswith("已经提出和实施的")
    assert revisions[0][1].new_text == programmes.text


def test_report_docx_shows_every_revision_with_reason_and_decision(report):
    out = Docx(indicator_report_docx(report))
    texts = body_texts(out.document)
    assert texts[0] == "指标修订历史"
    assert "期间：2012-13" in texts and "生成时间：2012-11-05 10:00 UTC" in texts
    tables = list(out.document.iter(q("w:tbl")))
    assert len(tables) == 3
    rows = [{paragraph_text(tr[1]): paragraph_text(tr[2]) for tr in t.findall(q("w:tr"))} for t in tables]
    for revision_rows, indicator in zip(rows, INDICATORS[1:]):
        revision = indicator["revisions"][0]
        assert revision_rows["理由"] == revision["reason"]
        assert revision_rows["决定"] == "GB.316/POL/5，第 4 段（已提交） — GB.316/POL/5:D1"
        assert revision_rows["状态"] == "拟议"
        assert revision_rows["提出日期"] == "2012 年 11 月 1 日"
    assert [r["类型"] for r in rows] == ["新增", "新增", "修订"]
    assert rows[2]["原指标"] == demo.PARTNERSHIPS_ORIGINAL["text"]
    assert rows[2]["新目标"] == "每年签署并实施五个新的伙伴关系。"
    assert "无修订。" in texts                                          # the meetings indicator
    assert "指标(A)：已经提出和实施的南南合作和三角形合作举措的新的国际劳工组织计划的数目。" in texts
    assert out.custom_properties()["sstc.strategy_id"] == "SSTC-2012"
    assert out.core()["subject"] == "SSTC-2012"


def test_english_report_and_an_adopted_revision():
    strategy = dict(copy.deepcopy(demo.STRATEGY_V2), language="en")
    partnerships = copy.deepcopy(demo.INDICATOR_PARTNERSHIPS_V2)
    partnerships["revisions"][0].update(status="in_force", effective_date="2012-11-16")
    adopted = dict(demo.DECISION, status="adopted", adopted_on="2012-11-16")
    report = build_indicator_report(strategy, [demo.INDICATOR_MEETINGS, partnerships],
                                    {demo.DECISION_ID: (adopted, 4)}, GENERATED)
    # in force: the indicator now reads the revised text
    assert report.outcomes[1].indicators[0].text == demo.PARTNERSHIPS_REVISED["text"]
    out = Docx(indicator_report_docx(report))
    table = next(out.document.iter(q("w:tbl")))
    rows = {paragraph_text(tr[1]): paragraph_text(tr[2]) for tr in table.findall(q("w:tr"))}
    assert rows["Decision"] == "GB.316/POL/5, paragraph 4 (Adopted) — GB.316/POL/5:D1"
    assert rows["Status"] == "In force" and rows["Effective date"] == "16 November 2012"
    assert rows["Type"] == "Revised"
    texts = body_texts(out.document)
    assert texts[0] == "Indicator revision history"
    assert "No revisions." in texts
