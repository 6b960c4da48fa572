"""Session commands: a session and its agenda, and the documents of a session.

`session get/put` are the generic `get session N` / `put` with the kind implied; `session agenda`
puts a paper on an agenda item; `record-of-decisions`, `session-pack` and `minutes-toc` write the
documents the app's Sessions page offers, through the same service.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ValidationError
from ..services.sessions import DOCUMENT_LANGUAGES, SessionService
from .common import out_path, print_json, read_json, services_for, write_output
from .records import record_from_json, record_json


def register(commands) -> None:
    session = commands.add_parser("session", help="a Governing Body session: dates, sections, agenda")
    actions = session.add_subparsers(dest="action", required=True, metavar="ACTION")
    get = actions.add_parser("get", help="print a session as JSON (as `get session N`)")
    get.add_argument("number", help="the session's number, e.g. 316")
    get.add_argument("--version", type=int, help="a past version number")
    get.set_defaults(handler=run_get)

    put = actions.add_parser("put", help="save a session from JSON (as `session get` prints it)")
    put.add_argument("file", help="JSON file, or - for standard input")
    put.add_argument("--why", required=True, help="the reason for the change (kept in the history)")
    put.set_defaults(handler=run_put)

    agenda = actions.add_parser("agenda", help="put a paper on an agenda item of the session")
    agenda.add_argument("number", help="the session's number, e.g. 316")
    agenda.add_argument("--add-paper", required=True, metavar="SYMBOL", help="the paper, e.g. GB.316/POL/5")
    agenda.add_argument("--item", type=int, metavar="K", help="the item (default: the one its symbol names)")
    agenda.add_argument("--sub-item", type=int, metavar="S", help="the sub-item (default: from its symbol)")
    agenda.add_argument("--title", default="", help="the item's title, if the item is new (default: the paper's)")
    agenda.add_argument("--segment", default="", help="the segment of the section the item belongs to")
    agenda.add_argument("--why", required=True, help="the reason for the change (kept in the history)")
    agenda.set_defaults(handler=run_agenda)

    for name, document, what in (("record-of-decisions", SessionService.record_of_decisions_docx,
                                  "every decision of a session, in the past tense with its citation, as Word"),
                                 ("minutes-toc", SessionService.minutes_toc_docx,
                                  "the minutes' table of contents of a session, as Word")):
        command = commands.add_parser(name, help=what)
        command.add_argument("session", help="the session's number, e.g. 316")
        command.add_argument("--out", required=True, metavar="FILE.docx")
        command.add_argument("--language", default="en", choices=DOCUMENT_LANGUAGES)
        command.add_argument("--template", metavar="FILE.docx", help="use this template's styles")
        command.set_defaults(handler=run_document, document=document)

    pack = commands.add_parser("session-pack", help="every paper of a session as Word files in one .zip")
    pack.add_argument("session", help="the session's number, e.g. 316")
    pack.add_argument("--out", required=True, metavar="FILE.zip")
    pack.add_argument("--template", metavar="FILE.docx", help="use this template's styles")
    pack.set_defaults(handler=run_pack)


def run_get(args) -> int:
    with services_for(args) as services:
        print_json(record_json(services.sessions.get(args.number, args.version)))
    return 0


def run_put(args) -> int:
    document = read_json(args.file)
    if not isinstance(document, dict):
        raise ValidationError("the JSON must be one object, as `session get` prints it", field="file")
    kind, base, data = record_from_json({"kind": "session", **document})
    if kind != "session":
        raise ValidationError(f'this is a {kind}, not a session; save it with `put`', field="kind")
    with services_for(args, acting=True) as services:
        saved = services.sessions.save(data, why=args.why, base_version=base)
    if saved.version == base:
        print(f"no change: the session is the same as version {base}; nothing was saved", file=sys.stderr)
    print(saved.version)
    return 0


def run_agenda(args) -> int:
    with services_for(args, acting=True) as services:
        saved = services.sessions.add_paper(args.number, args.add_paper, item=args.item, sub_item=args.sub_item,
                                            title=args.title, segment=args.segment, why=args.why)
    print(f"{args.add_paper} is on the agenda of session {saved.id} (version {saved.version})")
    return 0


def _write(path: Path, data: bytes) -> None:
    write_output(path, data)
    print(f"wrote {path} ({len(data):,} bytes)", file=sys.stderr)


def run_document(args) -> int:
    """record-of-decisions and minutes-toc: the session's document (``args.document``) as Word."""
    out = out_path(args.out)
    with services_for(args) as services:
        data, _ = args.document(services.sessions, args.session, args.language, template=args.template)
    _write(out, data)
    return 0


def run_pack(args) -> int:
    out = out_path(args.out, ".zip")

    def count(done: int, total: int, symbol: str) -> None:
        print(f"{done}/{total} {symbol}", file=sys.stderr)

    with services_for(args) as services:
        data, _ = services.sessions.pack(args.session, template=args.template, progress=count)
    _write(out, data)
    return 0
