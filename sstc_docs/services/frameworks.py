"""Strategies, their indicators, and indicator revisions: proposing, listing, and as at a date."""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING

from ..domain.framework import indicator_as_of
from ..domain.records import parse_date, parse_quantity, quantity_text
from ..errors import NotFound, ValidationError
from .records import MAX_LISTED

if TYPE_CHECKING:
    from ..store import Version
    from .records import RecordService


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


class FrameworkService:
    def __init__(self, records: "RecordService"):
        self.records = records

    def strategies(self) -> list[dict]:
        return sorted(self.records.heads("strategy"), key=lambda h: h["id"])

    def framework(self, strategy_id: str, *, as_of: str | None = None) -> dict:
        """The strategy with each outcome's indicators as they stood on ``as_of`` (today if None).

        Indicators not in force on that date are listed with ``in_force`` False and their pending
        proposals, so a reader sees both what counts and what is proposed.
        """
        on = parse_date(as_of).isoformat() if as_of else None
        strategy = self.records.get("strategy", strategy_id, as_of=on)
        outcomes = []
        for outcome in strategy.data["outcomes"]:
            rows = []
            for indicator_id in outcome["indicator_ids"]:
                try:
                    indicator = self.records.get("indicator", indicator_id, as_of=on)
                except NotFound:
                    continue
                view = indicator_as_of(indicator.data, on)
                rows.append({"id": indicator_id, "version": indicator.version, "label": view.label,
                             "text": view.values.get("text", ""),
                             "baseline": quantity_text(view.values.get("baseline")),
                             "target": quantity_text(view.values.get("target")),
                             "in_force": view.in_force, "retired": view.retired,
                             "pending": [{"id": r["id"], "type": r["type"], "decision_id": r["decision_id"]}
                                         for r in view.pending],
                             "unit": indicator.data.get("unit", ""), "period": indicator.data.get("period", "")})
            outcomes.append({"number": outcome["number"], "statement": outcome["statement"], "indicators": rows})
        return {"id": strategy.id, "version": strategy.version, "as_of": on or _today(),
                "title": strategy.data["title"], "period": strategy.data["period"], "outcomes": outcomes}

    def add_indicator(self, strategy_id: str, outcome: int, data: dict, *, why: str,
                      decision_id: str = "", reason: str = "") -> "Version":
        """Create an indicator under an outcome; with a decision, it is proposed as new until adopted."""
        strategy = self.records.get("strategy", strategy_id)
        numbers = [o["number"] for o in strategy.data["outcomes"]]
        if outcome not in numbers:
            raise ValidationError(f"strategy {strategy_id} has no outcome {outcome}; it has {numbers}", field="outcome")
        indicator = dict(data, strategy_id=strategy_id, outcome=outcome)
        indicator.setdefault("period", strategy.data["period"])
        if not indicator.get("id"):
            existing = {i for o in strategy.data["outcomes"] for i in o["indicator_ids"]}
            n = 1
            while f"{strategy_id}/O{outcome}/I{n}" in existing or self.records.exists("indicator", f"{strategy_id}/O{outcome}/I{n}"):
                n += 1
            indicator["id"] = f"{strategy_id}/O{outcome}/I{n}"
        if decision_id:
            indicator["revisions"] = [{"id": "R1", "type": "new", "reason": reason or why, "decision_id": decision_id,
                                       "status": "proposed", "proposed_on": _today()}]
        with self.records.unit(why=why):
            saved = self.records.save("indicator", indicator, why=why, base_version=None)
            new_strategy = copy.deepcopy(strategy.data)
            for o in new_strategy["outcomes"]:
                if o["number"] == outcome:
                    o["indicator_ids"].append(saved.id)
            self.records.save("strategy", new_strategy, why=why, base_version=strategy.version)
        return saved

    def propose_revision(self, indicator_id: str, *, kind: str, new: dict | None, reason: str, decision_id: str,
                         why: str, base_version: int) -> "Version":
        """Append a proposed revision; the old values are taken from what is in force now."""
        current = self.records.get("indicator", indicator_id, base_version)
        if kind not in ("revised", "retired"):
            raise ValidationError("a revision of an existing indicator is 'revised' or 'retired'", field="type")
        if not (reason or "").strip():
            raise ValidationError("give the reason for the revision", field="reason")
        if not decision_id:
            raise ValidationError("name the decision that authorises the revision", field="decision_id")
        values = indicator_as_of(current.data).values
        changes = {}
        for key, value in (new or {}).items():
            if key in ("baseline", "target"):
                if value in (None, "", {}):
                    continue
                value = parse_quantity(value, f"new.{key}")
                in_force = values.get(key) or {}
                # Wording alone that reads as it does now is no change, even if a number is stored beside it.
                if value == in_force or (set(value) == {"text"} and value["text"] == quantity_text(in_force)):
                    continue
            elif key == "text":
                value = (value or "").strip()
                if not value or value == values.get("text"):
                    continue
            else:
                raise ValidationError(f"cannot revise '{key}'; revise text, baseline or target", field="new")
            changes[key] = value
        if kind == "revised" and not changes:
            raise ValidationError("nothing would change: give a new text, baseline or target that differs "
                                  "from the one in force", field="new")
        data = copy.deepcopy(current.data)
        number = 1 + max([int(r["id"][1:]) for r in data["revisions"] if r["id"][1:].isdigit()] or [0])
        data["revisions"].append({"id": f"R{number}", "type": kind, "reason": reason.strip(), "decision_id": decision_id,
                                  "status": "proposed", "proposed_on": _today(),
                                  "old": {k: values.get(k) for k in changes} or None, "new": changes or None})
        return self.records.save("indicator", data, why=why, base_version=base_version)

    def revisions_by_decision(self, decision_id: str) -> list[tuple[dict, dict]]:
        """(indicator, revision) pairs a decision authorises: the link from the decision's end."""
        pairs = []
        authorised = self.records.store.heads_page("indicator", where=lambda head: decision_id in head.get(
            "decision_ids", ()), limit=MAX_LISTED)
        for head in authorised.rows:
            indicator = self.records.get("indicator", head["id"]).data
            pairs += [(indicator, r) for r in indicator["revisions"] if r.get("decision_id") == decision_id]
        return pairs

    def pending_revisions(self, *, limit: int = MAX_LISTED) -> tuple[int, list[tuple[dict, dict]]]:
        """How many revisions are proposed and not yet in force, and (indicator, revision) for those
        of the first ``limit`` indicators that have any: only those indicators are read."""
        total = sum(proposed * n for (proposed,), n in self.records.store.tally("indicator", "proposed").items()
                    if proposed)
        pairs = []
        for head in self.records.store.heads_page("indicator", where=lambda head: head.get("proposed"),
                                                  limit=limit).rows:
            indicator = self.records.get("indicator", head["id"]).data
            pairs += [(indicator, r) for r in indicator["revisions"] if r["status"] == "proposed"]
        return total, pairs

    def revision_history(self, indicator_id: str) -> list[dict]:
        """Each revision in order with old → new values side by side, and the version that recorded it."""
        versions = self.records.history("indicator", indicator_id)
        first_seen: dict[str, int] = {}
        for version in versions:
            for revision in version.data.get("revisions", []):
                first_seen.setdefault(revision["id"], version.version)
        current = versions[-1].data
        rows = []
        for revision in current.get("revisions", []):
            old, new = revision.get("old") or {}, revision.get("new") or {}
            if revision["type"] == "new":
                new = {k: current.get(k) for k in ("text", "baseline", "target")}
            rows.append({"id": revision["id"], "type": revision["type"], "status": revision["status"],
                         "decision_id": revision.get("decision_id", ""), "reason": revision["reason"],
                         "proposed_on": revision.get("proposed_on", ""),
                         "effective_date": revision.get("effective_date", ""),
                         "recorded_in_version": first_seen.get(revision["id"]),
                         **{f"old_{k}": (quantity_text(old.get(k)) if k != "text" else old.get(k, "")) for k in ("text", "baseline", "target")},
                         **{f"new_{k}": (quantity_text(new.get(k)) if k != "text" else new.get(k, "")) for k in ("text", "baseline", "target")}})
        return rows
