"""Sessions: the Governing Body's sessions, their dates and agenda (items in order per section, each
with its papers), and the documents of a session — the record of decisions, the minutes' table of
contents and the session pack (every paper's .docx in one .zip).

What is typed goes into a draft kept in session state under ``session:<id>:v<version>`` (or
``session:new``), so it survives switching pages; a save asks why and becomes the next version.
"""

from __future__ import annotations

import copy
import datetime as dt

import streamlit as st

from sstc_docs.domain import rights
from sstc_docs.domain.agenda import cover_dates
from sstc_docs.domain.labels import LANGUAGES, section_name, session_ordinal
from sstc_docs.domain.records import item_number
from sstc_docs.domain.symbols import SECTIONS
from sstc_docs.services.sessions import DOCUMENT_LANGUAGES, blank_session
from sstc_docs.ui import widgets as w

NEW = "new"
ZIP_MIME = "application/zip"


def render() -> None:
    services = w.page("Sessions")
    sessions = w.load(services.sessions.list, [])
    if not sessions:
        w.empty_state("No sessions yet — create one below, or load the demo with `python -m sstc_docs demo`.")
    else:
        st.dataframe([{"Session": h["number"], "Opens": h.get("opening", ""), "Closes": h.get("closing", ""),
                       "Papers on the agenda": len(h.get("paper_ids", [])), "Version": h["version"]}
                      for h in sessions], hide_index=True, width="stretch")
    numbers = [h["number"] for h in sessions]
    chosen = w.kept(st.selectbox, "Open a session", "sessions:pick", numbers[0] if numbers else NEW,
                    options=[*numbers, NEW], format_func=lambda n: "Create a new session" if n == NEW
                    else f"{session_ordinal(n)} Session")
    st.divider()
    if chosen == NEW:
        edit_session(services, None)
        return
    ok, version = w.guarded(lambda: services.sessions.get(chosen))
    if not ok:
        return
    show_session(services, version)
    documents(services, version.data)
    edit_session(services, version)


def show_session(services, version) -> None:
    data = version.data
    st.header(f"{session_ordinal(data['number'])} Session, {w.literal(data['place'])}")
    st.caption(f"{cover_dates(data, 'en')} · version {version.version}, saved by {w.literal(version.author)} at "
               f"{w.when(version.recorded_at)}")
    if data.get("note"):
        st.info(w.literal(data["note"]), icon=":material/info:")
    if not data["sections"]:
        w.empty_state("The agenda is empty: add items with their papers below (“Edit the session”).")
    for section in data["sections"]:
        st.subheader(f"{section_name(section['code'], 'en')} ({section['code']})")
        st.dataframe([{"Item": item_number(item), "Title": item["title"], "Segment": item.get("segment", ""),
                       "Papers": ", ".join(item["papers"]), "Outcome (no decision)": item.get("outcome", "")}
                      for item in section["items"]], hide_index=True, width="stretch")


def documents(services, data: dict) -> None:
    """The record of decisions, the minutes' contents and the session pack, built when asked for."""
    number = data["number"]
    st.subheader("Documents of the session")
    language = w.kept(st.radio, "Language of the record and the contents", f"sessions:lang:{number}", "en",
                      options=list(DOCUMENT_LANGUAGES), format_func=LANGUAGES.get, horizontal=True)
    a, b, c = st.columns(3)
    record_name = f"GB.{number}-record-of-decisions.docx"
    w.docx_button("Record of decisions (.docx)",
                  lambda: services.sessions.record_of_decisions_docx(number, language)[0],
                  file_name=record_name, key=f"sessions:record:{number}:{language}", container=a)
    w.docx_button("Minutes: table of contents (.docx)",
                  lambda: services.sessions.minutes_toc_docx(number, language)[0],
                  file_name=f"GB.{number}-minutes-contents.docx", key=f"sessions:toc:{number}:{language}",
                  container=b)
    pack_key = f"sessions:pack:{number}"
    if c.button("Build the session pack", key=pack_key + ":build", icon=":material/folder_zip:"):
        bar = st.progress(0.0, text="Exporting the papers…")

        def step(done: int, total: int, symbol: str) -> None:
            bar.progress(done / total, text=f"{done} of {total}: {w.literal(symbol)}")

        ok, built = w.guarded(lambda: services.sessions.pack(number, progress=step))
        if ok:
            st.session_state[pack_key] = built
    if pack_key in st.session_state:
        data_zip, name = st.session_state[pack_key]
        c.download_button(f"Download {name}", data=data_zip, file_name=name, mime=ZIP_MIME, key=pack_key + ":get",
                          on_click="ignore", type="primary", icon=":material/download:")
    st.caption("The Page column of the minutes' table of contents is left empty for Word: the minutes are "
               "paginated when they are finished.")


