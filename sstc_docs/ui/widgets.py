"""Small pieces every page shares: the services (acting as the signed-in account), who is working,
what they may do, drafts that survive a page switch, a reload and a server restart, problems shown
beside their fields, the reason box, and the conflict panel.

Widget state in Streamlit is deleted when a page no longer renders the widget, so every editable
value is bound to a plain dict the page keeps in ``st.session_state`` (a *draft*); widgets are
re-created from it when the user comes back (see ``bound``). The drafts are also kept on the server
for the person (``keep_drafts``, after every run; ``restore_drafts``, when a session starts), so a
reload, a closed tab or another device finds them again until they are saved or discarded.
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

from ..domain import rights
from ..domain.rights import ROLE_NAMES, Actor
from ..diff.merge import FieldConflict, merge3, merge_values
from ..domain.labels import label
from ..errors import ConflictError, Problem, SstcError, StoreError, ValidationError
from ..services.accounts import auth_mode
from . import keystrokes, signin
from .state import current_user, get_services

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
    with st.container():   # one place whether or not there is a message: what follows does not move
        show_flash()
    return opened


def services():
    """The shared services acting as the signed-in account, or a clear message (never a traceback)
    when the database cannot be opened."""
    try:
        return get_services().acting_as(current_user())
    except StoreError as error:
        st.error(f"The database cannot be opened: {literal(error)}")
        st.stop()
    except SstcError as error:
        st.error(literal(error))
        st.stop()


def sidebar_user() -> Actor:
    """Establish who is signed in (the sign-in page until someone is), and say so in the sidebar
    with their roles and the way to sign out."""
    try:
        actor = signin.establish()
    except SstcError as error:
        st.error(literal(error))
        st.stop()
    mode = auth_mode()
    with st.sidebar:
        st.markdown(f"Signed in as **{literal(actor.label)}**")
        st.caption("Roles: " + (", ".join(ROLE_NAMES[r] for r in sorted(actor.roles)) or "none"))
        if mode == "accounts" and st.button("Sign out", key="signout"):
            signin.sign_out()
        elif mode == "oidc":
            st.button("Sign out", key="signout", on_click=st.logout)
        elif mode == "local":
            st.caption("Local mode: you are this computer's user. To let colleagues in, see the README.")
        keystrokes.send_typing_pauses()
    return actor


def may(action: str) -> bool:
    """Whether the signed-in account may do ``action`` (domain/rights.py): pages hide what it may not."""
    actor = current_user()
    return actor is not None and actor.may(action)


def drafting() -> bool:
    """Whether the signed-in account may draft; if not, say so (with the role it needs) where the
    form would be, for the page to leave the form out."""
    if may(rights.DRAFT):
        return True
    why_not(rights.DRAFT)
    return False


def why_not(action: str) -> None:
    """Say, where a hidden control would be, why it is not there and what to do."""
    st.caption(literal(rights.refusal(current_user(), action)))


def run_page(navigation) -> None:
    """Run the chosen page; whatever goes wrong, the user reads a sentence, never a traceback.
    The person's drafts come back from the server first and go back to it after the page, however
    the page ended (a rerun or a stop ends it with an exception too)."""
    restore_drafts()
    try:
        navigation.run()
    except SstcError as error:
        st.error(literal(error))
    except Exception:  # noqa: BLE001 - the details go to the server log, not to the user
        _LOG.exception("page %s failed", getattr(navigation, "title", "?"))
        st.error("Something went wrong on this page and it stopped. What you typed is kept; reload the page "
                 "to continue. If you were saving, check the History page to see whether the change was "
                 "recorded. The details are in the server log.")
    finally:
        keep_drafts()


def drafts_owner() -> str:
    """Whose drafts these are: the signed-in account's login ("" while nobody is signed in)."""
    actor = current_user()
    return actor.login if actor is not None else ""


def require_user() -> Actor | None:
    """The signed-in account, or an error saying to sign in (every change is saved with who made it)."""
    actor = current_user()
    if actor is None:
        st.error("Sign in first: every change is saved with the account that made it. Nothing was saved.")
        return None
    return actor


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
    """The page drafts of this session, by key (``paper:<id>``, ``decision:<id>`` …)."""
    return st.session_state.setdefault("_drafts", {})


_VALUE_WIDGETS = {"text_input", "text_area", "number_input", "checkbox", "toggle"}
_KEPT = "_kept"            # values of ``kept`` widgets, by widget key
_ON_SERVER = "_drafts_on_server"   # what the server holds for this session's person: key → JSON


