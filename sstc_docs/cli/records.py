"""Record commands: demo, list, get, put, history, backup, restore."""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.records import KINDS, SHOWN_KINDS, kind_of, parse_date
from ..errors import ValidationError
from .common import actor, kind_argument, print_json, read_json, services_for

ENVELOPE = ("kind", "id", "version", "_meta")
#: verify and verify-docx: the check ran and found something wrong (see cli/__init__.py).
EXIT_DIFFERENT = 5


def register(commands) -> None:
    demo = commands.add_parser("demo", help="load the seed paper GB.316/POL/5 and its strategy (idempotent)")
    demo.add_argument("--if-empty", action="store_true", help="only if the database holds no records yet")
    demo.set_defaults(handler=run_demo)

    listing = commands.add_parser("list", help="list records (papers by default)")
    kind_argument(listing, optional=True)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    get = commands.add_parser("get", help="print one record as JSON, with its id and version")
    kind_argument(get)
    get.add_argument("id", help="record id; a paper's id is its symbol")
    get.add_argument("--version", type=int, help="a past version number")
    get.add_argument("--as-of", metavar="YYYY-MM-DD", help="the version in force on that date")
    get.add_argument("--as-recorded", metavar="YYYY-MM-DD",
                     help="what the record showed on that date (versions recorded later, even back-dated, left out)")
    get.set_defaults(handler=run_get)

    put = commands.add_parser("put", help="save JSON (as `get` prints it) as a new version")
    put.add_argument("file", help="JSON file, or - for standard input")
    put.add_argument("--why", required=True, help="the reason for the change (kept in the history)")
    put.add_argument("--effective-from", metavar="YYYY-MM-DD", help="when this content is in force (default today)")
    put.set_defaults(handler=run_put)

    history = commands.add_parser("history", help="every version of a record, oldest first")
    kind_argument(history)
    history.add_argument("id")
    history.add_argument("--json", action="store_true")
    history.set_defaults(handler=run_history)

    backup = commands.add_parser("backup", help="write the whole database, every version, to a JSON file")
    backup.add_argument("file")
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("file")
    restore.set_defaults(handler=run_restore)

    verify = commands.add_parser("verify", help="check every version, the hash chain, caches and attachments")
    verify.add_argument("--repair", action="store_true", help="rebuild caches that disagree with the data")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=run_verify)

    verify_docx = commands.add_parser("verify-docx", help="which record versions a Word file was built from, "
                                                          "and whether it still matches them")
    verify_docx.add_argument("file", metavar="FILE.docx")
    verify_docx.add_argument("--json", action="store_true")
    verify_docx.set_defaults(handler=run_verify_docx)


def run_demo(args) -> int:
    with services_for(args) as services:
        if args.if_empty and any(services.store.heads(kind, include_deleted=True) for kind in KINDS
                                 if kind not in ("account", "credentials")):
            print("the database already holds records; demo not loaded")
            return 0
        saved = services.acting_as(actor(services)).load_demo()
    print(f"demo data: {saved} version(s) saved" if saved else "demo data already loaded; nothing changed")
    return 0


def run_list(args) -> int:
    with services_for(args) as services:
        heads = services.papers.list() if args.kind == "paper" else sorted(services.records.heads(args.kind),
                                                                            key=lambda h: h["id"])
    if args.json:
        print_json(heads)
        return 0
    if not heads:
        print(f"no {args.kind} records yet" + (" (load the demo with: python -m sstc_docs demo)"
                                               if args.kind == "paper" else ""))
        return 0
    for head in heads:
        if args.kind == "paper":
            columns = (head["symbol"], head.get("status", ""), f"v{head['version']}/{head['versions']}",
                       head.get("title", "").replace("\n", " "))
        else:
            columns = (head["id"], f"v{head['version']}/{head['versions']}",
                       (head.get("label", "") + " " + head.get("title", "")).strip().replace("\n", " "))
        print("\t".join(str(c) for c in columns))
    return 0


def record_json(version, extra: dict | None = None) -> dict:
    """The shape `get` prints and `put` reads: the record, its kind and version, and the version's
    facts. A record's own field that would clash with the envelope is printed under the name its
    kind declares (an evidence record's ``kind`` as ``type``)."""
    wire = kind_of(version.kind).wire
    data = {wire.get(name, name): value for name, value in version.data.items()}
    return {"kind": version.kind, **data, "id": version.id, "version": version.version,
            "_meta": {k: v for k, v in version.meta().items() if k not in ("kind", "id", "version")},
            **(extra or {})}


