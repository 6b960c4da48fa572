"""Small pieces every page shares: the services, who is working, drafts that survive a page switch,
problems shown beside their fields, the reason box, and the conflict panel.

Widget state in Streamlit is deleted when a page no longer renders the widget, so every editable
value is bound to a plain dict the page keeps in ``st.session_state`` (a *draft*); widgets are
re-created from it when the user comes back (see ``bound``).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import logging
import re
from typing import Any, Callable

import streamlit as st

from ..errors import ConflictError, Problem, SstcError, StoreError, ValidationError
from .state import current_user, get_services

NAME_KEY = "user_name"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_LOG = logging.getLogger("sstc_docs.ui")


# -- user text shown as text ---------------------------------------------------------------------
# Streamlit reads Markdown (and its own directives, LaTeX, icons, emoji) in st.markdown, captions,
# alerts, headings and every widget, expander or tab label. Text people typed must show as they
# typed it and never make the browser fetch anything, so every such place passes it through
# ``literal`` (or ``literal_html`` inside HTML the app builds itself, as the diff view does).

_LINE_BREAK = re.compile(r"\r\n|\r|\n")     # CommonMark's line endings, and nothing else
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>&~$:|@#])")
_LINE_START = re.compile(r"^(?:\d+(?=[.)])|(?=[+=-]))")   # before "1." "-" "+" "=": lists, setext headings
# Streamlit and GFM rewrite these in the text itself, after Markdown escapes are resolved, so a
# backslash cannot stop them; an invisible word joiner inside breaks the pattern instead.
_WORD_JOINER = "\u2060"
_REWRITTEN = re.compile(
    r"(?i)(?<=:)(?=[\w+-]+:|material/)"      # :smile:, :material_home:, :streamlit: (and :material/…:,
                                             # rewritten even before parsing) as emoji, icons, logo
    r"|(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)"      # bare web and e-mail addresses made links
    r"|(?<=(?<!\S)<)(?=->(?!\S)|[-=](?!\S))|(?<=(?<!\S)-)(?=[>-](?!\S))|(?<=(?<!\S)[>~])(?==(?!\S))")
#      " <-> ", " <- ", " <= ", " -> ", " -- ", " >= ", " ~= " made arrows, dashes and signs


def literal(text: Any) -> str:
    """Markdown that Streamlit displays as exactly ``text``: no emphasis, links, images, HTML,
    LaTeX, colours or icons from what a user typed. Line breaks stay line breaks. Select box and
    multiselect options are plain text already and need none of it. In a template, follow it with
    markup or a space, never ":" — "…:ok" then ":" would read as the emoji shortcode :ok:."""
    lines = _LINE_BREAK.split(_REWRITTEN.sub(_WORD_JOINER, "" if text is None else str(text)))
    # Blanks around a line are dropped (HTML collapses them anyway): leading ones would make indented
    # code, and none may sit inside the ** or _ a caller wraps the text in.
    return "  \n".join(_LINE_START.sub(r"\g<0>\\", _MARKDOWN_PUNCTUATION.sub(r"\\\1", line.strip(" \t")))
                       for line in lines)


def literal_html(text: Any) -> str:
    """``text`` as HTML text for an HTML block in st.markdown: escaped, every line ending
    (\\r\\n, \\r, \\n) a <br> so no blank line can end the block early, and ``:`` and ``$`` as
    entities so Streamlit's icon and LaTeX passes, which read the raw source, find nothing."""
    escaped = html.escape("" if text is None else str(text), quote=True)
    return _LINE_BREAK.sub("<br>", escaped).replace(":", "&#58;").replace("$", "&#36;")


# -- services and the person at the keyboard ----------------------------------------------------
def page(title: str):
    """The start of every page: its title, the services, and any message left by the last save."""
    st.title(title)
    opened = services()
    show_flash()
    return opened


def services():
    """The shared services, or a clear message (never a traceback) when the database cannot be opened."""
    try:
        return get_services()
    except StoreError as error:
        st.error(f"The database cannot be opened: {literal(error)}")
        st.stop()
    except SstcError as error:
        st.error(literal(error))
        st.stop()


def sidebar_user() -> str:
    """The "Your name" box in the sidebar; its key keeps the value across pages."""
    with st.sidebar:
        st.text_input("Your name", key=NAME_KEY, placeholder="e.g. Ana Lopez",
                      help="Kept with every change you save, in the history.")
        if not current_user():
            st.caption("Enter your name before saving any change.")
    return current_user()


