"""LibreOffice opens every kind of exported file and prints the Chinese text and the footnotes.

All files are converted in one headless soffice call (module fixture) with a private profile,
so parallel test runs do not share LibreOffice's user installation.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from libreoffice import PDFTOTEXT, SOFFICE, convert
from lxml import etree
from seed_text import seed_sentences, squash
from test_word_english import english_bundle
from test_word_house import ES_DECISION, FR_DECISION, TYPED_PARTS, with_two_more_paragraphs
from test_word_redline import INSERTED_PARAGRAPH, changed_seed
from test_word_report import DECISIONS, GENERATED, INDICATORS

from sstc_docs import demo
from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.domain.report import build_indicator_report
from sstc_docs.word import export_docx, indicator_report_docx, redline_docx

PDFFONTS = shutil.which("pdffonts")
LONG_PART = dict(TYPED_PARTS, parts=[TYPED_PARTS["parts"][0], TYPED_PARTS["parts"][1] + ", " + " ".join(
    ["in the light of the discussion at this session"] * 4), TYPED_PARTS["parts"][2]])

pytestmark = pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                                reason="LibreOffice (soffice) and poppler's pdftotext are needed to render the "
                                       "exports; install libreoffice-writer-nogui and poppler-utils")


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("lo")
    files = {
        "seed": export_docx(demo_bundle()),
        "english": export_docx(english_bundle()),
        "redline": redline_docx([demo_bundle(), changed_seed()]),
        "report": indicator_report_docx(build_indicator_report(demo.STRATEGY_V2, INDICATORS, DECISIONS, GENERATED)),
        "seed_more": export_docx(with_two_more_paragraphs(demo_bundle())),
        "parts": export_docx(english_bundle(decision=LONG_PART, revised_paragraphs=(2, 3))),
        "french": export_docx(english_bundle(decision=FR_DECISION, language="fr", agenda_item=5)),
        "spanish": export_docx(english_bundle(decision=ES_DECISION, language="es", agenda_item=5)),
    }
    paths = []
    for name, data in files.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    convert(paths, to="pdf", outdir=folder, profile=folder / "profile")
    texts = {}
    for name in files:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {name}.docx"
        texts[name] = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                     text=True, check=True).stdout
        texts[name + ":layout"] = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
                                                 capture_output=True, text=True, check=True).stdout
    texts["folder"] = str(folder)
    return texts


def words(pdf_text, name: str, near: str) -> list[tuple[str, float, float]]:
    """(word, x, y) in points of every word LibreOffice placed on the page where ``near`` is (pdftotext -bbox)."""
    html = subprocess.run([PDFTOTEXT, "-bbox", "-enc", "UTF-8", f"{pdf_text['folder']}/{name}.pdf", "-"],
                          capture_output=True, check=True).stdout
    root = etree.fromstring(html, etree.HTMLParser())
    page = next(p for p in root.iter("page") if any(w.text == near for w in p.iter("word")))
    return [(w.text or "", float(w.get("xmin")), float(w.get("ymin"))) for w in page.iter("word")]


def test_seed_pdf_holds_the_chinese_text_and_the_footnotes(pdf_text):
    flat = squash(pdf_text["seed"])
    missing = [s for s in seed_sentences() if squash(s) not in flat and "http" not in s]
    assert missing == []
    for note in ("理事会文件GB.313/PV，第401段。", "可从下列网址获取：", "理事会文件GB.313/POL/7，第10段。", "同上。"):
        assert note in flat
    assert "SSC%2017_3E.pdf" in flat                                 # the URL, wrapped over lines
    assert "第五项议程" in flat and "决定草案" in flat
    assert "4.理事会批准对成果1的新指标" in flat                       # the decision is paragraph 4


def test_english_pdf(pdf_text):
    text = pdf_text["english"]
    assert "THIRD ITEM ON THE AGENDA" in text
    assert re.search(r"\(b\)\s+requests the Office to consult the constituents; and", text)
    assert "GB.313/PV, paragraph 12; see https://www.ilo.org/gb/313." in text
    assert re.search(r"Draft decision\s+4\.\s+The Governing Body:", pdf_text["english:layout"])


def test_redline_pdf(pdf_text):
    flat = squash(pdf_text["redline"])
    assert squash(INSERTED_PARAGRAPH) in flat and "GB.316/POL/5" in flat
    assert "新的脚注。" in flat


def test_report_pdf(pdf_text):
    flat = squash(pdf_text["report"])
    assert "指标修订历史" in flat
    assert squash(demo.INDICATOR_PARTNERSHIPS_V2["revisions"][0]["reason"]) in flat
    assert "GB.316/POL/5，第4段（已提交）" in flat


def test_seed_renders_in_a_chinese_font(pdf_text):
    """The runs name SimSun, absent here: LibreOffice still sets the Chinese in a CJK font (Noto)."""
    assert "理事会批准对成果" in pdf_text["seed"]
    if PDFFONTS:
        fonts = subprocess.run([PDFFONTS, f"{pdf_text['folder']}/seed.pdf"], capture_output=True, text=True,
                               check=True).stdout
        assert "CJK" in fonts, fonts


def test_pointer_after_added_paragraphs_pdf(pdf_text):
    flat = squash(pdf_text["seed_more"])
    assert "已修订的指标(见第6段决定草案)。" in flat and "第4段决定草案" not in flat
    assert "6.理事会批准对成果1的新指标" in flat


def test_decision_parts_line_up_in_the_render(pdf_text):
    placed = words(pdf_text, "parts", near="(b)")
    labels = {w: (x, y) for w, x, y in placed if w in ("(a)", "(b)", "(c)")}
    assert set(labels) == {"(a)", "(b)", "(c)"}
    (bx, by) = labels["(b)"]
    first_word = min((x for w, x, y in placed if abs(y - by) < 1 and x > bx + 1), default=None)
    assert first_word is not None
    # the lines of part (b) after its first start where its text starts, not under the label
    below = sorted({round(y, 1) for w, x, y in placed if by + 1 < y < labels["(c)"][1] - 1})
    assert below, "part (b) should wrap onto a second line"
    for y in below:
        start = min(x for w, x, yy in placed if round(yy, 1) == y)
        assert abs(start - first_word) < 1.0, (start, first_word)
    assert abs(labels["(a)"][0] - bx) < 0.5 and abs(labels["(c)"][0] - bx) < 0.5
    # the label stands where the decision's own text starts (after "4.")
    number = max(((x, y) for w, x, y in placed if w == "4." and y < by), key=lambda p: p[1])
    text_start = min(x for w, x, y in placed if abs(y - number[1]) < 1 and x > number[0] + 1)
    assert abs(text_start - bx) < 1.0
    assert "Paragraphs 2 and 3 have been revised." in pdf_text["parts"]


def test_front_matter_frame_sits_inside_the_margins(pdf_text):
    placed = words(pdf_text, "english", near="Purpose")
    margin = min(x for w, x, y in placed if w == "1.")                      # numbered paragraphs' number
    purpose = next(x for w, x, y in placed if w == "Purpose")
    assert purpose - margin == pytest.approx(142 / 20, abs=1.5)             # the frame's cell padding, not less


def test_french_and_spanish_pdf(pdf_text):
    french, spanish = (" ".join(pdf_text[name].split()) for name in ("french", "spanish"))
    for expected in ("Bureau international du Travail", "Conseil d'administration", "CINQUIÈME QUESTION À L'ORDRE DU JOUR",
                     "POUR DÉCISION", "Objet du document", "Projet de décision", "Incidences juridiques: Aucune.",
                     "(voir le projet de décision au paragraphe 4)", "Original: anglais"):
        assert expected in french, expected
    for expected in ("Oficina Internacional del Trabajo", "Consejo de Administración", "QUINTO PUNTO DEL ORDEN DEL DÍA",
                     "PARA DECISIÓN", "Finalidad del documento", "Proyecto de decisión",
                     "Repercusiones jurídicas: Ninguna.", "Original: inglés"):
        assert expected in spanish, expected
    assert "Draft decision" not in french + spanish and "None." not in french + spanish
