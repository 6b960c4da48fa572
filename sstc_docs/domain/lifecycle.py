"""The decision-point lifecycle: which status may follow which, and what each step must record.

draft → in review → submitted → adopted / adopted as amended / deferred (to session N) / withdrawn;
a deferred decision can be submitted again at the later session. Adopted and withdrawn are final:
the record of what the Governing Body decided is never reopened, only superseded by a new decision.
"""

from __future__ import annotations

import re

from ..errors import ValidationError
from .labels import label

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("in_review", "withdrawn"),
    "in_review": ("draft", "submitted", "withdrawn"),
    "submitted": ("adopted", "adopted_as_amended", "deferred", "withdrawn"),
    "deferred": ("submitted", "withdrawn"),
    "adopted": (),
    "adopted_as_amended": (),
    "withdrawn": (),
}

STATUS_NAMES = {status: label("decision_status." + status, "en") for status in TRANSITIONS}

ADOPTED = ("adopted", "adopted_as_amended")
#: Moves that set something else in motion (revisions in force or lapsed, a later session):
#: commands of their own, never a plain save (rules.py).
WITH_CONSEQUENCES = (*ADOPTED, "deferred", "withdrawn")
#: Statuses in which the text voted on (or to be voted on) is fixed.
TEXT_FROZEN = ("submitted", *ADOPTED, "withdrawn")
FINAL = tuple(s for s, following in TRANSITIONS.items() if not following)
#: Undecided: the Governing Body has not (yet) disposed of the decision point.
PENDING = ("draft", "in_review", "submitted")

#: What a paper became at the session, from its decision points (``paper_outcome``); set only by
#: the move of a decision, in the same unit of work, never typed.
PAPER_OUTCOMES = ("decided", "deferred", "withdrawn")
#: A paper issued to the Governing Body, before and after it decided: it carries a date, and what it
#: says is fixed (rules.changes_issued_paper).
PAPER_ISSUED = ("issued", *PAPER_OUTCOMES)


def paper_outcome(statuses: list[str]) -> str:
    """An issued paper's status from its decision points' statuses: "issued" while any is still
    to be decided (or it has none); "deferred" if any was deferred; "withdrawn" if all were;
    otherwise "decided" (adopted, as submitted or amended; a withdrawn one beside them aside)."""
    if not statuses or any(s in PENDING for s in statuses):
        return "issued"
    if "deferred" in statuses:
        return "deferred"
    if all(s == "withdrawn" for s in statuses):
        return "withdrawn"
    return "decided"


def outside_session(adopted_on: str, opening: str, closing: str) -> bool:
    """Whether an adoption date (YYYY-MM-DD) falls outside the session's opening and closing days."""
    return bool(adopted_on and opening and closing) and not opening <= adopted_on <= closing


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check_transition(old_status: str, new_status: str) -> None:
    """Refuse a status change the lifecycle does not allow, saying which ones it does."""
    if old_status == new_status:
        return
    allowed = allowed_next(old_status)
    if new_status not in allowed:
        options = ", ".join(STATUS_NAMES[s] for s in allowed) or "none: it is final"
        raise ValidationError(
            f"a decision that is {STATUS_NAMES.get(old_status, old_status).lower()} cannot become "
            f"{STATUS_NAMES.get(new_status, new_status).lower()}; allowed next: {options}", field="status")


def check_text_frozen(old: dict, new: dict) -> None:
    """Once submitted, the text voted on is fixed; an amendment is recorded, not typed over."""
    if old.get("status") in TEXT_FROZEN and (
            old.get("text") != new.get("text") or old.get("parts") != new.get("parts")):
        status = STATUS_NAMES.get(old.get("status"), old.get("status")).lower()
        way_out = ("record the change as an amendment when the Governing Body adopts it as amended, or "
                   "withdraw it and draft a new decision point" if old.get("status") == "submitted" else
                   "only a new decision point (or a revised paper) can change what it says")
        raise ValidationError(f"the text of a decision that is {status} cannot be edited; {way_out}", field="text")


def text_editable(status: str) -> bool:
    """Whether a decision's text may still be edited (drafting, review, or deferred to a later session)."""
    return status not in TEXT_FROZEN


