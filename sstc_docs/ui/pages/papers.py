"""Papers: find, create and edit a paper (cover, front matter, paragraphs with footnotes, framework
blocks, the draft decision), see its versions and download any of them as .docx; compare two versions
(marked diff, redlined .docx with tracked changes); read and download the paper as it stood on a date.

Everything typed goes into a draft kept in session state under ``paper:<id>`` (and on the server,
see ``widgets.keep_drafts``), so it survives switching pages and reloads; a save asks for the reason
and becomes the next version.
"""

from __future__ import annotations

import copy
import json

import streamlit as st

from sstc_docs.diff.engine import opcodes
from sstc_docs.diff.merge import merge_values
from sstc_docs.domain import rights
from sstc_docs.domain.labels import LANGUAGES, label
from sstc_docs.domain.lifecycle import PAPER_ISSUED, PAPER_OUTCOMES, STATUS_NAMES, decision_paragraphs, text_editable
from sstc_docs.domain.records import ACTIONS, FRONT_MATTER_KEYS, PAPER_STATUSES
from sstc_docs.domain.symbols import SECTIONS, parse_symbol, symbol_order
from sstc_docs.errors import ConflictError, SstcError, ValidationError
from sstc_docs.services.exports import docx_name
from sstc_docs.services.papers import blank_paper
from sstc_docs.ui import diffview as dv
from sstc_docs.ui import reading
from sstc_docs.ui import widgets as w

DOCX_MIME = w.DOCX_MIME
ALL = "All"
PAPER_STATUS_NAMES = {status: label("paper_status." + status, "en") for status in PAPER_STATUSES}
ACTION_NAMES = {"decision": "For decision", "debate": "For debate and guidance", "information": "For information"}
FRONT_MATTER_LABELS = dv.FRONT_MATTER_LABELS
PAGE_SIZE = 50  # papers listed at a time
OPEN_KEY = "papers:open"


# -- drafts -------------------------------------------------------------------------------------
def draft_key(paper_id: str) -> str:
    """Where this person's draft of the paper lives, and the prefix of every box of its form. It
    names the paper, not the version the draft started from: when the draft moves on to a newer
    version (a merge), every box keeps its key, so the browser keeps the box and what is being
    typed into it, instead of drawing a new, empty one."""
    return f"paper:{paper_id}"


def _carry_uids(old: list[dict], new: list[dict], next_uid: int) -> tuple[list[dict], int]:
    """The blocks of ``new``, each under the uid it had in ``old`` where it is the same block (the
    same content, or the one edited in its place), so its boxes keep their keys; others get new uids.
    A block whose content did not change is ``old``'s own dict, with the editor's bookkeeping in it."""
    before = [_block_key(b) for b in old]
    after = [_block_key(b) for b in new]
    body: list[dict] = []
    for tag, i1, i2, j1, j2 in opcodes(before, after):
        for offset, block in enumerate(new[j1:j2]):
            if tag == "equal":
                body.append(old[i1 + offset])
                continue
            block = copy.deepcopy(block)
            if tag == "replace" and i2 - i1 == j2 - j1:
                block["_uid"] = old[i1 + offset]["_uid"]
            else:
                block["_uid"], next_uid = f"n{next_uid}", next_uid + 1
            body.append(block)
    return body, next_uid


def _block_key(block: dict) -> str:
    return json.dumps({k: v for k, v in block.items() if not k.startswith("_")}, sort_keys=True, ensure_ascii=False)


