"""Build the shipped house template: ``python -m sstc_docs.word.template templates/house.docx``.

The template is a small, complete Word document written from the definitions in oxml.styles
(the same ones that fill in a user template's missing styles): A4 with 2.5 cm margins, Times New
Roman for Latin text and SimSun for Chinese (Noto Serif CJK SC as its alternative, see oxml.fonts),
set in docDefaults too; the paper's styles; "1." paragraph numbering linked to the Numbered Paragraph
style; a header holding {symbol} (the exporter puts the paper's symbol there) and a footer with
the PAGE field; no header or footer on the first page, where the cover block stands.

An office can open house.docx in Word, change any style, and pass its copy as ``template=``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

from .oxml import (CT_CORE, CT_DOCUMENT, CT_EXTENDED, CT_FONT_TABLE, CT_FOOTER, CT_HEADER, CT_NUMBERING,
                   CT_RELS, CT_SETTINGS, CT_STYLES, NSMAP, RT_CORE, RT_EXTENDED, RT_FONT_TABLE, RT_FOOTER,
                   RT_HEADER, RT_NUMBERING, RT_OFFICE_DOCUMENT, RT_SETTINGS, RT_STYLES, W, qn,
                   serialize)
from .oxml import fields as _fields
from .oxml import fonts as _fonts
from .oxml import numbering as _numbering
from .oxml import styles as _styles
from .oxml.hyperlinks import Relationships
from .oxml.package import PLACEHOLDER, ContentTypes, core_properties, write_zip

A4 = (11906, 16838)
MARGIN = 1418            # 2.5 cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
LATIN_FONT = "Times New Roman"
EAST_ASIA_FONT = _fonts.DEFAULT_EAST_ASIA

_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="{CT_RELS}"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{CT_DOCUMENT}"/>
<Override PartName="/word/styles.xml" ContentType="{CT_STYLES}"/>
<Override PartName="/word/numbering.xml" ContentType="{CT_NUMBERING}"/>
<Override PartName="/word/settings.xml" ContentType="{CT_SETTINGS}"/>
<Override PartName="/word/fontTable.xml" ContentType="{CT_FONT_TABLE}"/>
<Override PartName="/word/header1.xml" ContentType="{CT_HEADER}"/>
<Override PartName="/word/footer1.xml" ContentType="{CT_FOOTER}"/>
<Override PartName="/docProps/core.xml" ContentType="{CT_CORE}"/>
<Override PartName="/docProps/app.xml" ContentType="{CT_EXTENDED}"/>
</Types>""".encode()

_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W}"><w:defaultTabStop w:val="567"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
</w:compat></w:settings>""".encode()

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>sstc-docs</Application><Template>house.docx</Template></Properties>""".encode()


def styles_xml() -> bytes:
    root = etree.Element(qn("w:styles"), nsmap={"w": W})
    _fonts.set_doc_defaults(root, LATIN_FONT, EAST_ASIA_FONT)
    ids = _styles.ensure_styles(root, TEXT_WIDTH)
    _styles.add_style_numbering(root, ids["numbered"], 1)
    return serialize(root)


def numbering_xml() -> bytes:
    root = _numbering.new_numbering_root()
    assert _numbering.add_paragraph_numbering(root) == 1
    return serialize(root)


def font_table_xml() -> bytes:
    root = etree.Element(qn("w:fonts"), nsmap={"w": W})
    for font in etree.fromstring(f'<x xmlns:w="{W}">{_fonts.FONT_TABLE_ENTRIES}</x>'):
        root.append(font)
    return serialize(root)


def _header_footer(kind: str) -> bytes:
    root = etree.Element(qn("w:hdr" if kind == "header" else "w:ftr"), nsmap=NSMAP)
    paragraph = etree.SubElement(root, qn("w:p"))
    ppr = etree.SubElement(paragraph, qn("w:pPr"))
    etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), "Header" if kind == "header" else "Footer")
    if kind == "header":
        run = etree.SubElement(paragraph, qn("w:r"))
        etree.SubElement(run, qn("w:t")).text = PLACEHOLDER
    else:
        _fields.page_field(paragraph)
    return serialize(root)


def document_xml() -> bytes:
    note = ("sstc-docs house template. Change the styles, page setup, header or footer here and pass "
            "this file as the export template; the exporter replaces this body with the paper and "
            "puts the paper's symbol where the header says " + PLACEHOLDER + ".")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
            f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
            f'<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t>{note}</w:t></w:r></w:p>'
            f'<w:sectPr><w:headerReference w:type="default" r:id="rId10"/>'
            f'<w:footerReference w:type="default" r:id="rId11"/>'
            f'<w:pgSz w:w="{A4[0]}" w:h="{A4[1]}"/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" '
            f'w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="709" w:footer="709" w:gutter="0"/>'
            f'<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr>'
            f'</w:body></w:document>').encode()


def build_house_template() -> bytes:
    package = Relationships()
    package.add(RT_OFFICE_DOCUMENT, "word/document.xml")
    package.add(RT_CORE, "docProps/core.xml")
    package.add(RT_EXTENDED, "docProps/app.xml")
    document = Relationships()
    for rtype, target in ((RT_STYLES, "styles.xml"), (RT_NUMBERING, "numbering.xml"), (RT_SETTINGS, "settings.xml"),
                          (RT_FONT_TABLE, "fontTable.xml")):
        document.add(rtype, target)
    document._next = 10
    assert document.add(RT_HEADER, "header1.xml") == "rId10"
    assert document.add(RT_FOOTER, "footer1.xml") == "rId11"
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": package.to_xml(),
        "docProps/core.xml": core_properties("Governing Body paper (house template)", "", "sstc-docs", ""),
        "docProps/app.xml": _APP,
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": document.to_xml(),
        "word/styles.xml": styles_xml(),
        "word/numbering.xml": numbering_xml(),
        "word/settings.xml": _SETTINGS,
        "word/fontTable.xml": font_table_xml(),
        "word/header1.xml": _header_footer("header"),
        "word/footer1.xml": _header_footer("footer"),
    }
    ContentTypes(parts["[Content_Types].xml"])   # parses: fail here, not in Word
    return write_zip(parts, list(parts))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "templates" / "house.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_house_template())
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
