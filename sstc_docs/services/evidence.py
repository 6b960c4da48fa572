"""Evidence records, their attached files, the links from both ends, and indicator progress.

Evidence is an ordinary versioned record (kind ``evidence``), so every save goes through
``RecordService.save``, by the acting account and with a reason. This service adds what the record alone
cannot do:

- **Attachments.** An upload is checked first (not empty, within the size limit, a plain file
  name) and only then stored, by content: ``store.put_blob`` names the file by its SHA-256, so
  the same file uploaded twice is kept once. The original name is metadata only; it is never
  used as a path. The whole evidence record is validated *before* the file is stored, so a
  refused save leaves neither a version nor a stray file behind. A file may be given by its
  path (the CLI does): it is then measured with ``stat`` and hashed and stored in chunks, never
  held in memory whole.
- **Links from both ends.** The store's summary of each evidence record carries the ids of the
  indicators, decisions and papers it links to, so "the evidence for this decision" is answered
  from the in-memory index without opening every record.
- **Progress.** Per indicator and period, the actual value derived from the linked evidence
  (a count of links, or the sum of the values they contribute, as the indicator's ``measure``
  says), beside the baseline and target in force, with a status (see ``STATUS_RULE``) and the
  evidence behind every number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import os
import re
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..domain.framework import indicator_as_of
from ..domain.framework import period_years
from ..domain.records import EVIDENCE_KINDS, RELIABILITY, parse_date, quantity_text, validate
from ..errors import ConflictError, NotFound, Problem, ValidationError
from ..store.blobs import file_digest
from .records import MAX_LISTED

if TYPE_CHECKING:
    from ..store import Version
    from ..store.base import HeadsPage
    from .records import RecordService

DEFAULT_MAX_UPLOAD_MB = 50.0
MAX_NAME_LENGTH = 255
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")
# Unicode format characters that reorder or hide text: a name "gpj.exe" shown as "exe.jpg".
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

LINK_FIELDS = ("indicator_ids", "decision_ids", "paper_ids")  # what an evidence summary says it links
STATUSES = ("achieved", "on_track", "at_risk", "no_evidence", "no_target")
STATUS_LABELS = {"achieved": "achieved", "on_track": "on track", "at_risk": "at risk",
                 "no_evidence": "no evidence", "no_target": "no numeric target"}
STATUS_RULE = ("achieved: the actual value has reached the target (actual ≥ target). "
               "on track: not yet, but the share of the target reached is at least the share of the "
               "indicator's period that has elapsed on the date (pro rata; a period not yet begun counts "
               "as 0 % elapsed, and so does an indicator without a period). at risk: behind that pace, or the period is over and the target was "
               "missed. no evidence: nothing linked counts for the period. no numeric target: the target "
               "is wording only, so the actual value is shown without a status.")


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def max_upload_mb_from_env(default: float = DEFAULT_MAX_UPLOAD_MB) -> float:
    """``SSTC_MAX_UPLOAD_MB`` if it is a positive number, else the default (50 MB)."""
    raw = os.environ.get("SSTC_MAX_UPLOAD_MB", "").strip()
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value > 0 and value == value and value != float("inf") else default


def format_size(size: float) -> str:
    """Bytes as people read them: 900 bytes, 12.3 KB, 50 MB."""
    if size < 1024:
        return f"{int(size)} byte{'s' if size != 1 else ''}"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}".replace(".0 ", " ")
    return f"{size:.1f} GB"  # pragma: no cover


def check_file_name(name: Any) -> str:
    """The original file name, kept as metadata only; refused if it could be read as a path."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("the file has no name; give it a name such as report.pdf", field="file.name")
    name = unicodedata.normalize("NFC", name.strip())
    if any(unicodedata.category(ch) == "Cs" for ch in name):
        raise ValidationError("the file name is not valid UTF-8 text; rename the file, or give --name",
                              field="file.name")
    if "/" in name or "\\" in name:
        raise ValidationError(f"the file name '{_printable(name)}' contains a path separator (/ or \\); "
                              "upload the file itself under a plain name such as report.pdf", field="file.name")
    bad = [ch for ch in name if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS]
    if bad:
        codes = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in bad}))
        raise ValidationError(f"the file name '{_printable(name)}' contains control characters ({codes}); "
                              "rename the file using visible characters only", field="file.name")
    if name in (".", ".."):
        raise ValidationError(f"'{name}' is not a file name; rename the file, e.g. report.pdf", field="file.name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"the file name is {len(name)} characters long; shorten it to at most "
                              f"{MAX_NAME_LENGTH}", field="file.name")
    return name