def run_page(navigation) -> None:
    """Run the chosen page; whatever goes wrong, the user reads a sentence, never a traceback."""
    try:
        navigation.run()
    except SstcError as error:
        st.error(literal(error))
    except Exception:  # noqa: BLE001 - the details go to the server log, not to the user
        _LOG.exception("page %s failed", getattr(navigation, "title", "?"))
        st.error("Something went wrong on this page and it stopped. What you typed is kept; reload the page "
                 "to continue. If you were saving, check the History page to see whether the change was "
                 "recorded. The details are in the server log.")


def require_user() -> str | None:
    """The current user's name, or an error telling them where to enter it."""
    name = current_user()
    if not name:
        st.error("Enter your name in the sidebar (Your name) first: every change is saved with who made it. "
                 "Nothing was saved.")
        return None
    return name


def require_reason(why: str) -> str | None:
    why = (why or "").strip()
    if not why:
        st.error("Give the reason for this change (it is kept in the history). Nothing was saved.")
        return None
    return why


def flash(message: str, kind: str = "success") -> None:
    """A message shown once, on the next run (after ``st.rerun``), as text: it quotes what was saved."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(literal(message))


def guarded(action: Callable[[], Any], *, what: str = "") -> tuple[bool, Any]:
    """Run a service call; an SstcError becomes an st.error with its message, never a traceback."""
    try:
        return True, action()
    except SstcError as error:
        st.error(literal(f"{what}{error}"))
        return False, None


def load(action: Callable[[], Any], default: Any = None) -> Any:
    """A read that should not fail; if it does, say so and carry on with ``default``."""
    ok, result = guarded(action)
    return result if ok else default


# -- drafts: typed values that outlive the widget -----------------------------------------------
def drafts() -> dict:
    return st.session_state.setdefault("_drafts", {})


_VALUE_WIDGETS = {"text_input", "text_area", "number_input"}


def bound(widget: Callable, label: str, key: str, holder: dict, field: str, default: Any = "",
          *, options: list | None = None, **kwargs) -> Any:
    """Render ``widget`` with a stable key, initialised from ``holder[field]`` and written back to it.

    ``holder`` lives in session state, so the value survives a page switch even though Streamlit
    drops the widget's own state when the page is not rendered.
    """
    value = holder.get(field, default)
    if value is None:
        value = default
    if options is not None:
        if value not in options:
            value = options[0] if options else None
        if key in st.session_state and st.session_state[key] not in options:
            del st.session_state[key]
        kwargs["options"] = options
    if key not in st.session_state:
        st.session_state[key] = value
    if getattr(widget, "__name__", "") in _VALUE_WIDGETS:
        # Session state decides the value; the default is for the browser. When tabs above change,
        # the browser remounts these inputs and falls back to their default: make that the draft's
        # value, not "" or the minimum, or a save would carry emptied fields.
        kwargs["value"] = value
    holder[field] = widget(label, key=key, **kwargs)
    return holder[field]


def kept(widget: Callable, label: str, key: str, default: Any = "", **kwargs) -> Any:
    """A widget whose value is kept in a page-independent store under its own key."""
    return bound(widget, label, key, st.session_state.setdefault("_kept", {}), key, default, **kwargs)


def preset(key: str, value: Any) -> None:
    """Set what a ``kept`` widget shows on the next run (e.g. a link from another part of the page)."""
    st.session_state.setdefault("_kept", {})[key] = value
    st.session_state.pop(key, None)


def forget_keys(prefix: str) -> None:
    """Drop widget and kept values whose keys start with ``prefix`` (after a successful save)."""
    store = st.session_state.setdefault("_kept", {})
    for key in [k for k in store if k.startswith(prefix)]:
        del store[key]
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def forget_form(key: str) -> None:
    """After a successful save: drop the form's values (``key:…``), its problems and its conflict."""
    forget_keys(key + ":")
    for suffix in (":problems", ":conflict"):
        st.session_state.pop(key + suffix, None)


def drop_draft(key: str) -> None:
    """Forget a draft kept under ``key`` and everything its form holds."""
    drafts().pop(key, None)
    forget_form(key)


def save_or_explain(action: Callable[[], Any], key: str, *,
                    on_conflict: Callable[[ConflictError], None] | None = None) -> Any:
    """Run a save for the form ``key``; on success return what it saved.

    Validation problems are kept under ``key:problems`` (shown beside the fields) and the page reruns;
    a conflict (someone saved first) goes to ``on_conflict`` and the page reruns; any other refusal
    is shown in plain words and ``None`` is returned. Without ``on_conflict`` a conflict is such a refusal.
    """
    try:
        return action()
    except ConflictError as error:
        if on_conflict is None:
            st.error(literal(error))
            return None
        st.session_state.pop(key + ":problems", None)
        on_conflict(error)
        st.rerun()
    except ValidationError as error:
        st.session_state[key + ":problems"] = error.problems
        st.rerun()
    except SstcError as error:
        st.error(literal(error))
        return None


