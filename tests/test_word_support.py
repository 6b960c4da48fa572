"""Reading exported .docx files back from the zip with lxml — never through the writer's objects.

Shared by the tests/test_word_*.py files: paragraph texts, footnotes, resolved numbering,
relationships, properties, and accept-all / reject-all of tracked changes.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R}


def q(tag: str) -> str:
    prefix, local = tag.split(":")
    return "{%s}%s" % (NS[prefix], local)


class Docx:
    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self):
        return self.xml("word/document.xml")

    @property
    def footnotes(self):
        return self.xml("word/footnotes.xml")

    def rels(self, part: str) -> dict[str, tuple[str, str, str | None]]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.names:
            return {}
        root = self.xml(rels_part)
        return {r.get("Id"): (r.get("Type"), r.get("Target"), r.get("TargetMode")) for r in root}

    def content_types(self) -> dict[str, str]:
        root = self.xml("[Content_Types].xml")
        return {o.get("PartName"): o.get("ContentType") for o in root if o.get("PartName")}

    def custom_properties(self) -> dict[str, str]:
        root = self.xml("docProps/custom.xml")
        return {p.get("name"): (p[0].text or "") for p in root}

    def core(self) -> dict[str, str]:
        root = self.xml("docProps/core.xml")
        return {etree.QName(c).localname: (c.text or "") for c in root}

    def styles(self):
        return self.xml("word/styles.xml")

    def style_names(self) -> dict[str, str]:
        """styleId → name."""
        return {s.get(q("w:styleId")): s.find(q("w:name")).get(q("w:val"))
                for s in self.styles().findall(q("w:style"))}

    def part_for(self, rel_type_suffix: str) -> list[str]:
        return [posixpath.normpath(posixpath.join("word", target))
                for rtype, target, mode in self.rels("word/document.xml").values()
                if rtype.endswith("/" + rel_type_suffix)]


def paragraph_text(p, deleted: bool = False) -> str:
    """Text of a paragraph: w:t (and w:delText if deleted=True), w:tab → \\t, w:br → \\n."""
    out = []
    for node in p.iter(q("w:t"), q("w:delText"), q("w:tab"), q("w:br"), q("w:footnoteReference")):
        tag = etree.QName(node).localname
        if tag == "t" or (tag == "delText" and deleted):
            out.append(node.text or "")
        elif tag == "tab" and node.getparent().tag == q("w:r"):
            out.append("\t")
        elif tag == "br":
            out.append("\f" if node.get(q("w:type")) == "page" else "\n")
    return "".join(out)


def paragraphs(root) -> list:
    return list(root.iter(q("w:p")))


def body_texts(root) -> list[str]:
    return [paragraph_text(p) for p in paragraphs(root)]


def footnote_elements(root) -> list:
    return [n for n in root.findall(q("w:footnote")) if int(n.get(q("w:id"))) > 0
            and n.get(q("w:type")) in (None, "normal")]


def footnote_texts(docx: Docx) -> dict[int, str]:
    return {int(n.get(q("w:id"))): "".join(paragraph_text(p) for p in n.iter(q("w:p"))).strip()
            for n in footnote_elements(docx.footnotes)}


def reference_ids(root) -> list[int]:
    return [int(r.get(q("w:id"))) for r in root.iter(q("w:footnoteReference"))]


def all_text(docx: Docx) -> str:
    return "\n".join(body_texts(docx.document)) + "\n" + "\n".join(footnote_texts(docx).values())


def numbered_paragraphs(docx: Docx) -> list[tuple[int, str, object]]:
    """[(number, text, paragraph)] resolving w:numPr through numbering.xml (num → abstractNum)."""
    numbering = docx.xml("word/numbering.xml")
    abstract_of = {n.get(q("w:numId")): n.find(q("w:abstractNumId")).get(q("w:val"))
                   for n in numbering.findall(q("w:num"))}
    levels = {}
    for abstract in numbering.findall(q("w:abstractNum")):
        lvl = abstract.find(q("w:lvl"))
        levels[abstract.get(q("w:abstractNumId"))] = (
            int(lvl.find(q("w:start")).get(q("w:val"))), lvl.find(q("w:numFmt")).get(q("w:val")),
            lvl.find(q("w:lvlText")).get(q("w:val")))
    counters: dict[str, int] = {}
    out = []
    for p in paragraphs(docx.document):
        num_id = p.find(f"{q('w:pPr')}/{q('w:numPr')}/{q('w:numId')}")
        if num_id is None:
            continue
        abstract = abstract_of[num_id.get(q("w:val"))]
        start, fmt, text = levels[abstract]
        assert fmt == "decimal" and text == "%1."
        counters[abstract] = counters.get(abstract, start - 1) + 1
        out.append((counters[abstract], paragraph_text(p), p))
    return out


def in_table(p) -> bool:
    return any(a.tag == q("w:tbl") for a in p.iterancestors())


def style_element(docx: Docx, name: str):
    """The w:style named ``name`` in the document's styles part."""
    return next(s for s in docx.styles().findall(q("w:style")) if s.find(q("w:name")).get(q("w:val")) == name)


