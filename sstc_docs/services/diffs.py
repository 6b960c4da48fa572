"""Comparing two stored versions of any record: the CLI's ``diff`` and the app's compare view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diff import PaperDiff, RecordDiff, diff_papers, diff_records, segments_to_text, summary

if TYPE_CHECKING:
    from ..store import Version
    from .records import RecordService


@dataclass(frozen=True)
class VersionComparison:
    """Two versions of one record and what changed between them."""

    old: "Version"
    new: "Version"
    diff: RecordDiff | PaperDiff

    @property
    def summary(self) -> str:
        return summary(self.diff)

    def to_json(self) -> dict:
        return {"kind": self.new.kind, "id": self.new.id, "from": self.old.meta(), "to": self.new.meta(),
                "summary": self.summary, "diff": self.diff.to_json()}

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
        return "\n".join(lines)


class DiffService:
    def __init__(self, records: "RecordService"):
        self.records = records

    def compare(self, kind: str, record_id: str, from_version: int, to_version: int) -> VersionComparison:
        old = self.records.get(kind, record_id, from_version)
        new = self.records.get(kind, record_id, to_version)
        if kind == "paper":
            return VersionComparison(old, new, diff_papers(old.data, new.data))
        return VersionComparison(old, new, diff_records(kind, old.data, new.data))
