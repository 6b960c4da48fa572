"""Saving and reading any record: validation, the rules of its kind, then the versioned store.

Every save of every kind passes through ``RecordService.save``: validate the shape, apply the
kind's rules against the previous version (lifecycle, references that must exist), then append
a version. A refused save writes nothing, whatever the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain import lifecycle
from ..domain.records import check_kind, parse_date, validate
from ..domain.symbols import parse_symbol
from ..errors import NotFound, Problem, ValidationError

if TYPE_CHECKING:
    from ..store import Store, Version


class KindRules:
    """The rules one kind adds on top of shape validation. Subclasses override the hooks they need."""

    def record_id(self, data: dict) -> str:
        return data.get("id", "")

    def check(self, records: "RecordService", old: dict | None, new: dict) -> list[Problem]:
        """Problems with ``new`` given the version it replaces (``None`` for a new record)."""
        return []

    @staticmethod
    def missing(records: "RecordService", kind: str, ids: list[str], field: str) -> list[Problem]:
        return [Problem(field, f"there is no {kind} '{i}'; check the id or create the {kind} first")
                for i in ids if i and not records.exists(kind, i)]


class PaperRules(KindRules):
    def record_id(self, data: dict) -> str:
        return data.get("id") or data.get("symbol", "")

    def check(self, records, old, new):
        problems = []
        if old is not None and parse_symbol(old["symbol"]).base != parse_symbol(new["symbol"]).base:
            problems.append(Problem("symbol", f"a paper keeps its item: {old['symbol']} can become a revision "
                                              f"such as {parse_symbol(old['symbol']).revised()}, not "
                                              f"{new['symbol']}; create a new paper for another item"))
        strategies = [b["strategy_id"] for b in new["body"] if b["type"] == "framework"]
        problems += self.missing(records, "strategy", sorted(set(strategies)), "body.strategy_id")
        return problems


class IndicatorRules(KindRules):
    def check(self, records, old, new):
        problems = self.missing(records, "strategy", [new["strategy_id"]], "strategy_id")
        decisions = sorted({r["decision_id"] for r in new["revisions"] if r["decision_id"]})
        return problems + self.missing(records, "decision", decisions, "revisions.decision_id")


class DecisionRules(KindRules):
    def check(self, records, old, new):
        problems = self.missing(records, "paper", [new["paper_id"]], "paper_id")
        if old is None:
            if new["status"] not in ("draft", "in_review", "submitted"):
                problems.append(Problem("status", "a new decision point starts as draft, in review or submitted; "
                                                  "record adoption through its lifecycle"))
            return problems
        try:
            lifecycle.check_transition(old["status"], new["status"])
            lifecycle.check_text_frozen(old, new)
        except ValidationError as error:
            problems += error.problems
        return problems


class EvidenceRules(KindRules):
    def check(self, records, old, new):
        links = new["links"]
        return (self.missing(records, "indicator", [link["id"] for link in links["indicators"]], "links.indicators")
                + self.missing(records, "decision", links["decisions"], "links.decisions")
                + self.missing(records, "paper", links["papers"], "links.papers"))


RULES: dict[str, KindRules] = {"paper": PaperRules(), "strategy": KindRules(), "indicator": IndicatorRules(),
                               "decision": DecisionRules(), "evidence": EvidenceRules()}


class RecordService:
    """Reads and writes records of every kind through the store, with validation and rules."""

    def __init__(self, store: "Store"):
        self.store = store

    def exists(self, kind: str, record_id: str) -> bool:
        return self.store.exists(kind, record_id)

    def resolve_id(self, kind: str, record_id: str) -> str:
        """A paper may be named by its current symbol as well as its id (its first symbol)."""
        record_id = (record_id or "").strip()
        if kind == "paper" and not self.store.exists("paper", record_id):
            for head in self.store.heads("paper"):
                if head.get("symbol") == record_id:
                    return head["id"]
        return record_id

    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None) -> "Version":
        check_kind(kind)
        if as_of:
            as_of = parse_date(as_of).isoformat()
        return self.store.get(kind, self.resolve_id(kind, record_id), version, as_of=as_of)

    def history(self, kind: str, record_id: str) -> list["Version"]:
        check_kind(kind)
        versions = self.store.history(kind, self.resolve_id(kind, record_id))
        if not versions:
            raise NotFound(f"there is no {kind} '{record_id}'")
        return versions

    def heads(self, kind: str, **equals) -> list[dict]:
        check_kind(kind)
        return self.store.find(kind, **equals) if equals else self.store.heads(kind)

    def save(self, kind: str, data: dict, *, author: str, why: str, base_version: int | None,
             effective_from: str | None = None) -> "Version":
        """Validate, check the kind's rules against the version it replaces, append a version."""
        check_kind(kind)
        problems = []
        if not (author or "").strip():
            problems.append(Problem("author", "say who is making this change"))
        if not (why or "").strip():
            problems.append(Problem("why", "give the reason for this change; it is kept in the history"))
        try:
            record = validate(kind, data)
        except ValidationError as error:
            raise ValidationError(problems + error.problems) from None
        rules = RULES[kind]
        record_id = rules.record_id(record)
        record["id"] = record_id
        old = None
        if base_version is not None:
            previous = self.store.get(kind, record_id, base_version)
            old = previous.data
            if old.get("id") != record_id:
                problems.append(Problem("id", "the id of a record cannot change"))
        problems += rules.check(self, old, record)
        if effective_from:
            try:
                effective_from = parse_date(effective_from).isoformat()
            except ValidationError as error:
                problems.append(Problem("effective_from", error.problems[0].message))
        if problems:
            raise ValidationError(problems)
        return self.store.save(kind, record_id, record, author=author.strip(), why=why.strip(),
                               base_version=base_version, effective_from=effective_from)

    def delete(self, kind: str, record_id: str, *, author: str, why: str, base_version: int) -> "Version":
        if not (why or "").strip():
            raise ValidationError("give the reason for deleting; it is kept in the history", field="why")
        return self.store.delete(kind, self.resolve_id(kind, record_id), author=author, why=why,
                                 base_version=base_version)