def clean(data: dict) -> dict:
    """The draft without the editor's own bookkeeping (keys starting with '_')."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if not k.startswith("_")}
    out["body"] = [{k: copy.deepcopy(v) for k, v in b.items() if not k.startswith("_")} for b in data.get("body", [])]
    return out


def new_draft(paper_id: str, version: int, data: dict) -> dict:
    """A draft of the paper as saved in ``version``, nothing changed yet."""
    data = copy.deepcopy(data)
    for i, block in enumerate(data.get("body", [])):
        block["_uid"] = f"b{i}"
    draft = {"key": draft_key(paper_id), "paper_id": paper_id, "base": version, "base_data": clean(data),
             "data": data, "next_uid": len(data.get("body", [])), "unsaved": False}
    w.drafts()[draft["key"]] = draft
    return draft


def rebase(draft: dict, version: int, data: dict, base_data: dict) -> dict:
    """The draft now starts from ``version`` (whose data is ``base_data``) and holds ``data``: the
    same draft under the same key, its blocks under the uids they had (``_carry_uids``)."""
    data = copy.deepcopy(data)
    data["body"], draft["next_uid"] = _carry_uids(draft["data"].get("body", []), data.get("body", []),
                                                  draft["next_uid"])
    draft.update(base=version, base_data=copy.deepcopy(base_data), data=data)
    draft["unsaved"] = has_changes(draft)
    draft.pop("note", None)
    st.session_state.pop(draft["key"] + ":problems", None)
    return draft


def find_draft(paper_id: str) -> dict | None:
    """This person's draft of the paper, if any (brought back from the server after a reload, it
    may start from an older version: ``catch_up`` brings it up to date)."""
    return w.drafts().get(draft_key(paper_id))


def drop_draft(draft: dict) -> None:
    w.drop_draft(draft["key"])


def has_changes(draft: dict) -> bool:
    return clean(draft["data"]) != clean(draft["base_data"])


def catch_up(services, draft: dict, latest) -> dict:
    """The paper moved on (someone saved, here or elsewhere) while this draft was open: never drop
    what was typed. Nothing typed — show the newer version; changes elsewhere in the paper or in
    other words of a paragraph — merge them into the draft and say what came in; the same words
    changed by both — keep the draft as it is and ask (the conflict panel). Returns the draft to edit."""
    if latest.version <= draft["base"] or st.session_state.get(draft["key"] + ":conflict") \
            or st.session_state.get(draft["key"] + ":save"):
        return draft   # already asking; or "Save" was clicked: the save meets their version and asks
    base, mine = clean(draft["base_data"]), clean(draft["data"])
    if mine == base:
        return rebase(draft, latest.version, latest.data, latest.data)
    merged, overlaps = merge_values(base, mine, latest.data)
    if overlaps:
        why = st.session_state.get("_kept", {}).get(draft["key"] + ":why", "")
        w.remember_newer(draft["key"] + ":conflict", latest, mine=mine, base=base, why=why, pending=True)
        return draft
    body = latest.data.get("body", [])
    theirs = sorted({field_label(path, body) for path, _, _ in w.changed_fields(base, latest.data)})
    rebase(draft, latest.version, merged, latest.data)
    draft["note"] = (f"{latest.author} saved version {latest.version} while you were typing (“{latest.why}”). "
                     f"Their changes are merged into your draft: {', '.join(theirs)}. Nothing you typed was lost.")
    return draft


# -- callbacks for the paragraph list -----------------------------------------------------------
def _move(draft_key: str, uid: str, step: int) -> None:
    body = w.drafts()[draft_key]["data"]["body"]
    i = next(i for i, b in enumerate(body) if b["_uid"] == uid)
    j = i + step
    if 0 <= j < len(body):
        body[i], body[j] = body[j], body[i]


def _delete(draft_key: str, uid: str) -> None:
    draft = w.drafts()[draft_key]
    draft["data"]["body"] = [b for b in draft["data"]["body"] if b["_uid"] != uid]


def _add(draft_key: str, kind: str, strategy_id: str = "") -> None:
    draft = w.drafts()[draft_key]
    uid = f"n{draft['next_uid']}"
    draft["next_uid"] += 1
    if kind == "heading":
        block = {"type": "heading", "text": ""}
    elif kind == "framework":
        block = {"type": "framework", "strategy_id": strategy_id, "outcome": 1, "text": "", "footnotes": []}
    else:
        block = {"type": "paragraph", "numbered": True, "text": "", "footnotes": []}
    block["_uid"] = uid
    draft["data"]["body"].append(block)


def footnotes_text(notes: list[dict]) -> str:
    return "\n".join(f"{n.get('key', '')}: {n.get('text', '')}" for n in notes or [])


def _read_footnotes(block: dict) -> None:
    """The footnotes box's on_change: its text becomes the block's notes when it is typed, not when
    the Paragraphs tab is next drawn, so a save from another tab carries them."""
    block["footnotes"] = parse_footnotes(block["_fn_raw"])


def parse_footnotes(text: str) -> list[dict]:
    """'key: text' per line → [{key, text}]; the record's validation says what is wrong, if anything."""
    notes = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, sep, rest = line.partition(":")
        if not sep:
            key, sep, rest = line.partition("：")
        notes.append({"key": key.strip(), "text": rest.strip()} if sep else {"key": "", "text": line.strip()})
    return notes


# -- the page -----------------------------------------------------------------------------------
def render() -> None:
    services = w.page("Papers")
    total = w.load(lambda: services.records.count("paper"), 0)
    paper_id = find_and_pick(services, total)
    create_paper(services, expanded=not total)
    if paper_id:
        st.divider()
        edit_paper(services, paper_id)