# -- editing ------------------------------------------------------------------------------------
def _draft(version) -> dict:
    """This person's draft of the session, under a key that names the session, not a version (see
    papers.draft_key). A draft with nothing changed follows the newest version; one with changes
    keeps its base, and its save meets the newer version as a conflict."""
    key = f"session:{version.id}" if version else f"session:{NEW}"
    drafts = w.drafts()
    draft = drafts.get(key)
    if draft is not None and "base_data" not in draft:   # kept by an earlier release, before drafts knew it
        base = version.version if version else None
        draft["base_data"] = _clean(version.data if version else blank_session(1)) if draft["base"] == base else None
    if draft is None or (version is not None and draft["base"] != version.version
                         and _clean(draft["data"]) == draft["base_data"]):
        data = copy.deepcopy(version.data) if version else blank_session(1)
        base_data = _clean(data)
        uid = 0
        for section in data["sections"]:
            for item in section["items"]:
                item["_uid"], uid = f"i{uid}", uid + 1
        draft = drafts[key] = {"key": key, "base": version.version if version else None, "base_data": base_data,
                               "data": data, "next_uid": uid}
    return draft


def _clean(data: dict) -> dict:
    out = copy.deepcopy(data)
    for section in out["sections"]:
        for item in section["items"]:
            item.pop("_uid", None)
            item["sub_item"] = item.get("sub_item") or None
    return out


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def edit_session(services, version) -> None:
    """The form, for those who may plan a session (drafters) or record an item's outcome (approvers);
    each sees the other's fields but cannot change them."""
    planning, recording = w.may(rights.DRAFT), w.may(rights.RECORD)
    if not planning and not (recording and version is not None):
        w.why_not(rights.DRAFT)
        return
    # Built only while open: an agenda is a form of many boxes, and a collapsed one would still be
    # computed and sent to the browser. What was typed is in the draft when it opens again.
    form = w.lazy_expander("Create the session" if version is None else "Edit the session",
                           form_key(version.id if version else NEW), expanded=version is None)
    if not form.open:
        return
    draft = _draft(version)
    key, data = draft["key"], draft["data"]
    problems = st.session_state.get(key + ":problems")
    fixed = not planning
    with form:
        if fixed:
            w.why_not(rights.DRAFT)
        if not recording:
            w.why_not(rights.RECORD)
        a, b, c, d = st.columns(4)
        if version is None:
            w.bound(a.number_input, "Session number", f"{key}:number", data, "number", 1, min_value=1, step=1)
        w.bound(b.text_input, "Place", f"{key}:place", data, "place", "Geneva", disabled=fixed)
        for column, field, name in ((c, "opening", "Opens"), (d, "closing", "Closes")):
            day = column.date_input(name, value=_date(data.get(field)), key=f"{key}:{field}", disabled=fixed,
                                    **w.DATE_LIMITS)
            data[field] = day.isoformat() if day else ""
        w.bound(st.text_input, "Note (what is assumed, where the dates come from)", f"{key}:note", data, "note",
                disabled=fixed)
        w.field_problems(problems, "number", "place", "opening", "closing", "note", exact=True)
        for code in SECTIONS:
            edit_section(services, draft, code, problems, planning=planning, recording=recording)
        draft["unsaved"] = _clean(data) != draft["base_data"]   # an unchanged draft is not kept on the server
        why = w.reason_box(f"{key}:why")
        w.problems_summary(problems, shown={"number", "place", "opening", "closing", "note"})
        if st.button("Save the session", key=f"{key}:save", type="primary"):
            if not w.require_user() or not w.require_reason(why):
                return
            saved = w.save_or_explain(lambda: services.sessions.save(_clean(data), why=why,
                                                                     base_version=draft["base"]), key)
            if saved is None:
                return
            w.drop_draft(key)
            w.preset("sessions:pick", saved.data["number"])
            w.flash(f"Session {saved.id} saved (version {saved.version}).")
            st.rerun()


