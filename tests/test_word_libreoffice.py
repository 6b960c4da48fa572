"""LibreOffice opens every kind of exported file and prints the Chinese text and the footnotes.

All files are converted in one headless soffice call (module fixture) with a private profile,
so parallel test runs do not share LibreOffice's user installation.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from seed_text import seed_sentences, squash
from test_word_english import english_bundle
from test_word_redline import INSERTED_PARAGRAPH, changed_seed
from test_word_report import DECISIONS, GENERATED, INDICATORS

from sstc_docs import demo
from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.domain.report import build_indicator_report
from sstc_docs.word import export_docx, indicator_report_docx, redline_docx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

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
    }
    paths = []
    for name, data in files.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    profile = folder / "profile"
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *paths],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    texts = {}
    for name in files:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {name}.docx: {result}"
        texts[name] = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                     text=True, check=True).stdout
    return texts


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
    assert "(b) requests the Office to consult the constituents; and" in text
    assert "GB.313/PV, paragraph 12; see https://www.ilo.org/gb/313." in text
    assert re.search(r"Draft decision\s+4\.\s+The Governing Body:", text)


def test_redline_pdf(pdf_text):
    flat = squash(pdf_text["redline"])
    assert squash(INSERTED_PARAGRAPH) in flat and "GB.316/POL/5" in flat
    assert "新的脚注。" in flat


def test_report_pdf(pdf_text):
    flat = squash(pdf_text["report"])
    assert "指标修订历史" in flat
    assert squash(demo.INDICATOR_PARTNERSHIPS_V2["revisions"][0]["reason"]) in flat
    assert "GB.316/POL/5，第4段（已提交）" in flat
