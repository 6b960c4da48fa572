"""The revision history of a strategy's indicators, as a reviewer reads it (pure, no I/O).

``build_indicator_report`` turns the records a service already holds — the strategy, its
indicators with their revisions, and the decisions those revisions cite with the paragraph that
carries them — into an ``IndicatorReport``: outcomes → indicators (as they read now) → every
revision in order with its type, old and new text/baseline/target, reason, authorising decision
(symbol, paragraph, status), status and effective date. The Word layer prints it; the app can
show the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .framework import VALUE_FIELDS, indicator_as_of
from .labels import label
from .lifecycle import citation
from .records import quantity_text

def report_label(key: str, language: str, **values) -> str:
    """A label of the report (domain.labels, "report.<key>"); an unknown key prints its last part."""
    try:
        return label("report." + key, language, **values)
    except KeyError:
        return key.split(".")[-1]


@dataclass(frozen=True)
class DecisionRef:
    id: str
    symbol: str                  # the paper's symbol, e.g. GB.316/POL/5
    paragraph: int | None        # the paragraph that carries the decision
    status: str                  # decision status key (draft … adopted, withdrawn)
    citation: str                # "GB.316/POL/5, paragraph 4" (full symbol, as cross-references are written)


@dataclass(frozen=True)
class RevisionEntry:
    id: str
    type: str                    # new / revised / retired
    status: str                  # proposed / in_force / lapsed
    reason: str
    effective_date: str = ""
    proposed_on: str = ""
    old_text: str = ""
    new_text: str = ""
    old_baseline: str = ""
    new_baseline: str = ""
    old_target: str = ""
    new_target: str = ""
    decision: DecisionRef | None = None


@dataclass(frozen=True)
class IndicatorEntry:
    id: str
    label: str                   # "(A)", "(B)" or ""
    text: str                    # as it reads now (in force today, else as proposed)
    baseline: str = ""
    target: str = ""
    in_force: bool = True
    retired: bool = False
    revisions: tuple[RevisionEntry, ...] = ()


@dataclass(frozen=True)
class OutcomeEntry:
    number: int
    statement: str
    indicators: tuple[IndicatorEntry, ...] = ()


@dataclass(frozen=True)
class IndicatorReport:
    strategy_title: str
    strategy_id: str
    period: str
    language: str
    generated_at: str
    outcomes: tuple[OutcomeEntry, ...] = field(default_factory=tuple)

    def revisions(self) -> list[tuple[IndicatorEntry, RevisionEntry]]:
        return [(i, r) for o in self.outcomes for i in o.indicators for r in i.revisions]


def _values(values: dict | None) -> dict[str, str]:
    values = values or {}
    return {"text": str(values.get("text") or ""),
            "baseline": quantity_text(values.get("baseline")) if isinstance(values.get("baseline"), dict)
            else str(values.get("baseline") or ""),
            "target": quantity_text(values.get("target")) if isinstance(values.get("target"), dict)
            else str(values.get("target") or "")}


def _decision_ref(decision_id: str, decisions: dict, language: str) -> DecisionRef | None:
    if not decision_id:
        return None
    record, paragraph = decisions.get(decision_id, (None, None))
    record = record or {}
    symbol = str(record.get("paper_id") or decision_id.split(":")[0])
    number = int(paragraph) if paragraph not in (None, "") else None
    cite = citation(symbol, number, language) if number else symbol
    return DecisionRef(decision_id, symbol, number, str(record.get("status", "")), cite)


def _revision_entries(indicator: dict, decisions: dict, language: str) -> tuple[RevisionEntry, ...]:
    original = {k: indicator.get(k) for k in VALUE_FIELDS}
    running = dict(original)
    entries = []
    for revision in indicator.get("revisions", []):
        kind = revision.get("type", "")
        old: dict = {}
        new: dict = {}
        if kind == "new":
            new = revision.get("new") or original
        elif kind == "revised":
            new = revision.get("new") or {}
            old = revision.get("old") or {k: running.get(k) for k in new}
            if revision.get("status") != "lapsed":
                running.update(new)
        elif kind == "retired":
            old = revision.get("old") or running
        o, n = _values(old), _values(new)
        entries.append(RevisionEntry(
            id=str(revision.get("id", "")), type=kind, status=str(revision.get("status", "")),
            reason=str(revision.get("reason", "")), effective_date=str(revision.get("effective_date") or ""),
            proposed_on=str(revision.get("proposed_on") or ""),
            old_text=o["text"], new_text=n["text"], old_baseline=o["baseline"], new_baseline=n["baseline"],
            old_target=o["target"], new_target=n["target"],
            decision=_decision_ref(str(revision.get("decision_id") or ""), decisions, language)))
    return tuple(entries)


def _indicator_entry(indicator: dict, decisions: dict, language: str) -> IndicatorEntry:
    view = indicator_as_of(indicator)
    shown = view.values
    if not view.in_force:       # proposed as new: show what is proposed
        pending_new = [r for r in indicator.get("revisions", []) if r.get("type") == "new" and r.get("new")]
        if pending_new:
            shown = {**shown, **pending_new[-1]["new"]}
    values = _values(shown)
    return IndicatorEntry(str(indicator.get("id", "")), str(indicator.get("label", "")), values["text"],
                          values["baseline"], values["target"], view.in_force, view.retired,
                          _revision_entries(indicator, decisions, language))


def build_indicator_report(strategy: dict, indicators: list[dict], decisions: dict,
                           generated_at: str) -> IndicatorReport:
    """The report for one strategy.

    ``decisions`` maps a decision id to (decision record, paragraph number of the paper that
    carries it); a revision citing a decision not given is still listed, with the symbol read
    from the decision id.
    """
    language = str(strategy.get("language") or "en")
    remaining = {str(i.get("id")): i for i in indicators}
    outcomes = []
    for outcome in strategy.get("outcomes", []):
        number = outcome.get("number")
        members = [remaining.pop(i) for i in outcome.get("indicator_ids", []) if i in remaining]
        extra = sorted((i for i in remaining.values() if i.get("outcome") == number),
                       key=lambda i: (str(i.get("label", "")), str(i.get("id"))))
        for indicator in extra:
            remaining.pop(str(indicator.get("id")))
        entries = tuple(_indicator_entry(i, decisions, language) for i in members + extra)
        outcomes.append(OutcomeEntry(int(number or 0), str(outcome.get("statement", "")), entries))
    leftovers: dict[int, list] = {}
    for indicator in remaining.values():
        leftovers.setdefault(int(indicator.get("outcome") or 0), []).append(indicator)
    for number, members in sorted(leftovers.items()):
        outcomes.append(OutcomeEntry(number, "", tuple(_indicator_entry(i, decisions, language) for i in members)))
    return IndicatorReport(str(strategy.get("title", "")), str(strategy.get("id", "")),
                           str(strategy.get("period", "")), language, generated_at, tuple(outcomes))


def outcome_heading(number: int, statement: str, language: str) -> str:
    prefix = label("outcome", language, n=number)
    return f"{prefix}{'' if prefix.endswith('：') else ' '}{statement}".strip()
