"""Saving and reading any record: validation, the rules of its kind, then the versioned store.

Every save of every kind, from every writer (app, CLI, import, demo), passes through
``RecordService.save``: validate the shape, check that the acting account holds a role the
change needs (domain/rights.py), apply the kind's rules against the version it replaces
(domain/rules.py), then stage a version in a unit of work. Several saves that belong together
run inside ``with records.unit(why=…):`` and commit together or not at all; a lone save is a
unit of its own. A refused save writes nothing, whatever the reason.

A RecordService acts as one account (``Services.acting_as``): the author of every version it
records is that account's label, so no caller can name someone else as the author.

A paper version is the whole paper: it pins the exact version of every record it prints (its
decision points, the strategies of its framework blocks and their indicators). So when a unit
changes such a part of a paper still being drafted, the unit also records a new version of the
paper that pins the new part — the change appears in the paper's own history, with who, when
and why. An issued paper keeps what it printed when it was issued.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from ..domain import rights
from ..domain.records import kind_of, parse_date, validate
from ..domain.rights import Actor
from ..errors import NotFound, Problem, ValidationError

if TYPE_CHECKING:
    from ..store import Version
    from ..store.base import StoreBase
    from ..store.unit import UnitOfWork

#: Paper statuses whose pins follow their parts; an issued paper keeps what it printed.
FOLLOWING_PARTS = ("draft", "in_review")
#: ``limit`` of a list that has no pages (the command line prints every paper): more than any archive holds
MAX_LISTED = 10_000_000


@dataclass
class Change:
    """An open unit of work as the services see it: who is making it, and why."""

    unit: "UnitOfWork"
    author: str
    why: str


class RecordService:
    """Reads and writes records of every kind through the store, with validation and rules."""

    def __init__(self, store: "StoreBase", actor: Actor | None = None):
        self.store = store
        self.actor = actor
        self._open = threading.local()  # Streamlit serves each browser session from its own thread

    # -- units of work -----------------------------------------------------------------------
    @contextmanager
    def unit(self, *, why: str) -> Iterator[Change]:
        """Saves inside commit together. Opened inside another unit, it joins that one."""
        outer: Change | None = getattr(self._open, "change", None)
        if outer is not None:
            yield outer
            return
        author = self.author()
        check_why(why)
        with self.store.unit() as unit:
            change = Change(unit, author, why.strip())
            self._open.change = change
            try:
                yield change
                self._pin_papers(change)
            finally:
                self._open.change = None

    def author(self) -> str:
        """The acting account's label, or a refusal when no account is acting."""
        if self.actor is None:
            raise rights.Forbidden("Sign in first: every change is recorded with the account that made it.")
        return self.actor.label

    def may(self, action: str) -> bool:
        """Whether the acting account may do ``action`` (pages hide what it may not)."""
        return self.actor is not None and self.actor.may(action)

    # -- reading -----------------------------------------------------------------------------
    def exists(self, kind: str, record_id: str) -> bool:
        return self.store.exists(kind, record_id)

    def resolve_id(self, kind: str, record_id: str) -> str:
        """A paper may be named by its current symbol as well as its id (its first symbol)."""
        record_id = (record_id or "").strip()
        if kind == "paper" and not self.store.exists("paper", record_id):
            for head in self.store.find("paper", symbol=record_id):
                return head["id"]
        return record_id

    def get(self, kind: str, record_id: str, version: int | None = None, *, as_of: str | None = None,
            as_recorded: str | None = None) -> "Version":
        shown_kind(kind)
        if as_of:
            as_of = parse_date(as_of).isoformat()
        if as_recorded:
            as_recorded = parse_date(as_recorded).isoformat()
        return self.store.get(kind, self.resolve_id(kind, record_id), version, as_of=as_of,
                              as_recorded=as_recorded)

    def history(self, kind: str, record_id: str) -> list["Version"]:
        shown_kind(kind)
        versions = self.store.history(kind, self.resolve_id(kind, record_id))
        if not versions:
            raise NotFound(f"there is no {kind} '{record_id}'")
        return versions

    def heads(self, kind: str, **equals) -> list[dict]:
        shown_kind(kind)
        return self.store.find(kind, **equals) if equals else self.store.heads(kind)

    def count(self, kind: str) -> int:
        """How many records of ``kind`` exist (none is built)."""
        shown_kind(kind)
        return self.store.heads_page(kind, limit=0).total

    def heads_of(self, kind: str, record_ids: list[str]) -> list[dict]:
        """The listing rows of the records named (in id order), leaving out ids no record has."""
        shown_kind(kind)
        return self.store.heads_page(kind, ids=record_ids, limit=max(len(record_ids), 1)).rows

    # -- writing -----------------------------------------------------------------------------
    def check(self, kind: str, old: dict | None, record: dict, *, command: str | None = None) -> list[Problem]:
        """The kind's rules for ``record`` replacing ``old`` (None for a new record)."""
        return kind_of(kind).rules.check(self, old, record, command)

    def require(self, kind: str, old: dict | None, record: dict | None, command: str | None = None) -> None:
        """Refuse (Forbidden) unless the acting account holds a role that the change of ``old``
        into ``record`` (None: its deletion) needs, by the table in domain/rights.py."""
        rights.require(self.actor, *rights.change_actions(kind, old, record, command))

    def save(self, kind: str, data: dict, *, why: str, base_version: int | None,
             effective_from: str | None = None, command: str | None = None) -> "Version":
        """Validate, check the acting account's rights and the kind's rules against the version
        it replaces, stage a version.

        ``command`` names the operation for moves that only a command may make (rules.py)."""
        spec = kind_of(kind)
        author = self.author()
        problems = why_problems(why)
        try:
            record = validate(kind, data)
        except ValidationError as error:
            raise ValidationError(problems + error.problems) from None
        record_id = spec.record_id(record)
        record["id"] = record_id
        old = None
        latest = base_version is None or self.store.get(kind, record_id).version == base_version
        if base_version is not None:
            previous = self.store.get(kind, record_id, base_version)
            old = previous.data
            if old.get("id") != record_id:
                problems.append(Problem("id", "the id of a record cannot change"))
        self.require(kind, old, record, command)
        if latest:
            problems += self.check(kind, old, record, command=command)
        # else: saved on a version that is no longer the latest — the store refuses it as a conflict
        # (with both versions to compare), which says more than rules judged against an old version.
        if effective_from:
            try:
                effective_from = parse_date(effective_from).isoformat()
            except ValidationError as error:
                problems.append(Problem("effective_from", error.problems[0].message))
        if problems:
            raise ValidationError(problems)
        if (old is not None and record == old and effective_from in (None, previous.effective_from)
                and not previous.deleted and latest):
            return previous  # nothing to record: the caller gets back the version it already had
        with self.unit(why=why) as change:
            return change.unit.save(kind, record_id, record, author=author, why=why.strip(),
                                    base_version=base_version, effective_from=effective_from)

    def delete(self, kind: str, record_id: str, *, why: str, base_version: int) -> "Version":
        author = self.author()
        if not (why or "").strip():
            raise ValidationError("give the reason for deleting; it is kept in the history", field="why")
        record_id = self.resolve_id(kind, record_id)
        old = self.store.get(kind, record_id, base_version).data if self.store.exists(kind, record_id) else None
        self.require(kind, old, None)
        with self.unit(why=why) as change:
            return change.unit.delete(kind, record_id, author=author,
                                      why=why.strip(), base_version=base_version)

    # -- a paper version is the whole paper --------------------------------------------------
    def pins(self, paper: dict) -> dict[str, int]:
        """The exact version of every record ``paper`` prints, as they stand now (staged included)."""
        pinned: dict[str, int] = {}

        def pin(kind: str, record_id: str) -> dict | None:
            versions = self.store.history(kind, record_id)
            if not versions or versions[-1].deleted:
                return None
            pinned[f"{kind}:{record_id}"] = versions[-1].version
            return versions[-1].data

        for decision_id in paper.get("decision_ids", []):
            pin("decision", decision_id)
        if paper.get("session"):
            pin("session", str(paper["session"]))   # its dates and segment are on the cover
        for strategy_id in sorted({b["strategy_id"] for b in paper.get("body", []) if b["type"] == "framework"}):
            strategy = pin("strategy", strategy_id)
            for outcome in (strategy or {}).get("outcomes", []):
                for indicator_id in outcome["indicator_ids"]:
                    pin("indicator", indicator_id)
        return dict(sorted(pinned.items()))

    def _pin_papers(self, change: Change) -> None:
        """At the end of a unit: pin the parts of every paper it saved, and give every paper still
        being drafted whose parts it changed a version of its own that pins the new parts."""
        unit = change.unit
        changed = [(kind, record_id) for kind, record_id in unit.records() if kind != "paper"]
        touched = {record_id for kind, record_id in unit.records() if kind == "paper"}
        for paper_id in sorted(touched):
            staged = unit.versions_of("paper", paper_id)[-1]
            if staged["deleted"]:
                continue
            data = dict(staged["data"])
            stored = self.store.history("paper", paper_id)
            before = stored[len(stored) - len(unit.versions_of("paper", paper_id)) - 1] \
                if len(stored) > len(unit.versions_of("paper", paper_id)) else None
            keep = (data.get("status") not in FOLLOWING_PARTS and before is not None
                    and before.data.get("status") not in FOLLOWING_PARTS)
            data["pinned"] = dict(before.data.get("pinned", {})) if keep else self.pins(data)
            if data["pinned"] != staged["data"].get("pinned"):
                unit.restage("paper", paper_id, data)
        for paper_id, parts in sorted(self._papers_showing(changed).items()):
            if paper_id in touched:
                continue
            latest = self.store.get("paper", paper_id)
            if latest.data.get("status") not in FOLLOWING_PARTS:
                continue
            pinned = self.pins(latest.data)
            if pinned == latest.data.get("pinned"):
                continue
            unit.save("paper", paper_id, dict(latest.data, pinned=pinned), author=change.author,
                      why=f"Part changed ({', '.join(parts)}): {change.why}", base_version=latest.version)

    def _papers_showing(self, changed: list[tuple[str, str]]) -> dict[str, list[str]]:
        """Which papers print each changed record: a decision its own paper; a session every paper
        of that session; a strategy or an indicator every paper with a framework block of that strategy."""
        shown: dict[str, list[str]] = {}
        strategies: dict[str, list[str]] = {}
        for kind, record_id in changed:
            if kind == "decision":
                versions = self.store.history("decision", record_id)
                paper_id = versions[-1].data.get("paper_id") if versions else None
                if paper_id and self.store.exists("paper", paper_id):
                    if record_id in self.store.get("paper", paper_id).data.get("decision_ids", []):
                        shown.setdefault(paper_id, []).append(f"decision point {record_id}")
            elif kind == "session" and record_id.isdigit():
                for head in self.store.find("paper", session=int(record_id)):
                    shown.setdefault(head["id"], []).append(f"session {record_id}")
            elif kind in ("strategy", "indicator"):
                versions = self.store.history(kind, record_id)
                strategy_id = record_id if kind == "strategy" else (versions[-1].data.get("strategy_id")
                                                                    if versions else None)
                if strategy_id:
                    strategies.setdefault(strategy_id, []).append(f"{kind} {record_id}")
        if strategies:  # only the papers that print one of these strategies are built
            printing = self.store.heads_page("paper", where=lambda head: not strategies.keys().isdisjoint(
                head.get("strategy_ids") or ()), limit=MAX_LISTED)
            for head in printing.rows:
                for strategy_id in set(head.get("strategy_ids") or ()) & strategies.keys():
                    shown.setdefault(head["id"], []).extend(strategies[strategy_id])
        return shown


def shown_kind(kind: str) -> None:
    """Refuse to read a secret kind (credentials): only services/accounts.py reads it, from the store."""
    if kind_of(kind).secret:
        raise ValidationError(f"{kind} records are never shown; manage them with the account commands",
                              field="kind")


def why_problems(why: str) -> list[Problem]:
    if not isinstance(why, str) or not why.strip():
        return [Problem("why", "give the reason for this change; it is kept in the history")]
    return []


def check_why(why: str) -> None:
    problems = why_problems(why)
    if problems:
        raise ValidationError(problems)
