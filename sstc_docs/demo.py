"""The reference case shipped as demo data: the seed paper GB.316/POL/5 (Chinese, November 2012).

Everything the seed prints is here, word for word: cover, front matter, paragraphs 1–3, the
strategic framework with both outcomes and all indicators, footnotes 1–4 and the draft decision.
The seed does not print its symbol: GB.316/POL/5 is inferred from its content (316th Session,
November 2012, fifth item of the Policy Development Section) and the paper says so.

The strategy's history is the one the paper implies: version 1 as approved on 22 March 2012
(GB.313/POL/7), version 2 adding indicators (A) and (B) to outcome 1 and proposing a revised
outcome 2 indicator, which come into force only when the draft decision is adopted.
"""

from __future__ import annotations

PAPER_ID = "GB.316/POL/5"
DECISION_ID = "GB.316/POL/5:D1"
STRATEGY_ID = "SSTC-2012"
AUTHOR = "demo (seed paper)"
SESSION_OPENS = "2012-11-01"
SESSION_CLOSES = "2012-11-16"
STRATEGY_APPROVED = "2012-03-22"
SOURCE_URL = ("http://ssc.undp.org/content/dam/ssc/documents/HLC%20Reports/Framework%20of%20Operational"
              "%20Guidelines_all%20languages/SSC%2017_3E.pdf")

IND_MEETINGS = f"{STRATEGY_ID}/O1/I1"
IND_PROGRAMMES = f"{STRATEGY_ID}/O1/A"
IND_COUNTRIES = f"{STRATEGY_ID}/O1/B"
IND_PARTNERSHIPS = f"{STRATEGY_ID}/O2/I1"