def _absorb(key: str, holder: dict, field: str, then: Callable | None, args: tuple, kwargs: dict) -> None:
    """A widget's on_change: the new value goes into its holder before the page runs, so a page
    that looks at its draft first (e.g. "anything unsaved?") sees the keystrokes just sent."""
    holder[field] = st.session_state.get(key)
    if then:
        then(*args, **kwargs)


def bound(widget: Callable, label: str, key: str, holder: dict, field: str, default: Any = "",
          *, options: list | None = None, **kwargs) -> Any:
    """Render ``widget`` with a stable key, initialised from ``holder[field]`` and written back to it.

    ``holder`` lives in session state (and so on the server, see ``keep_drafts``), so the value
    survives a page switch even though Streamlit drops the widget's own state when the page is not
    rendered. When the page changed the holder itself (a merge), the widget shows the new value.
    """
    value = holder.get(field, default)
    if value is None:
        value = default
    if options is not None:
        def allowed(v: Any) -> bool:   # a multiselect's list, or one option (None if the box may be empty)
            if isinstance(v, list):
                return all(item in options for item in v)
            return v in options or (v is None and kwargs.get("index", 0) is None)
        if isinstance(value, list):
            value = [item for item in value if item in options]
        elif not allowed(value):
            value = options[0] if options else None
        if key in st.session_state and not allowed(st.session_state[key]):
            del st.session_state[key]
        kwargs["options"] = options
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value
    if getattr(widget, "__name__", "") in _VALUE_WIDGETS:
        # Session state decides the value; the default is for the browser. When tabs above change,
        # the browser remounts these inputs and falls back to their default: make that the draft's
        # value, not "" or the minimum, or a save would carry emptied fields.
        kwargs["value"] = value
    kwargs["args"] = (key, holder, field, kwargs.pop("on_change", None), kwargs.pop("args", ()),
                      kwargs.pop("kwargs", {}))
    kwargs["on_change"] = _absorb
    holder[field] = widget(label, key=key, **kwargs)
    return holder[field]


def restore_drafts() -> None:
    """When a session starts (or the person at the keyboard changes): bring back what they were
    typing, from the server. The server's copy wins, except over a page draft this session has
    unsaved changes in (typed before the name was known)."""
    owner = drafts_owner()
    if not owner or st.session_state.get("_drafts_owner") == owner:
        return
    try:
        stored = get_services().drafts.all(owner)
    except SstcError as error:
        st.warning(f"Your unsaved drafts could not be read from the server: {literal(error)}")
        return
    mine = drafts()
    for key, value in sorted(stored.items(), key=lambda item: _VERSIONED_KEY.search(item[0]) is not None):
        if key == _KEPT:
            st.session_state.setdefault(_KEPT, {}).update(value)
            continue
        if _VERSIONED_KEY.search(key) and isinstance(value, dict):   # kept before drafts were keyed by record
            key = value["key"] = _VERSIONED_KEY.sub("", key)
        if not (mine.get(key) or {}).get("unsaved"):
            mine[key] = value
    st.session_state["_drafts_owner"] = owner
    st.session_state[_ON_SERVER] = {key: _as_json(value) for key, value in stored.items()}


#: The version that ended a draft's key (``paper:<id>:v<version>``) before drafts were keyed by
#: record: such a draft, kept on the server by an earlier release, comes back under its record's key.
_VERSIONED_KEY = re.compile(r":v\d+$")


def _as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _typed_now() -> dict[str, Any]:
    """What this session would keep on the server: every page draft with something unsaved in it
    (a page marks one it knows to hold nothing new with ``"unsaved": False``), and the text typed
    into ``kept`` boxes (searches, reasons, new records) under one key."""
    now: dict[str, Any] = {key: value for key, value in drafts().items()
                           if isinstance(value, dict) and value.get("unsaved", True)}
    texts = {k: v for k, v in st.session_state.get(_KEPT, {}).items() if isinstance(v, str) and v}
    if texts:
        now[_KEPT] = texts
    return now