def find_and_pick(services, total: int) -> str | None:
    if not total:
        w.empty_state("No papers yet — create one below (“Create a paper”), or load the demo with "
                      "`python -m sstc_docs demo`.")
        return None
    sessions = w.load(services.papers.sessions, [])
    c1, c2, c3, c4, c5 = st.columns([1, 1, 1, 1, 2])
    session = w.kept(c1.selectbox, "Session", "papers:f:session", ALL, options=[ALL, *sessions])
    section = w.kept(c2.selectbox, "Section", "papers:f:section", ALL, options=[ALL, *SECTIONS],
                     format_func=lambda s: s if s == ALL else f"{s} — {SECTIONS[s]['en']}")
    status = w.kept(c3.selectbox, "Status", "papers:f:status", ALL, options=[ALL, *PAPER_STATUSES],
                    format_func=lambda s: PAPER_STATUS_NAMES.get(s, s))
    language = w.kept(c4.selectbox, "Language", "papers:f:language", ALL, options=[ALL, *LANGUAGES],
                      format_func=lambda s: LANGUAGES.get(s, s))
    text = w.kept(c5.text_input, "Search by symbol or title", "papers:f:text", "", placeholder="e.g. GB.316 or 南南合作")
    filters = dict(session=None if session == ALL else session, section="" if section == ALL else section,
                   status="" if status == ALL else status, language="" if language == ALL else language, text=text)
    caption, paging = st.columns([3, 1], vertical_alignment="bottom")
    found, offset = w.load(lambda: w.paged(lambda offset, limit: services.papers.page(**filters, offset=offset,
                                                                                      limit=limit),
                                           "papers:page", PAGE_SIZE, container=paging), (None, 0))
    if not found or not found.total:
        w.empty_state("No paper matches these filters — set them back to “All” or change the search.")
        return None
    rows = found.rows
    caption.caption(f"{found.total} of {total} paper(s)"
                    + (f" · {offset + 1}–{offset + len(rows)} shown" if found.total > PAGE_SIZE else ""))
    w.rows_that_open([{"Symbol": p.get("symbol"), "Title": (p.get("title") or "").replace("\n", " "),
                   "Session": p.get("session"), "Section": p.get("section"),
                   "Status": PAPER_STATUS_NAMES.get(p.get("status"), p.get("status")),
                   "Language": LANGUAGES.get(p.get("language"), p.get("language"))} for p in rows],
                 [p["id"] for p in rows], key="papers:rows", pick_key="papers:pick",
                 width="stretch", height=min(38 + 35 * len(rows), 250),
                 column_config={"Symbol": st.column_config.TextColumn(width=150),
                                "Title": st.column_config.TextColumn(width=380),
                                "Session": st.column_config.NumberColumn(width=70),
                                "Section": st.column_config.TextColumn(width=70),
                                "Status": st.column_config.TextColumn(width=80),
                                "Language": st.column_config.TextColumn(width=80)})
    # The options are the ids, which never change; a keyed select box keeps its choice when a saved
    # symbol or title changes the label. They are this page's papers, and the one open (from another
    # page of the list, or just created).
    titles = {p["id"]: w.paper_label(p) for p in rows}
    ids = list(titles)
    wanted = st.session_state.pop(OPEN_KEY, None)
    for opened in (wanted, w.kept_value("papers:pick")):
        if opened and opened not in titles:
            for head in services.records.heads_of("paper", [opened]):
                titles[opened] = w.paper_label(head)
                ids.insert(0, opened)
    if wanted in titles:
        w.preset("papers:pick", wanted)
    return w.kept(st.selectbox, "Open paper", "papers:pick", ids[0], options=ids,
                  format_func=lambda i: titles.get(i, i))


def create_paper(services, *, expanded: bool) -> None:
    if not w.drafting():
        return
    with st.expander("Create a paper", expanded=expanded, icon=":material/add:"):
        c1, c2, c3 = st.columns([3, 4, 1])
        symbol = w.kept(c1.text_input, "Symbol of the new paper", "papers:new:symbol", "", placeholder="e.g. GB.347/POL/2")
        title = w.kept(c2.text_input, "Title of the new paper", "papers:new:title", "")
        language = w.kept(c3.selectbox, "Its language", "papers:new:language", "en", options=list(LANGUAGES),
                          format_func=lambda s: LANGUAGES[s])
        symbol_problem = ""
        if symbol.strip():   # checked on every change of the field, before anything is saved
            try:
                read = str(parse_symbol(symbol))
            except ValidationError as error:
                symbol_problem = error.problems[0].message
                st.error(f"Symbol: {w.literal(symbol_problem)}", icon=":material/error:")
            else:
                if read != symbol.strip():
                    c1.caption(f"Reads as {w.literal(read)}")
        else:
            c1.caption("Like GB.316/POL/5, GB.316/INS/3/1 or GB.316/POL/5(Rev.)")
        why = w.reason_box("papers:new:why", "Reason for creating it", help="Required, e.g. 'New paper for the 316th Session'.")
        if st.button("Create paper", type="primary", key="papers:new:create"):
            if symbol_problem or not symbol.strip():
                st.error("Correct the symbol above first. Nothing was saved." if symbol_problem else
                         "Give the paper's symbol, e.g. GB.316/POL/5. Nothing was saved.")
                return
            if not w.require_user() or not w.require_reason(why):
                return
            try:
                saved = services.papers.create(blank_paper(symbol, title, language), why=why)
            except ValidationError as error:
                for problem in error.problems:
                    st.error(w.literal(f"{w.field_name(problem.field)}: {problem.message}" if problem.field else
                                       problem.message))
                return
            except SstcError as error:
                st.error(w.literal(error))
                return
            w.forget_keys("papers:new:")
            st.session_state[OPEN_KEY] = saved.id
            for key in ("papers:f:session", "papers:f:section", "papers:f:status", "papers:f:language", "papers:f:text"):
                w.forget_keys(key)
            w.flash(f"Paper {saved.data['symbol']} created (version {saved.version}). Add its paragraphs below.")
            st.rerun()


