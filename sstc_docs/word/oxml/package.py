"""The .docx package (OPC): read a template once, write a new package from its parts.

A template is read into memory and analysed once per file version (path, size, mtime): the main
document part, its relationships, the section properties, styles (with any missing house style
added), numbering, header/footer parts. Each export starts from those parts, replaces the body,
footnotes, properties and adds what it needs, and writes a zip with fixed timestamps, so the same
input gives the same bytes.
"""

from __future__ import annotations

import copy
import html
import io
import os
import posixpath
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import (CT, CT_CORE, CT_CUSTOM, CT_DOCUMENT, CT_FOOTER, CT_FOOTNOTES, CT_HEADER,
               CT_NUMBERING, CT_RELS, CT_STYLES, RT_CORE, RT_CUSTOM, RT_FOOTER,
               RT_FOOTNOTES, RT_HEADER, RT_NUMBERING, RT_OFFICE_DOCUMENT, RT_STYLES, W, parse, qn, serialize)
from . import fonts as _fonts
from . import numbering as _numbering
from . import styles as _styles
from ..text import clean
from .hyperlinks import Relationships
from .tracked import w3c_datetime

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "house.docx"
PLACEHOLDER = "{symbol}"


class TemplateError(ValueError):
    """The template given is not a Word document we can start from."""


def part_name(source_part: str, target: str) -> str:
    """Resolve a relationship target against the part that holds the relationship."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def relative_target(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part) or ".")


@dataclass
class Template:
    """One template .docx/.dotx, analysed; treat as read-only (it is shared between exports)."""

    parts: dict[str, bytes]
    order: list[str]
    content_types: bytes
    package_rels: Relationships
    main: str
    main_rels: Relationships
    doc_tag: str
    doc_nsmap: dict
    doc_attrib: dict
    sect_pr: object                       # the body's final w:sectPr (lxml element) or None
    styles_part: str
    styles_xml: bytes
    style_ids: dict[str, str]
    numbering_part: str
    numbering_xml: bytes
    num_id: int
    east_asia_font: str
    text_width: int
    header_parts: list[str] = field(default_factory=list)   # hdr/ftr parts to fill {symbol} in
    has_default_header: bool = False
    has_default_footer: bool = False


_CACHE: dict[tuple, Template] = {}
_LOCK = threading.Lock()


def load_template(template: str | os.PathLike | bytes | None = None) -> Template:
    """The analysed template (cached per file version); None → templates/house.docx."""
    if isinstance(template, (bytes, bytearray)):
        return _analyse(bytes(template))
    path = Path(template) if template is not None else DEFAULT_TEMPLATE
    try:
        stat = path.stat()
    except OSError as error:
        raise TemplateError(f"template {path} cannot be read: {error.strerror or error}") from None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    analysed = _analyse(path.read_bytes(), str(path))
    with _LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = analysed
    return analysed


def _analyse(data: bytes, name: str = "template") -> Template:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        order = [info.filename for info in archive.infolist() if not info.is_dir()]
        parts = {member: archive.read(member) for member in order}
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise TemplateError(f"{name} is not a .docx file (not a zip package: {error})") from None
    if "[Content_Types].xml" not in parts or "_rels/.rels" not in parts:
        raise TemplateError(f"{name} is not a Word package: it has no [Content_Types].xml or _rels/.rels")
    package_rels = Relationships(parts["_rels/.rels"])
    mains = package_rels.find(RT_OFFICE_DOCUMENT)
    if not mains:
        raise TemplateError(f"{name} has no main document part")
    main = part_name("", mains[0][1])
    if main not in parts:
        raise TemplateError(f"{name} names {main} as its document but does not contain it")
    main_rels = Relationships(parts.get(rels_name(main)))
    doc = parse(parts[main])
    body = doc.find(qn("w:body"))
    sect_pr = None
    if body is not None:
        last = body.find(qn("w:sectPr"))
        sect_pr = copy.deepcopy(last) if last is not None else None
    if sect_pr is None:
        sect_pr = etree.fromstring(
            f'<w:sectPr xmlns:w="{W}"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" '
            'w:footer="709" w:gutter="0"/></w:sectPr>')
    text_width = _text_width(sect_pr)

    # styles: find or create the part, add missing house styles
    found = main_rels.find(RT_STYLES)
    styles_part = part_name(main, found[0][1]) if found else "word/styles.xml"
    if styles_part in parts:
        styles_root = parse(parts[styles_part])
    else:
        styles_root = etree.Element(qn("w:styles"), nsmap={"w": W})
        _fonts.set_doc_defaults(styles_root, "Times New Roman", _fonts.DEFAULT_EAST_ASIA)
    style_ids = _styles.ensure_styles(styles_root, text_width)
    east_asia = _fonts.doc_default_east_asia(styles_root) or _fonts.FALLBACK_EAST_ASIA

    # numbering: the template's own list for the numbered style if it is decimal, else ours
    found = main_rels.find(RT_NUMBERING)
    numbering_part = part_name(main, found[0][1]) if found else "word/numbering.xml"
    numbering_root = parse(parts[numbering_part]) if numbering_part in parts else _numbering.new_numbering_root()
    style_num = _styles.style_num_id(styles_root, style_ids["numbered"])
    if style_num and _numbering.num_is_decimal(numbering_root, style_num):
        num_id = int(style_num)
    else:
        num_id = _numbering.add_paragraph_numbering(numbering_root)

    # headers and footers the section uses; which hold the {symbol} placeholder
    header_parts, has_header, has_footer = [], False, False
    for ref in list(sect_pr):
        if ref.tag not in (qn("w:headerReference"), qn("w:footerReference")):
            continue
        rel = main_rels.by_id(ref.get(qn("r:id"), ""))
        if rel is None or part_name(main, rel[1]) not in parts:
            sect_pr.remove(ref)     # a dangling reference would make Word refuse the file
            continue
        if ref.get(qn("w:type"), "default") == "default":
            if ref.tag == qn("w:headerReference"):
                has_header = True
            else:
                has_footer = True
        target = part_name(main, rel[1])
        header_parts.append(target)
        parts[target] = _join_split_placeholders(parts[target])

    return Template(parts, order, parts["[Content_Types].xml"], package_rels, main, main_rels,
                    doc.tag, dict(doc.nsmap), dict(doc.attrib), sect_pr,
                    styles_part, serialize(styles_root), style_ids,
                    numbering_part, serialize(numbering_root), num_id, east_asia, text_width,
                    header_parts, has_header, has_footer)


def _text_width(sect_pr) -> int:
    try:
        size = sect_pr.find(qn("w:pgSz"))
        margins = sect_pr.find(qn("w:pgMar"))
        width = int(size.get(qn("w:w")))
        return max(1440, width - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right"))))
    except (AttributeError, TypeError, ValueError):
        return 9070


def _join_split_placeholders(xml: bytes) -> bytes:
    """Word may split '{symbol}' over several runs; join such a paragraph's text into one run."""
    if PLACEHOLDER.encode() in xml or b"symbol" not in xml:
        return xml
    root = parse(xml)
    changed = False
    for paragraph in root.iter(qn("w:p")):
        texts = list(paragraph.iter(qn("w:t")))
        joined = "".join(t.text or "" for t in texts)
        if PLACEHOLDER in joined and not any(PLACEHOLDER in (t.text or "") for t in texts):
            texts[0].text = joined
            texts[0].set(qn("xml:space"), "preserve")
            for t in texts[1:]:
                t.text = ""
            changed = True
    return serialize(root) if changed else xml


