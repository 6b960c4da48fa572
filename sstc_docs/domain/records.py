"""The record kinds, their JSON shapes, validation on the way in, and the registry that declares
each kind once (``REGISTRY`` at the end: shape, summary, rules, storage).

Records are plain JSON-shaped dicts so that the CLI's ``get``/``put``, backups and the store
all speak the same language. ``validate(kind, data)`` returns a normalised copy or raises a
ValidationError listing every problem (field path + what to do), and writes nothing.

Shapes (fields not listed are refused, so a typo never silently vanishes):

paper      id (= symbol at creation), symbol, symbol_note, session_dates, agenda_item, action,
           date, original_language, language, title, status, front_matter{…}, body[blocks],
           decision_ids[], pinned{"kind:id": version}; session/section/item/sub_item are derived
           from the symbol; pinned is kept by the services: the exact version of every record
           the paper version prints (its decision points, strategies and their indicators).
  blocks   {"type": "heading", "text"}
           {"type": "paragraph", "numbered": bool, "text", "footnotes": [{"key", "text"}]}
           {"type": "framework", "strategy_id", "outcome": n, "text", "footnotes": [...]}
           Footnotes are anchored in the text by markers ``[^key]``.
strategy   id, title, period, language, adopted_by, adopted_on, outcomes[{number, statement,
           indicator_ids[]}]
indicator  id, strategy_id, outcome, label, text, baseline, target, unit, period, measure,
           revisions[{id, type, old, new, reason, decision_id, status, effective_date, proposed_on}]
           baseline/target: {"text", "value", "unit"} — printed wording and/or a number.
decision   id, paper_id, language, text, parts[], status, session, deferred_to, adopted_on,
           adopted_version, amendment, adopted_text{text, parts}, record, outside_session_reason
evidence   id, kind, title, date, source, reference, url, reliability, notes, attachment,
           links{indicators[{id, value, period}], decisions[], papers[]}
session    id (= number as text), number, place, opening, closing, note,
           sections[{code, segments[], items[{number, sub_item, title, segment, papers[], outcome}]}]
           Sections in the house order (INS, POL, LILS, PFA); items in agenda order; papers by id.
account    id (= login), login, name, roles[], active — who may sign in and with which rights;
           its history says who changed rights and when.
credentials id (= login), password_hash, tokens[{id, hash, issued_at, revoked_at}], failures[] —
           an account's secrets, as hashes only (see services/accounts.py for why a kind of its own).
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import Problem, ValidationError
from .labels import LANGUAGES
from .lifecycle import PAPER_ISSUED
from .rights import ROLES
from .rules import MOVE_HINT, DecisionRules, EvidenceRules, IndicatorRules, PaperRules, Rules, SessionRules
from .symbols import SECTIONS, parse_symbol

#: draft → in review → issued; then what its decision points became, set by ``decision move``
#: (lifecycle.paper_outcome): decided, deferred or withdrawn.
PAPER_STATUSES = ("draft", "in_review", *PAPER_ISSUED)
ACTIONS = ("decision", "debate", "information")
FRONT_MATTER_KEYS = ("purpose", "strategic_objective", "main_outcome", "policy_implications", "legal_implications",
                     "financial_implications", "follow_up", "author_unit", "related_documents")
BLOCK_TYPES = ("heading", "paragraph", "framework")
REVISION_TYPES = ("new", "revised", "retired")
REVISION_STATUSES = ("proposed", "in_force", "lapsed")
MEASURES = ("count", "sum")
EVIDENCE_KINDS = ("meeting", "agreement", "programme", "report", "minutes", "dataset", "link", "file")
RELIABILITY = ("confirmed", "reported", "estimate")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/()\-]{0,119}$")
FOOTNOTE_MARKER = re.compile(r"\[\^([A-Za-z0-9_-]{1,20})\]")
PERIOD_PATTERN = re.compile(r"^(\d{4})[-–](\d{2}|\d{4})$|^\d{4}$")


class _Checker:
    """Collects problems while normalising, so the user hears about all of them at once."""

    def __init__(self, data: Any, kind: str):
        self.problems: list[Problem] = []
        if not isinstance(data, dict):
            raise ValidationError(f"a {kind} must be a JSON object, not {type(data).__name__}")
        self.data = data

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def unknown_fields(self, obj: dict, allowed: set[str], prefix: str = "") -> None:
        for key in sorted(set(obj) - allowed):
            self.fail(prefix + key, f"unknown field '{key}'; allowed fields are {', '.join(sorted(allowed))}")

    def text(self, obj: dict, key: str, path: str, *, required: bool = False, default: str = "") -> str:
        value = obj.get(key, default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {type(value).__name__}")
            return default
        value = value.strip("\u200b").rstrip() if key != "text" else value.rstrip()
        if required and not value.strip():
            self.fail(path, "must not be empty")
        return value

    def choice(self, obj: dict, key: str, path: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = obj.get(key, default)
        if value not in options:
            self.fail(path, f"'{value}' is not one of {', '.join(options)}")
            return default or options[0]
        return value

    def integer(self, obj: dict, key: str, path: str, *, default: int | None = None,
                minimum: int = 1, required: bool = False) -> int | None:
        value = obj.get(key, default)
        if value is None or value == "":
            if required:
                self.fail(path, "is required (a whole number)")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
            self.fail(path, f"must be a whole number, not {value!r}")
            return default
        number = int(value)
        if number < minimum:
            self.fail(path, f"must be {minimum} or more")
        return number

    def date(self, obj: dict, key: str, path: str, *, required: bool = False) -> str:
        value = obj.get(key) or ""
        if not value:
            if required:
                self.fail(path, "is required (a date written YYYY-MM-DD)")
            return ""
        try:
            return parse_date(value).isoformat()
        except ValidationError as error:
            self.fail(path, error.problems[0].message)
            return ""

    def id_list(self, obj: dict, key: str, path: str) -> list[str]:
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path, "must be a list of record ids")
            return []
        return list(dict.fromkeys(v.strip() for v in value if v.strip()))

    def record_id(self, obj: dict, key: str, path: str, *, required: bool = True) -> str:
        value = obj.get(key) or ""
        if not isinstance(value, str) or (value and not ID_PATTERN.match(value)):
            self.fail(path, f"'{value}' is not a valid id: use letters, digits and . _ : / ( ) -, "
                            "at most 120 characters")
            return ""
        if required and not value:
            self.fail(path, "is required")
        return value

    def done(self, result: dict) -> dict:
        if self.problems:
            raise ValidationError(self.problems)
        return result


def parse_date(value: Any) -> _dt.date:
    """A calendar date written YYYY-MM-DD, or a clear refusal."""
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2012-11-16") from None


def parse_quantity(value: Any, path: str) -> dict:
    """A baseline or target: printed wording and/or a number with its unit.

    Accepts a number (5), text ("five meetings"), or {"text", "value", "unit"}; anything else —
    a list, a boolean, a value that is not a finite number — is refused with how to write it.
    """
    how = ('write it as a number (5), as text ("five meetings in the previous biennium") or as '
           '{"text": …, "value": 5, "unit": "meetings"}')
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"is missing or not a number-with-unit or text; {how}", field=path)
    if isinstance(value, (int, float)):
        value = {"value": value}
    elif isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, dict):
        raise ValidationError(f"is not a number-with-unit or text; {how}", field=path)
    unknown = set(value) - {"text", "value", "unit"}
    if unknown:
        raise ValidationError(f"has unknown parts {sorted(unknown)}; {how}", field=path)
    result: dict[str, Any] = {}
    text = value.get("text", "")
    if not isinstance(text, str):
        raise ValidationError(f"text must be text; {how}", field=path)
    if text.strip():
        result["text"] = text.strip()
    number = value.get("value")
    if number not in (None, ""):
        if isinstance(number, str):
            try:
                number = float(number.strip().replace(",", ""))
            except ValueError:
                raise ValidationError(f"value '{number}' is not a number; {how}", field=path) from None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ValidationError(f"value {number!r} is not a finite number; {how}", field=path)
        result["value"] = int(number) if float(number).is_integer() else float(number)
    unit = value.get("unit", "")
    if not isinstance(unit, str):
        raise ValidationError(f"unit must be text; {how}", field=path)
    if unit.strip():
        result["unit"] = unit.strip()
    if "text" not in result and "value" not in result:
        raise ValidationError(f"is empty; {how}", field=path)
    return result


def quantity_text(quantity: dict | None) -> str:
    """How a baseline or target reads: its wording, else its number and unit."""
    if not quantity:
        return ""
    if quantity.get("text"):
        return quantity["text"]
    value = quantity.get("value", "")
    return f"{value} {quantity.get('unit', '')}".strip()


def footnote_keys(text: str) -> list[str]:
    return FOOTNOTE_MARKER.findall(text or "")


def _footnotes(c: _Checker, block: dict, text: str, path: str) -> list[dict]:
    notes = block.get("footnotes") or []
    if not isinstance(notes, list):
        c.fail(path + ".footnotes", "must be a list of {key, text}")
        return []
    result, seen = [], set()
    for j, note in enumerate(notes):
        npath = f"{path}.footnotes[{j}]"
        if not isinstance(note, dict):
            c.fail(npath, "must be an object {key, text}")
            continue
        c.unknown_fields(note, {"key", "text"}, npath + ".")
        key = str(note.get("key", "")).strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", key):
            c.fail(npath + ".key", f"'{key}' is not a footnote key (letters, digits, _ or -)")
        elif key in seen:
            c.fail(npath + ".key", f"footnote '{key}' is defined twice in this paragraph")
        seen.add(key)
        result.append({"key": key, "text": c.text(note, "text", npath + ".text", required=True)})
    used = footnote_keys(text)
    for key in used:
        if key not in seen:
            c.fail(path + ".text", f"marker [^{key}] has no footnote; add one with key '{key}' or remove the marker")
    for key in seen - set(used):
        c.fail(path + ".footnotes", f"footnote '{key}' is not anchored; put [^{key}] in the text where it belongs")
    if len(used) != len(set(used)):
        c.fail(path + ".text", "a footnote marker is used twice; each footnote is anchored once")
    return result


def _paper(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "symbol", "symbol_note", "session", "section", "item", "sub_item",
                         "session_dates", "agenda_item", "action", "date", "original_language",
                         "language", "title", "status", "front_matter", "body", "decision_ids", "pinned"})
    symbol_text = c.text(d, "symbol", "symbol", required=True) or d.get("id", "")
    out: dict[str, Any] = {}
    try:
        symbol = parse_symbol(symbol_text)
        out.update(symbol=str(symbol), session=symbol.session, section=symbol.section,
                   item=symbol.item, sub_item=symbol.sub_item)
    except ValidationError as error:
        c.problems.extend(error.problems)
        symbol = None
    out["id"] = c.record_id(d, "id", "id", required=False) or out.get("symbol", "")
    out["symbol_note"] = c.text(d, "symbol_note", "symbol_note")
    out["session_dates"] = c.text(d, "session_dates", "session_dates")
    out["agenda_item"] = c.integer(d, "agenda_item", "agenda_item",
                                   default=symbol.item if symbol else 1)
    out["action"] = c.choice(d, "action", "action", ACTIONS, default="decision")
    out["date"] = c.date(d, "date", "date")
    out["original_language"] = c.choice(d, "original_language", "original_language", tuple(LANGUAGES), "en")
    out["language"] = c.choice(d, "language", "language", tuple(LANGUAGES), "en")
    out["title"] = c.text(d, "title", "title", required=True)
    out["status"] = c.choice(d, "status", "status", PAPER_STATUSES, default="draft")
    front = d.get("front_matter") or {}
    if not isinstance(front, dict):
        c.fail("front_matter", "must be an object with the entries " + ", ".join(FRONT_MATTER_KEYS))
        front = {}
    c.unknown_fields(front, set(FRONT_MATTER_KEYS), "front_matter.")
    out["front_matter"] = {k: c.text(front, k, f"front_matter.{k}") for k in FRONT_MATTER_KEYS}
    body = d.get("body") or []
    if not isinstance(body, list):
        c.fail("body", "must be a list of blocks")
        body = []
    out["body"] = []
    for i, block in enumerate(body):
        path = f"body[{i}]"
        if not isinstance(block, dict):
            c.fail(path, "must be an object with a type")
            continue
        kind = c.choice(block, "type", path + ".type", BLOCK_TYPES, default="paragraph")
        if kind == "heading":
            c.unknown_fields(block, {"type", "text"}, path + ".")
            out["body"].append({"type": "heading", "text": c.text(block, "text", path + ".text", required=True)})
        elif kind == "paragraph":
            c.unknown_fields(block, {"type", "numbered", "text", "footnotes"}, path + ".")
            text = c.text(block, "text", path + ".text", required=True)
            out["body"].append({"type": "paragraph", "numbered": bool(block.get("numbered", True)),
                                "text": text, "footnotes": _footnotes(c, block, text, path)})
        else:
            c.unknown_fields(block, {"type", "strategy_id", "outcome", "text", "footnotes"}, path + ".")
            text = c.text(block, "text", path + ".text")
            out["body"].append({"type": "framework",
                                "strategy_id": c.record_id(block, "strategy_id", path + ".strategy_id"),
                                "outcome": c.integer(block, "outcome", path + ".outcome", required=True),
                                "text": text, "footnotes": _footnotes(c, block, text, path)})
    out["decision_ids"] = c.id_list(d, "decision_ids", "decision_ids")
    pinned = d.get("pinned") or {}
    if not isinstance(pinned, dict) or not all(
            isinstance(k, str) and ":" in k and isinstance(v, int) and not isinstance(v, bool) and v >= 1
            for k, v in pinned.items()):
        c.fail("pinned", "is kept by the program (the exact version of each part the paper prints); leave it as "
                         "`get` printed it, or leave it out")
        pinned = {}
    out["pinned"] = dict(sorted(pinned.items()))
    return c.done(out)


def _strategy(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "title", "period", "language", "adopted_by", "adopted_on", "outcomes"})
    out = {"id": c.record_id(d, "id", "id"), "title": c.text(d, "title", "title", required=True),
           "period": _period(c, d, "period"),
           "language": c.choice(d, "language", "language", tuple(LANGUAGES), "en"),
           "adopted_by": c.text(d, "adopted_by", "adopted_by"),
           "adopted_on": c.date(d, "adopted_on", "adopted_on"), "outcomes": []}
    outcomes = d.get("outcomes") or []
    if not isinstance(outcomes, list):
        c.fail("outcomes", "must be a list of {number, statement, indicator_ids}")
        outcomes = []
    numbers = set()
    for i, outcome in enumerate(outcomes):
        path = f"outcomes[{i}]"
        if not isinstance(outcome, dict):
            c.fail(path, "must be an object {number, statement, indicator_ids}")
            continue
        c.unknown_fields(outcome, {"number", "statement", "indicator_ids"}, path + ".")
        number = c.integer(outcome, "number", path + ".number", default=i + 1)
        if number in numbers:
            c.fail(path + ".number", f"outcome {number} appears twice")
        numbers.add(number)
        out["outcomes"].append({"number": number,
                                "statement": c.text(outcome, "statement", path + ".statement", required=True),
                                "indicator_ids": c.id_list(outcome, "indicator_ids", path + ".indicator_ids")})
    return c.done(out)


def _period(c: _Checker, obj: dict, key: str) -> str:
    value = c.text(obj, key, key)
    if value and not PERIOD_PATTERN.match(value):
        c.fail(key, f"'{value}' is not a period; write a year (2013) or a biennium (2012-13)")
    return value.replace("–", "-")


def _revision(c: _Checker, rev: Any, path: str) -> dict | None:
    if not isinstance(rev, dict):
        c.fail(path, "must be an object")
        return None
    c.unknown_fields(rev, {"id", "type", "old", "new", "reason", "decision_id", "status",
                           "effective_date", "proposed_on"}, path + ".")
    out = {"id": c.text(rev, "id", path + ".id", required=True),
           "type": c.choice(rev, "type", path + ".type", REVISION_TYPES),
           "reason": c.text(rev, "reason", path + ".reason", required=True),
           "decision_id": c.record_id(rev, "decision_id", path + ".decision_id", required=False),
           "status": c.choice(rev, "status", path + ".status", REVISION_STATUSES, default="proposed"),
           "effective_date": c.date(rev, "effective_date", path + ".effective_date"),
           "proposed_on": c.date(rev, "proposed_on", path + ".proposed_on")}
    for side in ("old", "new"):
        values = rev.get(side)
        if values in (None, {}):
            out[side] = None
            continue
        if not isinstance(values, dict):
            c.fail(f"{path}.{side}", "must be an object with text, baseline and/or target")
            out[side] = None
            continue
        c.unknown_fields(values, {"text", "baseline", "target"}, f"{path}.{side}.")
        clean: dict[str, Any] = {}
        if "text" in values:
            clean["text"] = c.text(values, "text", f"{path}.{side}.text", required=True)
        for q in ("baseline", "target"):
            if q in values:
                try:
                    clean[q] = parse_quantity(values[q], f"{path}.{side}.{q}")
                except ValidationError as error:
                    c.problems.extend(error.problems)
        out[side] = clean
    if out["type"] == "revised" and not out["new"]:
        c.fail(path + ".new", "a revised indicator needs its new text, baseline or target")
    if out["status"] == "in_force" and not out["effective_date"]:
        c.fail(path + ".effective_date", "a revision in force needs the date it took effect")
    return out


def _indicator(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "strategy_id", "outcome", "label", "text", "baseline", "target", "unit",
                         "period", "measure", "revisions"})
    out: dict[str, Any] = {"id": c.record_id(d, "id", "id"),
                           "strategy_id": c.record_id(d, "strategy_id", "strategy_id"),
                           "outcome": c.integer(d, "outcome", "outcome", required=True),
                           "label": c.text(d, "label", "label"),
                           "text": c.text(d, "text", "text", required=True)}
    if out["label"] and not re.fullmatch(r"\([A-Z]{1,2}\)", out["label"]):
        c.fail("label", f"'{out['label']}' is not a label; write (A), (B) …, or leave it empty")
    for q in ("baseline", "target"):
        try:
            out[q] = parse_quantity(d.get(q), q)
        except ValidationError as error:
            c.problems.extend(error.problems)
            out[q] = {}
    out["unit"] = c.text(d, "unit", "unit")
    out["period"] = _period(c, d, "period")
    out["measure"] = c.choice(d, "measure", "measure", MEASURES, default="count")
    revisions = d.get("revisions") or []
    if not isinstance(revisions, list):
        c.fail("revisions", "must be a list")
        revisions = []
    checked = (_revision(c, rev, f"revisions[{i}]") for i, rev in enumerate(revisions))
    out["revisions"] = [rev for rev in checked if rev is not None]
    ids = [r["id"] for r in out["revisions"]]
    if len(ids) != len(set(ids)):
        c.fail("revisions", "two revisions share an id")
    if sum(r["type"] == "new" for r in out["revisions"]) > 1:
        c.fail("revisions", "an indicator can be introduced as new only once")
    return c.done(out)


DECISION_STATUSES = ("draft", "in_review", "submitted", "adopted", "adopted_as_amended", "deferred",
                     "withdrawn")


def _decision(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "paper_id", "language", "text", "parts", "status", "session", "deferred_to",
                         "adopted_on", "adopted_version", "amendment", "adopted_text", "record",
                         "outside_session_reason"})
    out: dict[str, Any] = {"id": c.record_id(d, "id", "id"),
                           "paper_id": c.record_id(d, "paper_id", "paper_id"),
                           "language": c.choice(d, "language", "language", tuple(LANGUAGES), "en"),
                           "text": c.text(d, "text", "text", required=True)}
    parts = d.get("parts") or []
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        c.fail("parts", "must be a list of texts, one per part (a), (b) …")
        parts = []
    out["parts"] = [p.strip() for p in parts if p.strip()]
    out["status"] = c.choice(d, "status", "status", DECISION_STATUSES, default="draft")
    out["session"] = c.integer(d, "session", "session")
    out["deferred_to"] = c.integer(d, "deferred_to", "deferred_to")
    out["adopted_on"] = c.date(d, "adopted_on", "adopted_on")
    out["adopted_version"] = c.integer(d, "adopted_version", "adopted_version")
    out["amendment"] = c.text(d, "amendment", "amendment")
    adopted_text = d.get("adopted_text") or None
    if adopted_text is not None:
        if not isinstance(adopted_text, dict):
            c.fail("adopted_text", "must be an object {text, parts}")
            adopted_text = None
        else:
            c.unknown_fields(adopted_text, {"text", "parts"}, "adopted_text.")
            adopted_parts = adopted_text.get("parts") or []
            if not isinstance(adopted_parts, list) or not all(isinstance(p, str) for p in adopted_parts):
                c.fail("adopted_text.parts", "must be a list of texts")
                adopted_parts = []
            adopted_text = {"text": c.text(adopted_text, "text", "adopted_text.text", required=True),
                            "parts": [p.strip() for p in adopted_parts if p.strip()]}
    out["adopted_text"] = adopted_text
    out["record"] = c.text(d, "record", "record")
    out["outside_session_reason"] = c.text(d, "outside_session_reason", "outside_session_reason")
    status = out["status"]
    if status in ("adopted", "adopted_as_amended") and not out["adopted_on"]:
        c.fail("adopted_on", f"an adopted decision needs the date it was adopted; {MOVE_HINT}")
    if status == "adopted_as_amended" and not out["amendment"]:
        c.fail("amendment", f"say what the amendment was; {MOVE_HINT}")
    if status == "deferred" and not out["deferred_to"]:
        c.fail("deferred_to", f"say to which session the decision is deferred; {MOVE_HINT}")
    if (status == "deferred" and out["deferred_to"] and out["session"]
            and out["deferred_to"] <= out["session"]):
        c.fail("deferred_to", f"must be a later session than {out['session']}")
    return c.done(out)


def _evidence(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "kind", "title", "date", "source", "reference", "url", "reliability",
                         "notes", "attachment", "links"})
    out: dict[str, Any] = {"id": c.record_id(d, "id", "id"),
                           "kind": c.choice(d, "kind", "kind", EVIDENCE_KINDS, default="report"),
                           "title": c.text(d, "title", "title", required=True),
                           "date": c.date(d, "date", "date"),
                           "source": c.text(d, "source", "source"),
                           "reference": c.text(d, "reference", "reference"),
                           "url": c.text(d, "url", "url"),
                           "reliability": c.choice(d, "reliability", "reliability", RELIABILITY, "reported"),
                           "notes": c.text(d, "notes", "notes")}
    if out["url"] and not re.match(r"^(https?|ftp)://\S+$", out["url"]):
        c.fail("url", f"'{out['url']}' is not a web address; it should start with http:// or https://")
    attachment = d.get("attachment") or None
    if attachment is not None:
        if not isinstance(attachment, dict) or not re.fullmatch(r"[0-9a-f]{64}", str(attachment.get("sha256", ""))):
            c.fail("attachment", "must be {sha256, name, size, media_type} of an uploaded file")
            attachment = None
        else:
            c.unknown_fields(attachment, {"sha256", "name", "size", "media_type"}, "attachment.")
            attachment = {"sha256": attachment["sha256"], "name": str(attachment.get("name", "")),
                          "size": int(attachment.get("size") or 0),
                          "media_type": str(attachment.get("media_type") or "application/octet-stream")}
    out["attachment"] = attachment
    if out["kind"] == "file" and not attachment:
        c.fail("attachment", "evidence of kind 'file' needs an uploaded file")
    if out["kind"] == "link" and not out["url"]:
        c.fail("url", "evidence of kind 'link' needs its web address")
    links = d.get("links") or {}
    if not isinstance(links, dict):
        c.fail("links", "must be {indicators, decisions, papers}")
        links = {}
    c.unknown_fields(links, {"indicators", "decisions", "papers"}, "links.")
    indicator_links = []
    for i, link in enumerate(links.get("indicators") or []):
        path = f"links.indicators[{i}]"
        if not isinstance(link, dict):
            c.fail(path, "must be {id, value, period}")
            continue
        c.unknown_fields(link, {"id", "value", "period"}, path + ".")
        value = link.get("value", 1)
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                c.fail(path + ".value", f"'{value}' is not a number; give the value this evidence contributes, e.g. 1")
                continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            c.fail(path + ".value", f"{value!r} is not a number; give the value this evidence contributes, e.g. 1")
            continue
        indicator_links.append({"id": c.record_id(link, "id", path + ".id"),
                                "value": int(value) if float(value).is_integer() else value,
                                "period": _period(c, link, "period") if link.get("period") else ""})
    out["links"] = {"indicators": indicator_links,
                    "decisions": c.id_list(links, "decisions", "links.decisions"),
                    "papers": c.id_list(links, "papers", "links.papers")}
    return c.done(out)


def _session_item(c: _Checker, item: Any, path: str, segments: list[str]) -> dict | None:
    if not isinstance(item, dict):
        c.fail(path, "must be an object {number, sub_item, title, segment, papers, outcome}")
        return None
    c.unknown_fields(item, {"number", "sub_item", "title", "segment", "papers", "outcome"}, path + ".")
    out = {"number": c.integer(item, "number", path + ".number", required=True),
           "sub_item": c.integer(item, "sub_item", path + ".sub_item"),
           "title": c.text(item, "title", path + ".title", required=True),
           "segment": c.text(item, "segment", path + ".segment"),
           "papers": c.id_list(item, "papers", path + ".papers"),
           "outcome": c.text(item, "outcome", path + ".outcome")}
    if out["segment"] and out["segment"] not in segments:
        c.fail(path + ".segment", f"'{out['segment']}' is not a segment of this section; add it to the section's "
                                  f"segments first ({', '.join(segments) or 'it has none yet'})")
    return out


def _session(c: _Checker) -> dict:
    """A Governing Body session: where and when, and its agenda, section by section."""
    d = c.data
    c.unknown_fields(d, {"id", "number", "place", "opening", "closing", "note", "sections"})
    out: dict[str, Any] = {"number": c.integer(d, "number", "number", required=True),
                           "place": c.text(d, "place", "place") or "Geneva",
                           "opening": c.date(d, "opening", "opening", required=True),
                           "closing": c.date(d, "closing", "closing", required=True),
                           "note": c.text(d, "note", "note")}
    out["id"] = str(out["number"] or "")
    if d.get("id") not in (None, "", out["id"]):
        c.fail("id", f"a session's id is its number ({out['id']}), not '{d.get('id')}'")
    if out["opening"] and out["closing"] and out["closing"] < out["opening"]:
        c.fail("closing", f"the session closes ({out['closing']}) before it opens ({out['opening']})")
    sections = d.get("sections") or []
    if not isinstance(sections, list):
        c.fail("sections", "must be a list of {code, segments, items}")
        sections = []
    found: dict[str, dict] = {}
    placed: dict[str, str] = {}
    for i, section in enumerate(sections):
        path = f"sections[{i}]"
        if not isinstance(section, dict):
            c.fail(path, "must be an object {code, segments, items}")
            continue
        c.unknown_fields(section, {"code", "segments", "items"}, path + ".")
        code = c.choice(section, "code", path + ".code", tuple(SECTIONS))
        if code in found:
            c.fail(path + ".code", f"section {code} appears twice; put all its items under one")
        segments = section.get("segments") or []
        if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
            c.fail(path + ".segments", "must be a list of segment names")
            segments = []
        segments = list(dict.fromkeys(s.strip() for s in segments if s.strip()))
        items = section.get("items") or []
        if not isinstance(items, list):
            c.fail(path + ".items", "must be a list of agenda items")
            items = []
        checked = [_session_item(c, item, f"{path}.items[{j}]", segments) for j, item in enumerate(items)]
        seen: set = set()
        for j, item in enumerate(checked):
            if item is None:
                continue
            key = (item["number"], item["sub_item"])
            if key in seen:
                c.fail(f"{path}.items[{j}].number", f"item {item_number(item)} of {code} appears twice")
            seen.add(key)
            for paper_id in item["papers"]:
                if paper_id in placed:
                    c.fail(f"{path}.items[{j}].papers", f"paper {paper_id} is already on the agenda under "
                                                        f"{placed[paper_id]}; a paper belongs to one item")
                placed[paper_id] = f"{code} item {item_number(item)}"
        found[code] = {"code": code, "segments": segments, "items": [item for item in checked if item]}
    out["sections"] = [found[code] for code in SECTIONS if code in found]
    return c.done(out)


def item_number(item: dict) -> str:
    """An agenda item's number as printed: 5, or 3/1 for a sub-item."""
    return f"{item['number']}/{item['sub_item']}" if item.get("sub_item") else str(item["number"])


LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
ARGON2_PREFIX = "$argon2"


def _login(c: _Checker, d: dict) -> str:
    login = c.text(d, "login", "login", required=True) or d.get("id", "")
    if login and not LOGIN_PATTERN.match(login):
        c.fail("login", f"'{login}' is not a login: use lower-case letters, digits and . _ @ -, at most 64 "
                        "characters, starting with a letter or digit")
    return login


def _account(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "login", "name", "roles", "active"})
    login = _login(c, d)
    roles = d.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        c.fail("roles", f"must be a list of roles: {', '.join(ROLES)}")
        roles = []
    for role in roles:
        if role not in ROLES:
            c.fail("roles", f"'{role}' is not a role; use {', '.join(ROLES)}")
    if not isinstance(d.get("active", True), bool):
        c.fail("active", "must be true or false")
    return c.done({"id": login, "login": login, "name": c.text(d, "name", "name") or login,
                   "roles": [r for r in ROLES if r in roles], "active": d.get("active", True) is not False})


def _credentials(c: _Checker) -> dict:
    d = c.data
    c.unknown_fields(d, {"id", "login", "password_hash", "tokens", "failures"})
    login = _login(c, d)
    password_hash = c.text(d, "password_hash", "password_hash")
    if password_hash and not password_hash.startswith(ARGON2_PREFIX):
        c.fail("password_hash", "must be an argon2 hash; a password is never stored as typed")
    tokens = d.get("tokens") or []
    if not isinstance(tokens, list) or not all(
            isinstance(t, dict) and set(t) <= {"id", "hash", "issued_at", "revoked_at"}
            and re.fullmatch(r"[0-9a-f]{64}", str(t.get("hash", ""))) for t in tokens):
        c.fail("tokens", "must be a list of {id, hash, issued_at, revoked_at} with SHA-256 hashes")
        tokens = []
    failures = d.get("failures") or []
    if not isinstance(failures, list) or not all(isinstance(f, str) for f in failures):
        c.fail("failures", "must be a list of times")
        failures = []
    return c.done({"id": login, "login": login, "password_hash": password_hash,
                   "tokens": [dict(t) for t in tokens], "failures": list(failures)})