def edit_paper(services, paper_id: str) -> None:
    ok, latest = w.guarded(lambda: services.records.get("paper", paper_id))
    if not ok:
        return
    draft = find_draft(paper_id)
    draft = new_draft(paper_id, latest.version, latest.data) if draft is None else catch_up(services, draft, latest)
    key = draft["key"]
    data = draft["data"]
    problems = st.session_state.get(key + ":problems")

    st.header(f"{w.literal(latest.data['symbol'])} · version {latest.version}")
    st.caption(w.literal((latest.data.get("title") or "").replace("\n", " ")) + f" — last saved by "
               f"{w.literal(latest.author)}, {w.when(latest.recorded_at)}: “{w.literal(latest.why)}”")
    # What comes and goes above the tabs stays inside one container: an element appearing above them
    # would move the tabs, and the browser would remount them and every box in them (Streamlit
    # issue #6257), dropping what is typed but not yet sent. The tabs have a key, so whichever tab
    # the person is on stays open across saves, merges and conflicts.
    with st.container():
        if draft.get("note"):
            st.info(w.literal(draft["note"]), icon=":material/merge:")
        issued_notice(draft, latest)
        resolve_conflict(services, draft)
        w.problems_summary(problems, shown={"symbol", "title", "symbol_note", "session_dates", "agenda_item",
                                            "action", "date", "original_language", "language", "status",
                                            "front_matter", "body"})

    # Only the open tab is drawn (and its records read): what was typed in another tab is in the
    # draft (``w.bound``), so the save below still saves every tab's content.
    tabs = {"Cover and front matter": lambda: edit_cover(key, data, problems),
            "Paragraphs and framework": lambda: edit_body(services, key, draft, problems),
            "Draft decision": lambda: edit_decisions(services, latest),
            "Read": lambda: read_version(services, paper_id),
            "Versions and download": lambda: versions_and_download(services, paper_id),
            "Compare versions": lambda: compare_versions(services, paper_id),
            "As at a date": lambda: paper_as_at(services, paper_id)}
    for tab, draw in zip(st.tabs(list(tabs), key=f"papers:tabs:{paper_id}", on_change="rerun"), tabs.values()):
        if tab.open:
            with tab:
                draw()

    if not w.may(rights.DRAFT):
        w.why_not(rights.DRAFT)
        return
    with st.container(border=True):
        changed = draft["unsaved"] = has_changes(draft)   # an unchanged draft is not kept on the server
        st.markdown("**Save the paper** (cover, front matter, paragraphs and framework blocks)" +
                    (" — _you have unsaved changes_" if changed else " — no unsaved changes"))
        c1, c2, c3 = st.columns([6, 1, 2], vertical_alignment="bottom")
        with c1:
            why = w.reason_box(key + ":why")
        save = c2.button("Save", type="primary", key=key + ":save", width="stretch")
        if c3.button("Discard changes", key=key + ":discard", disabled=not changed and draft["base"] == latest.version,
                     width="stretch"):
            drop_draft(draft)
            w.flash("Your unsaved changes were discarded.", "info")
            st.rerun()
        if save:
            save_paper(services, draft, why)


def issued_notice(draft: dict, latest) -> None:
    """An issued paper says what it said when it was issued (domain rule): say so before anyone
    types, and offer the two ways a change is made — a revised paper or an addendum. Drawn inside
    the one container above the tabs (``edit_paper``), so what it shows can change freely."""
    if latest.data.get("status") not in PAPER_ISSUED:
        return
    issued = latest.data["symbol"]
    drafted = draft["data"].get("symbol", "")
    if symbol_order(drafted) > symbol_order(issued):
        st.info(f"You are drafting {drafted}: saving records it as the next version of this paper, and "
                f"{issued} stays in the history as it was printed.", icon=":material/edit_document:")
        return
    symbol = parse_symbol(issued)
    st.info(f"{issued} is issued: what it says is fixed, for everyone. A change is saved as a revised paper or "
            "an addendum, with a symbol of its own; the issued version stays in the history as it was printed.",
            icon=":material/lock:")
    if not w.may(rights.DRAFT):
        return
    revision, addendum = st.columns(2)
    for column, successor, what in ((revision, symbol.revised(), "revision"),
                                    (addendum, symbol.addendum(), "addendum")):
        column.button(f"Start the {what} {successor}", key=f"{draft['key']}:start:{what}",
                      on_click=_start_successor, args=(draft["key"], str(successor)), width="stretch")


def _start_successor(draft_key: str, symbol: str) -> None:
    """The draft becomes the next revision or addendum: its own symbol, drafted again from the start."""
    data = w.drafts()[draft_key]["data"]
    data["symbol"], data["status"] = symbol, "draft"


def save_paper(services, draft: dict, why: str, *, base: int | None = None) -> None:
    if not w.require_user() or not w.require_reason(why):
        return
    key = draft["key"]
    data = clean(draft["data"])
    with st.spinner("Saving…"):
        saved = w.save_or_explain(
            lambda: services.papers.update(draft["paper_id"], data, why=why,
                                           base_version=base or draft["base"]), key,
            on_conflict=lambda error: w.remember_conflict(key + ":conflict", error, mine=data,
                                                          base=clean(draft["base_data"]), why=why))
    if saved is None:
        return
    drop_draft(draft)
    w.flash(f"Saved version {saved.version} of {saved.data['symbol']}.")
    st.rerun()