def _printable(name: str) -> str:
    return "".join(ch if unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS
                   else f"\\u{ord(ch):04x}" for ch in name)[:120]


def _media_type(name: str, given: str | None) -> str:
    given = (given or "").split(";")[0].strip().lower()
    if given and _MEDIA_TYPE.match(given) and given != "application/octet-stream":
        return given
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or given or "application/octet-stream"


def _elapsed(years: tuple[int, int] | None, on: str) -> float | None:
    """Share of the period elapsed on date ``on`` (0 before it starts, 1 after it ends)."""
    if not years:
        return None
    start = dt.date(years[0], 1, 1)
    end = dt.date(years[1] + 1, 1, 1)
    day = parse_date(on)
    if day <= start:
        return 0.0
    if day >= end:
        return 1.0
    return (day - start).days / (end - start).days


def _number(quantity: dict | None) -> int | float | None:
    value = (quantity or {}).get("value")
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def status_of(actual: float | None, target: float | None, elapsed: float | None, counted: int) -> str:
    """The status rule (``STATUS_RULE``) as code."""
    if target is None:
        return "no_target"
    if not counted:
        return "no_evidence"
    if actual >= target:
        return "achieved"
    if target <= 0:
        return "at_risk"
    share = actual / target
    pace = 0.0 if elapsed is None else elapsed
    return "on_track" if share >= pace and pace < 1.0 else "at_risk"