def keep_drafts() -> None:
    """After every run: write to the server the drafts that changed, drop those saved or discarded.
    Only keys this session has seen are dropped, so another tab's drafts are left alone."""
    owner = drafts_owner()
    if not owner or st.session_state.get("_drafts_owner") != owner:
        return
    on_server = st.session_state.setdefault(_ON_SERVER, {})
    now = {key: _as_json(value) for key, value in _typed_now().items()}
    try:
        service = get_services().drafts
        for key, text in now.items():
            if on_server.get(key) != text:
                service.keep(owner, key, json.loads(text))
                on_server[key] = text
        for key in [k for k in on_server if k not in now]:
            service.drop(owner, key)
            del on_server[key]
    except SstcError as error:
        _LOG.warning("drafts of %s not kept: %s", owner, error)
        st.warning(f"What you typed could not be kept on the server ({literal(error)}); it is still in this "
                   "tab — save it, or keep the tab open.")


def kept(widget: Callable, label: str, key: str, default: Any = "", **kwargs) -> Any:
    """A widget whose value is kept in a page-independent store under its own key."""
    return bound(widget, label, key, st.session_state.setdefault(_KEPT, {}), key, default, **kwargs)


def kept_value(key: str, default: Any = None) -> Any:
    """What a ``kept`` widget holds now (before it is drawn on this run)."""
    return st.session_state.get(_KEPT, {}).get(key, default)


def preset(key: str, value: Any) -> None:
    """Set what a ``kept`` widget shows on the next run (e.g. a link from another part of the page)."""
    st.session_state.setdefault(_KEPT, {})[key] = value
    st.session_state.pop(key, None)


def forget_keys(prefix: str) -> None:
    """Drop widget and kept values whose keys start with ``prefix`` (after a successful save)."""
    store = st.session_state.setdefault(_KEPT, {})
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


def set_path(data: Any, path: str, value: Any) -> None:
    """Set the field ``path`` (``body[1].text``, ``front_matter.purpose``) of ``data`` in place."""
    steps = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    for step in steps[:-1]:
        data = data[step]
    data[steps[-1]] = value


def merged_with_choices(conflict: dict) -> tuple[dict, list[FieldConflict]]:
    """Mine and theirs merged (``diff.merge.merge_values``), with the person's choice applied where
    both changed the same words; also the overlaps still without a choice (mine is kept there)."""
    merged, overlaps = merge_values(conflict.get("base"), conflict["mine"], conflict["theirs"])
    choices = conflict.setdefault("choices", {})
    open_ = []
    for overlap in overlaps:
        choice = choices.get(overlap.path)
        if choice == "theirs":
            text_merge = all(isinstance(v, (str, type(None))) for v in (overlap.base, overlap.mine, overlap.theirs))
            set_path(merged, overlap.path, merge3(overlap.base, overlap.theirs, overlap.mine)[0] if text_merge
                     else copy.deepcopy(overlap.theirs))
        elif choice != "mine":
            open_.append(overlap)
    return merged, open_


# -- the conflict panel -------------------------------------------------------------------------
def remember_conflict(key: str, error: ConflictError, *, mine: dict, base: dict | None, why: str,
                      **extra: Any) -> None:
    current = error.current
    remember_newer(key, current, mine=mine, base=base, why=why, **extra)


def remember_newer(key: str, current: Any, *, mine: dict, base: dict | None, why: str, **extra: Any) -> None:
    """Keep, under ``key``, someone else's newer version ``current`` beside my unsaved ``mine``
    (both made on ``base``) until the person chooses what to do (``conflict_panel``)."""
    st.session_state[key] = {
        "version": getattr(current, "version", None), "author": getattr(current, "author", ""),
        "why": getattr(current, "why", ""), "recorded_at": getattr(current, "recorded_at", ""),
        "theirs": copy.deepcopy(getattr(current, "data", {}) or {}), "mine": copy.deepcopy(mine),
        "base": copy.deepcopy(base), "my_why": why, **extra}


ACTION_NAMES = {"merge": "Merge my changes with version {v} and save",
                "rebase": "Merge my changes with version {v} and keep editing",
                "discard": "Discard my changes, load their version"}