def resolve_conflict(services, draft: dict) -> None:
    key = draft["key"]
    conflict = st.session_state.get(key + ":conflict")
    if not conflict:
        return
    body = conflict.get("mine", {}).get("body", [])
    pending = conflict.get("pending", False)   # their save landed while I typed; I have not saved yet
    chosen = w.conflict_panel(key + ":conflict", labels=lambda path: field_label(path, body), saved=not pending,
                              actions=("rebase", "discard") if pending else ("merge", "rebase", "discard"))
    if not chosen:
        return
    action, merged = chosen
    if action == "discard":
        drop_draft(draft)
        w.flash(f"Your changes were discarded; you are now editing version {conflict['version']}.", "info")
        st.rerun()
    elif action == "rebase":
        st.session_state.pop(key + ":conflict")
        rebase(draft, conflict["version"], merged, conflict["theirs"])
        w.flash(f"Your changes are merged with version {conflict['version']}; review them and save.", "info")
        st.rerun()
    else:
        if not w.require_user():
            return
        try:
            saved = services.papers.update(draft["paper_id"], merged, why=conflict["my_why"],
                                           base_version=conflict["version"])
        except ConflictError as error:
            w.remember_conflict(key + ":conflict", error, mine=merged, base=conflict["theirs"], why=conflict["my_why"])
            st.rerun()
        except ValidationError as error:
            st.session_state.pop(key + ":conflict")
            rebase(draft, conflict["version"], merged, conflict["theirs"])
            st.session_state[key + ":problems"] = error.problems
            st.rerun()
        except SstcError as error:
            st.error(w.literal(error))
            return
        drop_draft(draft)
        w.flash(f"Your changes were merged with those of {conflict['author']} and saved: version {saved.version}.")
        st.rerun()


def block_names(body: list[dict]) -> list[str]:
    """What each body block is called on screen: 'Paragraph 2', 'Heading (block 4)' …"""
    names, number = [], 0
    for i, block in enumerate(body):
        kind = block.get("type", "paragraph")
        if kind == "paragraph" and block.get("numbered", True):
            number += 1
            names.append(f"Paragraph {number}")
        elif kind == "paragraph":
            names.append(f"Unnumbered paragraph (block {i + 1})")
        elif kind == "heading":
            names.append(f"Heading (block {i + 1})")
        else:
            names.append(f"Framework block {i + 1}")
    return names


def field_label(path: str, body: list[dict] | None = None) -> str:
    """body[1].text → 'Paragraph 2 text'; front_matter.purpose → 'Purpose of the document'."""
    if path.startswith("front_matter."):
        return FRONT_MATTER_LABELS.get(path.split(".", 1)[1], path)
    if path.startswith("body["):
        index, _, rest = path[5:].partition("]")
        names = block_names(body or [])
        i = int(index)
        name = names[i] if i < len(names) else f"Block {i + 1}"
        rest = rest.lstrip(".").replace("_", " ")
        return f"{name} {rest}".strip() if rest else name
    return w.field_name(path)


# -- tabs ---------------------------------------------------------------------------------------
def edit_cover(key: str, data: dict, problems) -> None:
    c1, c2 = st.columns(2)
    with c1:
        symbol = w.bound(st.text_input, "Symbol", f"{key}:symbol", data, "symbol",
                         help="A revision keeps its item: GB.316/POL/5 can become GB.316/POL/5(Rev.).")
        try:
            parse_symbol(symbol)
        except ValidationError as error:
            st.error(w.literal(error.problems[0].message), icon=":material/error:")
        else:
            w.field_problems(problems, "symbol")
        w.bound(st.text_input, "Note on the symbol", f"{key}:symbol_note", data, "symbol_note")
        w.bound(st.text_area, "Title", f"{key}:title", data, "title", height=90)
        w.field_problems(problems, "title")
        w.bound(st.text_input, "Session dates (as printed)", f"{key}:session_dates", data, "session_dates",
                placeholder="e.g. 1–16 November 2012",
                help="Printed only while the session is not recorded: once it is (Sessions page), the cover "
                     "prints the session's own dates.")
        w.field_problems(problems, "session_dates")
    with c2:
        a, b = st.columns(2)
        w.bound(a.number_input, "Agenda item", f"{key}:agenda_item", data, "agenda_item", 1, min_value=1, step=1)
        w.bound(b.selectbox, "Action", f"{key}:action", data, "action", "decision", options=list(ACTIONS),
                format_func=lambda s: ACTION_NAMES.get(s, s))
        w.field_problems(problems, "agenda_item", "action")
        w.bound(st.text_input, "Date (YYYY-MM-DD)", f"{key}:date", data, "date", placeholder="YYYY-MM-DD")
        w.field_problems(problems, "date")
        a, b = st.columns(2)
        w.bound(a.selectbox, "Original language", f"{key}:original_language", data, "original_language", "en",
                options=list(LANGUAGES), format_func=lambda s: LANGUAGES[s])
        w.bound(b.selectbox, "Language of this version", f"{key}:language", data, "language", "en",
                options=list(LANGUAGES), format_func=lambda s: LANGUAGES[s])
        decided = data.get("status") in PAPER_OUTCOMES   # then it follows its decision points
        w.bound(st.selectbox, "Paper status", f"{key}:status", data, "status", "draft",
                options=[data["status"]] if decided else [s for s in PAPER_STATUSES if s not in PAPER_OUTCOMES],
                format_func=lambda s: PAPER_STATUS_NAMES.get(s, s), disabled=decided,
                help="An issued paper needs its date. Once its decision points are decided, deferred or "
                     "withdrawn (Decisions page), its status follows them.")
    st.subheader("Front matter")
    st.caption("An empty entry prints “None”.")
    front = data.setdefault("front_matter", {})
    columns = st.columns(2)
    for i, field in enumerate(FRONT_MATTER_KEYS):
        with columns[i % 2]:
            w.bound(st.text_area, FRONT_MATTER_LABELS[field], f"{key}:fm:{field}", front, field, height=80)
            w.field_problems(problems, f"front_matter.{field}")


