"""Decision points through their lifecycle, and what adoption sets in motion.

Adopting a decision brings into force every indicator revision it authorises, from the date of
adoption; withdrawing it lets them lapse. The paper's status follows its decision points (issued →
decided, deferred or withdrawn; lifecycle.paper_outcome). Each of those is a version of the indicator of its own,
whose reason names the decision, so the trail reads in order: decision adopted → revision in force.
A move and everything it sets in motion are one unit of work: all of it is recorded, or none.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..domain import lifecycle
from ..domain.records import parse_date
from ..domain.rules import MOVE_COMMAND
from ..domain.symbols import record_order
from ..errors import ValidationError
from .records import MAX_LISTED

if TYPE_CHECKING:
    from ..store import Version
    from ..store.base import HeadsPage
    from .frameworks import FrameworkService
    from .papers import PaperService
    from .records import RecordService


class DecisionService:
    def __init__(self, records: "RecordService", papers: "PaperService", frameworks: "FrameworkService"):
        self.records = records
        self.papers = papers
        self.frameworks = frameworks

    def list(self, *, status: str = "") -> list[dict]:
        """Every decision point (with ``status``), in symbol order."""
        return self.page(status=status, limit=MAX_LISTED).rows

    def page(self, *, status: str = "", offset: int = 0, limit: int = 50, awaiting: bool = False) -> "HeadsPage":
        """One page of the decision points in symbol order, and how many match in all: those with
        ``status``, or (``awaiting``) those still waiting for action — neither decided nor withdrawn."""
        def wanted(head) -> bool:
            found = head.get("status")
            return ((not status or found == status)
                    and (not awaiting or (found not in lifecycle.FINAL and found not in lifecycle.ADOPTED)))

        return self.records.store.heads_page("decision", where=wanted, order=lambda head: record_order(head.id),
                                             offset=offset, limit=limit)

    def awaiting_action(self, *, limit: int = MAX_LISTED) -> "HeadsPage":
        """The decision points waiting for action (the first ``limit``) and how many there are."""
        return self.page(awaiting=True, limit=limit)

    def status_counts(self) -> dict[str, int]:
        """How many decision points have each status (none built)."""
        return {status: n for (status,), n in self.records.store.tally("decision", "status").items()}

    def citation(self, decision: dict) -> str:
        """The paper cited as it was put before the Governing Body: its latest issued version (a
        revision still being drafted is not before it), or the latest while none is issued."""
        versions = [v for v in self.records.history("paper", decision["paper_id"]) if not v.deleted]
        issued = [v for v in versions if v.data.get("status") in lifecycle.PAPER_ISSUED]
        paper = (issued or versions)[-1].data
        paragraph = self.papers.decision_paragraph(paper, decision["id"])
        return lifecycle.citation(paper["symbol"], paragraph, decision.get("language", "en"))

    def record_preview(self, decision: dict, adopted_text: dict | None = None, *, amended: bool = False) -> str:
        """The record of decision adoption would write (``move``'s own wording), for the person to
        read before recording what the Governing Body decided."""
        voted = adopted_text or {"text": decision["text"], "parts": decision.get("parts", [])}
        return lifecycle.record_of_decision(voted["text"], voted["parts"], decision.get("language", "en"),
                                            self.citation(decision), amended=amended)

    def save_text(self, decision_id: str, *, text: str, parts: list[str], why: str,
                  base_version: int) -> "Version":
        current = self.records.get("decision", decision_id, base_version)
        data = dict(copy.deepcopy(current.data), text=text, parts=parts)
        return self.records.save("decision", data, why=why, base_version=base_version)

    def create(self, paper_id: str, *, text: str, parts: list[str] | None = None, why: str) -> "Version":
        """A new draft decision point attached to the end of its paper."""
        paper = self.records.get("paper", paper_id)
        number = len(paper.data["decision_ids"]) + 1
        decision_id = f"{paper.id}:D{number}"
        while self.records.exists("decision", decision_id):
            number += 1
            decision_id = f"{paper.id}:D{number}"
        with self.records.unit(why=why):
            saved = self.records.save("decision", {"id": decision_id, "paper_id": paper.id, "text": text,
                                                   "parts": parts or [], "language": paper.data["language"],
                                                   "session": paper.data["session"], "status": "draft"},
                                      why=why, base_version=None)
            updated = dict(copy.deepcopy(paper.data), decision_ids=[*paper.data["decision_ids"], decision_id])
            self.records.save("paper", updated, why=why, base_version=paper.version)
        return saved

    def move(self, decision_id: str, to: str, *, why: str, base_version: int,
             adopted_on: str = "", amendment: str = "", adopted_text: dict | None = None,
             deferred_to: int | None = None, record: str = "", outside_session_reason: str = "") -> "Version":
        """Move a decision to ``to``; on adoption write the record of decision and bring revisions into force.

        An adoption date outside the dates of the session is refused unless ``outside_session_reason``
        says why (the rule is the decision kind's, so every writer meets it)."""
        current = self.records.get("decision", decision_id, base_version)
        data = copy.deepcopy(current.data)
        lifecycle.check_transition(data["status"], to)
        data["status"] = to
        if to in lifecycle.ADOPTED:
            if not adopted_on:
                raise ValidationError("give the date the Governing Body adopted it", field="adopted_on")
            data["adopted_on"] = parse_date(adopted_on).isoformat()
            data["adopted_version"] = current.version
            if to == "adopted_as_amended":
                if not (amendment or "").strip():
                    raise ValidationError("say what the amendment was", field="amendment")
                if not adopted_text or not (adopted_text.get("text") or "").strip():
                    raise ValidationError("give the text as amended and adopted", field="adopted_text")
                data["amendment"] = amendment.strip()
                data["adopted_text"] = {"text": adopted_text["text"].strip(), "parts": adopted_text.get("parts") or []}
            else:
                data["adopted_text"] = {"text": data["text"], "parts": data["parts"]}
            voted = data["adopted_text"]
            data["outside_session_reason"] = (outside_session_reason or "").strip()
            data["record"] = record.strip() or self.record_preview(data, voted, amended=to == "adopted_as_amended")
        elif to == "deferred":
            data["deferred_to"] = deferred_to
        elif to == "submitted" and data.get("deferred_to"):
            # Submitted again, at the session it was deferred to.
            data["session"], data["deferred_to"] = data["deferred_to"], None
        with self.records.unit(why=why):
            # What the Governing Body decided holds from the day it decided, whenever the clerk records it.
            saved = self.records.save("decision", data, why=why, base_version=base_version,
                                      effective_from=data["adopted_on"] if to in lifecycle.ADOPTED else None,
                                      command=MOVE_COMMAND)
            if to in lifecycle.ADOPTED:
                self._settle_revisions(decision_id, "in_force", data["adopted_on"],
                                       f"In force: decision {decision_id} adopted on {data['adopted_on']}.")
            elif to == "withdrawn":
                self._settle_revisions(decision_id, "lapsed", "", f"Lapsed: decision {decision_id} withdrawn.")
            self._follow_paper(data["paper_id"], why)
        return saved

    def _follow_paper(self, paper_id: str, why: str) -> None:
        """An issued paper takes the status its decision points now give it, in the move's unit."""
        paper = self.records.get("paper", paper_id)
        if paper.data["status"] not in lifecycle.PAPER_ISSUED:
            return
        statuses = [self.records.get("decision", d).data["status"] for d in paper.data["decision_ids"]
                    if self.records.exists("decision", d)]
        status = lifecycle.paper_outcome(statuses)
        if status != paper.data["status"]:
            self.records.save("paper", dict(copy.deepcopy(paper.data), status=status),
                              why=f"Paper {status}: {why}", base_version=paper.version, command=MOVE_COMMAND)

    def _settle_revisions(self, decision_id: str, status: str, effective_date: str, why: str) -> None:
        for indicator, _ in self.frameworks.revisions_by_decision(decision_id):
            latest = self.records.get("indicator", indicator["id"])
            data = copy.deepcopy(latest.data)
            changed = False
            for revision in data["revisions"]:
                if revision.get("decision_id") == decision_id and revision["status"] == "proposed":
                    revision["status"] = status
                    revision["effective_date"] = effective_date
                    changed = True
            if changed:
                self.records.save("indicator", data, why=why, base_version=latest.version,
                                  effective_from=effective_date or None, command=MOVE_COMMAND)