def conflict_panel(key: str, *, labels: Callable[[str], str] | None = None,
                   actions: tuple[str, ...] = ("merge", "rebase", "discard"), saved: bool = True
                   ) -> tuple[str, dict] | None:
    """Show someone else's newer version beside mine, merge them, and ask only where both changed
    the same words. Returns (action chosen, merged data) once the person picks one.

    Actions: "merge" (save the merge), "rebase" (keep editing the merge), "discard" (drop mine, load
    theirs). ``saved`` says whether I had tried to save (else their save simply landed while I was
    typing). Nothing typed is lost until the person picks "discard", and each choice says what
    becomes of the text it does not keep.
    """
    conflict = st.session_state.get(key)
    if not conflict:
        return None
    labels = labels or field_name
    version = conflict["version"]
    with st.container(border=True):
        st.warning(("**Not saved — someone else saved first.** " if saved else
                    "**Someone else saved this record while you were typing.** ")
                   + f"{literal(conflict['author'])} saved version {version} at {when(conflict['recorded_at'])}. "
                   f"Their reason: “{literal(conflict['why'])}”. Your text is kept; nothing you typed is lost.")
        merged, open_overlaps = merged_with_choices(conflict)
        all_overlaps = {o.path: o for o in merge_values(conflict.get("base"), conflict["mine"], conflict["theirs"])[1]}
        base, theirs, mine = (flatten(conflict.get(side) or {}) for side in ("base", "theirs", "mine"))
        together = flatten(merged)
        rows = changed_fields(conflict["theirs"], conflict["mine"])
        if not rows:
            st.info("Their version and yours are the same; you can simply load theirs.")
        for path, their_value, my_value in rows:
            overlap = next((o for p, o in all_overlaps.items() if path == p or path.startswith(p + ".")
                            or path.startswith(p + "[")), None)
            by_them = bool(base) and theirs.get(path) != base.get(path)
            by_me = not base or mine.get(path) != base.get(path)
            note = ("you both changed the same words — choose below" if overlap else
                    "you both changed it, in different places: merged" if by_them and by_me else
                    "changed by them: kept" if by_them else "changed by you: kept")
            st.markdown(f"**{literal(labels(path))}** · _{note}_")
            left, right = st.columns(2)
            left.caption(f"Their version (v{version}, {literal(conflict['author'])})")
            left.text(show_value(their_value))
            right.caption("Your version (not saved)")
            right.text(show_value(my_value))
            if by_them and by_me and not overlap:
                st.caption("Merged:")
                st.text(show_value(together.get(path)))
        choices = conflict.setdefault("choices", {})
        for path, overlap in all_overlaps.items():
            picked = st.radio(f"Where you both changed the same words in {labels(path)}, keep",
                              ["mine", "theirs"], key=f"{key}:choice:{path}", horizontal=True,
                              index=["mine", "theirs"].index(choices[path]) if path in choices else None,
                              format_func=lambda c: "my words" if c == "mine" else "their words")
            if picked:
                choices[path] = picked
            if picked == "mine":
                st.caption(f"Their words there stay in the history (version {version}).")
            elif picked == "theirs":
                st.caption("Your words there are replaced by theirs — copy them from “Your version” above first "
                           "if you need them. Your other changes are kept.")
        merged, open_overlaps = merged_with_choices(conflict)
        chosen = None
        buttons = st.container(horizontal=True)
        for action in actions:
            if buttons.button(ACTION_NAMES[action].format(v=version), key=f"{key}:{action}",
                              type="primary" if action == actions[0] else "secondary"):
                chosen = action
        st.caption("Merging keeps every change either of you made; only where you both changed the same words "
                   "does it ask which to keep.")
    if chosen in ("merge", "rebase") and open_overlaps:
        st.error("Choose, above, whose words to keep where you both changed the same words "
                 f"({', '.join(labels(o.path) for o in open_overlaps)}). Nothing was saved.")
        return None
    return (chosen, merged) if chosen else None


def kind_name(kind: str) -> str:
    """What people call a kind of record ("Decision point", not "decision"), from the label catalogue."""
    try:
        return label(f"kind.{kind}", "en")
    except KeyError:
        return str(kind)


# -- versions -----------------------------------------------------------------------------------
def paper_label(summary: dict) -> str:
    """How a paper is named in every picker: its symbol and the start of its title, on one line
    (``summary`` is a paper's data, a head or a row of the papers list)."""
    title = " ".join((summary.get("title") or "").split())
    title = title if len(title) <= 70 else title[:69] + "…"
    return f"{summary.get('symbol') or summary.get('id', '')} — {title}" if title else str(
        summary.get("symbol") or summary.get("id", ""))


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