def _account_summary(data: dict) -> dict:
    return {"title": data.get("name", ""), "roles": data.get("roles", []), "active": data.get("active", True)}


def _credentials_summary(data: dict) -> dict:
    return {}


def _paper_summary(data: dict) -> dict:
    return {"symbol": data.get("symbol", ""), "title": data.get("title", ""),
            "status": data.get("status", ""), "session": data.get("session"),
            "section": data.get("section", ""), "language": data.get("language", ""),
            "strategy_ids": sorted({b["strategy_id"] for b in data.get("body", []) if b.get("type") == "framework"})}


def _strategy_summary(data: dict) -> dict:
    return {"title": data.get("title", ""), "period": data.get("period", "")}


def _indicator_summary(data: dict) -> dict:
    return {"title": data.get("text", "")[:120], "label": data.get("label", ""),
            "strategy_id": data.get("strategy_id", ""), "outcome": data.get("outcome"),
            "decision_ids": sorted({r["decision_id"] for r in data.get("revisions", []) if r.get("decision_id")}),
            "proposed": sum(r["status"] == "proposed" for r in data.get("revisions", []))}


def _decision_summary(data: dict) -> dict:
    return {"title": data.get("text", "")[:120], "status": data.get("status", ""),
            "paper_id": data.get("paper_id", "")}


