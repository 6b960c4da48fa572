"""Errors that carry a message a secretariat user can act on.

Every layer raises these instead of bare exceptions so that the CLI can map them to exit
codes and the app can show them next to the field they concern, never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SstcError(Exception):
    """Base class: ``str(error)`` is always a complete sentence fit for the user."""


@dataclass
class Problem:
    """One thing wrong with the input: where (a dotted field path) and what to do about it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(SstcError):
    """The input was refused; nothing was written. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str = ""):
        if isinstance(problems, str):
            problems = [Problem(field, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class NotFound(SstcError):
    """The record or version asked for does not exist."""


@dataclass
class ConflictError(SstcError):
    """A save was based on a version that is no longer the latest: someone else saved first.

    Carries both sides so the caller can show the difference and let the user re-apply.
    """

    kind: str
    record_id: str
    base_version: int | None
    current: Any  # the latest stored Version
    attempted: dict = field(default_factory=dict)

    def __str__(self) -> str:
        who = getattr(self.current, "author", "someone")
        number = getattr(self.current, "version", "?")
        if self.base_version is None:
            return (f"{self.kind} {self.record_id} already exists (version {number} by {who}); "
                    "load it and save your change on top of it.")
        return (f"{self.kind} {self.record_id} was changed by {who} (now version {number}) since you "
                f"loaded version {self.base_version}; review their change and save again on top of it.")


class StoreError(SstcError):
    """The database itself cannot be used (unreadable file, wrong folder); names the file and the fix."""


class PartialBackup(StoreError):
    """A backup was written without the attachments named, which are damaged; everything else is in it."""

    def __init__(self, path: str, versions: int, damaged: list[str]):
        self.versions, self.damaged = versions, damaged
        super().__init__(f"The backup {path} was written with all {versions} versions, but without {len(damaged)} "
                         f"damaged attachment(s): {', '.join(d[:12] for d in damaged[:10])}. Attach the original "
                         "files again (that repairs them) and back up once more; `python -m sstc_docs verify` "
                         "lists which records use them.")