# a label the drafter typed at the start of a part: "(a) ", "a) ", "（b）", "(iv)"
_TYPED_PART_LABEL = re.compile(r"^\s*(?:[(（]\s*[a-z]{1,4}\s*[)）]|[a-z]{1,2}[)）])\s*")


def decision_parts(text: str, parts: list[str], language: str) -> list[tuple[str, str]]:
    """The decision as printed, as (label, text): ("", text), then ("(a)", "part;") …, "and" before the last.

    The label is the house format's, so one a drafter typed into a part is dropped rather than
    printed twice ("(a) (a) takes note…").
    """
    lines = [("", text)]
    last = len(parts) - 1
    for i, part in enumerate(parts):
        body = _TYPED_PART_LABEL.sub("", part, count=1).rstrip().rstrip(";；.。,，")
        letter = chr(ord("a") + i) if i < 26 else f"a{i}"
        place = "part_last" if i == last else "part_penultimate" if i == last - 1 else "part_next"
        ending = label(place, language)
        lines.append((label("decision_part", language, letter=letter), body + ending))
    return lines


def part_line(name: str, body: str) -> str:
    """A printed part as one line of plain text: "(a) approves …;" (the text alone when unlabelled)."""
    return f"{name} {body}" if name else body


def decision_paragraphs(text: str, parts: list[str], language: str) -> list[str]:
    """The decision as printed, one string a paragraph: the text, then "(a) part;" …"""
    return [part_line(name, body) for name, body in decision_parts(text, parts, language)]


_PAST_TENSE_EN = {
    "approves": "approved", "adopts": "adopted", "decides": "decided", "requests": "requested",
    "endorses": "endorsed", "invites": "invited", "takes note": "took note", "notes": "noted",
    "authorizes": "authorized", "authorises": "authorised", "urges": "urged", "calls": "called",
    "welcomes": "welcomed", "confirms": "confirmed", "elects": "elected", "appoints": "appointed",
    "recommends": "recommended", "agrees": "agreed", "defers": "deferred", "reaffirms": "reaffirmed",
    "expresses": "expressed", "encourages": "encouraged", "supports": "supported",
}


def to_past_tense(text: str, language: str) -> str:
    """A first draft of the record of decision: the Governing Body's verbs in the past tense.

    Only the verbs of a decision's operative clauses are turned; the drafter can correct the
    result before saving, as the secretariat does with the minutes.
    """
    if language == "zh":
        # Chinese marks completion with 了 after the operative verb (理事会批准了…).
        return re.sub(r"^(理事会)(批准|通过|决定|要求|注意到|核可|授权|邀请|赞同)(?!了)", r"\1\2了", text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(v) for v in _PAST_TENSE_EN) + r")\b")
    return pattern.sub(lambda m: _PAST_TENSE_EN[m.group(1)], text)


def citation(symbol: str, paragraph: int, language: str) -> str:
    """'GB.316/POL/5, paragraph 4' — full symbol, as cross-references are written."""
    return f"{symbol}{label('citation_separator', language)}{label('paragraph', language, n=paragraph)}"


def record_citation(cite: str, language: str, *, amended: bool = False) -> str:
    """How the record of decisions cites the paper, the full stop inside the bracket:
    "(GB.316/POL/5, paragraph 4.)", "(…, paragraph 4, as amended by the Governing Body.)"."""
    return label("record_citation_amended" if amended else "record_citation", language, citation=cite)


def record_lines(text: str, parts: list[str], language: str) -> list[tuple[str, str]]:
    """The adopted text in the past tense, as printed: ("", text), then ("(a)", "part;") …"""
    return [(name, to_past_tense(body, language)) for name, body in decision_parts(text, parts, language)]


def record_of_decision(text: str, parts: list[str], language: str, cite: str, *, amended: bool = False) -> str:
    """The record of decision: the adopted text in the past tense, ending with its citation."""
    body = " ".join(part_line(name, body) for name, body in record_lines(text, parts, language)).rstrip()
    return f"{body}{label('sentence_gap', language)}{record_citation(cite, language, amended=amended)}"
