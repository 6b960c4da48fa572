"""Reading back what an exported paper says about itself: its provenance and its printed content.

Every export names, in its custom document properties, the record versions it was built from and
their hashes (layout.provenance). ``verify-docx`` reads them here, and compares the printed
content — paragraphs, table cells, footnotes — with a fresh export of the same versions, so an
auditor can tell a file that still shows the record from one edited after it was exported.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from .oxml import qn

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
#: A Word file is a zip: refuse to inflate more than this of its parts we read.
MAX_PART_BYTES = 64 * 1024 * 1024


class NotAWordFile(ValueError):
    """The bytes are not a .docx this program can read."""


def _part(package: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise NotAWordFile(f"its part {name} inflates to {info.file_size:,} bytes, more than a paper holds")
    return package.read(info)


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise NotAWordFile("it is not a Word .docx file (not a zip package)") from None


def read_properties(data: bytes) -> dict[str, str]:
    """The custom document properties, name → value as text ({} when there are none)."""
    with _open(data) as package:
        raw = _part(package, "docProps/custom.xml")
    if raw is None:
        return {}
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError:
        raise NotAWordFile("its document properties cannot be read") from None
    properties = {}
    for prop in root.iter(f"{CUSTOM_NS}property"):
        value = next(iter(prop), None)
        properties[prop.get("name", "")] = "" if value is None else (value.text or "")
    return properties


def printed_content(data: bytes) -> dict:
    """What a reader sees: the text of every paragraph, table cell and footnote, in order."""
    with _open(data) as package:
        document, notes = _part(package, "word/document.xml"), _part(package, "word/footnotes.xml")
    if document is None:
        raise NotAWordFile("it has no document body (word/document.xml)")
    try:
        body = etree.fromstring(document, _PARSER)
        footnotes = etree.fromstring(notes, _PARSER) if notes else None
    except etree.XMLSyntaxError:
        raise NotAWordFile("its document body cannot be read") from None

    def text(element) -> str:
        return "".join(t.text or "" for t in element.iter(qn("w:t")))

    return {"paragraphs": [text(p) for p in body.iter(qn("w:p"))],
            "tables": [[text(cell) for cell in table.iter(qn("w:tc"))] for table in body.iter(qn("w:tbl"))],
            "footnotes": [text(note) for note in footnotes.iter(qn("w:footnote"))] if footnotes is not None else []}
