"""Decisions: decision points by status; move one through its lifecycle (only the steps the domain
allows), record adoption, amendment, deferral or withdrawal; the record of decision; the revisions
each decision authorises and whether they are in force; the decision as it stood on a date; its
versions compared."""

from __future__ import annotations

import streamlit as st

from sstc_docs.domain import rights
from sstc_docs.domain.lifecycle import ADOPTED, STATUS_NAMES, allowed_next, decision_paragraphs
from sstc_docs.domain.rules import MOVE_COMMAND
from sstc_docs.errors import SstcError
from sstc_docs.ui import diffview as dv
from sstc_docs.ui import widgets as w

ALL = "All"
REVISION_STATUS = {"proposed": "Proposed", "in_force": "In force", "lapsed": "Lapsed"}
TYPE_NAMES = {"new": "New indicator", "revised": "Revised", "retired": "Retired"}
PAGE_SIZE = 50  # decision points listed at a time
STEP_HELP = {
    "in_review": "Send the draft for review.", "draft": "Send it back to draft for more work.",
    "submitted": "Submit it to the Governing Body: its text is then fixed.",
    "adopted": "The Governing Body adopted it as submitted. Revisions it authorises come into force.",
    "adopted_as_amended": "The Governing Body adopted it with an amendment. Revisions it authorises come into force.",
    "deferred": "The Governing Body deferred it to a later session.",
    "withdrawn": "Withdrawn: revisions it authorises lapse.",
}


def render() -> None:
    services = w.page("Decisions")
    counts = w.load(services.decisions.status_counts, {})
    if not counts:
        w.empty_state("No decision points yet — write a paper's draft decision on the Papers page (tab “Draft "
                      "decision”), or load the demo with `python -m sstc_docs demo`.")
        return
    st.caption(" · ".join(f"{STATUS_NAMES[s]}: {counts[s]}" for s in STATUS_NAMES if counts.get(s)))
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="bottom")
    status = w.kept(c1.selectbox, "Status", "dec:f:status", ALL, options=[ALL, *STATUS_NAMES],
                    format_func=lambda s: s if s == ALL else STATUS_NAMES[s])
    matching = sum(counts.values()) if status == ALL else counts.get(status, 0)
    if not matching:
        w.empty_state("No decision point has this status — choose “All”.")
        return
    found, _ = w.load(lambda: w.paged(lambda offset, limit: services.decisions.page(
        status="" if status == ALL else status, offset=offset, limit=limit), "dec:page", PAGE_SIZE, container=c3),
        (None, 0))
    rows = found.rows if found else []
    gists = {d["id"]: gist(services, d) for d in rows}
    w.rows_that_open([{"Decision": d["id"], "Status": STATUS_NAMES.get(d.get("status"), d.get("status")),
                       "Paper": d.get("paper_id", ""), "Text": gists[d["id"]]} for d in rows],
                     [d["id"] for d in rows], key="dec:rows", pick_key="dec:pick",
                     width="stretch", height=min(38 + 35 * len(rows), 250))
    ids = [d["id"] for d in rows]
    opened = w.kept_value("dec:pick")  # opened from another page of the list, or from another page: it stays
    if opened and opened not in ids and services.records.exists("decision", opened):
        ids.insert(0, opened)
        gists[opened] = gist(services, services.records.heads_of("decision", [opened])[0])
    decision_id = w.kept(c2.selectbox, "Open decision point", "dec:pick", ids[0], options=ids,
                         format_func=lambda i: f"{i} — {short(gists.get(i, ''))}")
    st.divider()
    show_decision(services, decision_id)


def gist(services, head: dict) -> str:
    """What a decision says, for lists: its text, and when the text only opens its parts ("The
    Governing Body:"), the text with its parts, which say what it decides."""
    text = (head.get("title") or "").strip()
    if text.endswith((":", "：")):
        record = w.load(lambda: services.records.get("decision", head["id"]).data, {})
        text = " ".join([record.get("text", text), *record.get("parts", [])])
    return " ".join(text.split())


