"""Opening an uploaded .docx without trusting it: every refusal says what was found and what is missing.

A Word file is a zip of XML parts. Before any XML is read the package is checked from the outside
in: the upload size, the file signature (an encrypted .docx or an old .doc is an OLE2 compound file,
D0 CF 11 E0), the zip directory (declared total size and compression ratio, so a zip bomb is refused
before anything is inflated), macros (vbaProject.bin or a macro-enabled content type) and the main
part. Parts are then inflated on demand, counting the bytes as they come (a directory can lie), and
parsed with entity resolution, DTD loading and network access off; a part that declares a DOCTYPE or
an ENTITY is refused outright. Relationships marked ``TargetMode="External"`` are recorded as links,
never fetched.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from ...errors import ValidationError

DEFAULT_MAX_UPLOAD_MB = 50.0
MAX_INFLATED_BYTES = 100 * 1024 * 1024      # everything the parts inflate to, together
MAX_RATIO = 100                             # inflated : compressed, per part
RATIO_FLOOR = 1024 * 1024                   # small parts may compress well; only big ones are judged
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
MACRO_TYPES = ("macroEnabled", "vbaProject")
RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_CHUNK = 64 * 1024

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False, remove_comments=True, remove_pis=True)


def size_text(size: int) -> str:
    """Bytes as people read them: 900 bytes, 12.3 KB, 50 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB".replace(".0 ", " ")
    return f"{size / 1048576:.1f} MB".replace(".0 ", " ")


def refuse(name: str, found: str, wanted: str) -> ValidationError:
    """One refusal sentence: the file, what it is, what an importable file needs."""
    return ValidationError(f"{name}: {found}; {wanted}. Nothing was imported.", field="file")


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        return self.type.rsplit("/", 1)[-1]


class Package:
    """The parts of a checked .docx, inflated and parsed only when asked for."""

    def __init__(self, data: bytes, name: str, *, max_bytes: int):
        self.name = name
        self._check_outside(data, max_bytes)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise refuse(name, f"the zip package is damaged ({error})",
                         "save the file again from Word as .docx") from None
        self._infos = {info.filename: info for info in infos if not info.is_dir()}
        self._inflated = 0
        self._check_directory()
        self.content_types = self._content_types()
        self._check_macros()
        self.main = self._main_part()

    # ---- checks -----------------------------------------------------------------------------
    def _check_outside(self, data: bytes, max_bytes: int) -> None:
        name = self.name
        if not isinstance(data, (bytes, bytearray)) or not data:
            raise refuse(name, "the file is empty", "choose the .docx file of the paper")
        if len(data) > max_bytes:
            raise refuse(name, f"the file is {size_text(len(data))}, over the upload limit of "
                               f"{size_text(max_bytes)} (SSTC_MAX_UPLOAD_MB)",
                         "import a smaller file, e.g. without embedded images")
        if data[:8] == OLE2_SIGNATURE:
            raise refuse(name, "it is an OLE2 compound file (signature D0 CF 11 E0): an encrypted "
                               "(password-protected) .docx or an old binary .doc",
                         "remove the password, or open it in Word and save it as .docx")
        if data[:4] not in ZIP_SIGNATURES:
            raise refuse(name, f"it is not a .docx: not a zip package (it starts with {bytes(data[:8])!r})",
                         "a Word document (.docx) is needed")

    def _check_directory(self) -> None:
        total = sum(info.file_size for info in self._infos.values())
        if total > MAX_INFLATED_BYTES:
            raise refuse(self.name, f"its parts would inflate to {total / 1048576:.0f} MB (a zip bomb?)",
                         f"at most {MAX_INFLATED_BYTES // 1048576} MB of content is read")
        for info in self._infos.values():
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise refuse(self.name, f"part {info.filename} is compressed {info.file_size // max(1, info.compress_size)}:1 "
                                        "(a zip bomb?)", f"parts compressed more than {MAX_RATIO}:1 are not read")

    def _check_macros(self) -> None:
        macro_parts = [n for n in self._infos if posixpath.basename(n).lower() == "vbaproject.bin"]
        macro_types = [t for t in self.content_types.values() if any(m in t for m in MACRO_TYPES)]
        if macro_parts or macro_types:
            found = ", ".join(macro_parts + macro_types[:1])
            raise refuse(self.name, f"it contains macros ({found}): a .docm",
                         "save it from Word as a plain .docx (Word Document) without macros")

    def _content_types(self) -> dict[str, str]:
        if "[Content_Types].xml" not in self._infos:
            raise refuse(self.name, "the zip has no [Content_Types].xml, so it is not a Word package",
                         "a Word document (.docx) is needed")
        root = self.xml("[Content_Types].xml")
        types = {}
        for node in root:
            if node.tag == f"{{{CT}}}Override":
                types[node.get("PartName", "").lstrip("/")] = node.get("ContentType", "")
            elif node.tag == f"{{{CT}}}Default":
                types["*." + node.get("Extension", "").lower()] = node.get("ContentType", "")
        return types

    def _main_part(self) -> str:
        main = ""
        if "_rels/.rels" in self._infos:
            for rel in self.rels(""):
                if rel.type == RT_OFFICE_DOCUMENT and not rel.external:
                    main = rel.target
        main = main or "word/document.xml"
        if main not in self._infos:
            raise refuse(self.name, f"the package has no main document part ({main} is missing)",
                         "a Word document with word/document.xml is needed")
        return main

    # ---- reading parts ------------------------------------------------------------------------
    def has(self, part: str) -> bool:
        return part in self._infos

    def read(self, part: str) -> bytes:
        """A part's bytes, inflated in chunks and counted against the limits as they arrive."""
        info = self._infos[part]
        out = bytearray()
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    out += chunk
                    self._inflated += len(chunk)
                    if self._inflated > MAX_INFLATED_BYTES or len(out) > MAX_RATIO * max(info.compress_size, RATIO_FLOOR // MAX_RATIO):
                        raise refuse(self.name, f"part {part} inflates beyond what its directory entry says "
                                                "(a zip bomb?)", f"at most {MAX_INFLATED_BYTES // 1048576} MB "
                                                f"and {MAX_RATIO}:1 compression are read")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise refuse(self.name, f"part {part} cannot be inflated ({error})",
                         "save the file again from Word as .docx") from None
        return bytes(out)

    def xml(self, part: str):
        """A part parsed with the hardened parser; a DOCTYPE or ENTITY declaration is refused."""
        data = self.read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:   # case-sensitive in XML; UTF-16 is caught below
            raise refuse(self.name, f"part {part} declares a DOCTYPE or ENTITY",
                         "Word never writes these; entity declarations are refused, never resolved")
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as error:
            raise refuse(self.name, f"part {part} is not well-formed XML ({error})",
                         "save the file again from Word as .docx") from None
        if root.getroottree().docinfo.internalDTD is not None:
            raise refuse(self.name, f"part {part} declares a DOCTYPE",
                         "entity declarations are refused, never resolved")
        return root

    def rels(self, part: str) -> list[Relationship]:
        """The relationships of a part ('' for the package); targets resolved to part names."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
        if rels_part not in self._infos:
            return []
        out = []
        for node in self.xml(rels_part):
            if node.tag != f"{{{PR}}}Relationship":
                continue
            target, external = node.get("Target", ""), node.get("TargetMode") == "External"
            if not external:
                target = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join(folder, target)))
            out.append(Relationship(node.get("Id", ""), node.get("Type", ""), target, external))
        return out
