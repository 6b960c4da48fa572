"""Word files from stored versions: the paper, the redlined paper, the indicator report.

The app's download buttons and the CLI call these same functions, so both give the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.report import build_indicator_report
from ..errors import NotFound, ValidationError
from ..store.versions import version_hash
from .. import word
from ..word.provenance import NotAWordFile, printed_content, read_properties

if TYPE_CHECKING:
    from .decisions import DecisionService
    from .papers import PaperService
    from .records import RecordService


def docx_name(symbol: str, suffix: str = "") -> str:
    """GB.316/POL/5 → GB.316-POL-5.docx: a file name that is safe on every system."""
    stem = re.sub(r"[^A-Za-z0-9.()_-]+", "-", symbol).strip("-") or "paper"
    return f"{stem}{suffix}.docx"


def check_template(template: str | Path | None) -> Path | None:
    if not template:
        return None
    path = Path(template)
    if not path.is_file():
        raise ValidationError(f"template {template} does not exist; give the path of a .docx file", field="template")
    if path.read_bytes()[:2] != b"PK":
        raise ValidationError(f"template {template} is not a .docx file", field="template")
    return path


class ExportService:
    def __init__(self, records: "RecordService", papers: "PaperService", decisions: "DecisionService"):
        self.records = records
        self.papers = papers
        self.decisions = decisions

    def uploaded_template(self, data: bytes) -> Path:
        """An office's own template, uploaded in the app, as a file the exporter can read: kept by its
        content (the same upload twice is one file) in the machine's temporary folder — a template is
        a choice for one download, not a record."""
        folder = Path(tempfile.gettempdir()) / "sstc-docs-templates"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(data).hexdigest()}.docx"
        if not path.is_file():
            path.write_bytes(data)
        try:
            return check_template(path)
        except ValidationError:
            path.unlink(missing_ok=True)
            raise ValidationError("the uploaded template is not a .docx file; choose a Word (.docx) file",
                                  field="template") from None

    def paper_docx(self, paper_id: str, version: int | None = None, *, as_of: str | None = None,
                   template: str | Path | None = None) -> tuple[bytes, str]:
        template = check_template(template)
        bundle = self.papers.bundle(paper_id, version, as_of=as_of)
        return word.export_docx(bundle, template=template), docx_name(bundle.paper["symbol"])

    def redline_docx(self, paper_id: str, from_version: int, to_version: int, *,
                     template: str | Path | None = None) -> tuple[bytes, str]:
        template = check_template(template)
        if from_version == to_version:
            raise ValidationError("choose two different versions to compare", field="to")
        step = 1 if to_version > from_version else -1
        # every version between the two, so each change is credited to the version that made it
        bundles = [self.papers.bundle(paper_id, v) for v in range(from_version, to_version + step, step)]
        data = word.redline_docx(bundles, template=template)
        return data, docx_name(bundles[-1].paper["symbol"], f"-redline-v{from_version}-v{to_version}")

    def verify_docx(self, data: bytes) -> dict:
        """Which record versions a Word file was built from, whether the database still holds them
        unchanged (by hash), and whether the file still prints what those versions print."""
        try:
            properties = read_properties(data)
        except NotAWordFile as error:
            raise ValidationError(f"the file cannot be checked: {error}", field="file") from None
        paper_id, version = properties.get("sstc.paper_id"), properties.get("sstc.paper_version", "")
        if not paper_id or not version.isdigit():
            raise ValidationError("the file names no record versions: it was not exported by sstc-docs, or its "
                                  "document properties were removed", field="file")
        parts, problems = [], []
        for name, value in sorted(properties.items()):
            if not name.startswith("sstc.source:"):
                continue
            key = name[len("sstc.source:"):]
            kind, _, record_id = key.partition(":")
            recorded = properties.get(f"sstc.hash:{key}", "")
            try:
                stored = self._proven_hash(kind, record_id, int(value))
            except (NotFound, ValidationError, ValueError):
                stored = ""
            ok = bool(stored) and (not recorded or recorded == stored)
            parts.append({"record": key, "version": int(value) if value.isdigit() else value,
                          "hash_in_file": recorded, "hash_in_database": stored, "ok": ok})
            if not stored:
                problems.append(f"{key} version {value} is not in this database")
            elif not ok:
                problems.append(f"{key} version {value} in the database is not the one the file was built from "
                                "(its hash differs): the record or the file was altered")
        matches = False
        if not problems:
            fresh = word.export_docx(self.papers.bundle(paper_id, int(version)))
            matches = printed_content(fresh) == printed_content(data)
            if not matches:
                problems.append("the file's text differs from what those versions print: it was edited after export")
        return {"paper": paper_id, "version": int(version), "symbol": properties.get("sstc.symbol", ""),
                "parts": parts, "content_matches": matches, "ok": not problems, "problems": problems}

    def _proven_hash(self, kind: str, record_id: str, number: int) -> str:
        """The version's hash as its content proves it (recomputed along the record's chain), or
        "changed" when the stored content no longer matches the hash stored beside it."""
        previous = ""
        for version in self.records.history(kind, record_id)[:number]:
            if version_hash(version.to_json(), previous) != version.hash:
                return "changed"
            previous = version.hash
        return previous

    def indicator_report_docx(self, strategy_id: str, *, template: str | Path | None = None) -> tuple[bytes, str]:
        template = check_template(template)
        return word.indicator_report_docx(self.indicator_report(strategy_id), template=template), \
            docx_name(strategy_id, "-indicator-history")

    def indicator_report(self, strategy_id: str):
        """The revision history of every indicator of a strategy, with each authorising decision."""
        strategy = self.records.get("strategy", strategy_id).data
        ids = [i for outcome in strategy["outcomes"] for i in outcome["indicator_ids"]]
        indicators = [self.records.get("indicator", i).data for i in ids if self.records.exists("indicator", i)]
        decisions = {}
        for decision_id in sorted({r["decision_id"] for ind in indicators for r in ind["revisions"] if r["decision_id"]}):
            decision = self.records.get("decision", decision_id).data
            paper = self.records.get("paper", decision["paper_id"]).data
            decisions[decision_id] = (decision, self.papers.decision_paragraph(paper, decision_id))
        generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return build_indicator_report(strategy, indicators, decisions, generated)
