"""Evidence commands: progress (indicator figures from linked evidence), attach, download."""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.records import parse_date
from ..errors import ValidationError
from .common import print_json, services_for, write_output


def register(commands) -> None:
    progress = commands.add_parser("progress", help="a strategy's indicators: baseline, target, actual from "
                                                    "linked evidence, and status")
    progress.add_argument("strategy_id", help="e.g. SSTC-2012")
    progress.add_argument("--as-of", metavar="YYYY-MM-DD", help="the figures as they stood on that date")
    progress.add_argument("--json", action="store_true", help="print JSON (the same figures the app shows)")
    progress.set_defaults(handler=run_progress)

    attach = commands.add_parser("attach", help="attach a file to an evidence record (stored once by content)")
    attach.add_argument("file", help="the file to attach")
    attach.add_argument("--evidence", required=True, metavar="ID", help="the evidence record's id")
    attach.add_argument("--why", required=True, help="the reason for the change (kept in the history)")
    attach.add_argument("--name", help="the file name to record (default: the file's own name)")
    attach.add_argument("--media-type", help="e.g. application/pdf (default: guessed from the name)")
    attach.add_argument("--version", type=int, help="the version you are changing (default: the latest)")
    attach.set_defaults(handler=run_attach)

    download = commands.add_parser("download", help="write an evidence record's attached file, byte for byte")
    download.add_argument("evidence_id")
    download.add_argument("--out", required=True, metavar="FILE", help="the file to write (the original "
                                                                      "name is printed, never used as a path)")
    download.add_argument("--version", type=int, help="a past version of the evidence record")
    download.set_defaults(handler=run_download)


def _number(value) -> str:
    return "—" if value is None else str(value)


def progress_table(result: dict) -> str:
    """The figures as a tab-separated table, one indicator per line, then the rule."""
    lines = [f"{result['strategy_id']} {result['title']} ({result['period']}), as of {result['as_of']}",
             "\t".join(("outcome", "indicator", "measure", "period", "baseline", "target", "actual", "status",
                        "evidence"))]
    for row in result["indicators"]:
        name = (row["label"] + " " if row["label"] else "") + row["id"]
        if not row["in_force"]:
            name += " [proposed]"
        if row["retired"]:
            name += " [retired]"
        evidence = ", ".join(sorted({e["id"] for e in row["evidence"] if e["counted"]})) or "—"
        lines.append("\t".join((str(row["outcome"]), name, row["measure"], row["period"] or "—",
                                _number(row["baseline_value"]) if row["baseline_value"] is not None
                                else (row["baseline_text"] or "—"),
                                _number(row["target_value"]) if row["target_value"] is not None
                                else (row["target_text"] or "—"),
                                _number(row["actual"]), row["status_label"], evidence)))
        for bucket in row["periods"]:
            lines.append("\t".join(("", f"  {bucket['period']}", "", "", "", "", _number(bucket["actual"]),
                                    f"cumulative {bucket['cumulative']}", ", ".join(bucket["evidence_ids"]))))
    lines.append("")
    lines.append("status rule: " + result["rule"])
    return "\n".join(lines)


def run_progress(args) -> int:
    if args.as_of:
        parse_date(args.as_of)
    with services_for(args) as services:
        result = services.evidence.progress(args.strategy_id, as_of=args.as_of)
    if args.json:
        print_json(result)
    else:
        print(progress_table(result))
    return 0


def run_attach(args) -> int:
    """The file goes to the service by its path: its size is checked with stat, then it is hashed
    and stored in chunks, so a file of any size costs little memory and a too-large one is
    refused before it is read."""
    path = Path(args.file)
    if not path.is_file():
        raise ValidationError(f"{args.file} is not a file; give the path of the file to attach", field="file")
    with services_for(args, acting=True) as services:
        saved = services.evidence.attach(args.evidence, args.name or path.name, path, args.media_type,
                                         why=args.why, base_version=args.version)
    attachment = saved.data["attachment"]
    print(f"attached {attachment['name']} ({attachment['size']:,} bytes, sha256 {attachment['sha256']}) "
          f"to {saved.id}, now version {saved.version}", file=sys.stderr)
    print(saved.version)
    return 0


def run_download(args) -> int:
    with services_for(args) as services:
        data, name, _ = services.evidence.download(args.evidence_id, args.version)
    out = Path(args.out)
    if out.is_dir():
        raise ValidationError(f"{out} is a folder; give the file to write, e.g. {out / 'evidence.pdf'}", field="out")
    if not out.parent.exists():
        raise ValidationError(f"{out.parent} does not exist; create the folder or choose another", field="out")
    write_output(out, data)
    print(f"wrote {out} ({len(data):,} bytes; original name {name!r})", file=sys.stderr)
    return 0
