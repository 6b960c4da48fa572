"""Comparing two stored versions of any record: the CLI's ``diff`` and the app's compare view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diff import PaperDiff, RecordDiff, diff_papers, diff_records, segments_to_text, summary

if TYPE_CHECKING:
    from ..store import Version
    from .records import RecordService


@dataclass(frozen=True)
class PartChange:
    """A part of a paper (a decision point, an indicator, a strategy) whose pinned version differs
    between the two paper versions compared: a change of the paper, shown with the paper."""

    kind: str
    id: str
    old_version: int | None
    new_version: int | None
    diff: RecordDiff

    @property
    def label(self) -> str:
        versions = f"v{self.old_version or '—'} → v{self.new_version or '—'}"
        return f"{KIND_WORDS.get(self.kind, self.kind)} {self.id} ({versions})"

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "from": self.old_version, "to": self.new_version,
                "diff": self.diff.to_json()}


KIND_WORDS = {"decision": "Decision point", "indicator": "Indicator", "strategy": "Strategy"}


@dataclass(frozen=True)
class VersionComparison:
    """Two versions of one record and what changed between them."""

    old: "Version"
    new: "Version"
    diff: RecordDiff | PaperDiff
    parts: tuple[PartChange, ...] = ()

    @property
    def summary(self) -> str:
        return summary(self.diff)

    def to_json(self) -> dict:
        return {"kind": self.new.kind, "id": self.new.id, "from": self.old.meta(), "to": self.new.meta(),
                "summary": self.summary, "diff": self.diff.to_json(), "parts": [p.to_json() for p in self.parts]}

    def as_text(self) -> str:
        """A plain-text report: [-deleted-]{+inserted+} inside each changed field and paragraph."""
        lines = [f"{self.new.kind} {self.new.id}: version {self.old.version} → {self.new.version}",
                 f"  v{self.new.version} by {self.new.author} at {self.new.recorded_at}: {self.new.why}",
                 f"  {self.summary}", ""]
        fields = self.diff.fields.changes if isinstance(self.diff, PaperDiff) else self.diff.changes
        for change in fields:
            shown = segments_to_text(change.segments) if change.segments else f"{change.old!r} → {change.new!r}"
            lines.append(f"{change.path} ({change.op}): {shown}")
        if isinstance(self.diff, PaperDiff):
            for block in self.diff.blocks:
                if block.status == "unchanged":
                    continue
                lines.append(f"{block.label} ({block.status}): {segments_to_text(block.segments)}")
                for note in block.footnotes:
                    if note.op != "unchanged":
                        lines.append(f"    footnote {note.key} ({note.op}): {segments_to_text(note.segments)}")
        for part in self.parts:
            lines.append(f"{part.label}:")
            for change in part.diff.changes:
                shown = segments_to_text(change.segments) if change.segments else f"{change.old!r} → {change.new!r}"
                lines.append(f"    {change.path} ({change.op}): {shown}")
        return "\n".join(lines)


class DiffService:
    def __init__(self, records: "RecordService"):
        self.records = records

    def compare(self, kind: str, record_id: str, from_version: int, to_version: int) -> VersionComparison:
        old = self.records.get(kind, record_id, from_version)
        new = self.records.get(kind, record_id, to_version)
        if kind == "paper":
            return VersionComparison(old, new, diff_papers(old.data, new.data), self._parts(old.data, new.data))
        return VersionComparison(old, new, diff_records(kind, old.data, new.data))

    def _parts(self, old: dict, new: dict) -> tuple[PartChange, ...]:
        before, after = old.get("pinned") or {}, new.get("pinned") or {}
        changes = []
        for key in sorted(set(before) | set(after)):
            if before.get(key) == after.get(key):
                continue
            kind, _, record_id = key.partition(":")
            if kind == "strategy":
                continue  # its indicators are listed themselves; the outcome lists follow from them
            versions = [self.records.get(kind, record_id, v).data if v else None
                        for v in (before.get(key), after.get(key))]
            changes.append(PartChange(kind, record_id, before.get(key), after.get(key),
                                      diff_records(kind, *versions)))
        return tuple(changes)