PAPER = {
    "id": PAPER_ID,
    "symbol": PAPER_ID,
    "symbol_note": ("Inferred: the seed does not print its symbol; GB.316/POL/5 is the fifth item of the "
                    "Policy Development Section at the 316th Session (November 2012). The seed prints no date "
                    "either; 2012-10-01 is assumed, since a paper is not issued without one."),
    "session_dates": "2012 年 11 月 1–16 日",
    "agenda_item": 5,
    "action": "decision",
    "date": "2012-10-01",
    "original_language": "en",
    "language": "zh",
    "title": "南南合作和三角形合作：前进的方向——\n2012 年 3 月份通过的战略的已修订的指标",
    "status": "issued",
    "front_matter": {
        "purpose": ("理事会被要求批准成果 1 的新的指标以及 2012 年 3 月份理事会批准的有关国际劳工组织南南合作和三角形合作"
                    "战略成果 2 的已修订的指标(见第 4 段决定草案)。"),
        "strategic_objective": "所有战略目标和成果 1：根据治理、支持和管理，有效力的和有效率地利用国际劳工组织的所有资源。",
        "policy_implications": "",
        "legal_implications": "",
        "financial_implications": "",
        "follow_up": "",
        "author_unit": "伙伴关系和发展合作司(PARDEV)。",
        "related_documents": "理事会文件 GB.313/PLO/7。",
    },
    "body": [
        {"type": "paragraph", "numbered": True,
         "text": ("2012 年 3 月，理事会根据 2012-13 年计划和预算确定的方向批准了国际劳工组织关于南南合作和三角形合作的战略"
                  "(SSTC)，并且要求细化两个成果指标。[^1] 本文件对成果 1 提出了两项新的指标和对成果 2 提出了一项已修订指标。"),
         "footnotes": [{"key": "1", "text": "理事会文件 GB.313/PV，第 401 段。"}]},
        {"type": "paragraph", "numbered": True,
         "text": ("用于南南合作和三角形合作指标的细化标准是根据国际劳工组织在过去十年中在南南合作和三角形合作方面取得的经验"
                  "以及根据在 2012 年 3 月向南南合作高级别委员会第 17 届会议上提交的关于联合国支持南南合作和三角形合作的"
                  "业务守则框架的秘书长的说明。[^2]"),
         "footnotes": [{"key": "2", "text": f"可从下列网址获取：{SOURCE_URL}。"}]},
        {"type": "paragraph", "numbered": True,
         "text": "成果 1 和成果 2 的行文是沿用了有一个更有说服力基于结果的方法，在对旧的指标做了精确修订以及采用新建议的指标之后进行了重新编写。",
         "footnotes": []},
        {"type": "heading", "text": "2012-13 年国际劳工组织关于南南合作和三角形合作的战略框架"},
        {"type": "framework", "strategy_id": STRATEGY_ID, "outcome": 1,
         "text": ("加大对 2011 年早期由联合国联合检查组在全系统中对南南合作和三角形合作做贡献的力度，为此而对其方式和方法的建议"
                  "将作为一项指导。这些建议包括批准当前正在讨论的南南合作和三角形合作的战略框架，包括操作的范围、将南南合作和"
                  "三角形合作纳入体面劳动国别计划，开发操作指南，以及由国际劳工组织伙伴关系和发展合作司与相关的地区办事处合作"
                  "提出的建立和扩大国际劳工组织南南合作和三角形合作的举措。这些活动也将包括提供政策和操作指南及南南合作和"
                  "三角形合作的协调，支持做出选择、确定并传播创造性的经验和良好的做法、支持技能开发、增强国际劳工组织三方成员"
                  "对南南合作和三角形合作重要性的敏感度，向国际劳工组织各级官员提供培训并筹集资源进一步拓展这一举措。[^3]"),
         "footnotes": [{"key": "3", "text": "理事会文件 GB.313/POL/7，第 10 段。"}]},
        {"type": "framework", "strategy_id": STRATEGY_ID, "outcome": 2,
         "text": ("劳工局将寻求与全球南方伙伴建立伙伴关系的可能性并且筹划单独的战略计划，旨在完成南南合作和三角形合作的计划"
                  "安排。例如，巴西和中国是当前在联合国系统中开展南南合作的最大融资国。将加大和支持与社会伙伴和非国家的行为者，"
                  "包括学术界、大学和议员建立社会伙伴关系的力度。在借鉴国际劳工组织和新的伙伴国家之间达成的关于体面劳动的谅解"
                  "备忘录和当前协议的基础上，劳工局将做出具体努力，促进南南合作和三角形合作。此外，一些来自世界北方的国家已经"
                  "开始支持在国际劳工组织中开展的南-南-北三角形合作，例如法国、德国、西班牙和美国，并且应加大这种努力和参与。"
                  "在这一成果方面，地区和国家办事处的参与也是至关重要的。[^4]"),
         "footnotes": [{"key": "4", "text": "同上。"}]},
    ],
    "decision_ids": [DECISION_ID],
}

DECISION = {
    "id": DECISION_ID, "paper_id": PAPER_ID, "language": "zh",
    "text": "理事会批准对成果 1 的新指标以及为国际劳工组织关于南南合作和三角形合作战略的成果 2 的修订指标。",
    "parts": [], "status": "submitted", "session": 316,
}

OUTCOME_1 = "国际劳工组织在确定和实施南南合作和三角形合作方面具有很强的机构意识和能力，旨在确定和实施南南合作和三角形合作的一项举措。"
OUTCOME_2 = "通过越来越多的政府、社会伙伴、联合国机构和非国家的行为方参加的南南合作和三角形合作推进体面劳动议程。"


def _strategy(outcome_1_indicators: list[str]) -> dict:
    return {"id": STRATEGY_ID, "title": "国际劳工组织关于南南合作和三角形合作的战略", "period": "2012-13",
            "language": "zh", "adopted_by": "GB.313/POL/7", "adopted_on": STRATEGY_APPROVED,
            "outcomes": [{"number": 1, "statement": OUTCOME_1, "indicator_ids": outcome_1_indicators},
                         {"number": 2, "statement": OUTCOME_2, "indicator_ids": [IND_PARTNERSHIPS]}]}


STRATEGY_V1 = _strategy([IND_MEETINGS])
STRATEGY_V2 = _strategy([IND_MEETINGS, IND_PROGRAMMES, IND_COUNTRIES])

