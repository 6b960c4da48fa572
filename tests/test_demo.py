"""The demo holds the whole seed paper, sentence by sentence, and loading it twice changes nothing."""

from __future__ import annotations

import json

from seed_text import missing_sentences

from sstc_docs import demo as seed
from sstc_docs.domain import labels
from sstc_docs.domain.records import FRONT_MATTER_KEYS, SHOWN_KINDS


def _all_text(services) -> str:
    records = [services.records.get(kind, head["id"]).data
               for kind in SHOWN_KINDS for head in services.records.heads(kind)]
    return json.dumps(records, ensure_ascii=False)


def test_demo_holds_every_sentence_of_the_seed(demo):
    paper = demo.records.get("paper", seed.PAPER_ID).data
    # The house format prints these from the record (agenda item, labels, empty entries), not as stored text.
    printed = [labels.agenda_line(paper["agenda_item"], paper["language"]),
               labels.label("front.purpose", "zh")]
    printed += [labels.none_text("zh") for key in FRONT_MATTER_KEYS if not paper["front_matter"][key]]
    assert missing_sentences(_all_text(demo) + "".join(printed)) == []


def test_demo_paper_has_the_seed_structure(demo):
    paper = demo.records.get("paper", "GB.316/POL/5").data
    numbered = [b for b in paper["body"] if b["type"] == "paragraph" and b["numbered"]]
    assert len(numbered) == 3
    notes = [n["text"] for b in paper["body"] for n in b.get("footnotes", [])]
    assert notes == ["理事会文件 GB.313/PV，第 401 段。", f"可从下列网址获取：{seed.SOURCE_URL}。",
                     "理事会文件 GB.313/POL/7，第 10 段。", "同上。"]
    assert [b["outcome"] for b in paper["body"] if b["type"] == "framework"] == [1, 2]
    assert demo.papers.decision_paragraph(paper, seed.DECISION_ID) == 4
    assert [paper["front_matter"][k] == "" for k in FRONT_MATTER_KEYS] == \
        [False, False, True, True, True, True, True, False, False]
    assert "Inferred" in paper["symbol_note"]


def test_strategy_has_the_two_versions_the_paper_implies(demo):
    history = demo.records.history("strategy", seed.STRATEGY_ID)
    assert [v.effective_from for v in history] == ["2012-03-22", "2012-11-01"]
    assert history[0].data["outcomes"][0]["indicator_ids"] == [seed.IND_MEETINGS]
    assert history[1].data["outcomes"][0]["indicator_ids"] == [seed.IND_MEETINGS, seed.IND_PROGRAMMES,
                                                                seed.IND_COUNTRIES]


def test_demo_references_are_evidence_linked_to_paper_and_decision(demo):
    references = {demo.records.get("evidence", h["id"]).data["reference"] for h in demo.records.heads("evidence")}
    assert references == {"GB.313/PV, paragraph 401", "SSC/17/3", "GB.313/POL/7, paragraph 10"}
    for head in demo.records.heads("evidence"):
        assert head["paper_ids"] == [seed.PAPER_ID] and head["decision_ids"] == [seed.DECISION_ID]
        assert head["indicator_ids"] == []  # the demo invents no progress data


def test_loading_twice_changes_nothing(demo):
    before = [(c["kind"], c["id"], c["version"]) for c in demo.store.changes(limit=1000)]
    assert demo.load_demo() == 0
    after = [(c["kind"], c["id"], c["version"]) for c in demo.store.changes(limit=1000)]
    assert after == before and len(before) == len(seed.demo_steps())
