"""The rules a kind adds on top of its shape: what may follow what, and what must exist.

Pure: a rule sees the version being replaced, the new record, the records it refers to through a
``Lookup``, and the command making the change. ``command`` is None for a plain save (the app's
forms, the CLI's ``put``, an import); a move with side effects — adopting a decision brings
revisions into force — is a command of its own (``decision move``), and a plain save that tries
it is refused with the command to use. So every writer meets the same rules, and none can adopt
a decision around them.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import Problem, ValidationError
from . import lifecycle
from .framework import period_years
from .labels import session_ordinal
from .symbols import parse_symbol, symbol_order

MOVE_COMMAND = "decision move"
MOVE_HINT = ("use the command `python -m sstc_docs decision move ID --to STATUS …` or the Decisions page, "
             "which record what the Governing Body decided and what follows from it")
#: What only ``decision move`` may set: what the Governing Body decided, and when.
OUTCOME_FIELDS = ("adopted_on", "adopted_version", "amendment", "adopted_text", "record", "deferred_to",
                  "outside_session_reason")


class Lookup(Protocol):
    def exists(self, kind: str, record_id: str) -> bool: ...

    def get(self, kind: str, record_id: str) -> Any: ...


class Rules:
    """A kind without rules of its own; subclasses override ``check``."""

    def check(self, lookup: Lookup, old: dict | None, new: dict, command: str | None) -> list[Problem]:
        return []

    @staticmethod
    def current(lookup: Lookup, kind: str, record_id: str) -> dict | None:
        """The record as it stands now (what the open unit staged included), None if there is none."""
        return lookup.get(kind, record_id).data if lookup.exists(kind, record_id) else None

    @staticmethod
    def missing(lookup: Lookup, kind: str, ids: list[str], field: str) -> list[Problem]:
        return [Problem(field, f"there is no {kind} '{i}'; check the id or create the {kind} first")
                for i in ids if i and not lookup.exists(kind, i)]


class PaperRules(Rules):
    def check(self, lookup, old, new, command):
        problems = []
        if old is not None and parse_symbol(old["symbol"]).base != parse_symbol(new["symbol"]).base:
            problems.append(Problem("symbol", f"a paper keeps its item: {old['symbol']} can become a revision "
                                              f"such as {parse_symbol(old['symbol']).revised()}, not "
                                              f"{new['symbol']}; create a new paper for another item"))
        elif old is not None:
            problems += self._issued_is_fixed(old, new, command)
        strategies = [b["strategy_id"] for b in new["body"] if b["type"] == "framework"]
        problems += self.missing(lookup, "strategy", sorted(set(strategies)), "body.strategy_id")
        was = (old or {}).get("status")
        issued_before = was in lifecycle.PAPER_ISSUED
        if new["status"] in lifecycle.PAPER_ISSUED and not new["date"] and (not issued_before or old.get("date")):
            problems.append(Problem("date", "a paper cannot be issued without a date: give the date it is issued "
                                            "(YYYY-MM-DD), which its cover prints"))
        successor = old is not None and symbol_order(new["symbol"]) > symbol_order(old["symbol"])
        if command != MOVE_COMMAND and new["status"] != was and not successor and (
                new["status"] in lifecycle.PAPER_OUTCOMES or was in lifecycle.PAPER_OUTCOMES):
            problems.append(Problem("status", "once issued, a paper's status follows its decision points (decided, "
                                              f"deferred or withdrawn) and is not typed; {MOVE_HINT}"))
        return problems

    @staticmethod
    def _issued_is_fixed(old: dict, new: dict, command: str | None) -> list[Problem]:
        if not changes_issued_paper(old, new, command):
            return []
        symbol = parse_symbol(old["symbol"])
        return [Problem("symbol", f"{old['symbol']} is issued: what it says is fixed, for everyone. Save the change "
                                  f"as a revised paper, {symbol.revised()}, or as an addendum, {symbol.addendum()}; "
                                  "the issued version stays in the history as it was printed")]


def changes_issued_paper(old: dict | None, new: dict, command: str | None = None) -> bool:
    """Whether ``new`` changes what the issued paper ``old`` says without being its successor.

    What an issued paper says is fixed for everyone: a change is saved as a revised paper (Rev.)
    or an addendum (Add.), a later symbol of the same item, and the issued version stays in the
    history as it was printed. ``pinned`` is worked out by the services, not typed; the status
    of an issued paper follows what the Governing Body did, recorded by the move of a decision."""
    if old is None or old.get("status") not in lifecycle.PAPER_ISSUED:
        return False
    changed = {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)} - {"pinned"}
    if command == MOVE_COMMAND:
        changed -= {"status"}
    return bool(changed) and symbol_order(new["symbol"]) <= symbol_order(old["symbol"])


class IndicatorRules(Rules):
    def check(self, lookup, old, new, command):
        problems = self.missing(lookup, "strategy", [new["strategy_id"]], "strategy_id")
        decisions = sorted({r["decision_id"] for r in new["revisions"] if r["decision_id"]})
        problems += self.missing(lookup, "decision", decisions, "revisions.decision_id")
        if command == MOVE_COMMAND:
            return problems
        before = {r["id"]: r for r in (old or {}).get("revisions", [])}
        for revision in new["revisions"]:
            previous = before.get(revision["id"])
            was = previous["status"] if previous else "proposed"
            if revision["status"] != was or (previous and revision["effective_date"] != previous["effective_date"]):
                problems.append(Problem(f"revisions.{revision['id']}.status", (
                    f"a revision comes into force (or lapses) only when the decision that authorises it is "
                    f"adopted (or withdrawn), never by editing the indicator; {MOVE_HINT}")))
        return problems


class DecisionRules(Rules):
    def check(self, lookup, old, new, command):
        problems = self.missing(lookup, "paper", [new["paper_id"]], "paper_id")
        if old is None:
            if new["status"] not in ("draft", "in_review", "submitted"):
                problems.append(Problem("status", "a new decision point starts as draft, in review or submitted; "
                                                  f"record what the Governing Body decided afterwards: {MOVE_HINT}"))
            elif any(new.get(name) for name in OUTCOME_FIELDS):
                problems.append(Problem("adopted_on", "a new decision point has no outcome yet; "
                                                      f"record it when the Governing Body decides: {MOVE_HINT}"))
            return problems
        problems += self._adoption_in_session(lookup, old, new)
        try:
            lifecycle.check_transition(old["status"], new["status"])
            lifecycle.check_text_frozen(old, new)
        except ValidationError as error:
            problems += error.problems
        if command != MOVE_COMMAND:
            if new["status"] != old["status"] and new["status"] in lifecycle.WITH_CONSEQUENCES:
                problems.append(Problem("status", f"moving a decision to "
                                                  f"{lifecycle.STATUS_NAMES[new['status']].lower()} has consequences "
                                                  f"that a plain save does not carry out; {MOVE_HINT}"))
            changed = [name for name in OUTCOME_FIELDS if (old.get(name) or None) != (new.get(name) or None)]
            if changed:
                problems.append(Problem(changed[0], f"{', '.join(changed)} record what the Governing Body decided "
                                                    f"and cannot be typed over; {MOVE_HINT}"))
        return problems


    @staticmethod
    def _adoption_in_session(lookup, old, new) -> list[Problem]:
        """An adoption date outside the dates of the decision's session is refused, unless the
        reason for it is recorded (``outside_session_reason``)."""
        if new["status"] not in lifecycle.ADOPTED or not new["adopted_on"] or not new["session"]:
            return []
        if old.get("adopted_on") == new["adopted_on"] and old.get("status") == new["status"]:
            return []
        session = Rules.current(lookup, "session", str(new["session"]))
        if not session or not lifecycle.outside_session(new["adopted_on"], session["opening"], session["closing"]):
            return []
        if new.get("outside_session_reason"):
            return []
        return [Problem("adopted_on", f"{new['adopted_on']} is outside the {session_ordinal(session['number'])} Session "
                                      f"({session['opening']} to {session['closing']}); correct the date, or give "
                                      "the reason it was adopted on another day (outside_session_reason; "
                                      "--outside-session-reason on the command line)")]


class SessionRules(Rules):
    """Every paper on the agenda exists, and belongs to this session and to the section it is under."""

    def check(self, lookup, old, new, command):
        problems = []
        for i, section in enumerate(new["sections"]):
            for j, item in enumerate(section["items"]):
                path = f"sections[{i}].items[{j}].papers"
                for paper_id in item["papers"]:
                    paper = self.current(lookup, "paper", paper_id)
                    if paper is None:
                        problems += self.missing(lookup, "paper", [paper_id], path)
                    elif paper.get("session") != new["number"]:
                        problems.append(Problem(path, f"paper {paper_id} belongs to the "
                                                      f"{session_ordinal(paper.get('session') or 0)} Session, not "
                                                      f"the {session_ordinal(new['number'])}"))
                    elif paper.get("section") != section["code"]:
                        problems.append(Problem(path, f"paper {paper_id} is a {paper.get('section')} paper; "
                                                      f"put it under section {paper.get('section')}"))
        return problems


class EvidenceRules(Rules):
    def check(self, lookup, old, new, command):
        links = new["links"]
        problems = (self.missing(lookup, "indicator", [link["id"] for link in links["indicators"]], "links.indicators")
                    + self.missing(lookup, "decision", links["decisions"], "links.decisions")
                    + self.missing(lookup, "paper", links["papers"], "links.papers"))
        if problems:
            return problems
        before = [(link["id"], link.get("value"), link.get("period")) for link in (old or {}).get("links", {})
                  .get("indicators", [])]
        for link in links["indicators"]:
            if (link["id"], link.get("value"), link.get("period")) in before and old.get("date") == new.get("date"):
                continue  # checked when it was made: a link saved before these checks stays as it was
            problems += self._will_count(lookup.get("indicator", link["id"]).data, new, link)
        return problems

    @staticmethod
    def _will_count(indicator: dict, evidence: dict, link: dict) -> list[Problem]:
        """A link that would not count, or not as the user thinks, is refused at link time with the
        reason, instead of counting silently (or silently not at all) in the progress table."""
        where = f"links.indicators.{link['id']}"
        period, measure = indicator.get("period", ""), indicator.get("measure", "count")
        years = period_years(period)
        attributed = link.get("period") or (evidence.get("date") or "")[:4]
        span = period_years(attributed)
        if years and span and not (years[0] <= span[0] and span[1] <= years[1]):
            when = f"period {link['period']}" if link.get("period") else f"dated {evidence.get('date')}"
            return [Problem(where, f"evidence {when} cannot count toward {link['id']}, which measures {period}; "
                                   "give the link the period the evidence belongs to, or link it to the indicator "
                                   "of that period")]
        if measure == "count" and link.get("value", 1) != 1:
            return [Problem(where, f"{link['id']} counts pieces of evidence (each counts once), so a value of "
                                   f"{link['value']} would count as 1; leave the value at 1, or record each item "
                                   "as evidence of its own")]
        return []
