"""Word files this project did not write, built at run time for the import tests.

python-docx writes the "foreign" papers the way people type them: Normal style with bold or larger
runs for headings, paragraph numbers as a Word list or typed digits ("1. ", "1　"), real footnotes
(a footnotes part added by hand: python-docx has no API for them), hyperlinks, a picture, tracked
changes and a comment. ``soffice`` and ``pandoc`` convert files when they are installed.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Pt
from libreoffice import SOFFICE, convert

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
URL = "https://www.ilo.org/gb/GB320/pol/WCMS_000001"

EN = {
    "cover": ["INTERNATIONAL LABOUR OFFICE", "Governing Body", "320th Session, Geneva, 13–27 March 2014",
              "GB.320/POL/3", "Policy Development Section", "Date: 7 February 2014", "Original: English",
              "THIRD ITEM ON THE AGENDA", "FOR DECISION"],
    "title": "Follow-up to South–South and triangular cooperation",
    "purpose": ("Purpose of the document", "To propose indicators for the strategy (see the draft decision in paragraph 5)."),
    "front": [("Relevant strategic objective:", "All strategic objectives."), ("Policy implications:", "None."),
              ("Author unit:", "PARDEV.")],
    "heading_bold": "Background",
    "paras": ["The Governing Body adopted the strategy in March 2012.",
              "The indicators were refined with the constituents.",
              "The Office reports on them every year."],
    "note": "GB.313/PV, paragraph 401.",
    "heading_big": "Strategic framework 2014–15",
    "outcome": "Outcome 1: Stronger capacity to act on South–South cooperation.",
    "rows": [("Indicator:", "Number of technical meetings."), ("Baseline:", "Five meetings."),
             ("Target:", "Ten meetings."), ("New indicator (A):", "Number of new programmes."),
             ("Baseline:", "Two programmes."), ("Target:", "Two new programmes.")],
    "columns": ["Outcome", "Indicator", "Baseline", "Target"],
    "column_row": ["Outcome 2: Decent work advanced through partnerships.", "Number of partnerships.",
                   "Ten agreements.", "Five new agreements a year."],
    "decision_heading": "Draft decision",
    "decision": "The Governing Body:",
    "parts": ["(a) approves the new indicator for outcome 1;", "(b) requests the Office to report in 2015."],
    "typed": "{n}. ",
}
ZH = {
    "cover": ["国际劳工局", "理事会", "第 320 届会议，2014 年 3 月 13–27 日，日内瓦", "GB.320/POL/3", "政策制定部分",
              "日期：2014 年 2 月 7 日", "原文：英文", "第三项议程", "供决定"],
    "title": "南南合作和三角形合作的后续行动",
    "purpose": ("文件的目的是", "提出战略的指标(见第 5 段决定草案)。"),
    "front": [("相关的战略目标：", "所有战略目标。"), ("政策影响：", "无。"), ("作者单位：", "伙伴关系和发展合作司。")],
    "heading_bold": "背景",
    "paras": ["理事会于 2012 年 3 月通过了该战略。", "指标已与三方成员一起细化。", "劳工局每年就此提出报告。"],
    "note": "理事会文件 GB.313/PV，第 401 段。",
    "heading_big": "2014-15 年战略框架",
    "outcome": "成果 1：加强开展南南合作的能力。",
    "rows": [("指标：", "技术会议的数目。"), ("基线：", "五次会议。"), ("目标：", "十次会议。"),
             ("新的指标(A)：", "新计划的数目。"), ("基线：", "两项计划。"), ("目标：", "两项新的计划。")],
    "columns": ["成果", "指标", "基线", "目标"],
    "column_row": ["成果 2：通过伙伴关系推进体面劳动。", "伙伴关系的数目。", "十项协议。", "每年五项新协议。"],
    "decision_heading": "决定草案",
    "decision": "理事会：",
    "parts": ["(a) 批准成果 1 的新指标；以及", "(b) 要求劳工局于 2015 年提出报告。"],
    "typed": "{n}\u3000",
}


def _footnotes_part(document, notes: list[str]) -> None:
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>' for i, text in enumerate(notes, 1))
    xml = (f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
           f'</w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           f'<w:continuationSeparator/></w:r></w:p></w:footnote>{body}</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _footnote_ref(paragraph, note_id: int) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W_NS}" w:id="{note_id}"/>'))
    rpr = run._r.get_or_add_rPr()
    rpr.append(parse_xml(f'<w:vertAlign xmlns:w="{W_NS}" w:val="superscript"/>'))


def _hyperlink(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'))


def _tracked(paragraph, inserted: str, deleted: str) -> None:
    stamp = 'w:author="Ana Lopez" w:date="2014-02-01T10:00:00Z"'
    paragraph._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="901" {stamp}><w:r><w:t xml:space="preserve">'
                                  f'{inserted}</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="902" {stamp}><w:r><w:delText xml:space="preserve">'
                                  f'{deleted}</w:delText></w:r></w:del>'))


def _bold(paragraph_or_doc, text: str, size: float | None = None):
    paragraph = paragraph_or_doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = size is None
    if size:
        run.font.size = Pt(size)
    return paragraph


def foreign_paper(language: str = "en", *, numbering: str = "word", with_extras: bool = True) -> bytes:
    """A paper typed in Word by someone else: Normal style, direct formatting, Word or typed numbers."""
    t = EN if language == "en" else ZH
    document = docx.Document()
    for line in t["cover"]:
        document.add_paragraph(line)
    title = document.add_paragraph()
    title_run = title.add_run(t["title"])
    title_run.bold, title_run.font.size = True, Pt(16)
    _bold(document, t["purpose"][0])
    document.add_paragraph(t["purpose"][1])
    for name, value in t["front"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(name + " ").bold = True
        paragraph.add_run(value)
    _bold(document, t["heading_bold"])
    numbered = []
    for n, text in enumerate(t["paras"], start=1):
        if numbering == "word":
            paragraph = document.add_paragraph(text, style="List Number")
        else:
            paragraph = document.add_paragraph(t["typed"].format(n=n) + text)
        numbered.append(paragraph)
    _footnote_ref(numbered[0], 1)
    numbered[0].add_run(" See ")
    _hyperlink(numbered[0], URL, "the report")
    numbered[0].add_run(".")
    _footnotes_part(document, [t["note"] + " Available at: " + URL])
    if with_extras:
        _tracked(numbered[1], " Inserted words.", " Deleted words.")
        document.add_comment(numbered[2].runs, text="Check this figure.", author="Reviewer One", initials="RO")
        document.add_paragraph().add_run().add_picture(io.BytesIO(PNG))
    _bold(document, t["heading_big"], size=15)
    document.add_paragraph(t["outcome"])
    table = document.add_table(rows=0, cols=2)
    for name, value in t["rows"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
    document.add_paragraph()
    columns = document.add_table(rows=2, cols=4)
    for i, text in enumerate(t["columns"]):
        columns.rows[0].cells[i].text = text
    for i, text in enumerate(t["column_row"]):
        columns.rows[1].cells[i].text = text
    _bold(document, t["decision_heading"])
    n = len(t["paras"]) + 1
    if numbering == "word":
        document.add_paragraph(t["decision"], style="List Number")
    else:
        document.add_paragraph(t["typed"].format(n=n) + t["decision"])
    for part in t["parts"]:
        document.add_paragraph(part)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite(data: bytes, old: str, new: str, part: str = "word/document.xml") -> bytes:
    """The package with ``old`` replaced by ``new`` in one part's XML (the rest copied as it is)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                content = content.replace(old.encode("utf-8"), new.encode("utf-8"))
            target.writestr(info, content)
    return out.getvalue()


def soffice_roundtrip(data: bytes, suffix: str = ".docx") -> bytes | None:
    """The file opened and saved again by LibreOffice (None when soffice is not installed)."""
    if SOFFICE is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"in{suffix}"
        source.write_bytes(data)
        out = Path(folder) / "out"
        convert([str(source)], to="docx", outdir=out, profile=Path(folder) / "profile", timeout=180)
        return (out / "in.docx").read_bytes()


def pandoc_docx(markdown: str) -> bytes | None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.md", Path(folder) / "out.docx"
        source.write_text(markdown, encoding="utf-8")
        subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)], check=True,
                       timeout=120)
        return target.read_bytes()