def edit_body(services, key: str, draft: dict, problems) -> None:
    data = draft["data"]
    body = data.setdefault("body", [])
    strategies = {s["id"]: s for s in w.load(services.frameworks.strategies, [])}
    st.caption("Anchor a footnote in the text with a marker such as [^1], then give it in the footnotes box "
               "below the text as `1: the note`, one per line. Use the arrows to reorder blocks.")
    if not body:
        w.empty_state("This paper has no paragraphs yet — add the first one with “Add paragraph” below.")
    number = 0
    names = block_names(body)
    for i, block in enumerate(body):
        uid = block["_uid"]
        prefix = f"{key}:b:{uid}"
        kind = block.get("type", "paragraph")
        name = names[i]
        if kind == "paragraph" and block.get("numbered", True):
            number += 1
        with st.container(border=True):
            head, up, down, remove = st.columns([10, 1, 1, 1], vertical_alignment="center")
            head.markdown(f"**{name}**")
            up.button("↑", key=f"{prefix}:up", help=f"Move {name.lower()} up", disabled=i == 0,
                      on_click=_move, args=(key, uid, -1))
            down.button("↓", key=f"{prefix}:down", help=f"Move {name.lower()} down", disabled=i == len(body) - 1,
                        on_click=_move, args=(key, uid, 1))
            remove.button("✕", key=f"{prefix}:delete", help=f"Delete {name.lower()}", on_click=_delete, args=(key, uid))
            if kind == "heading":
                w.bound(st.text_input, f"{name} text", f"{prefix}:text", block, "text")
                w.field_problems(problems, f"body[{i}]")
                continue
            if kind == "framework":
                edit_framework_block(services, prefix, name, block, strategies, problems, i)
            else:
                w.bound(st.text_area, f"{name} text", f"{prefix}:text", block, "text", height=120)
                w.field_problems(problems, f"body[{i}].text", f"body[{i}].type", f"body[{i}].numbered")
                w.bound(st.checkbox, "Numbered", f"{prefix}:numbered", block, "numbered", True)
            if "_fn_raw" not in block:
                block["_fn_raw"] = footnotes_text(block.get("footnotes"))
            w.bound(st.text_area, f"{name} footnotes", f"{prefix}:footnotes", block, "_fn_raw", height=68,
                    placeholder="key: text of the note, one per line — e.g. 1: … for the marker [^1]",
                    on_change=_read_footnotes, args=(block,))
            w.field_problems(problems, f"body[{i}].footnotes")
    st.caption(f"The draft decision prints as paragraph {number + 1}.")
    adders = st.container(horizontal=True)
    a = b = c = adders
    a.button("Add paragraph", key=f"{key}:add:paragraph", on_click=_add, args=(key, "paragraph"), icon=":material/add:")
    b.button("Add heading", key=f"{key}:add:heading", on_click=_add, args=(key, "heading"), icon=":material/add:")
    c.button("Add framework block", key=f"{key}:add:framework", on_click=_add, icon=":material/add:", disabled=not strategies,
             args=(key, "framework", next(iter(strategies), "")),
             help="Shows a strategy outcome and its indicators" if strategies else "Create a strategy first")


def edit_framework_block(services, prefix: str, name: str, block: dict, strategies: dict, problems, i: int) -> None:
    ids = list(strategies) or [block.get("strategy_id", "")]
    c1, c2 = st.columns([3, 1])
    strategy_id = w.bound(c1.selectbox, "Strategy", f"{prefix}:strategy", block, "strategy_id", ids[0], options=ids,
                          format_func=lambda s: f"{s} — {strategies.get(s, {}).get('title', '')}")
    outcomes = w.load(lambda: services.records.get("strategy", strategy_id).data["outcomes"], []) if strategy_id else []
    numbers = [o["number"] for o in outcomes] or [block.get("outcome") or 1]
    statements = {o["number"]: o["statement"] for o in outcomes}
    w.bound(c2.selectbox, "Outcome", f"{prefix}:outcome", block, "outcome", numbers[0], options=numbers,
            format_func=lambda n: f"Outcome {n}")
    if block.get("outcome") in statements:
        st.caption(f"Outcome {block['outcome']}: {w.literal(statements[block['outcome']])}")
    w.field_problems(problems, f"body[{i}].strategy_id", f"body[{i}].outcome", f"body[{i}].type")
    w.bound(st.text_area, f"{name} narrative", f"{prefix}:text", block, "text", height=120)
    w.field_problems(problems, f"body[{i}].text")
    with st.expander("Indicator rows as the paper prints them (today)"):
        framework = w.load(lambda: services.frameworks.framework(strategy_id), None) if strategy_id else None
        rows = []
        for outcome in (framework or {}).get("outcomes", []):
            if outcome["number"] == block.get("outcome"):
                rows = [{"Label": r["label"], "Indicator": r["text"], "Baseline": r["baseline"], "Target": r["target"],
                         "In force": "yes" if r["in_force"] else "proposed",
                         "Pending revisions": ", ".join(f"{p['type']} ({p['decision_id']})" for p in r["pending"])}
                        for r in outcome["indicators"]]
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        else:
            st.caption("No indicators for this outcome yet; add them on the Frameworks page.")