def fill_placeholder(xml: bytes, value: str) -> bytes:
    return xml.replace(PLACEHOLDER.encode(), html.escape(value, quote=False).encode("utf-8"))


class ContentTypes:
    def __init__(self, xml: bytes):
        self.root = etree.fromstring(xml)
        self.overrides = {o.get("PartName"): o for o in self.root.findall(f"{{{CT}}}Override")}
        self.defaults = {d.get("Extension", "").lower() for d in self.root.findall(f"{{{CT}}}Default")}

    def override(self, part: str, content_type: str) -> None:
        name = "/" + part
        node = self.overrides.get(name)
        if node is None:
            node = etree.SubElement(self.root, f"{{{CT}}}Override")
            node.set("PartName", name)
            self.overrides[name] = node
        node.set("ContentType", content_type)

    def ensure_default(self, extension: str, content_type: str) -> None:
        if extension not in self.defaults:
            node = etree.Element(f"{{{CT}}}Default")
            node.set("Extension", extension)
            node.set("ContentType", content_type)
            self.root.insert(0, node)
            self.defaults.add(extension)

    def remove(self, part: str) -> None:
        node = self.overrides.pop("/" + part, None)
        if node is not None:
            self.root.remove(node)

    def main_as_document(self, part: str) -> None:
        """A .dotx/.dotm template's main part becomes a plain document (macros are not carried)."""
        self.override(part, CT_DOCUMENT)

    def to_xml(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


CORE_NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
           "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
           "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}


def core_properties(title: str, subject: str, creator: str, created: str, language: str = "") -> bytes:
    fields = [("dc:title", clean(title)), ("dc:subject", clean(subject)), ("dc:creator", clean(creator)),
              ("cp:lastModifiedBy", clean(creator))]
    if language:
        fields.append(("dc:language", language))
    body = "".join(f"<{tag}>{html.escape(value, quote=False)}</{tag}>" for tag, value in fields)
    stamp = w3c_datetime(clean(created)) if created else ""
    if stamp:
        body += (f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                 f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>')
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in CORE_NS.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties {ns}>{body}'
            f'</cp:coreProperties>').encode("utf-8")


CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties(values: dict) -> bytes:
    """docProps/custom.xml: name → text (vt:lpwstr) or whole number (vt:i4)."""
    items = []
    for pid, (name, value) in enumerate(values.items(), start=2):
        if isinstance(value, bool) or not isinstance(value, int) or not -2**31 <= value < 2**31:
            typed = f"<vt:lpwstr>{html.escape(clean(value), quote=False)}</vt:lpwstr>"
        else:
            typed = f"<vt:i4>{value}</vt:i4>"
        items.append(f'<property fmtid="{FMTID}" pid="{pid}" name="{html.escape(clean(name)[:255])}">'
                     f"{typed}</property>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{CUSTOM_NS}" '
            f'xmlns:vt="{VT_NS}">{"".join(items)}</Properties>').encode("utf-8")


_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(parts: dict[str, bytes], order: list[str]) -> bytes:
    """A zip with [Content_Types].xml first and fixed timestamps (same input, same bytes)."""
    buffer = io.BytesIO()
    names = ["[Content_Types].xml", "_rels/.rels"]
    names += [n for n in order if n in parts and n not in names]
    names += sorted(n for n in parts if n not in set(names))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, parts[name])
    return buffer.getvalue()


__all__ = ["Template", "TemplateError", "load_template", "ContentTypes", "core_properties", "custom_properties",
           "write_zip", "fill_placeholder", "part_name", "rels_name", "relative_target", "CT_FOOTNOTES",
           "CT_HEADER", "CT_FOOTER", "CT_NUMBERING", "CT_STYLES", "CT_CORE", "CT_CUSTOM", "CT_RELS", "RT_CORE",
           "RT_CUSTOM", "RT_FOOTNOTES", "RT_HEADER", "RT_FOOTER", "RT_NUMBERING", "RT_STYLES"]