class EvidenceService:
    """Register and update evidence, attach files, search, follow links, and compute progress."""

    def __init__(self, records: "RecordService", *, max_upload_mb: float | None = None,
                 full_text: "Callable[[str], Iterable[str]] | None" = None):
        self.records = records
        #: ids of evidence the full-text index finds for a text (services wire in the search index)
        self.full_text = full_text
        self.max_upload_mb = float(max_upload_mb) if max_upload_mb else max_upload_mb_from_env()
        if self.max_upload_mb <= 0:
            raise ValueError("max_upload_mb must be positive")

    # ------------------------------------------------------------------ uploads

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def limit_text(self) -> str:
        return format_size(self.max_upload_bytes)

    def check_upload(self, name: Any, data: Any, media_type: str | None = None) -> dict:
        """The attachment metadata for an upload (bytes, or the Path of a file), or a ValidationError;
        stores nothing. A file is measured with ``stat`` first and, if within the limit, hashed in
        chunks, stopping as soon as it proves larger: a huge file is refused without being read."""
        problems: list[Problem] = []
        try:
            name = check_file_name(name)
        except ValidationError as error:
            problems += error.problems
            name = ""
        if isinstance(data, memoryview):
            data = data.tobytes()
        if isinstance(data, Path):
            try:
                size = data.stat().st_size
                sha, read = file_digest(data, self.max_upload_bytes) if size <= self.max_upload_bytes else ("", 0)
            except OSError as error:
                problems.append(Problem("file", f"cannot read {data}: {error.strerror or error}"))
                raise ValidationError(problems) from None
            size = max(size, read)  # a file that grew since stat
        elif isinstance(data, (bytes, bytearray)):
            size = len(data)
            sha = hashlib.sha256(data).hexdigest() if size <= self.max_upload_bytes else ""
        else:
            problems.append(Problem("file", "no file content was received; choose the file again"))
            raise ValidationError(problems)
        if not size:
            problems.append(Problem("file", f"the file{' ' + repr(name) if name else ''} is empty (0 bytes); "
                                            "choose the file that holds the evidence"))
        elif size > self.max_upload_bytes:
            problems.append(Problem("file", f"the file is {format_size(size)}; the limit is {self.limit_text} "
                                            "(SSTC_MAX_UPLOAD_MB). Upload a smaller file, or link to the "
                                            "document with its web address"))
        if problems:
            raise ValidationError(problems)
        return {"sha256": sha, "name": name, "size": size, "media_type": _media_type(name, media_type)}

    # ------------------------------------------------------------------ saving

    def _next_id(self) -> str:
        """One past the highest number of an ``EV-<n>`` id (only that head is built)."""
        numbered = re.compile(r"EV-(\d+)")
        highest = self.records.store.heads_page("evidence", where=lambda head: numbered.fullmatch(head.id) is not None,
                                                order=lambda head: int(head.id[3:]), descending=True, limit=1).rows
        return f"EV-{int(highest[0]['id'][3:]) + 1 if highest else 1:04d}"

    def _precheck(self, data: dict, *, why: str, base_version: int | None) -> None:
        """Everything ``RecordService.save`` would refuse, checked before a file is stored."""
        problems: list[Problem] = []
        self.records.author()
        if not (why or "").strip():
            problems.append(Problem("why", "give the reason for this change; it is kept in the history"))
        try:
            record = validate("evidence", data)
        except ValidationError as error:
            raise ValidationError(problems + error.problems) from None
        old = None
        try:
            latest = self.records.store.get("evidence", record["id"])
        except NotFound:
            latest = None
        if latest is not None and (base_version is None or latest.version != base_version):
            raise ConflictError("evidence", record["id"], base_version, latest, record)
        if base_version is not None:
            old = self.records.get("evidence", record["id"], base_version).data
        self.records.require("evidence", old, record)
        problems += self.records.check("evidence", old, record)
        if problems:
            raise ValidationError(problems)

    def save(self, data: dict, *, why: str, base_version: int | None = None,
             file: tuple[str, bytes, str | None] | None = None, effective_from: str | None = None) -> "Version":
        """Validate and save one version of an evidence record, storing ``file`` first if given.

        ``file`` is (original name, bytes or the file's Path, media type or None). Without an id, a
        new record gets the next free ``EV-nnnn``. A refused save writes nothing: no version and no file.
        """
        if not isinstance(data, dict):
            raise ValidationError("evidence must be an object with a title, kind, date …")
        data = dict(data)
        attachment, upload_problems = None, []
        if file is not None:
            name, content, media_type = (tuple(file) + (None,))[:3]
            try:
                attachment = self.check_upload(name, content, media_type)
            except ValidationError as error:
                upload_problems = error.problems
            if not data.get("kind"):
                data["kind"] = "file"
        generated = base_version is None and not data.get("id")
        if generated:
            data["id"] = self._next_id()
        if upload_problems:  # check the rest too (as if the file were fine), to report everything at once
            placeholder = {"sha256": "0" * 64, "name": "upload", "size": 1, "media_type": "application/octet-stream"}
            try:
                self._precheck({**data, "attachment": placeholder}, why=why,
                               base_version=base_version)
            except ValidationError as error:
                raise ValidationError(upload_problems + error.problems) from None
            raise ValidationError(upload_problems)
        if attachment is not None:
            data["attachment"] = attachment
        self._precheck(data, why=why, base_version=base_version)
        if attachment is not None:
            content = file[1] if isinstance(file[1], Path) else bytes(file[1])
            sha = self.records.store.put_blob(content)
            if sha != attachment["sha256"]:  # a file given by its path changed after it was checked
                raise ValidationError("the file changed while it was being attached; attach it again once "
                                      "nothing is changing it", field="file")
        for attempt in range(5):
            try:
                return self.records.save("evidence", data, why=why, base_version=base_version,
                                         effective_from=effective_from)
            except ConflictError:
                if not generated or attempt == 4:
                    raise
                data["id"] = self._next_id() if attempt < 3 else f"EV-{uuid.uuid4().hex[:8].upper()}"
        raise AssertionError("unreachable")  # pragma: no cover

    def register(self, data: dict, *, why: str,
                 file: tuple[str, bytes, str | None] | None = None) -> "Version":
        """A new evidence record (id generated when not given)."""
        return self.save(data, why=why, base_version=None, file=file)

    def update(self, evidence_id: str, changes: dict, *, why: str, base_version: int,
               file: tuple[str, bytes, str | None] | None = None) -> "Version":
        """A new version of ``evidence_id`` with ``changes`` applied over version ``base_version``."""
        current = self.records.get("evidence", evidence_id, base_version).data
        data = {**current, **(changes or {}), "id": current["id"]}
        return self.save(data, why=why, base_version=base_version, file=file)

    def attach(self, evidence_id: str, name: str, content: bytes | Path, media_type: str | None = None, *,
               why: str, base_version: int | None = None) -> "Version":
        """Attach (or replace) the file of an evidence record; ``base_version`` defaults to the latest.
        ``content`` is the bytes or, so that a large file is never held in memory, its Path."""
        if base_version is None:
            base_version = self.records.get("evidence", evidence_id).version
        return self.update(evidence_id, {}, why=why, base_version=base_version,
                           file=(name, content, media_type))

    def link(self, evidence_id: str, *, why: str, base_version: int | None = None,
             indicators: Iterable[dict] = (), decisions: Iterable[str] = (), papers: Iterable[str] = ()) -> "Version":
        """Add links (indicator links as {id, value, period}); existing links are kept."""
        current = self.records.get("evidence", evidence_id, base_version)
        links = dict(current.data.get("links") or {})
        links["indicators"] = list(links.get("indicators") or []) + [dict(i) for i in indicators]
        links["decisions"] = list(links.get("decisions") or []) + [self.records.resolve_id("decision", d)
                                                                   for d in decisions]
        links["papers"] = list(links.get("papers") or []) + [self.records.resolve_id("paper", p) for p in papers]
        return self.update(evidence_id, {"links": links}, why=why, base_version=current.version)

    # ------------------------------------------------------------------ reading

    def get(self, evidence_id: str, version: int | None = None) -> "Version":
        return self.records.get("evidence", evidence_id, version)

    def download(self, evidence_id: str, version: int | None = None) -> tuple[bytes, str, str]:
        """The attached file's exact bytes, its original name and media type."""
        record = self.get(evidence_id, version)
        attachment = record.data.get("attachment")
        if not attachment:
            raise NotFound(f"evidence {record.id} (version {record.version}) has no attached file")
        data = self.records.store.read_blob(attachment["sha256"])
        return data, attachment.get("name") or f"{attachment['sha256'][:12]}.bin", attachment.get(
            "media_type") or "application/octet-stream"

    def search(self, text: str = "", *, kind: str | Iterable[str] | None = None,
               reliability: str | Iterable[str] | None = None, date_from: str | None = None,
               date_to: str | None = None, linked: str | None = None) -> list[dict]:
        """Every evidence summary matching the filters, newest first (``search_page`` without pages)."""
        return self.search_page(text, kind=kind, reliability=reliability, date_from=date_from, date_to=date_to,
                                linked=linked, limit=MAX_LISTED).rows

    def search_page(self, text: str = "", *, kind: str | Iterable[str] | None = None,
                    reliability: str | Iterable[str] | None = None, date_from: str | None = None,
                    date_to: str | None = None, linked: str | None = None, offset: int = 0,
                    limit: int = 50) -> "HeadsPage":
        """One page of the evidence summaries matching every filter given, newest first, and how
        many match in all.

        ``text`` matches (case-insensitively, every word) the id, title and reference as typed, and
        the source, notes and attachment name through the full-text index (words with their
        inflections; no record is read to find out); ``linked`` is the id of an indicator, decision
        or paper (a paper may be named by its current symbol). Evidence without a date is left out
        of a date range.
        """
        kinds = _choices(kind, EVIDENCE_KINDS, "kind")
        levels = _choices(reliability, RELIABILITY, "reliability")
        start = parse_date(date_from).isoformat() if date_from else ""
        end = parse_date(date_to).isoformat() if date_to else ""
        if start and end and start > end:
            raise ValidationError(f"the date range starts ({start}) after it ends ({end})", field="date_to")
        linked_ids = set()
        if linked and linked.strip():
            linked_ids = {linked.strip(), self.records.resolve_id("paper", linked.strip())}
        words = [w for w in (text or "").casefold().split() if w]
        in_full_text = self._full_text(text) if words else set()

        def wanted(head) -> bool:
            if kinds and head.get("kind") not in kinds:
                return False
            if levels and head.get("reliability") not in levels:
                return False
            date = head.get("date") or ""
            if (start or end) and (not date or (start and date < start) or (end and date > end)):
                return False
            if linked_ids and all(linked_ids.isdisjoint(head.get(field, ())) for field in LINK_FIELDS):
                return False
            if words and head.id not in in_full_text:
                said = f"{head.id} {head.get('title', '')} {head.get('reference', '')}".casefold()
                return all(w in said for w in words)
            return True

        filtered = kinds or levels or start or end or linked_ids or words
        return self.records.store.heads_page("evidence", where=wanted if filtered else None,
                                             order=lambda head: head.get("date") or "",
                                             descending=True, offset=offset, limit=limit)

    def _full_text(self, text: str) -> set[str]:
        """Ids of the evidence the full-text index finds for ``text`` (the best few hundred, ranked)."""
        if self.full_text is None:
            return set()
        try:
            return set(self.full_text(text))
        except ValidationError:  # text the query language refuses: the plain match stands alone
            return set()

    def _linked_to(self, field: str, record_id: str) -> list[dict]:
        """Evidence whose summary links ``record_id`` under ``field``, oldest first; only those are built."""
        found = self.records.store.heads_page("evidence", where=lambda head: record_id in head.get(field, ()),
                                              order=lambda head: head.get("date") or "", limit=MAX_LISTED)
        return found.rows

    def evidence_for_indicator(self, indicator_id: str) -> list[dict]:
        """Each link to the indicator: the evidence summary with the value and period it contributes."""
        rows = []
        for head in self._linked_to("indicator_ids", indicator_id):
            data = self.records.get("evidence", head["id"]).data
            for link in data["links"]["indicators"]:
                if link["id"] == indicator_id:
                    rows.append({**head, "value": link["value"], "period": link.get("period", "")})
        return rows

    def evidence_for_decision(self, decision_id: str) -> list[dict]:
        return self._linked_to("decision_ids", (decision_id or "").strip())

    def evidence_for_paper(self, paper_id: str) -> list[dict]:
        return self._linked_to("paper_ids", self.records.resolve_id("paper", paper_id))

    # ------------------------------------------------------------------ progress

    def progress(self, strategy_id: str, *, as_of: str | None = None) -> dict:
        """Per indicator of the strategy: baseline, target, actual (in total and per period), status,
        and the evidence behind each number. JSON-ready (plain dicts, lists, str and numbers).

        Each link counts in one period: its own ``period`` if given, else the year of the evidence's
        date, else the indicator's whole period. It counts towards the indicator if that period lies
        within the indicator's period (or either has none). With ``as_of``, evidence dated after that
        day is left out and the share of the period elapsed is taken on that day.
        """
        on = parse_date(as_of).isoformat() if as_of else _today()
        strategy = self._as_of("strategy", strategy_id, on if as_of else None)
        wanted = {i for outcome in strategy.data["outcomes"] for i in outcome["indicator_ids"]}
        by_indicator: dict[str, list[str]] = {}
        linked = self.records.store.heads_page("evidence", where=lambda head: not wanted.isdisjoint(
            head.get("indicator_ids", ())), limit=MAX_LISTED)
        for head in linked.rows:  # only the evidence linked to this strategy's indicators is built
            for indicator_id in head.get("indicator_ids", []):
                by_indicator.setdefault(indicator_id, []).append(head["id"])
        evidence_cache: dict[str, dict] = {}

        def evidence(evidence_id: str) -> dict:
            if evidence_id not in evidence_cache:
                evidence_cache[evidence_id] = self.records.get("evidence", evidence_id).data
            return evidence_cache[evidence_id]

        rows = []
        for outcome in strategy.data["outcomes"]:
            for indicator_id in outcome["indicator_ids"]:
                try:
                    indicator = self._as_of("indicator", indicator_id, on if as_of else None)
                except NotFound:
                    continue
                rows.append(self._indicator_progress(indicator, outcome["number"], on,
                                                     [evidence(e) for e in sorted(by_indicator.get(indicator_id, []))],
                                                     after_cutoff=bool(as_of)))
        counts = {status: sum(r["status"] == status for r in rows) for status in STATUSES}
        return {"strategy_id": strategy.id, "version": strategy.version, "title": strategy.data["title"],
                "period": strategy.data.get("period", ""), "as_of": on, "rule": STATUS_RULE,
                "status_counts": counts, "indicators": rows}

    def _as_of(self, kind: str, record_id: str, on: str | None) -> "Version":
        """The version in force on ``on``; if the record was entered later than that, its first version
        (the framework as first recorded is the best account of that date there is)."""
        try:
            return self.records.get(kind, record_id, as_of=on)
        except NotFound:
            if on is None:
                raise
            return self.records.history(kind, record_id)[0]

    def _indicator_progress(self, indicator: "Version", outcome: int, on: str, linked: list[dict], *,
                            after_cutoff: bool) -> dict:
        data = indicator.data
        view = indicator_as_of(data, on)
        measure = data.get("measure", "count")
        period = data.get("period", "")
        years = period_years(period)
        baseline, target = view.values.get("baseline") or {}, view.values.get("target") or {}
        items, buckets = [], {}
        for record in linked:
            for link in record["links"]["indicators"]:
                if link["id"] != indicator.id:
                    continue
                date = record.get("date") or ""
                attributed = link.get("period") or (date[:4] if date else "") or period
                span = period_years(attributed)
                within = not years or not span or (span[0] >= years[0] and span[1] <= years[1])
                future = bool(after_cutoff and date and date > on)
                counted = within and not future
                contribution = 1 if measure == "count" else link["value"]
                items.append({"id": record["id"], "title": record["title"], "kind": record["kind"],
                              "date": date, "reliability": record["reliability"],
                              "reference": record.get("reference", ""), "value": link["value"],
                              "contributes": contribution if counted else 0, "period": attributed,
                              "counted": counted,
                              "why_not": "" if counted else ("dated after the as-of date" if future else
                                                             f"period {attributed} is outside {period}"),
                              "attachment": record.get("attachment")})
                if counted:
                    bucket = buckets.setdefault(attributed, {"period": attributed, "actual": 0, "evidence_ids": []})
                    bucket["actual"] += contribution
                    bucket["evidence_ids"].append(record["id"])
        counted_items = [i for i in items if i["counted"]]
        actual = sum(i["contributes"] for i in counted_items) if counted_items else 0
        actual = _tidy(actual)
        periods = sorted(buckets.values(), key=lambda b: (period_years(b["period"]) or (0, 0), b["period"]))
        running = 0
        for bucket in periods:
            running += bucket["actual"]
            bucket["actual"] = _tidy(bucket["actual"])
            bucket["cumulative"] = _tidy(running)
        target_value = _number(target)
        elapsed = _elapsed(years, on)
        status = status_of(actual, target_value, elapsed, len(counted_items))
        share = (actual / target_value) if target_value else None
        return {"id": indicator.id, "version": indicator.version, "outcome": outcome, "label": view.label,
                "text": view.values.get("text", ""), "unit": data.get("unit", ""), "measure": measure,
                "period": period, "in_force": view.in_force, "retired": view.retired,
                "baseline": baseline, "target": target,
                "baseline_text": quantity_text(baseline), "target_text": quantity_text(target),
                "baseline_value": _number(baseline), "target_value": target_value,
                "actual": actual, "status": status, "status_label": STATUS_LABELS[status],
                "share_of_target": None if share is None else round(share, 4),
                "share_of_period_elapsed": None if elapsed is None else round(elapsed, 4),
                "periods": periods, "evidence": items}


def _tidy(value: float) -> int | float:
    if isinstance(value, float):
        value = round(value, 10)
        return int(value) if value.is_integer() else value
    return value


def _choices(value: str | Iterable[str] | None, allowed: tuple[str, ...], field: str) -> set[str]:
    if not value:
        return set()
    chosen = {value} if isinstance(value, str) else set(value)
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} is not one of {', '.join(allowed)}", field=field)
    return chosen
