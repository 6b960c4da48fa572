"""Document properties: the provenance sstc-docs writes into every export, and the core subject.

``word.layout.provenance`` writes custom properties naming the exact record versions a file was
built from (sstc.paper_id, sstc.paper_version, sstc.decision:<id>, sstc.source:<kind>:<id>). Read
back, they say whether an import is a round trip and which version it was based on. A file that
someone else wrote has none, and its provenance is empty.
"""

from __future__ import annotations

from .package import Package

RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
DC = "http://purl.org/dc/elements/1.1/"


def _part(package: Package, rtype: str, default: str) -> str:
    for rel in package.rels(""):
        if rel.type == rtype and not rel.external and package.has(rel.target):
            return rel.target
    return default if package.has(default) else ""


def custom_properties(package: Package) -> dict[str, str]:
    part = _part(package, RT_CUSTOM, "docProps/custom.xml")
    if not part:
        return {}
    values = {}
    for prop in package.xml(part).iter(f"{{{CUSTOM_NS}}}property"):
        value = next((child.text or "" for child in prop), "")
        values[prop.get("name", "")] = value.strip()
    return values


def _number(text: str) -> int | None:
    return int(text) if text.strip().lstrip("-").isdigit() else None


def provenance(package: Package) -> dict:
    """{paper_id, paper_version, symbol, decisions{id: v}, sources{"kind:id": v}}, or {} if not ours."""
    props = custom_properties(package)
    if not props.get("sstc.generator", "").startswith("sstc-docs") or not props.get("sstc.paper_id"):
        return {}
    decisions = {name.split(":", 1)[1]: _number(value) for name, value in props.items()
                 if name.startswith("sstc.decision:")}
    sources = {name[len("sstc.source:"):]: _number(value) for name, value in props.items()
               if name.startswith("sstc.source:")}
    return {"paper_id": props["sstc.paper_id"], "paper_version": _number(props.get("sstc.paper_version", "")),
            "symbol": props.get("sstc.symbol", ""), "decisions": decisions, "sources": sources}


def core_subject(package: Package) -> str:
    part = _part(package, RT_CORE, "docProps/core.xml")
    if not part:
        return ""
    node = package.xml(part).find(f"{{{DC}}}subject")
    return (node.text or "").strip() if node is not None else ""
