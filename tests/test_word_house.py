"""The house format points of the paper itself, read back from the exported .docx with lxml.

The pointer to the draft decision follows the numbering, a (Rev.) paper says what changed,
decision parts hang on a tab stop, front matter has its "Main relevant outcome" entry, and
French and Spanish papers print French and Spanish labels.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from test_word_english import DECISION, english_bundle
from test_word_support import Docx, body_texts, numbered_paragraphs, paragraph_property, paragraph_text, paragraphs, q

from sstc_docs import demo
from sstc_docs.domain import labels, lifecycle
from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.domain.records import FRONT_MATTER_KEYS, validate
from sstc_docs.word import export_docx
from sstc_docs.word.layout import with_decision_pointer

NEW_PARAGRAPHS = [{"type": "paragraph", "numbered": True, "text": "新增的第一段。", "footnotes": []},
                  {"type": "paragraph", "numbered": True, "text": "新增的第二段。", "footnotes": []}]


def with_two_more_paragraphs(bundle):
    """The paper with two numbered paragraphs added after its first: the decision moves down by two."""
    return dataclasses.replace(bundle, blocks=bundle.blocks[:1] + NEW_PARAGRAPHS + bundle.blocks[1:])


def purpose_text(docx: Docx, language: str) -> str:
    texts = body_texts(docx.document)
    return texts[texts.index(labels.label("front.purpose", language)) + 1]


# ---- the pointer to the draft decision -----------------------------------------------------------------
def test_seed_pointer_is_computed_and_reads_as_the_seed():
    data = Docx(export_docx(demo_bundle()))
    assert purpose_text(data, "zh") == demo.PAPER["front_matter"]["purpose"]          # (见第 4 段决定草案)。
    assert purpose_text(data, "zh").count("决定草案") == 1


def test_pointer_follows_the_numbering_when_paragraphs_are_added_zh():
    data = Docx(export_docx(with_two_more_paragraphs(demo_bundle())))
    assert [n for n, _, _ in numbered_paragraphs(data)] == [1, 2, 3, 4, 5, 6]
    assert numbered_paragraphs(data)[-1][1] == demo.DECISION["text"]            # the decision is 6 now
    purpose = purpose_text(data, "zh")
    assert purpose.endswith("已修订的指标(见第 6 段决定草案)。")
    assert "第 4 段" not in purpose and purpose.count("决定草案") == 1


def test_pointer_follows_the_numbering_when_paragraphs_are_added_en():
    bundle = english_bundle()
    more = [{"type": "paragraph", "numbered": True, "text": f"Added paragraph {n}.", "footnotes": []} for n in (1, 2)]
    data = Docx(export_docx(dataclasses.replace(bundle, blocks=bundle.blocks[:1] + more + bundle.blocks[1:])))
    assert numbered_paragraphs(data)[-1][0] == 6
    purpose = purpose_text(data, "en")
    # the typed pointer said paragraph 3 (stale already); it is replaced, not printed beside the new one
    assert purpose == "The Governing Body is invited to approve the plan (see the draft decision in paragraph 6)."


@pytest.mark.parametrize("typed, expected", [
    ("批准指标(见决定草案：第 4 段)。", "批准指标(见第 7 段决定草案)。"),
    ("批准指标（见第4段决定草案）。", "批准指标(见第 7 段决定草案)。"),
    ("Approve it (see draft decisions in paragraphs 4 and 5).", "Approve it (see the draft decision in paragraph 7)."),
    ("Approve it (see the Draft Decision in paragraph 12)", "Approve it (see the draft decision in paragraph 7)"),
    ("Approve it (see paragraph 2 above).", "Approve it (see paragraph 2 above) (see the draft decision in paragraph 7)."),
])
def test_a_typed_pointer_is_taken_out(typed, expected):
    language = "zh" if re.search("[\u4e00-\u9fff]", typed) else "en"
    assert with_decision_pointer(typed, [7], language) == expected


def test_no_pointer_without_a_decision_and_two_decisions_are_both_cited():
    assert with_decision_pointer("Information only (see the draft decision in paragraph 3).", [], "en") == \
        "Information only."
    assert with_decision_pointer("Approve both.", [4, 5], "en") == \
        "Approve both (see the draft decisions in paragraphs 4 and 5)."
    assert with_decision_pointer("批准。", [4, 5], "zh") == "批准(见第 4 和 5 段决定草案)。"


# ---- the (Rev.) note -----------------------------------------------------------------------------------
def test_revision_note_in_chinese_after_the_title():
    bundle = dataclasses.replace(demo_bundle(), paper=dict(demo.PAPER, symbol="GB.316/POL/5(Rev.)"),
                                 revised_paragraphs=(2, 5))
    data = Docx(export_docx(bundle))
    texts = body_texts(data.document)
    title = texts.index(demo.PAPER["title"])
    assert texts[title + 1] == "本文件取代 GB.316/POL/5。第 2 和 5 段已作修订。"
    note = next(p for p in paragraphs(data.document) if paragraph_text(p) == texts[title + 1])
    assert data.style_names()[note.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))] == "Revision Note"


def test_a_second_revision_replaces_the_first():
    texts = body_texts(Docx(export_docx(english_bundle(symbol="GB.316/INS/3/1(Rev.2)"))).document)
    assert "This document replaces GB.316/INS/3/1(Rev.)." in texts


# ---- decision parts --------------------------------------------------------------------------------------
TYPED_PARTS = dict(DECISION, parts=["(a) takes note of the plan;", "b) requests the Office to consult the "
                                    "constituents on every element of it and to report back", "（c）decides."])


def part_paragraphs(data: Docx) -> list:
    decision = numbered_paragraphs(data)[-1][2]
    return decision.getparent().findall(q("w:p"))[1:]


def test_decision_parts_hang_on_a_tab_stop():
    data = Docx(export_docx(english_bundle(decision=TYPED_PARTS)))
    parts = part_paragraphs(data)
    assert [paragraph_text(p) for p in parts] == [
        "(a)\ttakes note of the plan;",
        "(b)\trequests the Office to consult the constituents on every element of it and to report back; and",
        "(c)\tdecides."]
    for p in parts:
        # label run, a real tab, then the text: no space typed to push the text along
        runs = p.findall(q("w:r"))
        assert paragraph_text(runs[0]) in ("(a)", "(b)", "(c)") and runs[1].find(q("w:tab")) is not None
        indent = paragraph_property(data, p, "w:ind")
        left, hanging = int(indent.get(q("w:left"))), int(indent.get(q("w:hanging")))
        stops = [int(t.get(q("w:pos"))) for t in paragraph_property(data, p, "w:tabs") if t.get(q("w:val")) == "left"]
        assert stops == [left]              # the text after the tab starts where continuation lines start
        assert left - hanging == 567        # the label stands where the decision's own text starts
    decision = numbered_paragraphs(data)[-1][2]
    numbering = data.xml("word/numbering.xml").find(f"{q('w:abstractNum')}/{q('w:lvl')}/{q('w:pPr')}/{q('w:ind')}")
    assert int(numbering.get(q("w:left"))) == 567 and decision.find(f"{q('w:pPr')}/{q('w:ind')}") is None


def test_a_typed_part_label_is_never_printed_twice():
    data = Docx(export_docx(english_bundle(decision=TYPED_PARTS)))
    text = "\n".join(body_texts(data.document))
    assert not re.search(r"\(\w\)\s*[(（]\w[)）]|\(\w\)\s*\w\)", text)
    assert "(a) (a)" not in text and "(a)\t(a)" not in text
    assert lifecycle.decision_paragraphs("理事会：", ["(a) 注意到计划；", "（b）要求报告"], "zh") == \
        ["理事会：", "(a) 注意到计划；以及", "(b) 要求报告。"]


def test_parts_in_french_and_spanish():
    assert lifecycle.decision_paragraphs("Le Conseil d'administration:", ["a) prend note", "demande un rapport"],
                                         "fr")[1:] == ["a) prend note; et", "b) demande un rapport."]
    assert lifecycle.decision_paragraphs("El Consejo de Administración:", ["toma nota", "b) pide un informe"],
                                         "es")[1:] == ["a) toma nota; y", "b) pide un informe."]


# ---- front matter ----------------------------------------------------------------------------------------
def test_main_relevant_outcome_is_accepted_and_printed_in_its_place():
    paper = validate("paper", dict(demo.PAPER, front_matter=dict(demo.PAPER["front_matter"],
                                                                 main_outcome="成果 1：伙伴关系。")))
    assert FRONT_MATTER_KEYS.index("main_outcome") == FRONT_MATTER_KEYS.index("strategic_objective") + 1
    texts = body_texts(Docx(export_docx(dataclasses.replace(demo_bundle(), paper=paper))).document)
    objective = next(i for i, t in enumerate(texts) if t.startswith("相关的战略目标："))
    assert texts[objective + 1] == "主要相关成果：成果 1：伙伴关系。"
    assert texts[objective + 2] == "政策影响：无。"


# ---- French and Spanish ------------------------------------------------------------------------------------
FR_DECISION = dict(DECISION, language="fr", text="Le Conseil d'administration:",
                   parts=["approuve le plan", "demande un rapport à sa 317e session."])
ES_DECISION = dict(DECISION, language="es", text="El Consejo de Administración:",
                   parts=["aprueba el plan", "pide un informe en su 317.ª reunión."])


def _paper_in(language: str, decision: dict, purpose: str) -> Docx:
    bundle = english_bundle(decision=decision, language=language, agenda_item=5, symbol="GB.316/INS/3/1",
                            date="2012-10-01", front_matter={"purpose": purpose, "author_unit": "NORMES"})
    return Docx(export_docx(bundle))


def test_french_labels():
    data = _paper_in("fr", FR_DECISION, "Texte.")
    texts = body_texts(data.document)
    assert texts[:8] == ["Bureau international du Travail\tGB.316/INS/3/1", "Conseil d'administration",
                         "316e session, Genève, 1–16 November 2012", "Section institutionnelle\tINS",
                         "\tDate: 1er octobre 2012", "\tOriginal: anglais", "CINQUIÈME QUESTION À L'ORDRE DU JOUR",
                         "POUR DÉCISION"]
    assert texts[9:19] == ["Objet du document", "Texte (voir le projet de décision au paragraphe 4).",
                           "Objectif stratégique pertinent: Aucune.", "Incidences sur le plan des politiques: Aucune.",
                           "Incidences juridiques: Aucune.", "Incidences financières: Aucune.",
                           "Suivi nécessaire: Aucune.", "Unité auteur: NORMES", "Documents connexes: Aucune.", ""]
    decision = texts.index("Le Conseil d'administration:")
    assert texts[decision - 1] == "Projet de décision"
    assert texts[decision + 1:decision + 3] == ["a)\tapprouve le plan; et", "b)\tdemande un rapport à sa 317e session."]
    assert lifecycle.citation("GB.316/INS/3/1", 4, "fr") == "GB.316/INS/3/1, paragraphe 4"
    run = next(r for r in data.document.iter(q("w:r")) if r.find(q("w:t")) is not None)
    assert run.find(f"{q('w:rPr')}/{q('w:lang')}").get(q("w:val")) == "fr-FR"      # proofing in French
    assert data.core()["language"] == "fr-FR"


def test_spanish_labels():
    data = _paper_in("es", ES_DECISION, "Texto.")
    texts = body_texts(data.document)
    assert texts[:8] == ["Oficina Internacional del Trabajo\tGB.316/INS/3/1", "Consejo de Administración",
                         "316.ª reunión, Ginebra, 1–16 November 2012", "Sección Institucional\tINS",
                         "\tFecha: 1 de octubre de 2012", "\tOriginal: inglés", "QUINTO PUNTO DEL ORDEN DEL DÍA",
                         "PARA DECISIÓN"]
    assert texts[9:11] == ["Finalidad del documento", "Texto (véase el proyecto de decisión en el párrafo 4)."]
    assert "Repercusiones jurídicas: Ninguna." in texts and "Unidad autora: NORMES" in texts
    decision = texts.index("El Consejo de Administración:")
    assert texts[decision - 1] == "Proyecto de decisión"
    assert texts[decision + 1:decision + 3] == ["a)\taprueba el plan; y", "b)\tpide un informe en su 317.ª reunión."]
    assert lifecycle.citation("GB.316/INS/3/1", 4, "es") == "GB.316/INS/3/1, párrafo 4"


def test_agenda_ordinals_in_french_and_spanish():
    assert labels.agenda_line(1, "fr") == "PREMIÈRE QUESTION À L'ORDRE DU JOUR"
    assert labels.agenda_line(3, "es") == "TERCER PUNTO DEL ORDEN DEL DÍA"
    assert labels.agenda_line(23, "fr") == "23e QUESTION À L'ORDRE DU JOUR"
    assert labels.agenda_line(23, "es") == "23.º PUNTO DEL ORDEN DEL DÍA"


# ---- one catalogue -------------------------------------------------------------------------------------------
def test_every_label_exists_in_every_language():
    for key, table in labels._LABELS.items():
        assert set(table) == set(labels.LANGUAGES), key
        # callers fill the English placeholders; no translation asks for one they do not give
        english = set(re.findall(r"{(\w+)}", table["en"]))
        assert all(set(re.findall(r"{(\w+)}", text)) <= english for text in table.values()), key


def test_no_label_dictionary_outside_the_catalogue():
    """A label table keyed by language ("zh": …) lives in domain/labels.py only."""
    root = Path(__file__).resolve().parents[1] / "sstc_docs"
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "labels.py" and re.search(r'["\']zh["\']\s*:\s*["\']', path.read_text("utf-8"))]
    assert offenders == []
