"""Who may do what: the one table of rights, and which right a change needs.

Pure, like the rest of the domain. The services ask ``change_actions`` which actions a save or a
deletion is, then ``require`` that the acting account holds, for each, one of the roles the table gives it;
the app and the CLI only hide or refuse earlier what the services would refuse anyway, so a new
writer added later meets the same rules by going through the services.

A person may hold several roles; no role includes another (an administrator who also drafts
holds both roles), so the table reads exactly as it is enforced.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SstcError
from . import lifecycle
from .rules import MOVE_COMMAND

ROLES = ("reader", "drafter", "reviewer", "approver", "administrator")
ROLE_NAMES = {"reader": "Reader", "drafter": "Drafter", "reviewer": "Reviewer", "approver": "Approver",
              "administrator": "Administrator"}

DRAFT, REVIEW, SUBMIT, RECORD, ACCOUNTS, RESTORE, REPAIR = (
    "draft", "review", "submit", "record decision", "manage accounts", "restore", "repair")

#: action → (the roles that may do it, what it is, said after "may not …").
RIGHTS: dict[str, tuple[tuple[str, ...], str]] = {
    DRAFT: (("drafter",), "draft papers, decision points in draft, strategies, proposed indicators, evidence "
                          "and sessions (their dates and agenda)"),
    REVIEW: (("reviewer",), "move a paper or a decision point to or from review"),
    SUBMIT: (("approver",), "submit a decision point to the Governing Body or issue a paper"),
    RECORD: (("approver",), "record what the Governing Body decided (adopted, adopted as amended, deferred, "
                            "withdrawn, and the outcome of the discussion of an agenda item)"),
    ACCOUNTS: (("administrator",), "manage accounts, roles, passwords and tokens"),
    RESTORE: (("administrator",), "restore a backup"),
    REPAIR: (("administrator",), "repair the database's caches (verify --repair) or rebuild the search index"),
}
ACTIONS = tuple(RIGHTS)

#: The command AccountService alone passes for what signing in itself records — a failed
#: attempt counted towards the lockout, the account of a person seen for the first time (the
#: operating system's user in local mode, a provider's user in oidc mode): allowed to whoever is
#: acting, because the service has established who that is.
SIGN_IN_COMMAND = "sign-in"


class Forbidden(SstcError):
    """The acting account does not hold a role the action needs; nothing was written."""


@dataclass(frozen=True)
class Actor:
    """The account acting: every version it records is authored by ``label``."""

    login: str
    name: str
    roles: frozenset[str]

    @property
    def label(self) -> str:
        """How history, the overview, the redline and the .docx properties name the author."""
        return f"{self.name} ({self.login})" if self.name and self.name != self.login else self.login

    def may(self, action: str) -> bool:
        return bool(self.roles & set(RIGHTS[action][0]))


#: Who acts for the program itself: recording a failed sign-in, creating the first local account.
SYSTEM = Actor("sstc-docs", "sstc-docs", frozenset())


def refusal(actor: Actor | None, action: str) -> str:
    """The sentence that says who may not do what, which role it needs, and what to do."""
    roles, what = RIGHTS[action]
    needed = " or ".join(ROLE_NAMES[r].lower() for r in roles)
    if actor is None:
        return f"Sign in first: to {what} needs the {needed} role."
    return (f"{actor.label} may not {what}: that needs the {needed} role. "
            "Ask an administrator to give you that role, or ask someone who holds it.")


def require(actor: Actor | None, *actions: str) -> None:
    """Refuse (Forbidden, naming the first right missing) unless ``actor`` may do every action."""
    for action in actions:
        if actor is None or not actor.may(action):
            raise Forbidden(refusal(actor, action))


def _status_action(old: str | None, new: str) -> str | None:
    """The action a status move needs (papers and decision points share their review step)."""
    if old == new:
        return None
    if "in_review" in (old, new) and new in ("draft", "in_review"):
        return REVIEW
    if new in ("submitted", "issued"):
        return SUBMIT
    if new in lifecycle.WITH_CONSEQUENCES or new in lifecycle.PAPER_OUTCOMES:
        return RECORD  # a paper decided, deferred or withdrawn follows its decision points' move
    return None


def _outcomes(session: dict | None) -> dict:
    """Each agenda item's outcome of the discussion, by section and item (the empty ones left out)."""
    return {(section.get("code"), item.get("number"), item.get("sub_item")): item.get("outcome", "")
            for section in (session or {}).get("sections", []) for item in section.get("items", [])
            if item.get("outcome")}


def _without_outcomes(session: dict | None) -> dict:
    return {**(session or {}), "sections": [
        {**section, "items": [{k: v for k, v in item.items() if k != "outcome"} for item in section.get("items", [])]}
        for section in (session or {}).get("sections", [])]}


#: What moves along with a status and needs no drafting right of its own: an issued paper's date.
_MOVES_WITH_STATUS = ("status", "date")


def change_actions(kind: str, old: dict | None, new: dict | None, command: str | None) -> tuple[str, ...]:
    """Every action saving ``new`` over ``old`` is (``new`` None: a deletion); empty when anyone
    acting may do it (the bookkeeping of SIGN_IN_COMMAND). One save can be two actions — an
    approver's recorded outcome beside a changed agenda, a status move beside new text — and then
    needs both rights: a save is never let through by the one right it happens to need."""
    if kind in ("account", "credentials"):
        return () if command == SIGN_IN_COMMAND else (ACCOUNTS,)
    if kind == "indicator" and command == MOVE_COMMAND:
        return (RECORD,)  # revisions brought into force or lapsed by a decision's adoption or withdrawal
    if kind == "session" and new is not None:
        recorded = (RECORD,) if _outcomes(new) != _outcomes(old) else ()   # what the Governing Body concluded
        planned = old is None or _without_outcomes(new) != _without_outcomes(old)
        return (DRAFT, *recorded) if planned or not recorded else recorded
    if new is not None and kind in ("paper", "decision"):
        moved = _status_action(old.get("status") if old else "draft", new.get("status", "draft"))
        if moved and command == MOVE_COMMAND:
            return (moved,)   # the command's own consequences (an amended text, an adoption date) come with it
        if moved:
            same = {k: v for k, v in (old or {}).items() if k not in _MOVES_WITH_STATUS} == \
                {k: v for k, v in new.items() if k not in _MOVES_WITH_STATUS}
            return (moved,) if same else (DRAFT, moved)
    return (DRAFT,)