def reason_box(key: str, label: str = "Reason for this change", *, help: str | None = None) -> str:
    return kept(st.text_input, label, key, "",
                placeholder="Why? e.g. 'Clarify paragraph 2 after the PARDEV review'",
                help=help or "Required. It is kept in the history with your name and the time.")


# -- validation problems beside their fields ----------------------------------------------------
def problems_for(problems: list[Problem] | None, *fields: str, exact: bool = False) -> list[str]:
    found = []
    for problem in problems or []:
        for name in fields:
            if problem.field == name or (not exact and (problem.field.startswith(name + ".")
                                                        or problem.field.startswith(name + "["))):
                found.append(problem.message)
                break
    return found


def field_problems(problems: list[Problem] | None, *fields: str, exact: bool = False) -> None:
    """Show, right under a field, the problems that concern it, in plain words."""
    for message in problems_for(problems, *fields, exact=exact):
        st.error(literal(message[:1].upper() + message[1:]), icon=":material/error:")


def problems_summary(problems: list[Problem] | None, shown: set[str] | None = None) -> None:
    """A banner saying nothing was saved; problems with no field on screen are listed in it."""
    if not problems:
        return
    leftovers = [p for p in problems if shown is None or not any(
        p.field == s or p.field.startswith(s + ".") or p.field.startswith(s + "[") for s in shown)]
    text = f"Not saved: {len(problems)} problem(s) to fix" + (", shown next to the fields." if
                                                               len(leftovers) < len(problems) else ".")
    if leftovers:
        text += "\n" + "\n".join(f"- {literal(field_name(p.field))}: {literal(p.message)}" if p.field else
                                 f"- {literal(p.message)}" for p in leftovers)
    st.error(text)


def field_name(path: str) -> str:
    return path.replace("_", " ").replace(".", " › ")


# -- time and values ----------------------------------------------------------------------------
def when(stamp: str | None) -> str:
    """'2024-05-01T12:03:04.000000Z' → '2024-05-01 12:03 UTC'."""
    if not stamp:
        return ""
    try:
        moment = dt.datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(stamp)


