"""An indicator as it stands on a date, derived from its revisions: nothing is stored twice.

An indicator record keeps its first wording (text, baseline, target) and a list of revisions.
A revision counts on a date only if it is in force and took effect on or before that date:
- "new": the indicator exists only from then (before, it is a proposal);
- "revised": its ``new`` values replace the current ones;
- "retired": the indicator no longer counts.
"""

from __future__ import annotations

import re

import copy
from dataclasses import dataclass, field

VALUE_FIELDS = ("text", "baseline", "target")


@dataclass
class IndicatorView:
    """What a reader sees of one indicator on a date (or today, with pending proposals beside it)."""

    id: str
    label: str
    values: dict                   # text, baseline, target in force on the date
    original: dict                 # the first wording, before any revision
    in_force: bool                 # False: proposed as new, not yet in force (or never)
    retired: bool = False
    applied: list[dict] = field(default_factory=list)   # revisions counted on the date
    pending: list[dict] = field(default_factory=list)   # proposed revisions not (yet) in force


def _counts(revision: dict, on: str | None) -> bool:
    return revision["status"] == "in_force" and (
        on is None or (revision.get("effective_date") or "9999") <= on)


def indicator_as_of(indicator: dict, on: str | None = None) -> IndicatorView:
    """The indicator on date ``on`` (YYYY-MM-DD); ``None`` means everything in force today."""
    original = {k: copy.deepcopy(indicator.get(k)) for k in VALUE_FIELDS}
    values = copy.deepcopy(original)
    in_force, retired, applied, pending = True, False, [], []
    for revision in indicator.get("revisions", []):
        counts = _counts(revision, on)
        if revision["type"] == "new":
            in_force = counts
        if counts:
            applied.append(revision)
            if revision["type"] == "revised":
                values.update(copy.deepcopy(revision.get("new") or {}))
            elif revision["type"] == "retired":
                retired = True
        elif revision["status"] == "proposed":
            pending.append(revision)
    return IndicatorView(indicator["id"], indicator.get("label", ""), values, original,
                         in_force, retired, applied, pending)


def period_years(period: str) -> tuple[int, int] | None:
    """'2012-13' → (2012, 2013); '2013' → (2013, 2013); '' → None (no bounds)."""
    period = (period or "").replace("–", "-").strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}|\d{4}))?", period)
    if not match:
        return None
    start = int(match.group(1))
    end_text = match.group(2)
    if end_text is None:
        return start, start
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end < start:
        end += 100
    return start, end
