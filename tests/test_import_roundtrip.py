"""Export → import gives back the same record, for papers hypothesis makes up.

Generated papers have headings, numbered and unnumbered paragraphs with footnotes (arbitrary keys),
framework blocks with new, revised and plain indicators, and decisions with 0–3 parts, in English,
Chinese, French or Spanish; the cover and front matter vary too. After normalising what a file cannot carry (footnote
keys become the printed note numbers; the strategy id is not printed), the body, footnotes, front
matter, cover fields and decision text and parts must come back as they were. (The purpose entry
is compared without the "(see the draft decision in paragraph n)" the exporter computes and adds.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sstc_docs.domain.bundle import assemble
from sstc_docs.domain.records import FRONT_MATTER_KEYS, validate
from sstc_docs.domain.symbols import SECTIONS
from sstc_docs.word import export_docx
from sstc_docs.word.layout import with_decision_pointer
from sstc_docs.word.reader import read_paper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_import_reader import COVER, renumbered  # noqa: E402

WORDS = {"en": ["the", "Office", "strategy", "indicators", "partnerships", "constituents", "report", "meetings",
                "South–South", "cooperation", "2012–13", "results", "Governing", "Body", "support", "with",
                "see", "https://www.ilo.org/gb", "paragraph", "and"],
         "zh": ["理事会", "战略", "指标", "伙伴关系", "三方成员", "报告", "会议", "南南合作", "2012-13 年", "成果",
                "劳工局", "支持", "以及", "第 401 段", "，", "和"],
         "fr": ["le", "Bureau", "stratégie", "indicateurs", "partenariats", "mandants", "rapport", "réunions",
                "coopération", "Sud-Sud", "résultats", "Conseil", "appui", "avec", "et"],
         "es": ["la", "Oficina", "estrategia", "indicadores", "alianzas", "mandantes", "informe", "reuniones",
                "cooperación", "Sur-Sur", "resultados", "Consejo", "apoyo", "con", "y"]}


def phrase(language: str, min_words: int = 2, max_words: int = 14):
    joiner = "" if language == "zh" else " "
    return st.lists(st.sampled_from(WORDS[language]), min_size=min_words, max_size=max_words).map(
        lambda words: (joiner.join(words).replace(" ，", "，").strip("，") or WORDS[language][1]) + ".")


def unpointed(front: dict, language: str) -> dict:
    """The front matter without the pointer to the draft decision the exporter adds to the purpose."""
    return {**front, "purpose": with_decision_pointer(front["purpose"], [], language)}


@st.composite
def papers(draw):
    language = draw(st.sampled_from(["en", "zh", "fr", "es"]))
    text = phrase(language)
    note_counter = iter(range(1, 10_000))

    def with_notes():
        words = [draw(text)] if language == "zh" else draw(text).split(" ")
        notes = []
        for _ in range(draw(st.integers(0, 2))):
            key = f"k{next(note_counter)}"
            position = draw(st.integers(1, len(words)))
            words.insert(position, f"[^{key}]")
            notes.append({"key": key, "text": draw(text)})
        glue = "" if language == "zh" else " "
        return glue.join(words).replace(" [^", "[^"), notes

    section = draw(st.sampled_from(sorted(SECTIONS)))
    session, item = draw(st.integers(280, 350)), draw(st.integers(1, 25))
    symbol = f"GB.{session}/{section}/{item}"
    strategy_id, outcomes, indicators, body = "S-GEN", [], {}, []
    decision_id = f"{symbol}:D1"
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["paragraph", "paragraph", "paragraph", "heading", "framework"]))
        if kind == "heading":
            body.append({"type": "heading", "text": draw(text).rstrip(".")})
        elif kind == "paragraph":
            words, notes = with_notes()
            body.append({"type": "paragraph", "numbered": draw(st.booleans()), "text": words, "footnotes": notes})
        else:
            number = len(outcomes) + 1
            ids = []
            for k in range(draw(st.integers(1, 3))):
                flavour = draw(st.sampled_from(["plain", "new", "revised"]))
                ind_id = f"{strategy_id}/O{number}/I{k}"
                ids.append(ind_id)
                values = {"text": draw(text), "baseline": {"text": draw(text)}, "target": {"text": draw(text)}}
                revisions = []
                if flavour == "new":
                    revisions.append({"id": "R1", "type": "new", "reason": "r", "decision_id": decision_id,
                                      "status": "proposed", "proposed_on": "2012-11-01"})
                elif flavour == "revised":
                    revisions.append({"id": "R1", "type": "revised", "reason": "r", "decision_id": decision_id,
                                      "status": "proposed", "proposed_on": "2012-11-01", "old": values,
                                      "new": {"text": draw(text), "target": {"text": draw(text)}}})
                indicators[ind_id] = {"id": ind_id, "strategy_id": strategy_id, "outcome": number,
                                      "label": f"({chr(65 + k)})" if flavour == "new" else "", **values,
                                      "unit": "", "period": "2012-13", "measure": "count", "revisions": revisions}
            outcomes.append({"number": number, "statement": draw(text), "indicator_ids": ids})
            narrative, notes = with_notes() if draw(st.booleans()) else ("", [])
            body.append({"type": "framework", "strategy_id": strategy_id, "outcome": number, "text": narrative,
                         "footnotes": notes})
    paper = validate("paper", {
        "symbol": symbol, "session_dates": draw(st.sampled_from(["1–16 November 2012", "2012 年 11 月 1–16 日", ""])),
        "agenda_item": item, "action": draw(st.sampled_from(["decision", "debate", "information"])),
        "date": draw(st.sampled_from(["", "2012-10-01", "2013-02-28"])),
        "original_language": draw(st.sampled_from(["en", "zh", "fr", "es"])), "language": language,
        "title": draw(text).rstrip("."), "front_matter": {k: draw(st.sampled_from(["", draw(text)]))
                                                          for k in FRONT_MATTER_KEYS},
        "body": body, "decision_ids": [decision_id]})
    decision = {"id": decision_id, "paper_id": symbol, "language": language, "text": draw(text),
                "parts": [draw(text).rstrip(".") for _ in range(draw(st.integers(0, 3)))], "status": "draft"}
    strategy = {"id": strategy_id, "title": "S", "period": "2012-13", "language": language, "outcomes": outcomes}
    return paper, decision, strategy, indicators


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_export_then_import_gives_the_record_back(generated):
    paper, decision, strategy, indicators = generated
    language = paper["language"]
    bundle = assemble(paper, 1, strategies={strategy["id"]: strategy}, indicators=indicators,
                      decisions=[(decision, 1)])
    result = read_paper(export_docx(bundle), name="generated.docx")
    assert result.missing == [] and result.unrecognised == []
    back = result.paper
    assert {k: back[k] for k in COVER} == {k: paper[k] for k in COVER}
    assert unpointed(back["front_matter"], language) == unpointed(paper["front_matter"], language)
    assert renumbered(back["body"]) == renumbered(paper["body"])
    [point] = result.decisions
    assert (point["text"], point["parts"]) == (decision["text"], decision["parts"])
    printed = [(o["number"], o["statement"]) for o in strategy["outcomes"]]
    assert [(t.outcome, t.statement) for t in result.frameworks] == printed
    for table, outcome in zip(result.frameworks, strategy["outcomes"]):
        expected = [indicators[i] for i in outcome["indicator_ids"]]
        assert [(r.label, r.text, r.baseline, r.target) for r in table.indicators] == [
            (i["label"], i["text"], i["baseline"]["text"], i["target"]["text"]) for i in expected]
        assert [r.revised for r in table.indicators] == [
            {"text": i["revisions"][0]["new"]["text"], "target": i["revisions"][0]["new"]["target"]["text"]}
            if i["revisions"] and i["revisions"][0]["type"] == "revised" else {} for i in expected]