def short(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[:size].rstrip() + " …"


def show_decision(services, decision_id: str) -> None:
    ok, decision = w.guarded(lambda: services.records.get("decision", decision_id))
    if not ok:
        return
    data = decision.data
    status = data.get("status", "draft")
    st.header(f"{w.literal(decision_id)} · {STATUS_NAMES.get(status, status)}")
    st.caption(f"Version {decision.version}, saved by {w.literal(decision.author)} at {w.when(decision.recorded_at)}: "
               f"“{w.literal(decision.why)}”")
    left, right = st.columns(2)
    with left:
        st.subheader("Text")
        show_text(services, data)
    with right:
        authorised_revisions(services, decision_id)
    st.subheader("Move through the lifecycle")
    move_form(services, decision)
    decision_as_at(services, decision_id)
    dv.versions_expander(services, "decision", decision_id)


def show_text(services, data: dict, *, heading=st.subheader) -> None:
    """The decision's text, and what became of it: the record of decision, a deferral, a withdrawal."""
    status = data.get("status", "draft")
    language = data.get("language", "en")
    citation = w.load(lambda: services.decisions.citation(data), "")
    if citation:
        st.caption(f"Prints as {w.literal(citation)}")
    for line in decision_paragraphs(data["text"], data.get("parts", []), language):
        st.markdown(f"> {w.literal(line)}")
    if status in ADOPTED:
        heading("Record of decision")
        if status == "adopted_as_amended":
            st.markdown(f"**Amendment:** {w.literal(data.get('amendment', ''))}")
            adopted = data.get("adopted_text") or {}
            st.markdown("**Text as adopted:**")
            for line in decision_paragraphs(adopted.get("text", ""), adopted.get("parts", []), language):
                st.markdown(f"> {w.literal(line)}")
        st.success(w.literal(data.get("record") or "—"))
        st.caption(f"Adopted on {data.get('adopted_on', '')}, on version {data.get('adopted_version')} of the text.")
    elif status == "deferred":
        st.info(f"Deferred to the {data.get('deferred_to')}th Session.")
    elif status == "withdrawn":
        st.info("Withdrawn: the revisions it proposed have lapsed.")


def decision_as_at(services, decision_id: str) -> None:
    section = w.lazy_expander("As it stood on a date", f"dec:asof:{decision_id}:open", icon=":material/event:")
    if not section.open:
        return
    with section:
        day = w.as_at_picker("Show the decision as it stood on", f"dec:asof:{decision_id}",
                             "Each version counts from the date it is in force from (shown below), not from when "
                             "it was typed in.", "the decision")
        if not day:
            return
        try:
            then = services.records.get("decision", decision_id, as_of=day.isoformat())
        except SstcError:
            w.empty_state(f"{w.literal(decision_id)} did not exist yet on {day.isoformat()} — choose a later date.")
            return
        status = then.data.get("status", "draft")
        st.markdown(f"On {day.isoformat()}: **{STATUS_NAMES.get(status, status)}** — version {then.version}, "
                    f"in force from {then.effective_from or '—'}.")
        show_text(services, then.data, heading=lambda text: st.markdown(f"**{text}**"))


def authorised_revisions(services, decision_id: str) -> None:
    st.subheader("Revisions it authorises")
    pairs = w.load(lambda: services.frameworks.revisions_by_decision(decision_id), [])
    if not pairs:
        w.empty_state("This decision authorises no indicator revision. Propose one on the Frameworks page and "
                      "choose this decision as its authority.")
        return
    st.dataframe([{"Indicator": ind["id"], "Label": ind.get("label", ""), "Change": TYPE_NAMES.get(rev["type"], rev["type"]),
                   "Status": REVISION_STATUS.get(rev["status"], rev["status"]),
                   "In force from": rev.get("effective_date", "")} for ind, rev in pairs],
                 hide_index=True, width="stretch")
    st.caption("Proposed revisions come into force on the date the decision is adopted, and lapse if it is withdrawn.")


def move_form(services, decision) -> None:
    data = decision.data
    status = data.get("status", "draft")
    steps = list(allowed_next(status))
    if not steps:
        st.info(f"{STATUS_NAMES.get(status, status)} is final: the record of what was decided is never reopened. "
                "A later decision can supersede it.")
        return
    needs = {step: rights.change_actions("decision", data, dict(data, status=step), MOVE_COMMAND) for step in steps}
    for action in dict.fromkeys(a for step in steps for a in needs[step] if not w.may(a)):
        w.why_not(action)
    steps = [step for step in steps if all(w.may(a) for a in needs[step])]
    if not steps:
        return
    key = f"dec:move:{decision.id}"
    problems = st.session_state.get(key + ":problems")
    to = w.kept(st.radio, "Move to", f"{key}:to", steps[0], options=steps, horizontal=True,
                format_func=lambda s: STATUS_NAMES.get(s, s))
    st.caption(STEP_HELP.get(to, ""))
    extra: dict = {}
    if to in ADOPTED:
        # empty until given: the day the Governing Body decided is rarely the day it is recorded
        adopted_on = w.kept(st.date_input, "Adopted on", f"{key}:adopted_on", None, **w.DATE_LIMITS,
                            help="The day the Governing Body adopted it (revisions it authorises are in force from then).")
        extra["outside_session_reason"] = w.kept(
            st.text_input, "Reason, if that day is outside the session's dates", f"{key}:outside_session_reason", "",
            placeholder="e.g. Adopted by correspondence after the session closed")
        w.field_problems(problems, "adopted_on", "outside_session_reason")
        extra["adopted_on"] = adopted_on.isoformat() if adopted_on else ""
    if to == "adopted_as_amended":
        extra["amendment"] = w.kept(st.text_area, "The amendment", f"{key}:amendment", "", height=68,
                                    placeholder="e.g. Insert “and requests the Office to report in 2014”.")
        w.field_problems(problems, "amendment")
        text = w.kept(st.text_area, "Text as amended and adopted", f"{key}:amended_text", data["text"], height=90)
        parts = w.kept(st.text_area, "Parts as adopted — one per line", f"{key}:amended_parts",
                       "\n".join(data.get("parts", [])), height=68)
        w.field_problems(problems, "adopted_text")
        extra["adopted_text"] = {"text": text, "parts": [p.strip() for p in parts.splitlines() if p.strip()]}
    if to == "deferred":
        session = data.get("session") or 1
        extra["deferred_to"] = w.kept(st.number_input, "Deferred to session", f"{key}:deferred_to", session + 1,
                                      min_value=1, step=1)
        w.field_problems(problems, "deferred_to")
    if to in ADOPTED:
        preview = w.load(lambda: services.decisions.record_preview(data, extra.get("adopted_text"),
                                                                            amended=to == "adopted_as_amended"), "")
        if preview:
            st.markdown("**The record of decision will read:**")
            st.success(w.literal(preview))
    why = w.reason_box(f"{key}:why")
    w.problems_summary(problems, shown={"adopted_on", "amendment", "adopted_text", "deferred_to",
                                        "outside_session_reason"})
    conflict = st.session_state.get(key + ":conflict")
    if conflict:
        st.warning(f"{w.literal(conflict['author'])} saved version {conflict['version']} of this decision at "
                   f"{w.when(conflict['recorded_at'])} (“{w.literal(conflict['why'])}”); it is now "
                   f"{STATUS_NAMES.get(conflict['theirs'].get('status'), '')}. Nothing was saved; check it above.")
    if st.button(f"Move to {STATUS_NAMES.get(to, to)}", key=f"{key}:save", type="primary"):
        if not w.require_user() or not w.require_reason(why):
            return
        with st.spinner("Saving, and bringing authorised revisions into force…" if to in ADOPTED else "Saving…"):
            saved = w.save_or_explain(
                lambda: services.decisions.move(decision.id, to, why=why,
                                                base_version=decision.version, **extra), key,
                on_conflict=lambda error: w.remember_conflict(key + ":conflict", error, mine={}, base=None, why=why))
        if saved is None:
            return
        w.forget_form(key)
        message = f"{decision.id} is now {STATUS_NAMES.get(to, to).lower()} (version {saved.version})."
        if to in ADOPTED:
            message += " The revisions it authorises are in force from " + extra["adopted_on"] + "."
        w.flash(message)
        st.rerun()


render()
