"""Results-framework tables read back into outcomes and indicators, and proposed as records.

Two layouts are understood. The house format (PRODUCT.md, item 5) prints a two-column table of
label / value rows under an "Outcome n:" line: Indicator, Baseline, Target, "New indicator (A)",
and the revised indicator, baseline and target in rows of their own. Other offices often print
one indicator per row under a header row (Outcome | Indicator | Baseline | Target); that is read
too. ``proposed_records`` turns what was read into a strategy and its indicators, with the new and
revised rows as revisions proposed by the imported decision.
"""

from __future__ import annotations

import re

from ...domain.labels import label
from .cover import LANGS, squash
from .result import FrameworkIndicator, FrameworkTable

_ROW_KINDS = ("indicator", "baseline", "target", "revised_indicator", "revised_baseline", "revised_target")
_LABELS = {squash(label(kind, lang)): kind for kind in _ROW_KINDS for lang in LANGS}
_HEADERS = {**_LABELS, **{squash(label("outcome", lang, n="")): "outcome" for lang in LANGS}}
_NEW = {squash(label("new_indicator", lang, label="")) for lang in LANGS}
_LETTER = re.compile(r"[(（]\s*([A-Z]{1,2})\s*[)）]")
_OUTCOMES = [re.compile(r"^" + re.escape(prefix.strip()) + r"\s*(\d{1,3})\s*[:：.]\s*(.*)$", re.IGNORECASE | re.DOTALL)
             for prefix in {label("outcome", lang, n="\0").split("\0")[0] for lang in LANGS}]
_LABEL_PREFIX = re.compile(r"^\s*(\([A-Z]{1,2}\))\s*")


def outcome_line(text: str) -> tuple[int, str] | None:
    for pattern in _OUTCOMES:
        match = pattern.match(text.strip())
        if match:
            return int(match.group(1)), match.group(2).strip()
    return None


def row_kind(text: str) -> tuple[str, str] | None:
    """A row label → (kind, "(A)") — kind one of indicator, new_indicator, baseline, revised_target …"""
    letter = _LETTER.search(text)
    if letter and squash(_LETTER.sub("", text, count=1)) in _NEW:
        return "new_indicator", f"({letter.group(1)})"
    if squash(text) in _NEW:
        return "new_indicator", ""
    kind = _LABELS.get(squash(text))
    return (kind, "") if kind else None


def read_label_rows(rows: list[list[str]]) -> list[FrameworkIndicator] | None:
    """House layout: [label, value] rows; None when the table is not one."""
    indicators: list[FrameworkIndicator] = []
    recognised = 0
    for cells in rows:
        if len(cells) < 2:
            continue
        found = row_kind(cells[0])
        if found is None:
            continue
        recognised += 1
        kind, letter = found
        value = "\n".join(c for c in cells[1:] if c).strip()
        if kind in ("indicator", "new_indicator"):
            indicators.append(FrameworkIndicator(letter, value, new=kind == "new_indicator"))
        elif indicators:
            current = indicators[-1]
            if kind.startswith("revised_"):
                current.revised[{"revised_indicator": "text"}.get(kind, kind[8:])] = value
            else:
                setattr(current, kind, value)
    return indicators if recognised and recognised * 2 >= len(rows) and indicators else None


def read_column_rows(rows: list[list[str]]) -> dict[int, tuple[str, list[FrameworkIndicator]]] | None:
    """Header layout: Outcome | Indicator | Baseline | Target columns, one indicator a row."""
    if len(rows) < 2:
        return None
    header = [_HEADERS.get(squash(c)) for c in rows[0]]
    if "indicator" not in header or not ({"baseline", "target"} & set(header)):
        return None
    outcomes: dict[int, tuple[str, list[FrameworkIndicator]]] = {}
    number, statement = 1, ""
    for cells in rows[1:]:
        values = {kind: cells[i].strip() for i, kind in enumerate(header) if kind and i < len(cells)}
        if values.get("outcome"):
            found = outcome_line(values["outcome"])
            number, statement = found if found else (number, values["outcome"])
        text = values.get("indicator", "")
        if not text:
            continue
        match = _LABEL_PREFIX.match(text)
        letter = match.group(1) if match else ""
        indicator = FrameworkIndicator(letter, text[match.end():] if match else text,
                                       values.get("baseline", ""), values.get("target", ""), new=bool(letter))
        outcomes.setdefault(number, (statement, []))[1].append(indicator)
    return outcomes or None


def period_of(text: str) -> str:
    match = re.search(r"(\d{4})\s*[-–]\s*(\d{2}|\d{4})(?!\d)", text)
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def _quantity(text: str) -> dict:
    return {"text": text.strip() or "(not stated in the paper)"}


def _indicator_id(strategy_id: str, outcome: int, indicator: FrameworkIndicator, k: int) -> str:
    tail = indicator.label.strip("()") if indicator.label else f"I{k}"
    return f"{strategy_id}/O{outcome}/{tail}"


def proposed_records(tables: list[FrameworkTable], *, strategy_id: str, language: str, decision_id: str,
                     proposed_on: str, symbol: str) -> tuple[dict, list[dict]]:
    """A strategy with the outcomes read, and one indicator record per indicator row.

    A "New indicator (A)" row becomes an indicator introduced by a revision of type new, revised
    rows a revision of type revised (old = the printed indicator, new = the revised rows), both
    proposed by the imported draft decision, as the paper proposes them.
    """
    outcomes, indicators = [], []
    heading = next((t.heading for t in tables if t.heading), "")
    for table in tables:
        ids = []
        for k, row in enumerate(table.indicators, start=1):
            record_id = _indicator_id(strategy_id, table.outcome, row, k)
            while record_id in ids:
                record_id += "x"
            ids.append(record_id)
            revisions = []
            reason = f"Proposed by {symbol} (imported from Word)."
            if row.new:
                revisions.append({"id": "R1", "type": "new", "reason": reason, "decision_id": decision_id,
                                  "status": "proposed", "proposed_on": proposed_on})
            if row.revised:
                new = {k2: (v if k2 == "text" else _quantity(v)) for k2, v in row.revised.items() if v}
                old = {"text": row.text, "baseline": _quantity(row.baseline), "target": _quantity(row.target)}
                revisions.append({"id": f"R{len(revisions) + 1}", "type": "revised", "reason": reason,
                                  "decision_id": decision_id, "status": "proposed", "proposed_on": proposed_on,
                                  "old": old, "new": new})
            indicators.append({"id": record_id, "strategy_id": strategy_id, "outcome": table.outcome,
                               "label": row.label, "text": row.text or "(not stated in the paper)",
                               "baseline": _quantity(row.baseline), "target": _quantity(row.target),
                               "period": period_of(heading), "measure": "count", "revisions": revisions})
        outcomes.append({"number": table.outcome, "statement": table.statement or f"Outcome {table.outcome}",
                         "indicator_ids": ids})
    strategy = {"id": strategy_id, "title": heading or f"Results framework of {symbol}",
                "period": period_of(heading), "language": language, "outcomes": outcomes}
    return strategy, indicators