def _evidence_summary(data: dict) -> dict:
    links = data.get("links", {})
    return {"title": data.get("title", ""), "kind": data.get("kind", ""), "date": data.get("date", ""),
            "reliability": data.get("reliability", ""), "reference": data.get("reference", ""),
            "indicator_ids": sorted({link["id"] for link in links.get("indicators", [])}),
            "decision_ids": links.get("decisions", []), "paper_ids": links.get("papers", [])}


def _session_summary(data: dict) -> dict:
    return {"title": f"{data.get('number')} ({data.get('place', '')}, {data.get('opening', '')} to "
                     f"{data.get('closing', '')})", "number": data.get("number"),
            "opening": data.get("opening", ""), "closing": data.get("closing", ""),
            "paper_ids": [p for s in data.get("sections", []) for i in s["items"] for p in i["papers"]]}


def _own_id(data: dict) -> str:
    return data.get("id", "")


@dataclass(frozen=True)
class Kind:
    """Everything the program knows about one kind of record, declared once.

    ``shape`` validates and normalises; ``summary`` gives the few fields listings show and filter
    on; ``rules`` check a new version against the one it replaces and the records it names;
    ``record_id`` says which id a new record gets; ``shards`` is how many files the embedded
    store spreads the kind over, sized so each holds at most ~100 KB at the design point (a read
    or a save passes over its whole shard three or four times, each pass some 50 µs per 100 KB on
    the 2-core machine the goals are measured on); a database keeps the count it was made with
    (shards.py). ``wire``
    renames fields in the JSON that ``get`` prints and ``put`` reads, where a record's own field
    would clash with the envelope (an evidence record's ``kind`` is its type there); a ``secret``
    kind is kept and backed up like the others but never listed, printed or shown in history.
    """

    name: str
    shape: Callable[[_Checker], dict]
    summary: Callable[[dict], dict]
    rules: Rules
    shards: int
    record_id: Callable[[dict], str] = _own_id
    wire: dict = field(default_factory=dict)
    secret: bool = False


