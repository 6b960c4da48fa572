"""PaperWriter: a Flow written as a .docx on top of a template; ``export_docx`` for a PaperBundle.

The body is built directly as WordprocessingML with lxml (python-docx's per-run objects are
slow at volume): paragraphs with their style and numbering, runs that always carry the East Asian
font, real footnotes, hyperlinks with relationships on the right part, tables, and — for the
redline — w:ins/w:del with author and date.
"""

from __future__ import annotations

import copy
import posixpath
from pathlib import Path

from lxml import etree

from ..domain.bundle import PaperBundle
from ..domain.labels import label
from . import text as _text
from .flow import DEL, Flow, Note, Para, Seg, Table
from .layout import paper_flow
from .oxml import (CT_CORE, CT_CUSTOM, CT_FOOTER, CT_FOOTNOTES, CT_HEADER, CT_NUMBERING, CT_RELS, CT_STYLES,
                   NSMAP, R, RT_CORE, RT_CUSTOM, RT_FOOTER, RT_FOOTNOTES, RT_HEADER, RT_NUMBERING, RT_STYLES,
                   W, qn, serialize, w)
from .oxml import fields as _fields
from .oxml import footnotes as _footnotes
from .oxml.fonts import RunFonts
from .oxml.hyperlinks import Relationships, hyperlink, split_urls
from .oxml.package import (ContentTypes, Template, core_properties, custom_properties, fill_placeholder,
                           load_template, part_name, rels_name, relative_target, write_zip)
from .oxml.tracked import ChangeTracker, as_deleted

_P, _PPR, _PSTYLE, _R, _T, _BR, _TAB = w("p"), w("pPr"), w("pStyle"), w("r"), w("t"), w("br"), w("tab")
_NUMPR, _ILVL, _NUMID, _VAL, _TYPE = w("numPr"), w("ilvl"), w("numId"), w("val"), w("type")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_RT_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


