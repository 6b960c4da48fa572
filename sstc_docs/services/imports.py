"""Word in: a .docx previewed as the records it would become, then saved all together or not at all.

``preview`` is a dry run. It reads the file (``word.reader.read_paper``) and says what each part will
become: a new paper (version 1), version N+1 of a paper this project exported (based on the version
named in the file's provenance), or a conflict when the record has moved on since that version —
and the same for each decision point, the strategy and indicators of the framework tables, and the
evidence record that keeps the original file. Nothing is written.

``commit`` saves that plan in one unit of work (``records.unit``): every version commits together
or none does. The original file is stored by content (``store.put_blob``) and recorded, with its
SHA-256, in an evidence record of kind "file" linked to the paper and its decisions; the paper shape
has no field for comments, so the file's comments (author, date, anchored paragraph, text) and the
tracked changes accepted or left out are kept in that evidence record's notes.

Tracked changes are proposals. By default none is accepted: the record gets the text as it stood
before the changes, and the review lists each one; ``accepted_changes`` names those to accept.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.records import validate
from ..domain.rules import changes_issued_paper
from ..domain.symbols import parse_symbol
from ..errors import NotFound, Problem, ValidationError
from ..word.reader import ImportResult, proposed_records, read_paper
from .evidence import max_upload_mb_from_env

if TYPE_CHECKING:
    from . import Services

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SAVE_ORDER = ("strategy", "paper", "decision", "indicator", "evidence")   # each after what it refers to
NEW, NEW_VERSION, CONFLICT, UNCHANGED, MATCHED = "new", "new version", "conflict", "unchanged", "matched"


@dataclass
class Part:
    """What one record of the import will become."""

    kind: str
    id: str
    action: str                       # NEW, NEW_VERSION, CONFLICT, UNCHANGED, MATCHED
    data: dict
    base_version: int | None = None   # the version it is saved on (None: created as version 1)
    note: str = ""

    @property
    def saves(self) -> bool:
        """Saved by commit; a conflict is attempted on its base version, so the store refuses it."""
        return self.action in (NEW, NEW_VERSION, CONFLICT)

    def describe(self) -> str:
        if self.action == NEW:
            what = "new, version 1"
        elif self.action == NEW_VERSION:
            what = f"version {self.base_version + 1}, based on version {self.base_version}"
        else:
            what = self.action
        return f"{self.kind} {self.id}: {what}" + (f" — {self.note}" if self.note else "")


@dataclass
class ImportPreview:
    name: str
    data: bytes
    sha256: str
    result: ImportResult
    parts: list[Part]
    problems: list[str] = field(default_factory=list)   # why it cannot be saved as it is
    symbol: str | None = None
    strategy_id: str | None = None

    @property
    def can_commit(self) -> bool:
        return not self.problems

    @property
    def conflicts(self) -> list[Part]:
        """Records that moved on since the file was exported: saving them raises ConflictError."""
        return [p for p in self.parts if p.action == CONFLICT]


@dataclass
class ImportSaved:
    versions: list[tuple[str, str, int]]                 # (kind, id, version) in the order saved
    evidence_id: str
    sha256: str


class ImportService:
    def __init__(self, services: "Services"):
        self.records = services.records

    # ---- the dry run -------------------------------------------------------------------------------
    def preview(self, data: bytes, name: str, *, symbol: str | None = None, strategy_id: str | None = None,
                accepted_changes=()) -> ImportPreview:
        """The file read and planned; refuses (ValidationError) what is not a safe .docx. Writes nothing."""
        result = read_paper(data, name=name, accepted_changes=accepted_changes, symbol=symbol,
                            strategy_id=strategy_id, max_upload_mb=max_upload_mb_from_env())
        preview = ImportPreview(name, bytes(data), hashlib.sha256(data).hexdigest(), result, [],
                                list(result.missing), symbol, strategy_id)
        if result.missing:
            return preview
        paper = self._paper_part(result)
        preview.parts.append(paper)
        preview.parts += self._framework_parts(result, paper)
        preview.parts += self._decision_parts(result)
        preview.parts.append(self._evidence_part(preview, paper))
        return preview

    def _latest(self, kind: str, record_id: str):
        try:
            latest = self.records.get(kind, record_id)
        except NotFound:
            return None
        return None if latest.deleted else latest

    def _base(self, kind: str, record_id: str, version: int | None, data: dict, fields: tuple[str, ...]) -> Part:
        """A record the file may update: new, or version N+1 on the provenance version, or a conflict."""
        latest = self._latest(kind, record_id)
        if latest is None:
            return Part(kind, record_id, NEW, data)
        if version is None:
            return Part(kind, record_id, CONFLICT, data, None,
                        f"{kind} {record_id} already exists (version {latest.version}) and this file was not "
                        "exported from it; export it, edit that file and import it again")
        if latest.version != version:
            return Part(kind, record_id, CONFLICT, data, version,
                        f"changed by {latest.author} (now version {latest.version}) since version {version}, "
                        "which this file was exported from; export the latest and re-apply the edits")
        base = self.records.get(kind, record_id, version).data
        merged = {**base, **{k: data[k] for k in fields}}
        if all(base.get(k) == merged.get(k) for k in fields):
            return Part(kind, record_id, UNCHANGED, merged, version, "the file holds the same text")
        return Part(kind, record_id, NEW_VERSION, merged, version)

    def _paper_part(self, result: ImportResult) -> Part:
        paper = copy.deepcopy(result.paper)
        version = result.provenance.get("paper_version") if result.provenance.get("paper_id") == paper["id"] else None
        latest = self._latest("paper", paper["id"])
        if latest is not None and version is not None and latest.version == version:
            base = self.records.get("paper", paper["id"], version).data
            outcomes = {b["outcome"]: b["strategy_id"] for b in base["body"] if b["type"] == "framework"}
            for block in paper["body"]:
                if block["type"] == "framework" and not result.provenance.get("sources", {}).get(
                        f"strategy:{block['strategy_id']}") and block["outcome"] in outcomes:
                    block["strategy_id"] = outcomes[block["outcome"]]
        fields = ("symbol", "session_dates", "agenda_item", "action", "date", "original_language", "language",
                  "title", "front_matter", "body", "decision_ids")
        part = self._base("paper", paper["id"], version, paper, fields)
        base = self.records.get("paper", paper["id"], version).data if part.action == NEW_VERSION else None
        if base is not None and changes_issued_paper(base, part.data):
            successor = parse_symbol(base["symbol"]).revised()
            part.data.update(symbol=str(successor), status="draft")
            part.note = (f"{base['symbol']} is issued, so the edited file becomes its revised paper {successor}, "
                         "in draft; the issued version stays as it was printed")
        return part

    def _framework_parts(self, result: ImportResult, paper: Part) -> list[Part]:
        blocks = [b for b in paper.data["body"] if b["type"] == "framework"]
        if not blocks:
            return []
        strategy_id = blocks[0]["strategy_id"]
        existing = self._latest("strategy", strategy_id)
        if existing is not None:
            return [Part("strategy", strategy_id, MATCHED, existing.data, existing.version,
                         "; ".join([f"the framework tables are printed from the strategy on record (version "
                                    f"{existing.version}); the import does not change it"]
                                   + self._differences(result, existing)))]
        decision_id = result.decisions[0]["id"]
        strategy, indicators = proposed_records(result.frameworks, strategy_id=strategy_id,
                                                language=result.paper["language"], decision_id=decision_id,
                                                proposed_on=result.paper.get("date") or _today(),
                                                symbol=result.paper["symbol"])
        parts = [Part("strategy", strategy_id, NEW, strategy, note="proposed from the framework tables")]
        for indicator in indicators:
            latest = self._latest("indicator", indicator["id"])
            parts.append(Part("indicator", indicator["id"], CONFLICT if latest else NEW, indicator, None,
                              "an indicator with this id exists; name the strategy the tables belong to"
                              if latest else ""))
        return parts

    def _differences(self, result: ImportResult, strategy) -> list[str]:
        """What the file's tables print that the strategy on record does not (edits the import ignores)."""
        notes = []
        exported = result.provenance.get("sources", {}).get(f"strategy:{strategy.id}")
        if exported is not None and exported != strategy.version:
            notes.append(f"the file shows version {exported} of it")
        outcomes = {o["number"]: o for o in strategy.data["outcomes"]}
        for table in result.frameworks:
            outcome = outcomes.get(table.outcome)
            if outcome is None:
                notes.append(f"outcome {table.outcome} is not in the strategy")
                continue
            if table.statement != outcome["statement"]:
                notes.append(f"the statement of outcome {table.outcome} differs")
            known = set()
            for indicator_id in outcome["indicator_ids"]:
                indicator = self._latest("indicator", indicator_id)
                if indicator is not None:
                    known.add(indicator.data["text"])
                    known.update((r.get("new") or {}).get("text", "") for r in indicator.data["revisions"])
            changed = [row.text for row in table.indicators if row.text not in known]
            if changed:
                notes.append(f"{len(changed)} indicator text(s) of outcome {table.outcome} differ from the record")
        return notes

    def _decision_parts(self, result: ImportResult) -> list[Part]:
        versions = result.provenance.get("decisions", {})
        return [self._base("decision", d["id"], versions.get(d["id"]), d, ("text", "parts")) for d in result.decisions]

    def _evidence_part(self, preview: ImportPreview, paper: Part) -> Part:
        result = preview.result
        evidence_id = self._evidence_id(preview.sha256)
        notes = [f"Original Word file {preview.name}, imported into {paper.id}; sha256 {preview.sha256}."]
        notes += [f"Comment by {c.author or 'unknown'} ({c.date or 'no date'}) on {c.where}: {c.text}"
                  for c in result.comments]
        if result.tracked_changes:
            accepted = [c.id for c in result.tracked_changes if c.id in result.accepted_changes]
            left = [c.id for c in result.tracked_changes if c.id not in result.accepted_changes]
            notes.append(f"Tracked changes accepted: {', '.join(accepted) or 'none'}; not accepted (the text "
                         f"before them was kept): {', '.join(left) or 'none'}.")
        data = {"id": evidence_id, "kind": "file", "title": f"Word file {preview.name}", "date": _today(),
                "source": "Word import", "reference": paper.data["symbol"], "reliability": "confirmed",
                "notes": "\n".join(notes),
                "attachment": {"sha256": preview.sha256, "name": preview.name, "size": len(preview.data),
                               "media_type": DOCX_TYPE},
                "links": {"papers": [paper.id], "decisions": [d["id"] for d in result.decisions],
                          "indicators": []}}
        return Part("evidence", evidence_id, NEW, data, note="keeps the original file and its comments")

    def _evidence_id(self, sha: str) -> str:
        n = 1
        while self.records.exists("evidence", f"EV-DOCX-{sha[:10]}-{n}"):
            n += 1
        return f"EV-DOCX-{sha[:10]}-{n}"

    # ---- saving ------------------------------------------------------------------------------------
    def commit(self, preview: ImportPreview, *, why: str, accepted_changes=None) -> ImportSaved:
        """Save the plan in one unit of work; nothing is written when anything is refused.

        A part in conflict is saved on the version the file was exported from, so the store raises
        the ConflictError (naming who changed the record since) and the whole unit is dropped.
        """
        if accepted_changes is not None and frozenset(accepted_changes) != preview.result.accepted_changes:
            preview = self.preview(preview.data, preview.name, symbol=preview.symbol,
                                   strategy_id=preview.strategy_id, accepted_changes=accepted_changes)
        problems = [Problem("file", p) for p in preview.problems]
        self.records.author()
        if not (why or "").strip():
            problems.append(Problem("why", "give the reason for importing this file; it is kept in the history"))
        saves = sorted((p for p in preview.parts if p.saves), key=lambda p: SAVE_ORDER.index(p.kind))
        for part in saves:
            try:
                validate(part.kind, part.data)
            except ValidationError as error:
                problems += [Problem(f"{part.kind} {part.id}: {p.field}", p.message) for p in error.problems]
        if problems:
            raise ValidationError(problems)
        reason = f"{why.strip()} (imported from the Word file {preview.name}, sha256 {preview.sha256[:16]}…)"
        sha = self.records.store.put_blob(preview.data)
        versions = []
        with self.records.unit(why=reason):
            for part in saves:
                saved = self.records.save(part.kind, part.data, why=reason,
                                          base_version=part.base_version)
                versions.append((part.kind, part.id, saved.version))
        evidence = next(p.id for p in preview.parts if p.kind == "evidence")
        return ImportSaved(versions, evidence, sha)


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


__all__ = ["ImportService", "ImportPreview", "ImportSaved", "Part"]
