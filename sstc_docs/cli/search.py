"""``search QUERY``: one search across every record kind, current text or any version."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..domain.records import KINDS
from ..errors import ValidationError
from .common import print_json, services_for

if TYPE_CHECKING:
    from ..services.search import SearchResult


NOT_ALL_RANKED = ("note: these words are in too many records to rank them all; the newest were ranked. "
                  "Add a word or a filter for an exact ranking.")


def register(commands) -> None:
    search = commands.add_parser(
        "search", help="find papers, decisions, indicators, strategies and evidence by their words",
        description='Words are all required; "a phrase" must appear as written; -word leaves out what '
                    "contains it. Chinese and Japanese are found by characters and pairs of characters.")
    search.add_argument("query", nargs="*", help='words, "phrases" and -exclusions')
    search.add_argument("--kind", choices=KINDS, help="only this kind of record")
    search.add_argument("--session", type=int, metavar="N", help="only papers and decisions of session N (e.g. 316)")
    search.add_argument("--section", metavar="S", help="only papers and decisions of section S (INS, POL, LILS, PFA)")
    search.add_argument("--status", metavar="S", help="only records with this status (e.g. draft, issued, adopted)")
    search.add_argument("--since", metavar="YYYY-MM-DD", help="only records dated on or after this day")
    search.add_argument("--until", metavar="YYYY-MM-DD", help="only records dated on or before this day")
    search.add_argument("--any-version", action="store_true",
                        help="search every version, not only the current text; say where the text appeared and went")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--rebuild", action="store_true", help="rebuild the search index from every version first")
    search.set_defaults(handler=run_search)


def run_search(args) -> int:
    text = " ".join(args.query).strip()
    if not text and not args.rebuild:
        raise ValidationError('give words to search for, e.g. search 指标 or search "approve indicator"',
                              field="query")
    if not 1 <= args.limit <= 500:
        raise ValidationError("must be between 1 and 500", field="--limit")
    with services_for(args, acting=args.rebuild) as services:
        search = services.search
        if args.rebuild:
            count = services.rebuild_search()
            print(f"search index rebuilt from {count} version(s)", file=sys.stderr)
            if not text:
                return 0
        results = search.search(text, kind=args.kind or "", session=args.session, section=args.section or "",
                                status=args.status or "", since=args.since or "", until=args.until or "",
                                any_version=args.any_version, limit=args.limit)
        search.close()
    if args.json:
        print_json({"query": text, "any_version": args.any_version, "count": len(results),
                    "ranked_all": results.ranked_all, "results": [r.to_json() for r in results]})
        return 0
    if not results:
        print("nothing found" + ("" if args.any_version else " in the current text (try --any-version)"))
        return 0
    for result in results:
        print(describe(result))
    if not results.ranked_all:
        print(NOT_ALL_RANKED, file=sys.stderr)
    return 0


def describe(result: "SearchResult") -> str:
    """Three lines a person reads: what and which version, where it matched, and its history."""
    state = "current" if result.current else f"not current (latest v{result.latest_version})"
    lines = [f"{result.kind} {result.record_id} v{result.version} ({state}) — {result.title}".replace("\n", " ")]
    if result.snippet:
        lines.append(f"  {result.snippet.where}: {result.snippet.marked()}")
    lines += [f"  {appearance}" for appearance in result.appearances]
    return "\n".join(lines)