def show_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"body[1].text": …, "front_matter.purpose": …}: every leaf with its field path."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out or {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def changed_fields(old: dict | None, new: dict | None) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every leaf that differs, in the new record's order."""
    a, b = flatten(old or {}), flatten(new or {})
    keys = list(b) + [k for k in a if k not in b]
    return [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def merge_onto(base: Any, mine: Any, theirs: Any) -> Any:
    """Re-apply my changes (base → mine) on top of theirs; where both changed the same thing, mine wins."""
    if mine == base:
        return copy.deepcopy(theirs)
    if theirs == base:
        return copy.deepcopy(mine)
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        result = {}
        for key in list(theirs) + [k for k in mine if k not in theirs]:
            if key in mine and key in theirs:
                result[key] = merge_onto(base.get(key), mine[key], theirs[key])
            elif key in theirs and key not in mine and key in base:
                continue  # I removed it
            else:
                result[key] = copy.deepcopy(mine.get(key, theirs.get(key)))
        return result
    if (isinstance(base, list) and isinstance(mine, list) and isinstance(theirs, list)
            and len(base) == len(mine) == len(theirs)):
        return [merge_onto(b, m, t) for b, m, t in zip(base, mine, theirs)]
    return copy.deepcopy(mine)


# -- the conflict panel -------------------------------------------------------------------------
def remember_conflict(key: str, error: ConflictError, *, mine: dict, base: dict | None, why: str,
                      **extra: Any) -> None:
    current = error.current
    st.session_state[key] = {
        "version": getattr(current, "version", None), "author": getattr(current, "author", ""),
        "why": getattr(current, "why", ""), "recorded_at": getattr(current, "recorded_at", ""),
        "theirs": copy.deepcopy(getattr(current, "data", {}) or {}), "mine": copy.deepcopy(mine),
        "base": copy.deepcopy(base), "my_why": why, **extra}


def conflict_panel(key: str, *, labels: Callable[[str], str] | None = None,
                   actions: tuple[str, ...] = ("reapply", "rebase", "discard")) -> str | None:
    """Show someone else's newer version beside mine; return the action the user chose, if any.

    Actions: "reapply" (save my changes on top of theirs), "rebase" (keep editing on top of theirs),
    "discard" (drop mine, load theirs). Nothing typed is lost until the user picks "discard".
    """
    conflict = st.session_state.get(key)
    if not conflict:
        return None
    labels = labels or field_name
    with st.container(border=True):
        st.warning(f"**Not saved — someone else saved first.** {literal(conflict['author'])} saved version "
                   f"{conflict['version']} at {when(conflict['recorded_at'])} while you were editing. "
                   f"Their reason: “{literal(conflict['why'])}”. Your text is kept below; nothing you typed is "
                   "lost.")
        rows = changed_fields(conflict["theirs"], conflict["mine"])
        base = flatten(conflict.get("base") or {})
        theirs, mine = flatten(conflict["theirs"]), flatten(conflict["mine"])
        if not rows:
            st.info("Their version and yours are the same; you can simply reload theirs.")
        for path, their_value, my_value in rows:
            who = []
            if base and theirs.get(path) != base.get(path):
                who.append("changed by them")
            if base and mine.get(path) != base.get(path):
                who.append("changed by you")
            st.markdown(f"**{literal(labels(path))}**" + (f" · _{' and '.join(who)}_" if who else ""))
            left, right = st.columns(2)
            left.caption(f"Their version (v{conflict['version']}, {literal(conflict['author'])})")
            left.text(show_value(their_value))
            right.caption("Your version (not saved)")
            right.text(show_value(my_value))
        chosen = None
        buttons = st.container(horizontal=True)
        names = {"reapply": f"Re-apply my changes on top of version {conflict['version']}",
                 "rebase": f"Keep editing on top of version {conflict['version']}",
                 "discard": "Discard my changes, load their version"}
        for action in actions:
            if buttons.button(names[action], key=f"{key}:{action}", type="primary" if action == "reapply" else "secondary"):
                chosen = action
        st.caption("Re-applying keeps their changes where you did not touch the same text; where you both "
                   "changed the same field, yours is saved (theirs stays in the history).")
    return chosen


# -- versions -----------------------------------------------------------------------------------
def version_label(version: Any) -> str:
    return (f"v{version.version} · {when(version.recorded_at)} · {version.author} — {version.why}"
            + (" (deleted)" if getattr(version, "deleted", False) else ""))


def version_picker(label: str, versions: list, key: str) -> Any:
    """A select box over a record's versions, newest first; returns the chosen Version.

    The key carries the latest version number, so a new version is preselected once it exists.
    """
    if not versions:
        st.info("No versions yet.")
        return None
    by_number = {v.version: v for v in versions}
    numbers = sorted(by_number, reverse=True)
    chosen = kept(st.selectbox, label, f"{key}:{numbers[0]}", numbers[0], options=numbers,
                  format_func=lambda n: version_label(by_number[n]))
    return by_number.get(chosen)


def version_table(versions: list) -> list[dict]:
    """Each version with its facts; the fingerprint (the start of its hash) lets anyone compare it
    with `history --json`, an exported file's properties or `verify`."""
    return [{"Version": v.version, "Recorded (UTC)": when(v.recorded_at), "In force from": v.effective_from or "",
             "Back-dated": "yes" if v.effective_from and v.effective_from < v.recorded_at[:10] else "",
             "Author": v.author, "Reason": v.why, "Based on": v.based_on,
             "Deleted": "yes" if v.deleted else "", "Fingerprint": (v.hash or "")[:16]}
            for v in sorted(versions, key=lambda v: -v.version)]


DATE_LIMITS = {"format": "YYYY-MM-DD", "min_value": dt.date(1919, 1, 1), "max_value": dt.date(2100, 12, 31)}


def date_box(container, label: str, key: str, default: dt.date | None = None, **kwargs) -> dt.date | None:
    """A kept date input (YYYY-MM-DD, 1919–2100), today unless told otherwise."""
    return kept(container.date_input, label, key, default or dt.date.today(), **DATE_LIMITS, **kwargs)


def as_at_picker(label: str, key: str, note: str, what: str) -> dt.date | None:
    """“As it stood on” a date: the date box (empty at first, so nothing is built until a date is
    picked) with a note beside it; None, saying what to do, while it is empty."""
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    day = kept(left.date_input, label, key, None, **DATE_LIMITS)
    right.caption(note)
    if not day:
        empty_state(f"Pick a date to see {what} as it stood then.")
        return None
    return day


def docx_button(label: str, make: Callable[[], bytes], *, file_name: str, key: str, container=st) -> None:
    """A .docx download built only when clicked (``make`` runs then; the page does not rerun)."""
    container.download_button(label, data=make, file_name=file_name, mime=DOCX_MIME, on_click="ignore", key=key,
                              type="primary", icon=":material/download:")


def lazy_expander(label: str, key: str, **kwargs):
    """An expander whose body is only built while it is open (check ``.open``): nothing hidden is
    computed or sent to the browser."""
    return st.expander(label, key=key, on_change="rerun", **kwargs)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/info:")


