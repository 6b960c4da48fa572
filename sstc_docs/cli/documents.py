"""Document commands: export, redline, indicator-report, diff."""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.records import parse_date
from .common import kind_argument, out_path, print_json, services_for, write_output


def register(commands) -> None:
    export = commands.add_parser("export", help="write a paper version as a Word file in the house format")
    export.add_argument("symbol", help="the paper's symbol, e.g. GB.316/POL/5")
    export.add_argument("--out", required=True, metavar="FILE.docx")
    export.add_argument("--version", type=int, help="a past version (default: the latest)")
    export.add_argument("--as-of", metavar="YYYY-MM-DD", help="the paper as it stood on that date")
    export.add_argument("--template", metavar="FILE.docx", help="use this template's styles")
    export.set_defaults(handler=run_export)

    redline = commands.add_parser("redline", help="version M with Word tracked changes against version N")
    redline.add_argument("symbol")
    redline.add_argument("--from", dest="from_version", type=int, required=True, metavar="N")
    redline.add_argument("--to", dest="to_version", type=int, required=True, metavar="M")
    redline.add_argument("--out", required=True, metavar="FILE.docx")
    redline.add_argument("--template", metavar="FILE.docx")
    redline.set_defaults(handler=run_redline)

    report = commands.add_parser("indicator-report", help="every revision of a strategy's indicators, as Word")
    report.add_argument("strategy_id")
    report.add_argument("--out", required=True, metavar="FILE.docx")
    report.add_argument("--template", metavar="FILE.docx")
    report.set_defaults(handler=run_indicator_report)

    diff = commands.add_parser("diff", help="what changed between two versions of a record")
    kind_argument(diff)
    diff.add_argument("id")
    diff.add_argument("from_version", type=int, metavar="FROM")
    diff.add_argument("to_version", type=int, metavar="TO")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(handler=run_diff)


def _write(path: Path, data: bytes) -> None:
    write_output(path, data)
    print(f"wrote {path} ({len(data):,} bytes)", file=sys.stderr)


def run_export(args) -> int:
    out = out_path(args.out)
    if args.as_of:
        parse_date(args.as_of)
    with services_for(args) as services:
        data, _ = services.exports.paper_docx(args.symbol, args.version, as_of=args.as_of, template=args.template)
    _write(out, data)
    return 0


def run_redline(args) -> int:
    out = out_path(args.out)
    with services_for(args) as services:
        data, _ = services.exports.redline_docx(args.symbol, args.from_version, args.to_version,
                                                template=args.template)
    _write(out, data)
    return 0


def run_indicator_report(args) -> int:
    out = out_path(args.out)
    with services_for(args) as services:
        data, _ = services.exports.indicator_report_docx(args.strategy_id, template=args.template)
    _write(out, data)
    return 0


def run_diff(args) -> int:
    with services_for(args) as services:
        result = services.diffs.compare(args.kind, args.id, args.from_version, args.to_version)
    if args.json:
        print_json(result.to_json())
    else:
        print(result.as_text())
    return 0