REGISTRY: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("paper", _paper, _paper_summary, PaperRules(), shards=2048,
         record_id=lambda data: data.get("id") or data.get("symbol", "")),
    Kind("strategy", _strategy, _strategy_summary, Rules(), shards=16),
    Kind("indicator", _indicator, _indicator_summary, IndicatorRules(), shards=64),
    Kind("decision", _decision, _decision_summary, DecisionRules(), shards=256),
    Kind("evidence", _evidence, _evidence_summary, EvidenceRules(), shards=2048, wire={"kind": "type"}),
    Kind("session", _session, _session_summary, SessionRules(), shards=4),
    Kind("account", _account, _account_summary, Rules(), shards=4),
    Kind("credentials", _credentials, _credentials_summary, Rules(), shards=4, secret=True),
)}
KINDS = tuple(REGISTRY)
#: The kinds people list, read and see the history of: every kind but the secret ones.
SHOWN_KINDS = tuple(name for name, kind in REGISTRY.items() if not kind.secret)
SHARD_COUNTS = {name: kind.shards for name, kind in REGISTRY.items()}


def kind_of(name: Any) -> Kind:
    """The kind named, or a refusal that lists the kinds there are."""
    kind = REGISTRY.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValidationError(f"unknown kind '{name}'; use one of {', '.join(KINDS)}", field="kind")
    return kind


def check_kind(kind: str) -> str:
    return kind_of(kind).name


def validate(kind: str, data: Any) -> dict:
    """Return the normalised record, or raise ValidationError with every problem found."""
    return kind_of(kind).shape(_Checker(copy.deepcopy(data), kind))


def summarize(kind: str, data: dict) -> dict:
    """The few fields a list shows and filters on; kept in the store's in-memory index."""
    return kind_of(kind).summary(data)
