"""``import FILE.docx``: a Word paper read into the record; ``--dry-run`` shows the review and writes nothing.

The review printed is the one the app shows: cover fields, front matter, numbered paragraphs,
footnotes, framework tables, decision parts, tracked changes and comments, every unrecognised
piece with its place, then what each record will become. Refusals (not a .docx, macros,
encryption, a zip bomb, entity declarations, a file over the upload limit, no symbol or no
decision) exit 2 with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ValidationError
from ..services.imports import ImportPreview, ImportService
from .common import actor, services_for


def register(commands) -> None:
    command = commands.add_parser("import", help="read a Word paper (.docx) into the record: a new paper, or the "
                                                 "next version of one exported from here")
    command.add_argument("file", help="the .docx file")
    command.add_argument("--dry-run", action="store_true", help="show what was found and what each part "
                                                                "would become; write nothing")
    command.add_argument("--why", help="the reason for the import (kept in the history; required to save)")
    command.add_argument("--symbol", help="the document symbol, when the file does not print one")
    command.add_argument("--strategy", metavar="ID", help="the strategy the framework tables belong to")
    command.add_argument("--accept", action="append", default=[], metavar="CHANGE_ID",
                         help="accept a tracked change by its id (repeatable; default: accept none)")
    command.set_defaults(handler=run_import)


def _line(text: str, width: int = 110) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def review(preview: ImportPreview) -> str:
    """The structure found and the plan, as plain lines."""
    r, paper = preview.result, preview.result.paper
    out = [f"file: {preview.name} ({len(preview.data):,} bytes, sha256 {preview.sha256})",
           "exported by sstc-docs: " + (f"{r.provenance['paper_id']} version {r.provenance['paper_version']}"
                                        if r.exported_by_us else "no (a file written elsewhere)"),
           "", "cover:"]
    for key in ("symbol", "session_dates", "agenda_item", "action", "date", "original_language", "language",
                "title"):
        out.append(f"  {key}: {_line(paper.get(key) if paper.get(key) not in (None, '') else '—')}")
    out += ["", "front matter:"]
    out += [f"  {key}: {_line(value or 'None')}" for key, value in paper.get("front_matter", {}).items()]
    out += ["", "body (with what was not recognised, in place):"]
    number = 0
    for kind, block in r.in_place():
        if kind == "piece":
            out.append(f"  [not recognised] {block.where}: {block.what}" + (f" — “{_line(block.text, 60)}”"
                                                                            if block.text else ""))
        elif block["type"] == "heading":
            out.append(f"  [heading] {_line(block['text'])}")
        elif block["type"] == "framework":
            out.append(f"  [framework] outcome {block['outcome']} of {block['strategy_id']}"
                       + (f": {_line(block['text'], 80)}" if block.get("text") else ""))
        else:
            if block["numbered"]:
                number += 1
            out.append(f"  {str(number) + '.' if block['numbered'] else '  '} {_line(block['text'])}")
        for note in block.get("footnotes", []) if kind == "block" else ():
            out.append(f"      [^{note['key']}] {_line(note['text'], 100)}")
    for table in r.frameworks:
        out += ["", f"framework table, outcome {table.outcome} ({table.where}): {_line(table.statement, 80)}"]
        for ind in table.indicators:
            head = "new indicator " + ind.label if ind.new else "indicator"
            out.append(f"  {head}: {_line(ind.text, 90)}")
            out.append(f"    baseline: {_line(ind.baseline or '—', 90)} | target: {_line(ind.target or '—', 90)}")
            for key, value in ind.revised.items():
                out.append(f"    revised {key}: {_line(value, 90)}")
    for decision in r.decisions:
        out += ["", f"draft decision {decision['id']}: {_line(decision['text'])}"]
        out += [f"  ({chr(97 + i)}) {_line(part)}" for i, part in enumerate(decision["parts"])]
    if r.tracked_changes:
        out += ["", "tracked changes (proposals; accept with --accept ID):"]
        out += [f"  {c.id} {c.kind} by {c.author or '?'} {c.date}: “{_line(c.text, 60)}” in {c.where}"
                + (" [accepted]" if c.id in r.accepted_changes else "") for c in r.tracked_changes]
    if r.comments:
        out += ["", "comments (kept with the imported file's evidence record):"]
        out += [f"  {c.author or '?'} {c.date}: “{_line(c.text, 60)}” on {c.where}" for c in r.comments]
    if r.links:
        out += ["", "external links (recorded, never fetched):"]
        out += [f"  {link.kind}: {link.target} ({link.where})" for link in r.links]
    out += ["", f"not recognised: {len(r.unrecognised) or 'nothing'}" + (" (shown in place above)" if r.unrecognised
                                                                        else "")]
    out += ["", "will become:" if preview.parts else "will become: nothing until the problems below are solved"]
    out += [f"  {part.describe()}" for part in preview.parts]
    if preview.problems:
        out += ["", "cannot be saved as it is:"] + [f"  - {p}" for p in preview.problems]
    return "\n".join(out)


def run_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise ValidationError(f"{args.file} is not a file; give the path of the .docx to import", field="file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read {args.file}: {error.strerror}", field="file") from None
    with services_for(args) as services:
        importer = ImportService(services)
        preview = importer.preview(data, path.name, symbol=args.symbol, strategy_id=args.strategy,
                                   accepted_changes=args.accept)
        print(review(preview))
        unknown = sorted(set(args.accept) - {c.id for c in preview.result.tracked_changes})
        if unknown:
            raise ValidationError(f"no tracked change has the id {', '.join(unknown)}; the ids are listed above",
                                  field="accept")
        if preview.problems:
            raise ValidationError(preview.problems, field="file")
        if args.dry_run:
            print("dry run: nothing was written", file=sys.stderr)
            return 0
        saved = ImportService(services.acting_as(actor(services))).commit(preview, why=args.why or "")
    for kind, record_id, version in saved.versions:
        print(f"saved {kind} {record_id} version {version}", file=sys.stderr)
    print(f"original file kept as evidence {saved.evidence_id} (sha256 {saved.sha256})", file=sys.stderr)
    return 0