PARTNERSHIPS_ORIGINAL = {
    "text": "同南南合作和三角形合作的伙伴建立的或延续伙伴关系的数目。",
    "baseline": {"text": "在过去的两年期达成十项伙伴关系协议。", "value": 10, "unit": "协议"},
    "target": {"text": "在当前的两年期至少每年达成五项新的伙伴关系协议。", "value": 5, "unit": "协议/年"},
}
PARTNERSHIPS_REVISED = {
    "text": "与政府、社会伙伴、联合国机构和非国家行为者新建立或延续的伙伴关系的数目，为此南南合作和三角形合作为推进体面劳动议程做出的贡献。",
    "baseline": {"text": "每年签署并实施三个伙伴关系。", "value": 3, "unit": "伙伴关系/年"},
    "target": {"text": "每年签署并实施五个新的伙伴关系。", "value": 5, "unit": "伙伴关系/年"},
}


def _indicator(indicator_id: str, outcome: int, label: str, values: dict, unit: str,
               revisions: list[dict] | None = None) -> dict:
    return {"id": indicator_id, "strategy_id": STRATEGY_ID, "outcome": outcome, "label": label, **values,
            "unit": unit, "period": "2012-13", "measure": "count", "revisions": revisions or []}


def _proposal(kind: str, reason: str, **values) -> dict:
    return {"id": "R1", "type": kind, "reason": reason, "decision_id": DECISION_ID, "status": "proposed",
            "proposed_on": SESSION_OPENS, **values}


INDICATOR_MEETINGS = _indicator(IND_MEETINGS, 1, "", {
    "text": "由国际劳工组织参加的关于采取南南合作和三角形合作的方法，实现体面劳动所举行的技术会议的数目。",
    "baseline": {"text": "在过去的两年期举行五次会议。", "value": 5, "unit": "次会议"},
    "target": {"text": "在当前的两年期举行十次会议。", "value": 10, "unit": "次会议"}}, "技术会议")

INDICATOR_PROGRAMMES = _indicator(IND_PROGRAMMES, 1, "(A)", {
    "text": "已经提出和实施的南南合作和三角形合作举措的新的国际劳工组织计划的数目。",
    "baseline": {"text": "两项计划。", "value": 2, "unit": "项计划"},
    "target": {"text": "两项新的计划。", "value": 2, "unit": "项新的计划"}}, "计划",
    [_proposal("new", "GB.313 asked for refined outcome indicators (GB.313/PV, paragraph 401).")])

INDICATOR_COUNTRIES = _indicator(IND_COUNTRIES, 1, "(B)", {
    "text": ("额外的国家和政府间组织的数目，这些国家和政府间组织在国际劳工组织的支持下，将南南合作和三角形合作纳入计划实施，"
             "作为战略中的一部分，并且已由国际劳工组织在与其它联合国机构和国际劳工组织三方成员以伙伴关系展示了其做法、"
             "得到肯定和予以传播。"),
    "baseline": {"text": "九个国家和三个政府间的组织。"},
    "target": {"text": "五个额外的国家和两个额外的政府间组织。"}}, "国家和政府间组织",
    [_proposal("new", "GB.313 asked for refined outcome indicators (GB.313/PV, paragraph 401).")])

INDICATOR_PARTNERSHIPS_V1 = _indicator(IND_PARTNERSHIPS, 2, "", PARTNERSHIPS_ORIGINAL, "伙伴关系协议")
INDICATOR_PARTNERSHIPS_V2 = _indicator(IND_PARTNERSHIPS, 2, "", PARTNERSHIPS_ORIGINAL, "伙伴关系协议", [
    _proposal("revised", "A results-based wording with an annual baseline, as GB.313 asked (GB.313/PV, paragraph 401).",
              old=PARTNERSHIPS_ORIGINAL, new=PARTNERSHIPS_REVISED)])