def record_from_json(document: dict) -> tuple[str, int | None, dict]:
    """(kind, the version edited, the record) from JSON as `get` prints it."""
    kind = document.get("kind")
    if not kind:
        raise ValidationError('say which kind of record this is: add "kind": "paper" (or '
                              f'{", ".join(SHOWN_KINDS[1:])})', field="kind")
    wire = {printed: name for name, printed in kind_of(kind).wire.items()}
    base = document.get("version")
    if base is not None and (isinstance(base, bool) or not isinstance(base, int)):
        raise ValidationError(f"version must be the whole number of the version you edited, not {base!r}",
                              field="version")
    data = {wire.get(name, name): value for name, value in document.items()
            if name not in ENVELOPE and name != "framework"}
    if "id" in document:
        data["id"] = document["id"]
    return kind, base, data


def run_get(args) -> int:
    with services_for(args) as services:
        version = services.records.get(args.kind, args.id, args.version, as_of=args.as_of,
                                       as_recorded=args.as_recorded)
        extra = None
        if args.kind == "strategy" and args.as_of:
            extra = {"framework": services.frameworks.framework(version.id, as_of=args.as_of)}
    print_json(record_json(version, extra))
    return 0


def run_put(args) -> int:
    document = read_json(args.file)
    if not isinstance(document, dict):
        raise ValidationError("the JSON must be one object, as `get` prints it", field="file")
    kind, base, data = record_from_json(document)
    if args.effective_from:
        parse_date(args.effective_from)
    if kind_of(kind).secret:
        raise ValidationError(f"{kind} records are kept by the account commands only; see "
                              "`python -m sstc_docs account --help`", field="kind")
    with services_for(args, acting=True) as services:
        saved = services.records.save(kind, data, why=args.why, base_version=base,
                                      effective_from=args.effective_from)
    if saved.version == base:
        print(f"no change: the record is the same as version {base}; nothing was saved", file=sys.stderr)
    print(saved.version)
    return 0


def run_history(args) -> int:
    with services_for(args) as services:
        versions = services.records.history(args.kind, args.id)
    if args.json:
        print_json([v.meta() for v in versions])
        return 0
    for v in versions:
        based = f" (based on v{v.based_on})" if v.based_on else ""
        deleted = " [deleted]" if v.deleted else ""
        backdated = " [back-dated]" if v.effective_from < v.recorded_at[:10] else ""
        print(f"v{v.version}{based}{deleted}{backdated}\t{v.recorded_at}\tin force from {v.effective_from}"
              f"\t{v.author}\t{v.why}\t{v.hash[:12]}")
    return 0


def run_backup(args) -> int:
    with services_for(args) as services:
        count = services.store.backup(args.file)
    print(f"backed up {count} version(s) to {args.file}", file=sys.stderr)
    return 0


def run_verify(args) -> int:
    with services_for(args, acting=args.repair) as services:
        report = services.verify(repair=args.repair)
    if args.json:
        print_json(report.to_json())
    else:
        for finding in report.findings:
            print(finding)
        print(f"{'OK' if report.ok else 'NOT OK'}: {report.versions} versions of {report.records} records, "
              f"{report.attachments} attachments checked; chain head {report.head or '(empty)'}")
    return 0 if report.ok else EXIT_DIFFERENT


def run_verify_docx(args) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read {args.file}: {error.strerror}", field="file") from None
    with services_for(args) as services:
        result = services.exports.verify_docx(data)
    if args.json:
        print_json(result)
    else:
        print(f"{args.file}: {result['symbol']} version {result['version']}, built from:")
        for part in result["parts"]:
            print(f"  {'ok ' if part['ok'] else 'BAD'} {part['record']} v{part['version']} "
                  f"{(part['hash_in_database'] or part['hash_in_file'])[:16]}")
        for problem in result["problems"]:
            print(f"  problem: {problem}")
        print("matches the record" if result["ok"] else "does NOT match the record")
    return 0 if result["ok"] else EXIT_DIFFERENT


def run_restore(args) -> int:
    if not Path(args.file).is_file():
        raise ValidationError(f"cannot read {args.file}: there is no such backup file", field="file")
    with services_for(args) as services:
        if services.store.heads("account", include_deleted=True):
            services = services.acting_as(actor(services))
        count = services.restore(args.file)
    print(f"restored {count} version(s) from {args.file}", file=sys.stderr)
    return 0
