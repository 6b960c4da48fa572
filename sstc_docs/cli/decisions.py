"""Decision commands: moves through the lifecycle that set something in motion.

`put` saves what a record says; `decision move` records what the Governing Body did with a
decision point — and, on adoption, brings the indicator revisions it authorises into force, as
the Decisions page does, through the same service.
"""

from __future__ import annotations

from ..domain.lifecycle import STATUS_NAMES, TRANSITIONS
from ..errors import ValidationError
from .common import read_json, services_for


def register(commands) -> None:
    decision = commands.add_parser("decision", help="move a decision point through its lifecycle")
    actions = decision.add_subparsers(dest="action", required=True, metavar="ACTION")
    move = actions.add_parser("move", help="draft → in review → submitted → adopted / adopted as amended / "
                                           "deferred / withdrawn")
    move.add_argument("id", help="decision id, e.g. GB.316/POL/5:D1")
    move.add_argument("--to", required=True, choices=tuple(TRANSITIONS), metavar="STATUS",
                      help="one of " + ", ".join(TRANSITIONS))
    move.add_argument("--on", metavar="YYYY-MM-DD", help="the day the Governing Body adopted it (for adopted)")
    move.add_argument("--amendment", default="", help="what the amendment was (for adopted_as_amended)")
    move.add_argument("--adopted-text", metavar="FILE|-",
                      help='JSON {"text": …, "parts": […]}: the text as amended and adopted (for adopted_as_amended)')
    move.add_argument("--deferred-to", type=int, metavar="SESSION", help="the session it is deferred to (for deferred)")
    move.add_argument("--record", default="", help="the record of decision, if not the one drafted from the text")
    move.add_argument("--outside-session-reason", default="", metavar="TEXT",
                      help="why the adoption date is outside the dates of the session (needed only then)")
    move.add_argument("--version", type=int, help="the version you are moving (default: the latest)")
    move.add_argument("--why", required=True, help="the reason for the change (kept in the history)")
    move.set_defaults(handler=run_move)


def run_move(args) -> int:
    adopted_text = None
    if args.adopted_text:
        adopted_text = read_json(args.adopted_text)
        if not isinstance(adopted_text, dict):
            raise ValidationError('the adopted text must be a JSON object {"text": …, "parts": […]}',
                                  field="adopted_text")
    with services_for(args, acting=True) as services:
        current = services.records.get("decision", args.id, args.version)
        saved = services.decisions.move(current.id, args.to, why=args.why,
                                        base_version=current.version, adopted_on=args.on or "",
                                        amendment=args.amendment, adopted_text=adopted_text,
                                        deferred_to=args.deferred_to, record=args.record,
                                        outside_session_reason=args.outside_session_reason)
        settled = [ind["id"] for ind, rev in services.frameworks.revisions_by_decision(saved.id)
                   if rev["status"] != "proposed"] if args.to in ("adopted", "adopted_as_amended", "withdrawn") else []
    print(f"{saved.id} is now {STATUS_NAMES[args.to].lower()} (version {saved.version})"
          + (f"; revisions settled on {', '.join(sorted(set(settled)))}" if settled else ""))
    return 0
