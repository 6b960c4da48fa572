"""Hostile or wrong uploads are refused with what was found and what is needed; nothing is read further.

Each bad file is made here from a good export: not a zip, no main part, macros, encryption, a zip
bomb (by the directory and by a directory that lies), entity declarations, the upload limit; and
external relationships are recorded but never fetched (the network is cut off to prove it).
"""

from __future__ import annotations

import io
import socket
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.errors import ValidationError
from sstc_docs.word import export_docx
from sstc_docs.word.reader import read_paper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_docs import rewrite  # noqa: E402


@pytest.fixture(scope="module")
def good() -> bytes:
    return export_docx(demo_bundle())


def refusal(data: bytes, **options) -> str:
    with pytest.raises(ValidationError) as caught:
        read_paper(data, name="upload.docx", **options)
    message = str(caught.value)
    assert message.startswith("file: upload.docx: ") and "Nothing was imported." in message
    return message


def repack(data: bytes, *, drop: str = "", add: dict[str, bytes] | None = None, types: tuple[str, str] = ("", "")) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == drop:
                continue
            content = source.read(info)
            if info.filename == "[Content_Types].xml" and types[0]:
                content = content.replace(types[0].encode(), types[1].encode())
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_not_a_docx(good):
    assert "not a zip package" in refusal(b"%PDF-1.7 a pdf, not a Word file")
    assert "the file is empty" in refusal(b"")
    assert "main document part (word/document.xml is missing)" in refusal(repack(good, drop="word/document.xml"))
    assert "no [Content_Types].xml" in refusal(repack(good, drop="[Content_Types].xml"))


def test_macros_are_refused(good):
    assert "contains macros (word/vbaProject.bin" in refusal(repack(good, add={"word/vbaProject.bin": b"\0" * 64}))
    macro_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    message = refusal(repack(good, types=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", macro_type)))
    assert "macroEnabled" in message and ".docm" in message


def test_an_encrypted_file_is_named_as_such():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    message = refusal(ole2)
    assert "OLE2 compound file (signature D0 CF 11 E0)" in message and "password" in message


def test_zip_bombs_are_refused_from_the_directory(good):
    ratio = refusal(repack(good, add={"word/media/zeros.bin": b"\0" * (3 * 1024 * 1024)}))
    assert "compressed" in ratio and "100:1" in ratio
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for n in range(3):
            archive.writestr(f"word/media/{n}.bin", b"\0" * (35 * 1024 * 1024))
    assert "inflate to 105 MB" in refusal(big.getvalue(), max_upload_mb=200)


def test_a_directory_that_lies_about_sizes_is_caught_while_inflating(good):
    """document.xml padded to 3 MB, its directory entries rewritten to claim 1 KB."""
    padded = rewrite(good, "</w:body>", "</w:body>" + "<!--" + " " * (3 * 1024 * 1024) + "-->")
    data = bytearray(padded)
    name = b"word/document.xml"
    for signature, size_at, name_length_at, name_at in ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30)):
        position = data.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", data, position + name_length_at)[0]
            if data[position + name_at:position + name_at + length] == name:
                struct.pack_into("<I", data, position + size_at, 1024)     # claims 1 KB uncompressed
            position = data.find(signature, position + 4)
    message = refusal(bytes(data))
    assert "word/document.xml" in message and ("cannot be inflated" in message or "inflates beyond" in message)


@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_entity_declarations_are_refused_never_resolved(good, declaration):
    data = rewrite(good, "<w:document ", declaration + "<w:document ")
    message = refusal(data)
    assert "word/document.xml declares a DOCTYPE or ENTITY" in message


def test_external_relationships_are_recorded_and_never_fetched(good, monkeypatch):
    rels = ('<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'image" Target="http://198.51.100.7/tracker.png" TargetMode="External"/>'
            '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'attachedTemplate" Target="file://server/share/evil.dotm" TargetMode="External"/></Relationships>')
    data = rewrite(good, "</Relationships>", rels, part="word/_rels/document.xml.rels")

    def no_network(*args, **kwargs):
        raise AssertionError("the reader tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    result = read_paper(data, name="links.docx")
    assert {(link.kind, link.target) for link in result.links} >= {
        ("image", "http://198.51.100.7/tracker.png"), ("attachedTemplate", "file://server/share/evil.dotm")}
    assert all("not fetched" in link.where for link in result.links if link.kind != "hyperlink")


def test_the_upload_limit(good):
    message = refusal(good, max_upload_mb=0.005)
    assert f"the file is {len(good) / 1024:.1f} KB, over the upload limit of 5.1 KB (SSTC_MAX_UPLOAD_MB)" in message