def edit_decisions(services, paper) -> None:
    decision_ids = paper.data.get("decision_ids", [])
    if not decision_ids:
        w.empty_state("This paper has no draft decision yet — write one below. It prints after the last "
                      "numbered paragraph, under “Draft decision”.")
    for decision_id in decision_ids:
        ok, decision = w.guarded(lambda: services.records.get("decision", decision_id))
        if not ok:
            continue
        with st.container(border=True):
            edit_decision(services, decision, paper.data.get("language", "en"))
    if not w.may(rights.DRAFT):
        return
    with st.expander("Add a decision point" if decision_ids else "Write the draft decision", expanded=not decision_ids):
        text = w.kept(st.text_area, "Decision text (present tense)", f"papers:newdec:{paper.id}:text", "",
                      placeholder="e.g. The Governing Body approves …", height=90)
        parts_raw = w.kept(st.text_area, "Parts (a), (b) … — one per line, optional", f"papers:newdec:{paper.id}:parts",
                           "", height=80)
        why = w.reason_box(f"papers:newdec:{paper.id}:why", "Reason for adding the decision point")
        if st.button("Add decision point", key=f"papers:newdec:{paper.id}:save", type="primary"):
            if not w.require_user() or not w.require_reason(why):
                return
            if not text.strip():
                st.error("Write the decision text first. Nothing was saved.")
                return
            ok, saved = w.guarded(lambda: services.decisions.create(
                paper.id, text=text, parts=[p for p in parts_raw.splitlines() if p.strip()], why=why))
            if ok:
                w.forget_keys(f"papers:newdec:{paper.id}:")
                w.flash(f"Decision point {saved.id} added as a draft.")
                st.rerun()


def edit_decision(services, decision, language: str) -> None:
    data = decision.data
    status = data.get("status", "draft")
    st.markdown(f"**{w.literal(decision.id)}** · {STATUS_NAMES.get(status, status)} · version {decision.version}")
    if not text_editable(status) or not w.may(rights.DRAFT):
        for line in decision_paragraphs(data["text"], data.get("parts", []), language):
            st.markdown(f"> {w.literal(line)}")
        if text_editable(status):
            w.why_not(rights.DRAFT)
            return
        st.caption(f"The text is fixed once submitted (status: {STATUS_NAMES.get(status, status)}). Record its "
                   "adoption, amendment, deferral or withdrawal on the Decisions page.")
        st.page_link("sstc_docs/ui/pages/decisions.py", label="Go to Decisions", icon=":material/gavel:")
        return
    key = f"decision:{decision.id}"    # the decision, not a version: see draft_key
    drafts = w.drafts()
    draft = drafts.get(key)
    if draft is None or (draft["base"] != decision.version and not draft.get("unsaved")):
        draft = drafts[key] = {"key": key, "base": decision.version, "base_data": copy.deepcopy(data),
                               "data": {"text": data["text"], "parts_raw": "\n".join(data.get("parts", []))}}
    conflict_key = key + ":conflict"
    chosen = w.conflict_panel(conflict_key, actions=("merge", "discard"))
    if chosen:
        action, merged = chosen
        conflict = st.session_state[conflict_key]
        if action == "discard":
            drop_draft(draft)
            st.rerun()
        if w.require_user():
            _save_decision(services, decision.id, draft, merged["text"], merged["parts"],
                           conflict["my_why"], conflict["version"])
    text = w.bound(st.text_area, "Draft decision text", f"{key}:text", draft["data"], "text", height=90)
    parts_raw = w.bound(st.text_area, "Draft decision parts — one per line", f"{key}:parts", draft["data"],
                        "parts_raw", height=80)
    parts = [p.strip() for p in parts_raw.splitlines() if p.strip()]
    draft["unsaved"] = (text, parts) != (draft["base_data"]["text"], draft["base_data"].get("parts", []))
    problems = st.session_state.get(key + ":problems")
    w.field_problems(problems, "text", "parts")
    w.problems_summary(problems, shown={"text", "parts"})
    with st.expander("As printed"):
        for line in decision_paragraphs(text, parts, language):
            st.markdown(w.literal(line))
    why = w.reason_box(f"{key}:why", "Reason for changing the decision text")
    if st.button("Save decision text", key=f"{key}:save", type="primary"):
        if w.require_user() and w.require_reason(why):
            _save_decision(services, decision.id, draft, text, parts, why, draft["base"])