def table_style(docx: Docx, tbl) -> str:
    return docx.style_names()[tbl.find(f"{q('w:tblPr')}/{q('w:tblStyle')}").get(q("w:val"))]


def paragraph_property(docx: Docx, p, tag: str):
    """The w:pPr child ``tag`` that applies to paragraph ``p``: its own, else its style's, up the basedOn chain."""
    found = p.find(f"{q('w:pPr')}/{q(tag)}")
    if found is not None:
        return found
    styles = {s.get(q("w:styleId")): s for s in docx.styles().findall(q("w:style"))}
    style_id = p.find(f"{q('w:pPr')}/{q('w:pStyle')}")
    style = styles.get(style_id.get(q("w:val"))) if style_id is not None else None
    while style is not None:
        found = style.find(f"{q('w:pPr')}/{q(tag)}")
        if found is not None:
            return found
        based = style.find(q("w:basedOn"))
        style = styles.get(based.get(q("w:val"))) if based is not None else None
    return None


# ---- tracked changes ----------------------------------------------------------------------------------
def _unwrap(node) -> None:
    parent = node.getparent()
    index = parent.index(node)
    for child in list(node):
        parent.insert(index, child)
        index += 1
    parent.remove(node)


def resolve_changes(root, accept: bool):
    """Accept (or reject) every tracked change in a copy of ``root``."""
    root = copy.deepcopy(root)
    drop, keep = (q("w:del"), q("w:ins")) if accept else (q("w:ins"), q("w:del"))
    # rows inserted/deleted as a whole
    for tr in list(root.iter(q("w:tr"))):
        trpr = tr.find(q("w:trPr"))
        if trpr is not None and trpr.find(drop) is not None:
            tr.getparent().remove(tr)
    # paragraph marks: a dropped mark merges the paragraph into the next; ours are emptied first
    for p in list(root.iter(q("w:p"))):
        if p.find(f"{q('w:pPr')}/{q('w:rPr')}/{drop}") is None:
            continue
        rest = copy.deepcopy(p)
        for node in list(rest.iter(drop)):
            if node.getparent().tag != q("w:rPr"):
                node.getparent().remove(node)
        assert not paragraph_text(rest, deleted=True).strip(), "a paragraph whose mark goes keeps text"
        p.getparent().remove(p)
    for node in list(root.iter(drop)):
        if node.getparent() is not None and node.getparent().tag != q("w:rPr") and \
                node.getparent().tag != q("w:trPr"):
            node.getparent().remove(node)
    for node in list(root.iter(keep)):
        parent = node.getparent()
        if parent.tag in (q("w:rPr"), q("w:trPr")):
            parent.remove(node)
        else:
            _unwrap(node)
    for node in root.iter(q("w:delText")):
        node.tag = q("w:t")
    return root


def resolved_footnotes(docx: Docx, accept: bool) -> list[str]:
    """Texts of the footnotes still referenced after accept/reject, in reference order."""
    body = resolve_changes(docx.document, accept)
    notes = resolve_changes(docx.footnotes, accept)
    by_id = {int(n.get(q("w:id"))): "".join(paragraph_text(p) for p in n.iter(q("w:p"))).strip()
             for n in footnote_elements(notes)}
    return [by_id[i] for i in reference_ids(body)]


def test_support_resolves_numbering_and_changes():
    """The helpers themselves: a tiny hand-written document with a change of each kind."""
    doc = etree.fromstring(
        f'<w:document xmlns:w="{W}"><w:body>'
        '<w:p><w:r><w:t>a</w:t></w:r><w:ins><w:r><w:t>b</w:t></w:r></w:ins>'
        '<w:del><w:r><w:delText>c</w:delText></w:r></w:del></w:p>'
        '<w:p><w:pPr><w:rPr><w:ins/></w:rPr></w:pPr><w:ins><w:r><w:t>new</w:t></w:r></w:ins></w:p>'
        '</w:body></w:document>')
    assert body_texts(resolve_changes(doc, accept=True)) == ["ab", "new"]
    assert body_texts(resolve_changes(doc, accept=False)) == ["ac"]