def version_table(versions: list, *, in_force: bool = True) -> list[dict]:
    """Each version with its facts; the fingerprint (the start of its hash) lets anyone compare it
    with `history --json`, an exported file's properties or `verify`. ``in_force=False`` for papers:
    a paper version has no date of coming into force of its own, it is what was saved."""
    rows = []
    for v in sorted(versions, key=lambda v: -v.version):
        row = {"Version": v.version, "Recorded (UTC)": when(v.recorded_at), "In force from": v.effective_from or "",
               "Back-dated": "yes" if v.effective_from and v.effective_from < v.recorded_at[:10] else "",
               "Author": v.author, "Reason": v.why, "Based on": v.based_on,
               "Deleted": "yes" if v.deleted else "", "Fingerprint": (v.hash or "")[:16]}
        if not in_force:
            del row["In force from"], row["Back-dated"]
        rows.append(row)
    return rows


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


HOUSE = "house"


def template_choice(key: str, services) -> Any:
    """Which styles a download uses: the house template (templates/house.docx) or an office's own
    .docx, uploaded here. Returns what ``ExportService`` takes as ``template`` (None: the house's)."""
    choice = kept(st.radio, "Styles", f"{key}:template", HOUSE, options=[HOUSE, "upload"], horizontal=True,
                  format_func=lambda c: "House format (templates/house.docx)" if c == HOUSE else "My office's template",
                  help="The Word file takes its styles (fonts, spacing, header) from this template.")
    if choice == HOUSE:
        return None
    upload = st.file_uploader("Template (.docx)", type=["docx"], key=f"{key}:template-file")
    if upload is None:
        st.caption("Choose a .docx whose styles the file should use; until then the house format is used.")
        return None
    ok, path = guarded(lambda: services.exports.uploaded_template(upload.getvalue()))
    return path if ok else None


def docx_button(label: str, make: Callable[[], bytes], *, file_name: str, key: str, container=st) -> None:
    """A .docx download built only when clicked (``make`` runs then; the page does not rerun)."""
    container.download_button(label, data=make, file_name=file_name, mime=DOCX_MIME, on_click="ignore", key=key,
                              type="primary", icon=":material/download:")


def wrapped_row_height(rows: list[dict], widths: dict[str, int], *, most: int = 220) -> int:
    """A table row height at which the longest text of the ``widths`` columns (column → width in
    pixels) shows in full: a table cell wraps its text when the row is tall enough, and clips it
    otherwise. Chinese characters take two Latin characters' room."""
    def lines(text: str, pixels: int) -> int:
        room = max(pixels // 8, 1)
        wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        return -(-wide // room)
    needed = max([lines(str(row.get(col) or ""), px) for row in rows for col, px in widths.items()] or [1])
    return min(14 + 21 * max(needed, 1), most)


def rows_that_open(rows: list[dict], ids: list, *, key: str, pick_key: str, **kwargs) -> None:
    """A table whose rows open their record: clicking a row sets the ``kept`` picker ``pick_key``
    to ``ids[row]`` (the picker stays, for the keyboard and for screen readers)."""
    def opened() -> None:
        chosen = st.session_state[key].selection.rows
        if chosen and chosen[0] < len(ids):
            preset(pick_key, ids[chosen[0]])

    st.dataframe(rows, key=key, on_select=opened, selection_mode="single-row", hide_index=True, **kwargs)


def paged(fetch: Callable[[int, int], Any], key: str, size: int, *, container: Any = st) -> tuple[Any, int]:
    """One page of a list and its paging controls, with one query: ``fetch(offset, limit)`` answers a
    ``HeadsPage`` (rows and total) for the page ``kept`` under ``key`` (the last page if the list
    shrank below it). Returns (that answer, its offset)."""
    offset = (max(int(kept_value(key) or 1), 1) - 1) * size
    found = fetch(offset, size)
    if found.total and offset >= found.total:
        offset = (found.total - 1) // size * size
        found = fetch(offset, size)
    pages = max(1, -(-found.total // size))
    if pages > 1:
        if kept_value(key) != offset // size + 1:
            preset(key, offset // size + 1)
        kept(container.number_input, f"Page (of {pages})", key, 1, min_value=1, max_value=pages, step=1,
             help=f"{found.total} rows, {size} a page")
    return found, offset


def lazy_expander(label: str, key: str, **kwargs):
    """An expander whose body is only built while it is open (check ``.open``): nothing hidden is
    computed or sent to the browser."""
    return st.expander(label, key=key, on_change="rerun", **kwargs)


def empty_state(message: str) -> None:
    st.info(message, icon=":material/info:")


