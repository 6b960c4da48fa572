"""Styles come from the template: the shipped house.docx, or an office's own .docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from docx.shared import Pt, RGBColor
from test_word_english import SYMBOL, english_bundle
from test_word_support import Docx, body_texts, numbered_paragraphs, q

from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.word import TemplateError, export_docx
from sstc_docs.word.oxml.styles import STYLES
from sstc_docs.word.template import build_house_template

HOUSE = Path(__file__).resolve().parents[1] / "templates" / "house.docx"


def test_shipped_house_template_is_the_generated_one():
    """templates/house.docx is what `python -m sstc_docs.word.template` writes (regenerate if this fails)."""
    assert HOUSE.read_bytes() == build_house_template()


def test_house_template_has_the_house_styles_page_and_fonts():
    house = Docx(HOUSE.read_bytes())
    names = set(house.style_names().values())
    for required in ("Normal", "Title", "Cover Text", "Agenda Line", "heading 1", "heading 2", "Numbered Paragraph",
                     "Decision Box", "Front Matter Box", "Decision Part", "Revision Note", "Framework Table", "footnote text", "footnote reference", "header", "footer",
                     "Hyperlink", "Label"):
        assert required in names
    assert {name for _, name, _, _ in STYLES} <= names
    fonts = house.styles().find(f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}/{q('w:rFonts')}")
    assert (fonts.get(q("w:ascii")), fonts.get(q("w:eastAsia"))) == ("Times New Roman", "SimSun")
    table = house.xml("word/fontTable.xml")
    alt = [f.find(q("w:altName")).get(q("w:val")) for f in table if f.get(q("w:name")) == "SimSun"]
    assert alt == ["Noto Serif CJK SC"]
    sect = house.document.find(f"{q('w:body')}/{q('w:sectPr')}")
    size = sect.find(q("w:pgSz"))
    assert (size.get(q("w:w")), size.get(q("w:h"))) == ("11906", "16838")          # A4
    assert sect.find(q("w:pgMar")).get(q("w:left")) == "1418"
    opened = python_docx.Document(str(HOUSE))
    assert opened.styles["Heading 1"].font.bold


@pytest.fixture(scope="module")
def office_template(tmp_path_factory) -> Path:
    """An office's template made in python-docx: Arial body text, dark red Heading 1, own header."""
    document = python_docx.Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.styles["Heading 1"].font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    header = document.sections[0].header
    header.paragraphs[0].text = "{symbol} — office draft"
    document.add_paragraph("This body is replaced.")
    path = tmp_path_factory.mktemp("tpl") / "office.docx"
    document.save(path)
    return path


def test_user_template_styles_are_used(office_template):
    data = export_docx(english_bundle(), template=office_template)
    out = Docx(data)
    opened = python_docx.Document(io.BytesIO(data))
    assert opened.styles["Normal"].font.name == "Arial"
    assert opened.styles["Heading 1"].font.color.rgb == RGBColor(0x8B, 0x00, 0x00)
    heading = next(p for p in opened.paragraphs if p.text == "The plan")
    assert heading.style.name == "Heading 1"
    assert "This body is replaced." not in body_texts(out.document)
    # styles the office template lacks were added, so the paper still has its numbering and box
    assert "Numbered Paragraph" in out.style_names().values()
    assert [n for n, _, _ in numbered_paragraphs(out)] == [1, 2, 3, 4]
    # the template's header is kept, the symbol put in its placeholder
    headers = ["".join(body_texts(out.xml(h))) for h in out.part_for("header")]
    assert f"{SYMBOL} — office draft" in headers
    # its page setup (US Letter in python-docx's default) is kept too
    size = out.document.find(f"{q('w:body')}/{q('w:sectPr')}/{q('w:pgSz')}")
    assert size.get(q("w:w")) == "12240"


def test_user_template_numbering_is_extended_not_replaced(office_template):
    before = Docx(office_template.read_bytes()).xml("word/numbering.xml")
    out = Docx(export_docx(demo_bundle(), template=office_template))
    after = out.xml("word/numbering.xml")
    assert len(after.findall(q("w:abstractNum"))) == len(before.findall(q("w:abstractNum"))) + 1
    assert [n for n, _, _ in numbered_paragraphs(out)] == [1, 2, 3, 4]


def test_dotx_template_becomes_a_document(tmp_path):
    raw = io.BytesIO(HOUSE.read_bytes())
    source = zipfile.ZipFile(raw)
    path = tmp_path / "house.dotx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    out = Docx(export_docx(demo_bundle(), template=path))
    assert out.content_types()["/word/document.xml"].endswith("document.main+xml")


def test_bad_templates_fail_with_a_clear_message(tmp_path):
    not_zip = tmp_path / "notes.docx"
    not_zip.write_text("hello")
    with pytest.raises(TemplateError, match="not a .docx"):
        export_docx(demo_bundle(), template=not_zip)
    with pytest.raises(TemplateError, match="cannot be read"):
        export_docx(demo_bundle(), template=tmp_path / "missing.docx")
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("hello.txt", "x")
    with pytest.raises(TemplateError, match="not a Word package"):
        export_docx(demo_bundle(), template=empty)