EVIDENCE = [
    {"id": "EV-GB313-PV-401", "kind": "minutes", "date": "2012-03-22",
     "title": "Minutes of the 313th Session: approval of the SSTC strategy and request for refined indicators",
     "source": "Governing Body, 313th Session (March 2012)", "reference": "GB.313/PV, paragraph 401",
     "reliability": "confirmed", "notes": "Cited in footnote 1 of GB.316/POL/5.",
     "links": {"papers": [PAPER_ID], "decisions": [DECISION_ID], "indicators": []}},
    {"id": "EV-SSC-17-3", "kind": "report", "date": "",
     "title": ("Note by the Secretary-General: framework of operational guidelines on United Nations support to "
               "South-South and triangular cooperation (SSC/17/3)"),
     "source": "High-level Committee on South-South Cooperation, 17th session", "reference": "SSC/17/3",
     "url": SOURCE_URL, "reliability": "confirmed", "notes": "Cited in footnote 2 of GB.316/POL/5.",
     "links": {"papers": [PAPER_ID], "decisions": [DECISION_ID], "indicators": []}},
    {"id": "EV-GB313-POL7-10", "kind": "report", "date": STRATEGY_APPROVED,
     "title": "GB.313/POL/7: the ILO strategy for South-South and triangular cooperation, paragraph 10",
     "source": "Governing Body, 313th Session (March 2012)", "reference": "GB.313/POL/7, paragraph 10",
     "reliability": "confirmed",
     "notes": ("Cited in footnotes 3 and 4 (ibid.) of GB.316/POL/5; the front matter prints it as GB.313/PLO/7, "
               "meaning GB.313/POL/7."),
     "links": {"papers": [PAPER_ID], "decisions": [DECISION_ID], "indicators": []}},
]

SESSION = {
    "id": "316", "number": 316, "place": "Geneva", "opening": SESSION_OPENS, "closing": SESSION_CLOSES,
    "note": ("Assumed: the seed prints neither its session nor the session's dates; the demo takes the "
             "316th Session (November 2012) to have met in Geneva from 1 to 16 November 2012."),
    "sections": [{"code": "POL", "segments": [], "items": [
        {"number": 5, "title": ("South–South and triangular cooperation: the way forward — revised indicators "
                                "for the strategy adopted in March 2012"), "papers": [PAPER_ID]}]}],
}

WHY_SEED = "Demo data: the seed paper GB.316/POL/5 as printed."
WHY_STRATEGY_V1 = "The strategy as approved by the Governing Body on 22 March 2012 (GB.313/POL/7)."
WHY_STRATEGY_V2 = "New indicators (A) and (B) for outcome 1 proposed by GB.316/POL/5, paragraph 4."
WHY_REVISED = "Revised indicator, baseline and target proposed by GB.316/POL/5, paragraph 4."


def demo_steps() -> list[tuple[str, dict, str, str]]:
    """(kind, record, why, effective_from) in the order references need: each step is one version.

    A record with two steps gets two versions, so the demo carries the history the paper implies.
    """
    return [
        ("strategy", STRATEGY_V1, WHY_STRATEGY_V1, STRATEGY_APPROVED),
        ("indicator", INDICATOR_MEETINGS, WHY_STRATEGY_V1, STRATEGY_APPROVED),
        ("indicator", INDICATOR_PARTNERSHIPS_V1, WHY_STRATEGY_V1, STRATEGY_APPROVED),
        ("paper", PAPER, WHY_SEED, SESSION_OPENS),
        ("decision", DECISION, WHY_SEED, SESSION_OPENS),
        ("session", SESSION, "Demo data: the 316th Session and GB.316/POL/5 on its agenda.", SESSION_OPENS),
        ("indicator", INDICATOR_PROGRAMMES, WHY_STRATEGY_V2, SESSION_OPENS),
        ("indicator", INDICATOR_COUNTRIES, WHY_STRATEGY_V2, SESSION_OPENS),
        ("indicator", INDICATOR_PARTNERSHIPS_V2, WHY_REVISED, SESSION_OPENS),
        ("strategy", STRATEGY_V2, WHY_STRATEGY_V2, SESSION_OPENS),
        *[("evidence", record, "Demo data: a reference the seed paper's footnotes cite.", record["date"] or SESSION_OPENS)
          for record in EVIDENCE],
    ]