class PaperWriter:
    """Writes Flows on one template; marked items are stamped by ``tracker`` (ids, author, date)."""

    def __init__(self, template: str | Path | bytes | None = None, *, tracker: ChangeTracker | None = None):
        self.template: Template = load_template(template)
        self.tracker = tracker

    # ---- the package ---------------------------------------------------------------------------
    def write(self, flow: Flow) -> bytes:
        t = self.template
        self.ids = t.style_ids
        # English is the template's own default language; any other is tagged on every run
        locale = label("locale", flow.language)
        self.fonts = RunFonts(t.east_asia_font, None if flow.language == "en" else locale,
                              east_asian=flow.language == "zh")
        self.tracker = self.tracker or ChangeTracker()
        self.doc_rels = t.main_rels.copy()
        self.note_rels = Relationships()
        self.notes_root = _footnotes.new_footnotes_root()
        self.next_note = 1
        ids = self.ids
        self._ref_style = ids["footnote_ref"]
        self._link_style = ids["hyperlink"]
        self._note_style = ids["footnote_text"]

        nsmap = dict(t.doc_nsmap)
        nsmap.update({"w": W, "r": R})
        root = etree.Element(t.doc_tag, attrib=t.doc_attrib, nsmap=nsmap)
        body = etree.SubElement(root, w("body"))
        self._items(body, flow.items, self.doc_rels)
        if len(body) == 0 or body[-1].tag == w("tbl"):
            etree.SubElement(body, _P)      # Word wants a paragraph after a final table
        sect_pr = copy.deepcopy(t.sect_pr)
        body.append(sect_pr)

        parts = dict(t.parts)
        for name in list(parts):
            if name.startswith("docProps/thumbnail"):
                del parts[name]
        types = ContentTypes(t.content_types)
        types.main_as_document(t.main)
        types.ensure_default("rels", CT_RELS)
        types.ensure_default("xml", "application/xml")
        order = list(t.order)
        # macros from a .dotm template are not carried into the paper (a .docx cannot hold them)
        for rid, rtype, target, mode in [i for i in self.doc_rels.items if i[1].endswith("/vbaProject")]:
            self.doc_rels.items.remove((rid, rtype, target, mode))
            for name in (part_name(t.main, target), rels_name(part_name(t.main, target)), "word/vbaData.xml"):
                parts.pop(name, None)
                types.remove(name)

        def rel_part(rtype: str, default: str) -> str:
            found = self.doc_rels.find(rtype)
            if found:
                return part_name(t.main, found[0][1])
            name = _unique(parts, default)
            self.doc_rels.add(rtype, relative_target(t.main, name))
            return name

        # styles and numbering (already merged with the house definitions when the template was read)
        parts[rel_part(RT_STYLES, "word/styles.xml")] = t.styles_xml
        types.override(t.styles_part, CT_STYLES)
        numbering = rel_part(RT_NUMBERING, "word/numbering.xml")
        parts[numbering] = t.numbering_xml
        types.override(numbering, CT_NUMBERING)

        # headers and footers: the template's keep their place, {symbol} filled in; ours if none
        for name in t.header_parts:
            parts[name] = fill_placeholder(parts[name], _text.clean(flow.header_text))
        if not t.has_default_header:
            name = _unique(parts, "word/header_sstc.xml")
            parts[name] = self._header_xml(flow.header_text)
            types.override(name, CT_HEADER)
            _add_reference(sect_pr, "w:headerReference", self.doc_rels.add(RT_HEADER, relative_target(t.main, name)))
        if not t.has_default_footer:
            name = _unique(parts, "word/footer_sstc.xml")
            parts[name] = self._footer_xml()
            types.override(name, CT_FOOTER)
            _add_reference(sect_pr, "w:footerReference", self.doc_rels.add(RT_FOOTER, relative_target(t.main, name)))

        # footnotes (always present, with the separators, so a template's settings never dangle)
        notes = rel_part(RT_FOOTNOTES, "word/footnotes.xml")
        parts[notes] = serialize(self.notes_root)
        types.override(notes, CT_FOOTNOTES)
        if len(self.note_rels):
            parts[rels_name(notes)] = self.note_rels.to_xml()
        else:
            parts.pop(rels_name(notes), None)

        parts[t.main] = serialize(root)
        parts[rels_name(t.main)] = self.doc_rels.to_xml()

        # package properties: core (title, subject) and custom (record ids and versions)
        package_rels = t.package_rels.copy()
        package_rels.items = [i for i in package_rels.items if i[1] != _RT_THUMBNAIL]
        core = _package_part(package_rels, RT_CORE, "docProps/core.xml")
        parts[core] = core_properties(flow.title, flow.subject, flow.creator, flow.created, locale)
        types.override(core, CT_CORE)
        custom = _package_part(package_rels, RT_CUSTOM, "docProps/custom.xml")
        parts[custom] = custom_properties(flow.custom)
        types.override(custom, CT_CUSTOM)
        parts["_rels/.rels"] = package_rels.to_xml()
        parts["[Content_Types].xml"] = types.to_xml()
        return write_zip(parts, order)

    def _header_xml(self, text: str) -> bytes:
        root = etree.Element(w("hdr"), nsmap=NSMAP)
        paragraph = etree.SubElement(root, _P)
        etree.SubElement(etree.SubElement(paragraph, _PPR), _PSTYLE).set(_VAL, self.ids["header"])
        self._runs(paragraph, Seg(text), self.doc_rels)
        return serialize(root)

    def _footer_xml(self) -> bytes:
        root = etree.Element(w("ftr"), nsmap=NSMAP)
        paragraph = etree.SubElement(root, _P)
        etree.SubElement(etree.SubElement(paragraph, _PPR), _PSTYLE).set(_VAL, self.ids["footer"])
        _fields.page_field(paragraph, lambda run: self.fonts.rpr(run))
        return serialize(root)

    # ---- the body --------------------------------------------------------------------------------
    def _items(self, parent, items, rels) -> None:
        for item in items:
            if isinstance(item, Table):
                self._table(parent, item, rels)
            else:
                self._paragraph(parent, item, rels)

    def _paragraph(self, parent, para: Para, rels, style_id: str | None = None) -> None:
        p = etree.SubElement(parent, _P)
        ppr = etree.SubElement(p, _PPR)
        etree.SubElement(ppr, _PSTYLE).set(_VAL, style_id or self.ids[para.style])
        if para.numbered:
            numpr = etree.SubElement(ppr, _NUMPR)
            etree.SubElement(numpr, _ILVL).set(_VAL, "0")
            etree.SubElement(numpr, _NUMID).set(_VAL, str(self.template.num_id))
        if para.mark:
            self.tracker.mark_paragraph(ppr, para.mark, para.by)
        for seg in para.segs:
            if seg.note is not None:
                self._reference(p, seg)
            elif seg.text:
                self._runs(p, seg, rels)

    def _runs(self, p, seg: Seg, rels) -> None:
        style_id = self.ids[seg.style] if seg.style else None
        for chunk, url in split_urls(seg.text):
            parent, run_style = p, style_id
            if url:
                parent = hyperlink(p, rels.hyperlink(_text.clean(url)))
                run_style = self._link_style
            if seg.mark:
                parent = self.tracker.wrapper(parent, seg.mark, seg.by)
            run = etree.SubElement(parent, _R)
            self.fonts.rpr(run, run_style)
            for kind, value in _text.pieces(chunk):
                if kind == _text.TEXT:
                    node = etree.SubElement(run, _T)
                    node.text = value
                    if value[0] in " \u00a0\t" or value[-1] in " \u00a0\t":
                        node.set(_SPACE, "preserve")
                elif kind == _text.LINE_BREAK:
                    etree.SubElement(run, _BR)
                elif kind == _text.PAGE_BREAK:
                    etree.SubElement(run, _BR).set(_TYPE, "page")
                else:
                    etree.SubElement(run, _TAB)
            if seg.mark == DEL:
                as_deleted(run)

    def _ref_rpr(self, run):
        return self.fonts.rpr(run, self._ref_style)

    def _reference(self, p, seg: Seg) -> None:
        note_id = self.next_note
        self.next_note += 1
        parent = self.tracker.wrapper(p, seg.mark, seg.by) if seg.mark else p
        _footnotes.reference_run(parent, note_id, self._ref_rpr)
        self._note(note_id, seg.note)

    def _note(self, note_id: int, note: Note) -> None:
        element = _footnotes.add_footnote(self.notes_root, note_id)
        paras = note.paras or [[]]
        for i, segs in enumerate(paras):
            p = etree.SubElement(element, _P)
            etree.SubElement(etree.SubElement(p, _PPR), _PSTYLE).set(_VAL, self._note_style)
            if i == 0:
                parent = self.tracker.wrapper(p, note.mark, note.by) if note.mark else p
                _footnotes.number_run(parent, self._ref_rpr)
                self._runs(p, Seg(" ", mark=note.mark, by=note.by), self.note_rels)
            for seg in segs:
                if seg.note is None and seg.text:
                    self._runs(p, seg, self.note_rels)

    def _table(self, parent, table: Table, rels) -> None:
        width = self.template.text_width
        tbl = etree.SubElement(parent, w("tbl"))
        tblpr = etree.SubElement(tbl, w("tblPr"))
        etree.SubElement(tblpr, w("tblStyle")).set(_VAL, self.ids[table.style])
        tblw = etree.SubElement(tblpr, w("tblW"))
        tblw.set(w("w"), "5000")
        tblw.set(_TYPE, "pct")
        look = etree.SubElement(tblpr, w("tblLook"))
        look.set(_VAL, "0000")
        for attr in ("firstRow", "lastRow", "firstColumn", "lastColumn", "noHBand", "noVBand"):
            look.set(w(attr), "1" if attr.startswith("no") else "0")
        grid = etree.SubElement(tbl, w("tblGrid"))
        columns = [max(1, int(width * f)) for f in table.widths] or [width]
        for col in columns:
            etree.SubElement(grid, w("gridCol")).set(w("w"), str(col))
        for row in table.rows:
            tr = etree.SubElement(tbl, w("tr"))
            trpr = etree.SubElement(tr, w("trPr"))
            etree.SubElement(trpr, w("cantSplit"))
            if row.mark:
                self.tracker.mark_row(trpr, row.mark, row.by)
            for i, cell in enumerate(row.cells):
                tc = etree.SubElement(tr, w("tc"))
                tcw = etree.SubElement(etree.SubElement(tc, w("tcPr")), w("tcW"))
                tcw.set(w("w"), str(columns[min(i, len(columns) - 1)]))
                tcw.set(_TYPE, "dxa")
                for para in cell or [Para("table_text", [])]:
                    self._paragraph(tc, para, rels)


def _unique(parts: dict, name: str) -> str:
    if name not in parts:
        return name
    stem, ext = posixpath.splitext(name)
    n = 2
    while f"{stem}{n}{ext}" in parts:
        n += 1
    return f"{stem}{n}{ext}"


def _package_part(package_rels: Relationships, rtype: str, default: str) -> str:
    found = package_rels.find(rtype)
    if found:
        return part_name("", found[0][1])
    package_rels.add(rtype, default)
    return default


def _add_reference(sect_pr, tag: str, rid: str) -> None:
    ref = etree.Element(qn(tag))
    ref.set(qn("w:type"), "default")
    ref.set(qn("r:id"), rid)
    position = 0
    for i, child in enumerate(sect_pr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference")):
            position = i + 1
    sect_pr.insert(position, ref)


def export_docx(bundle: PaperBundle, *, template: str | Path | None = None) -> bytes:
    """The paper in the house format as .docx bytes (styles from ``template``, default house.docx)."""
    return PaperWriter(template).write(paper_flow(bundle))
