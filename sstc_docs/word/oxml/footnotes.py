"""Real Word footnotes: the footnotes part, the reference runs, and the styles they use.

Word wants word/footnotes.xml to start with two special notes, the separator (w:id -1) and the
continuation separator (w:id 0), then one w:footnote per note with ids 1..n. In the text a note
is a run holding w:footnoteReference w:id=n (character style "footnote reference"); inside the
note the first run holds w:footnoteRef (the number, same style) and the paragraph style is
"footnote text". The part is reached by a relationship from document.xml and has its own
content-type override; links inside notes use relationships of the footnotes part.
"""

from __future__ import annotations

from lxml import etree

from . import NSMAP, qn

# (key, name, type, inner XML) — merged into oxml.styles.STYLES
FOOTNOTE_STYLES = [
    ("footnote_text", "footnote text", "paragraph",
     '<w:basedOn w:val="{normal}"/><w:uiPriority w:val="99"/>'
     '<w:unhideWhenUsed/><w:pPr><w:spacing w:after="40" w:line="240" w:lineRule="auto"/>'
     '<w:ind w:left="227" w:hanging="227"/><w:jc w:val="left"/></w:pPr>'
     '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    ("footnote_ref", "footnote reference", "character",
     '<w:basedOn w:val="{default_font}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
     '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'),
]


def new_footnotes_root():
    """A footnotes part with the separator (-1) and continuation separator (0) Word requires."""
    root = etree.Element(qn("w:footnotes"), nsmap=NSMAP)
    for note_id, kind, mark in (("-1", "separator", "w:separator"),
                                ("0", "continuationSeparator", "w:continuationSeparator")):
        note = etree.SubElement(root, qn("w:footnote"))
        note.set(qn("w:type"), kind)
        note.set(qn("w:id"), note_id)
        paragraph = etree.SubElement(note, qn("w:p"))
        ppr = etree.SubElement(paragraph, qn("w:pPr"))
        spacing = etree.SubElement(ppr, qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
        run = etree.SubElement(paragraph, qn("w:r"))
        etree.SubElement(run, qn(mark))
    return root


def add_footnote(root, note_id: int):
    """Append an empty w:footnote with ``note_id``; the caller adds its paragraphs."""
    note = etree.SubElement(root, qn("w:footnote"))
    note.set(qn("w:id"), str(note_id))
    return note


def reference_run(parent, note_id: int, rpr_factory):
    """The run in the text that shows the note's number: w:footnoteReference w:id=note_id."""
    run = etree.SubElement(parent, qn("w:r"))
    rpr_factory(run)
    etree.SubElement(run, qn("w:footnoteReference")).set(qn("w:id"), str(note_id))
    return run


def number_run(parent, rpr_factory):
    """The first run inside a note: w:footnoteRef (Word prints the note's number here)."""
    run = etree.SubElement(parent, qn("w:r"))
    rpr_factory(run)
    etree.SubElement(run, qn("w:footnoteRef"))
    return run