def form_key(session_id: str) -> str:
    """Whether the session's form is open (not under the draft's keys: a save forgets those, and the
    form stays open)."""
    return f"sessions:form:{session_id}:open"


def edit_section(services, draft: dict, code: str, problems, *, planning: bool, recording: bool) -> None:
    """One section's segments and agenda items; papers are picked from the session's papers of that section."""
    key, data = draft["key"], draft["data"]
    section = next((s for s in data["sections"] if s["code"] == code), None)
    index = data["sections"].index(section) if section else None
    with st.container(border=True):
        st.markdown(f"**{section_name(code, 'en')} ({code})**")
        if section is None:
            if planning and st.button(f"Add the {code} section", key=f"{key}:{code}:add"):
                data["sections"].append({"code": code, "segments": [], "items": []})
                data["sections"].sort(key=lambda s: list(SECTIONS).index(s["code"]))
                st.rerun()
            return
        segments = w.kept(st.text_input, "Segments (separated by ;)", f"{key}:{code}:segments",
                          "; ".join(section["segments"]), disabled=not planning)
        section["segments"] = [s.strip() for s in segments.split(";") if s.strip()]
        number = data.get("number")
        candidates = [p["id"] for p in w.load(lambda: services.papers.list(session=number, section=code), [])]
        for item in section["items"]:
            edit_item(key, code, section, item, candidates, planning=planning, recording=recording)
        w.field_problems(problems, f"sections[{index}]")
        if planning and st.button("Add an item", key=f"{key}:{code}:add_item", icon=":material/add:"):
            next_number = max((i["number"] for i in section["items"]), default=0) + 1
            section["items"].append({"number": next_number, "sub_item": None, "title": "", "segment": "",
                                     "papers": [], "outcome": "", "_uid": f"i{draft['next_uid']}"})
            draft["next_uid"] += 1
            st.rerun()


def edit_item(key: str, code: str, section: dict, item: dict, candidates: list[str], *, planning: bool,
              recording: bool) -> None:
    prefix = f"{key}:{code}:{item['_uid']}"
    fixed = not planning
    a, b, c, d = st.columns([1, 1, 4, 2])
    w.bound(a.number_input, "Item", f"{prefix}:number", item, "number", 1, min_value=1, step=1, disabled=fixed)
    w.bound(b.number_input, "Sub-item (0: none)", f"{prefix}:sub_item", item, "sub_item", 0, min_value=0, step=1,
            disabled=fixed)
    w.bound(c.text_input, "Title", f"{prefix}:title", item, "title", disabled=fixed)
    w.bound(d.selectbox, "Segment", f"{prefix}:segment", item, "segment", "", options=["", *section["segments"]],
            format_func=lambda s: s or "(none)", disabled=fixed)
    options = list(dict.fromkeys([*item["papers"], *candidates]))
    e, f = st.columns([3, 1], vertical_alignment="bottom")
    papers_key = f"{prefix}:papers"
    if papers_key not in st.session_state:   # the draft decides what the picker shows (see widgets.bound)
        st.session_state[papers_key] = list(item["papers"])
    item["papers"] = e.multiselect("Papers", options, key=papers_key, help="Papers of this session and section",
                                   disabled=fixed)
    if planning and f.button("Remove the item", key=f"{prefix}:remove", icon=":material/delete:"):
        section["items"].remove(item)
        w.forget_keys(prefix + ":")
        st.rerun()
    w.bound(st.text_input, "Outcome of the discussion (for an item without a decision point)", f"{prefix}:outcome",
            item, "outcome", disabled=not recording, help="What the Governing Body concluded: recorded by an approver")


render()
