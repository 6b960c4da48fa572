"""Paragraph numbering "1.", "2.", … as real Word numbering (numbering.xml abstractNum + num).

Numbered paragraphs carry w:numPr (w:ilvl 0, w:numId n) themselves, so the numbering resolves
without following style links; the draft decision's paragraph uses the same numId and so
continues the list (4 after 1–3 in the seed paper).
"""

from __future__ import annotations

from lxml import etree

from . import NSMAP, fragment, qn


ABSTRACT_NUM = (
    '<w:abstractNum w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
    '<w:name w:val="GB paragraph numbering"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
    '<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="567"/></w:tabs>'
    '<w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl></w:abstractNum>')


def new_numbering_root():
    return etree.Element(qn("w:numbering"), nsmap=NSMAP)


def _ids(root, tag: str, attr: str) -> list[int]:
    out = []
    for node in root.findall(qn(tag)):
        try:
            out.append(int(node.get(qn(attr))))
        except (TypeError, ValueError):
            pass
    return out


def num_is_decimal(root, num_id: str) -> bool:
    """Does numId resolve to an abstractNum whose level 0 is decimal? (a usable template list)"""
    for num in root.findall(qn("w:num")):
        if num.get(qn("w:numId")) == str(num_id):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                return False
            for abstract in root.findall(qn("w:abstractNum")):
                if abstract.get(qn("w:abstractNumId")) == ref.get(qn("w:val")):
                    fmt = abstract.find(f"{qn('w:lvl')}/{qn('w:numFmt')}")
                    return fmt is not None and fmt.get(qn("w:val")) == "decimal"
    return False


def add_paragraph_numbering(root) -> int:
    """Add the GB abstractNum and a num pointing at it; returns the new numId.

    Schema order: every w:abstractNum before the first w:num.
    """
    abstract_id = max(_ids(root, "w:abstractNum", "w:abstractNumId"), default=-1) + 1
    num_id = max(_ids(root, "w:num", "w:numId"), default=0) + 1
    abstract = fragment(ABSTRACT_NUM.format(abstract_id=abstract_id))
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        last_abstract = root.findall(qn("w:abstractNum"))
        if last_abstract:
            last_abstract[-1].addnext(abstract)
        else:
            bullets = root.findall(qn("w:numPicBullet"))
            if bullets:
                bullets[-1].addnext(abstract)
            else:
                root.insert(0, abstract)
    num = etree.Element(qn("w:num"))
    num.set(qn("w:numId"), str(num_id))
    etree.SubElement(num, qn("w:abstractNumId")).set(qn("w:val"), str(abstract_id))
    nums = root.findall(qn("w:num"))
    if nums:
        nums[-1].addnext(num)
    else:
        abstract.addnext(num)
    return num_id
