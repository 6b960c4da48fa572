"""The house styles, and making sure any template has them.

Each style is (key, name, type, inner XML). The writer refers to styles by key; ``ensure_styles``
finds each one in a template by name (case-insensitive, as Word stores built-in names such as
"heading 1" in lower case) and type, adds the house definition of any that is missing, and
returns key → styleId. So a user's template keeps its own look for every style it defines, and
export never fails for want of one. Placeholders in the inner XML: {key} → that style's id,
{text_width} → the text width in twentieths of a point.
"""

from __future__ import annotations

import re

from lxml import etree

from . import fragment, qn
from .footnotes import FOOTNOTE_STYLES

STYLES: list[tuple[str, str, str, str]] = [
    ("default_font", "Default Paragraph Font", "character",
     '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'),
    ("table_normal", "Normal Table", "table",
     '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
     '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
     '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'),
    ("no_list", "No List", "numbering", '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'),
    ("normal", "Normal", "paragraph", '<w:qFormat/><w:pPr><w:spacing w:after="120"/></w:pPr>'),
    ("title", "Title", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/><w:uiPriority w:val="10"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="360"/></w:pPr>'
     '<w:rPr><w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'),
    ("cover", "Cover Text", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:qFormat/><w:pPr><w:tabs><w:tab w:val="right" w:pos="{text_width}"/>'
     '</w:tabs><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'),
    ("agenda", "Agenda Line", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:spacing w:before="600" w:after="120"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>'),
    ("action", "Action Label", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:spacing w:after="240"/><w:jc w:val="right"/></w:pPr>'
     '<w:rPr><w:b/><w:bCs/></w:rPr>'),
    ("front", "Front Matter", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:qFormat/><w:pPr><w:spacing w:before="60" w:after="60"/></w:pPr>'
     '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'),
    ("heading1", "heading 1", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{body}"/><w:uiPriority w:val="9"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>'
     '</w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr>'),
    ("heading2", "heading 2", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{body}"/><w:uiPriority w:val="9"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/>'
     '</w:pPr><w:rPr><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr>'),
    ("heading3", "heading 3", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{body}"/><w:uiPriority w:val="9"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/>'
     '</w:pPr><w:rPr><w:i/><w:iCs/></w:rPr>'),
    ("body", "Body Text", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:qFormat/><w:pPr><w:spacing w:after="160"/><w:jc w:val="both"/></w:pPr>'),
    ("numbered", "Numbered Paragraph", "paragraph",
     '<w:basedOn w:val="{body}"/><w:qFormat/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr>'),
    ("outcome", "Outcome", "paragraph",
     '<w:basedOn w:val="{body}"/><w:next w:val="{body}"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:spacing w:before="240"/></w:pPr>'),
    ("table_text", "Table Text", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40"/>'
     '<w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'),
    # the part's label hangs at the decision text's indent, its text on the tab stop, so every line aligns
    ("decision_part", "Decision Part", "paragraph",
     '<w:basedOn w:val="{body}"/><w:qFormat/><w:pPr><w:tabs><w:tab w:val="left" w:pos="1134"/></w:tabs>'
     '<w:ind w:left="1134" w:hanging="567"/></w:pPr>'),
    ("revision_note", "Revision Note", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/><w:qFormat/>'
     '<w:pPr><w:keepNext/><w:spacing w:after="240"/></w:pPr><w:rPr><w:i/><w:iCs/></w:rPr>'),
    ("header", "header", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:tabs>'
     '<w:tab w:val="center" w:pos="{text_center}"/><w:tab w:val="right" w:pos="{text_width}"/></w:tabs>'
     '<w:spacing w:after="0"/><w:jc w:val="right"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    ("footer", "footer", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:tabs>'
     '<w:tab w:val="center" w:pos="{text_center}"/><w:tab w:val="right" w:pos="{text_width}"/></w:tabs>'
     '<w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    ("label", "Label", "character",
     '<w:basedOn w:val="{default_font}"/><w:qFormat/><w:rPr><w:b/><w:bCs/></w:rPr>'),
    ("cover_symbol", "Cover Symbol", "character",
     '<w:basedOn w:val="{default_font}"/><w:qFormat/><w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'),
    ("hyperlink", "Hyperlink", "character",
     '<w:basedOn w:val="{default_font}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
     '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'),
    ("framework", "Framework Table", "table",
     '<w:basedOn w:val="{table_normal}"/><w:uiPriority w:val="59"/><w:pPr><w:spacing w:after="0"/></w:pPr>'
     '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
     '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
     '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'),
    # the front matter sits in one frame; a table, not paragraph borders, so it keeps inside the margins
    ("front_box", "Front Matter Box", "table",
     '<w:basedOn w:val="{table_normal}"/><w:uiPriority w:val="59"/>'
     '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
     '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
     '<w:tblCellMar><w:top w:w="85" w:type="dxa"/><w:left w:w="142" w:type="dxa"/>'
     '<w:bottom w:w="85" w:type="dxa"/><w:right w:w="142" w:type="dxa"/></w:tblCellMar></w:tblPr>'),
    ("decision_box", "Decision Box", "table",
     '<w:basedOn w:val="{table_normal}"/><w:uiPriority w:val="59"/>'
     '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="auto"/>'
     '<w:left w:val="single" w:sz="8" w:space="0" w:color="auto"/>'
     '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="auto"/>'
     '<w:right w:val="single" w:sz="8" w:space="0" w:color="auto"/></w:tblBorders>'
     '<w:tblCellMar><w:top w:w="113" w:type="dxa"/><w:left w:w="170" w:type="dxa"/>'
     '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar></w:tblPr>'),
    *FOOTNOTE_STYLES,
]

_DEFAULTS = {"default_font", "table_normal", "no_list", "normal"}


def _style_id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", name.title()) or "Style"


def ensure_styles(root, text_width: int = 9070) -> dict[str, str]:
    """Find or add every house style in a w:styles root; returns key → styleId."""
    by_name: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    has_default: set[str] = set()
    for style in root.findall(qn("w:style")):
        sid = style.get(qn("w:styleId"), "")
        taken.add(sid)
        name = style.find(qn("w:name"))
        stype = style.get(qn("w:type"), "paragraph")
        if name is not None:
            by_name.setdefault((name.get(qn("w:val"), "").lower(), stype), sid)
        if style.get(qn("w:default")) in ("1", "true", "on"):
            has_default.add(stype)
    ids: dict[str, str] = {}
    missing = []
    for key, name, stype, inner in STYLES:
        found = by_name.get((name.lower(), stype))
        if found:
            ids[key] = found
            continue
        sid = _style_id(name)
        while sid in taken:
            sid += "Sstc"
        taken.add(sid)
        ids[key] = sid
        missing.append((key, name, stype, inner))
    values = dict(ids, text_width=str(text_width), text_center=str(text_width // 2))
    for key, name, stype, inner in missing:
        default = key in _DEFAULTS and stype not in has_default
        xml = (f'<w:style w:type="{stype}"{" w:default=" + chr(34) + "1" + chr(34) if default else ""} '
               f'w:styleId="{ids[key]}"><w:name w:val="{name}"/>{inner.format(**values)}</w:style>')
        root.append(fragment(xml))
    return ids


def style_element(root, style_id: str):
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            return style
    return None


def style_num_id(root, style_id: str) -> str | None:
    """The numId a paragraph style's own w:numPr names, if any."""
    style = style_element(root, style_id)
    if style is None:
        return None
    num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if num is None else num.get(qn("w:val"))


def add_style_numbering(root, style_id: str, num_id: int) -> None:
    """Give a paragraph style w:numPr (so typing in Word with it numbers too)."""
    style = style_element(root, style_id)
    if style is None:
        return
    ppr = style.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.SubElement(style, qn("w:pPr"))
    if ppr.find(qn("w:numPr")) is not None:
        return
    numpr = etree.Element(qn("w:numPr"))
    etree.SubElement(numpr, qn("w:numId")).set(qn("w:val"), str(num_id))
    # numPr comes after keepNext…widowControl and before pBdr/spacing/ind in w:pPr
    after = {qn(t) for t in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
                            "w:widowControl")}
    position = 0
    for i, child in enumerate(ppr):
        if child.tag in after:
            position = i + 1
    ppr.insert(position, numpr)
