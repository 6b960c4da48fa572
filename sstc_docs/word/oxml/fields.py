"""Fields: the PAGE field as a complex field (begin / instrText / separate / result / end)."""

from __future__ import annotations

from lxml import etree

from . import qn


def _run(paragraph, rpr_factory=None):
    run = etree.SubElement(paragraph, qn("w:r"))
    if rpr_factory is not None:
        rpr_factory(run)
    return run


def field(paragraph, instruction: str, placeholder: str = "1", rpr_factory=None) -> None:
    """Append a complex field (e.g. ' PAGE ') to ``paragraph``, with a cached result."""
    begin = _run(paragraph, rpr_factory)
    etree.SubElement(begin, qn("w:fldChar")).set(qn("w:fldCharType"), "begin")
    instr = _run(paragraph, rpr_factory)
    node = etree.SubElement(instr, qn("w:instrText"))
    node.set(qn("xml:space"), "preserve")
    node.text = f" {instruction.strip()} "
    separate = _run(paragraph, rpr_factory)
    etree.SubElement(separate, qn("w:fldChar")).set(qn("w:fldCharType"), "separate")
    result = _run(paragraph, rpr_factory)
    etree.SubElement(result, qn("w:t")).text = placeholder
    end = _run(paragraph, rpr_factory)
    etree.SubElement(end, qn("w:fldChar")).set(qn("w:fldCharType"), "end")


def page_field(paragraph, rpr_factory=None) -> None:
    field(paragraph, "PAGE", "1", rpr_factory)