def _save_decision(services, decision_id: str, draft: dict, text: str, parts: list[str], why: str,
                   base: int) -> None:
    def conflict(error: ConflictError) -> None:
        base_data = {"text": draft["base_data"]["text"], "parts": draft["base_data"].get("parts", [])}
        theirs = error.current.data if error.current else {}
        w.remember_conflict(draft["key"] + ":conflict", error, mine={"text": text, "parts": parts}, base=base_data,
                            why=why)
        st.session_state[draft["key"] + ":conflict"]["theirs"] = {"text": theirs.get("text", ""),
                                                                 "parts": theirs.get("parts", [])}

    saved = w.save_or_explain(lambda: services.decisions.save_text(decision_id, text=text, parts=parts, why=why, base_version=base),
                              draft["key"], on_conflict=conflict)
    if saved is None:
        return
    drop_draft(draft)
    w.flash(f"Saved version {saved.version} of decision {decision_id}.")
    st.rerun()


def read_version(services, paper_id: str) -> None:
    """Any saved version as it prints (the Word file's own layout), read-only."""
    versions = [v for v in w.load(lambda: services.records.history("paper", paper_id), []) if not v.deleted]
    chosen = w.version_picker("Version to read", versions, f"papers:read:{paper_id}")
    if chosen is None:
        return
    ok, bundle = w.guarded(lambda: services.papers.bundle(paper_id, chosen.version))
    if ok:
        st.caption(f"Version {chosen.version} as saved, read-only, laid out as its Word file. To change the paper, "
                   "use the tabs before this one.")
        reading.show_paper(bundle)


def versions_and_download(services, paper_id: str) -> None:
    with st.spinner("Loading the versions…"):
        ok, versions = w.guarded(lambda: services.records.history("paper", paper_id))
    if not ok:
        return
    st.dataframe(w.version_table(versions, in_force=False), hide_index=True, width="stretch")
    chosen = w.version_picker("Version to download", versions, f"papers:dlv:{paper_id}")
    if chosen is None:
        return
    if chosen.deleted:
        st.info("This version records a deletion; choose another version to download.")
        return
    name = docx_name(chosen.data.get("symbol", paper_id))
    template = w.template_choice(f"papers:dl:{paper_id}", services)

    def make_docx(paper_id=paper_id, version=chosen.version, template=template) -> bytes:
        return services.exports.paper_docx(paper_id, version, template=template)[0]

    w.docx_button(f"Download .docx of version {chosen.version}", make_docx, file_name=name,
                key=f"papers:download:{paper_id}")
    st.caption(f"The Word file is built when you click ({w.literal(name)}), from version {chosen.version} of the "
               "paper and the versions of its strategy and decisions on record when it was saved.")


def compare_versions(services, paper_id: str) -> None:
    st.caption("Choose two versions: the paper is shown paragraph by paragraph with insertions and deletions marked, "
               "and the redline .docx shows the same changes as Word tracked changes.")
    ok, versions = w.guarded(lambda: services.records.history("paper", paper_id))
    if not ok:
        return
    versions = [v for v in versions if not v.deleted]
    pair = dv.pick_two(versions, f"papers:cmp:{paper_id}")
    if pair is None:
        return
    start, end = pair
    symbol = next((v.data.get("symbol") for v in versions if v.version == end), paper_id)
    name = docx_name(symbol, f"-redline-v{start}-v{end}")

    template = w.template_choice(f"papers:cmp:{paper_id}", services)

    def make_redline(paper_id=paper_id, start=start, end=end, template=template) -> bytes:
        return services.exports.redline_docx(paper_id, start, end, template=template)[0]

    w.docx_button(f"Download redline .docx (v{start} → v{end})", make_redline, file_name=name,
                key=f"papers:redline:{paper_id}")
    st.caption(f"Built when you click ({w.literal(name)}): version {end} with the changes since version {start} as "
               "tracked changes, attributed to the author of the later version.")
    ok, comparison = w.guarded(lambda: services.diffs.compare("paper", paper_id, start, end))
    if ok:
        dv.show_comparison(comparison, f"papers:cmp:{paper_id}:{start}:{end}")


def paper_as_at(services, paper_id: str) -> None:
    day = w.as_at_picker("Show the paper as it stood on", f"papers:asof:{paper_id}",
                         "The paper, its framework tables and its draft decision as they stood that day (by the "
                         "dates they are in force from, not the day they were typed in).", "the paper")
    if not day:
        return
    try:
        bundle = services.papers.bundle(paper_id, as_of=day.isoformat())
    except SstcError:
        w.empty_state(f"{w.literal(paper_id)} did not exist yet on {day.isoformat()} — choose a later date.")
        return
    name = docx_name(bundle.paper.get("symbol", paper_id), f"-as-at-{day.isoformat()}")

    template = w.template_choice(f"papers:asof:{paper_id}", services)

    def make_docx(paper_id=paper_id, as_of=day.isoformat(), template=template) -> bytes:
        return services.exports.paper_docx(paper_id, as_of=as_of, template=template)[0]

    w.docx_button(f"Download .docx as at {day.isoformat()}", make_docx, file_name=name, key=f"papers:asof-dl:{paper_id}")
    used = ", ".join(f"{k.split(':', 1)[0]} v{v}" for k, v in bundle.sources.items())
    st.caption(f"Version {bundle.paper_version} of the paper ({used}).")
    reading.show_paper(bundle)


render()
