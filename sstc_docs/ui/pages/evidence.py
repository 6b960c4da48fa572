"""Evidence: register what shows progress or justifies a change, find it, link it to indicators
(with the value it contributes), decisions and papers, attach and download files, and see each
strategy's progress — baseline, target and the actual value the linked evidence adds up to —
with the evidence behind every number."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from sstc_docs.domain.records import EVIDENCE_KINDS, RELIABILITY
from sstc_docs.errors import ConflictError, SstcError, ValidationError
from sstc_docs.services.evidence import STATUS_LABELS, STATUSES, format_size
from sstc_docs.ui import diffview as dv
from sstc_docs.ui import picker
from sstc_docs.ui import widgets as w

KIND_NAMES = {"meeting": "Meeting held", "agreement": "Agreement signed", "programme": "Programme",
              "report": "Report", "minutes": "Minutes", "dataset": "Dataset", "link": "Web page (link)",
              "file": "File"}
RELIABILITY_NAMES = {"confirmed": "Confirmed", "reported": "Reported", "estimate": "Estimate"}
STATUS_COLORS = {"achieved": "#2e7d32", "on_track": "#1565c0", "at_risk": "#c62828",
                 "no_evidence": "#9e9e9e", "no_target": "#bdbdbd"}
SERIES_COLORS = {"Baseline": "#9e9e9e", "Actual (cumulative)": "#1565c0", "Target": "#2e7d32"}
LINKABLE = ("any", "indicator", "decision", "paper")  # what evidence links to ("any": no filter)
PAGE_SIZE = 50  # evidence records listed at a time
DATE_RANGE = {"min_value": dt.date(1919, 1, 1), "max_value": dt.date(2100, 12, 31), "format": "YYYY-MM-DD"}


# -- small helpers ------------------------------------------------------------------------------
def _nonce(name: str) -> int:
    """A counter in the keys of a form's widgets: bumping it after a save gives a fresh, empty form."""
    return st.session_state.setdefault(f"ev_nonce_{name}", 0)


def _fresh(name: str) -> None:
    st.session_state[f"ev_nonce_{name}"] = _nonce(name) + 1


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _show_refusal(error: SstcError) -> None:
    """A refused save: every problem in plain words, never a traceback."""
    if isinstance(error, ValidationError):
        w.problems_summary(error.problems)
    elif isinstance(error, ConflictError):
        st.error(f"Not saved: {w.literal(error)} Reload this evidence and make your change again.")
    else:
        st.error(f"Not saved: {w.literal(error)}")


# -- find --------------------------------------------------------------------------------------
def linked_filter(services, container) -> str | None:
    """"Linked to": which kind of record, then the record itself, found by what is typed."""
    kind = w.kept(container.radio, "Linked to", "ev_f_linked_kind", "indicator", options=LINKABLE, horizontal=True,
                  format_func=lambda k: "any record" if k == "any" else w.kind_name(k))
    if kind == "any":
        return None
    return picker.pick_one(services, kind, "Linked record", f"ev_f_linked:{kind}", container=container,
                           placeholder="any record (or choose one)")


def find_tab(services) -> None:
    total = w.load(lambda: services.records.count("evidence"), 0)
    if not total:
        w.empty_state("No evidence yet. Register a meeting, an agreement, a report or a file on the "
                      "“Register evidence” tab; then link it to the indicators it shows progress on.")
        return
    top = st.columns([3, 2, 2])
    # kept (widgets.kept): the search and filters are still there after a page switch or a reload
    text = w.kept(top[0].text_input, "Search", "ev_q", "", placeholder="words in the title, reference, source or notes")
    kinds = w.kept(top[1].multiselect, "Kind", "ev_f_kind", [], options=list(EVIDENCE_KINDS), format_func=KIND_NAMES.get)
    levels = w.kept(top[2].multiselect, "Reliability", "ev_f_rel", [], options=list(RELIABILITY),
                    format_func=RELIABILITY_NAMES.get)
    bottom = st.columns([1, 1, 4])
    date_from = w.kept(bottom[0].date_input, "Dated from", "ev_f_from", None, **DATE_RANGE)
    date_to = w.kept(bottom[1].date_input, "Dated up to", "ev_f_to", None, **DATE_RANGE)
    linked = linked_filter(services, bottom[2].container())
    filters = dict(kind=kinds, reliability=levels, date_from=_iso(date_from) or None, date_to=_iso(date_to) or None,
                   linked=linked)
    caption, paging = st.columns([3, 1], vertical_alignment="bottom")
    ok, answer = w.guarded(lambda: w.paged(lambda offset, limit: services.evidence.search_page(
        text, **filters, offset=offset, limit=limit), "ev_page", PAGE_SIZE, container=paging))
    if not ok:
        return
    found, offset = answer
    if not found.total:
        w.empty_state("Nothing matches these filters. Clear some of them, or search for fewer words.")
        return
    rows = found.rows
    caption.caption(f"{found.total} of {total} evidence record(s)"
                    + (f" · {offset + 1}–{offset + len(rows)} shown" if found.total > PAGE_SIZE else ""))
    contributions = {}
    if linked and w.kept_value("ev_f_linked_kind") == "indicator":
        shown = {r["id"] for r in rows}
        for row in w.load(lambda: services.evidence.evidence_for_indicator(linked), []):
            if row["id"] in shown:
                contributions.setdefault(row["id"], []).append(f"{row['value']}" + (f" ({row['period']})"
                                                                                     if row["period"] else ""))
    table = [{"ID": r["id"], "Date": r.get("date") or "—", "Kind": KIND_NAMES.get(r.get("kind"), r.get("kind")),
              "Title": r.get("title", ""), "Reference": r.get("reference", ""),
              "Reliability": RELIABILITY_NAMES.get(r.get("reliability"), r.get("reliability")),
              "Indicators": len(r.get("indicator_ids", [])), "Decisions": len(r.get("decision_ids", [])),
              "Papers": len(r.get("paper_ids", [])), "Version": r["version"],
              **({"Contributes to this indicator": ", ".join(contributions.get(r["id"], []))} if contributions else {})}
             for r in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    by_id = {r["id"]: r for r in rows}
    chosen = st.session_state.get("ev_open")
    if chosen and chosen not in by_id:  # opened from another page of the list: it stays open
        by_id.update({row["id"]: row for row in services.records.heads_of("evidence", [chosen])})
    chosen = st.selectbox("Open an evidence record", list(by_id), index=None, key="ev_open",
                          format_func=lambda i: picker.record_label("evidence", by_id[i]),
                          placeholder="choose one of those listed to see its details, links, file and history")
    if chosen:
        evidence_detail(services, chosen)


def evidence_detail(services, evidence_id: str) -> None:
    ok, version = w.guarded(lambda: services.evidence.get(evidence_id))
    if not ok:
        return
    data = version.data
    with st.container(border=True):
        st.subheader(w.literal(data["title"]))
        st.caption(f"{w.literal(data['id'])} · version {version.version} · saved by {w.literal(version.author)} "
                   f"on {w.when(version.recorded_at)} — {w.literal(version.why)}")
        facts = st.columns(4)
        facts[0].markdown(f"**Kind**  \n{KIND_NAMES.get(data['kind'], data['kind'])}")
        facts[1].markdown(f"**Date**  \n{data.get('date') or '—'}")
        facts[2].markdown(f"**Reliability**  \n{RELIABILITY_NAMES.get(data['reliability'], data['reliability'])}")
        facts[3].markdown(f"**Reference**  \n{w.literal(data.get('reference') or '—')}")
        if data.get("source"):
            st.markdown(f"**Source:** {w.literal(data['source'])}")
        if data.get("url"):
            # A link people open by clicking; in an HTML block, so no part of the address is read as Markdown.
            address = w.literal_html(data["url"])
            dv.html_block(f'<b>Web address:</b> <a href="{address}" target="_blank" rel="noopener noreferrer">'
                          f"{address}</a>")
        if data.get("notes"):
            st.markdown(f"**Notes:** {w.literal(data['notes'])}")
        links = data["links"]
        st.markdown("**Links**")
        if not any(links.values()):
            st.caption("Not linked to anything yet — link it on the “Link evidence” tab.")
        names = {kind: picker.labels_of(services, kind, ids) for kind, ids in (
            ("indicator", [link["id"] for link in links["indicators"]]), ("decision", links["decisions"]),
            ("paper", links["papers"])) if ids}
        for link in links["indicators"]:
            st.markdown(f"- Indicator {w.literal(names['indicator'][link['id']])} — contributes **{link['value']}**"
                        + (f" in {w.literal(link['period'])}" if link.get("period") else ""))
        for decision_id in links["decisions"]:
            st.markdown(f"- Decision {w.literal(names['decision'][decision_id])}")
        for paper_id in links["papers"]:
            st.markdown(f"- Paper {w.literal(names['paper'][paper_id])}")
        attachment = data.get("attachment")
        if attachment:
            download_button(services, evidence_id, version.version, attachment,
                            f"Download {w.literal(attachment['name'])} ({format_size(attachment['size'])})",
                            key=f"ev_dl_{evidence_id}_{version.version}")
        else:
            st.caption("No file attached.")
        attach_form(services, version)
        edit_form(services, version)
        with st.expander("History of this evidence record"):
            history = w.load(lambda: services.records.history("evidence", evidence_id), [])
            st.dataframe(w.version_table(history), hide_index=True, width="stretch")


def download_button(services, evidence_id: str, version: int | None, attachment: dict, label: str, *,
                    key: str) -> None:
    """The attached file, byte for byte, under its original name. The bytes are read only when the
    user clicks (a deferred download), so a page with large files stays quick."""
    if not services.records.store.has_blob(attachment["sha256"]):
        st.error(f"The file {w.literal(attachment['name'])} of {w.literal(evidence_id)} is missing from the database "
                 "folder; restore it from a backup.")
        return
    st.download_button(label, data=lambda: services.evidence.download(evidence_id, version)[0],
                       file_name=attachment["name"], mime=attachment.get("media_type") or "application/octet-stream",
                       on_click="ignore", key=key, icon="⬇️")


def attach_form(services, version) -> None:
    if not w.drafting():
        return
    limit = services.evidence.limit_text
    n = _nonce(f"att_{version.id}")
    label = "Replace the file" if version.data.get("attachment") else "Attach a file"
    with st.expander(label):
        with st.form(f"ev_attach_form_{version.id}_{n}"):
            upload = st.file_uploader(f"File (up to {limit})", key=f"ev_attach_file_{version.id}_{n}",
                                      max_upload_size=max(1, math.ceil(services.evidence.max_upload_mb)))
            why = st.text_input("Reason for this change", key=f"ev_attach_why_{version.id}_{n}",
                                placeholder="e.g. 'The signed agreement, received from the field office'")
            submitted = st.form_submit_button("Attach the file")
        if submitted:
            if not w.require_user():
                return
            if upload is None:
                st.error("Choose a file first. Nothing was saved.")
                return
            try:
                saved = services.evidence.attach(version.id, upload.name, upload.getvalue(), upload.type,
                                                 why=why, base_version=version.version)
            except SstcError as error:
                _show_refusal(error)
                return
            w.flash(f"Attached {saved.data['attachment']['name']} to {saved.id} (now version {saved.version}).")
            _fresh(f"att_{version.id}")
            st.rerun()


def edit_form(services, version) -> None:
    if not w.drafting():
        return
    data = version.data
    n = _nonce(f"edit_{version.id}")
    with st.expander("Edit the details"):
        with st.form(f"ev_edit_form_{version.id}_{n}"):
            changes = detail_fields(f"ev_edit_{version.id}_{n}", data)
            why = st.text_input("Reason for this change", key=f"ev_edit_why_{version.id}_{n}")
            submitted = st.form_submit_button("Save a new version")
        if submitted:
            if not w.require_user():
                return
            try:
                saved = services.evidence.update(version.id, changes, why=why,
                                                 base_version=version.version)
            except SstcError as error:
                _show_refusal(error)
                return
            w.flash(f"Saved {saved.id}, version {saved.version}.")
            _fresh(f"edit_{version.id}")
            st.rerun()


def detail_fields(prefix: str, data: dict | None = None) -> dict:
    """The descriptive fields of an evidence record, as inputs; returns what was typed."""
    data = data or {}
    left, right = st.columns(2)
    title = left.text_input("Title (required)", value=data.get("title", ""), key=f"{prefix}_title",
                            placeholder="e.g. Technical meeting on SSTC, Brasilia")
    kind = right.selectbox("Kind", EVIDENCE_KINDS, index=EVIDENCE_KINDS.index(data.get("kind") or "report"),
                           key=f"{prefix}_kind", format_func=KIND_NAMES.get)
    day = None
    if data.get("date"):
        day = dt.date.fromisoformat(data["date"])
    date = left.date_input("Date", value=day, key=f"{prefix}_date", **DATE_RANGE)
    reliability = right.selectbox("Reliability", RELIABILITY,
                                  index=RELIABILITY.index(data.get("reliability") or "reported"),
                                  key=f"{prefix}_rel", format_func=RELIABILITY_NAMES.get)
    source = left.text_input("Source", value=data.get("source", ""), key=f"{prefix}_source",
                             placeholder="who produced it, e.g. PARDEV, Brasilia office")
    reference = right.text_input("Reference", value=data.get("reference", ""), key=f"{prefix}_ref",
                                 placeholder="e.g. GB.313/PV, paragraph 401")
    url = st.text_input("Web address", value=data.get("url", ""), key=f"{prefix}_url", placeholder="https://…")
    notes = st.text_area("Notes", value=data.get("notes", ""), key=f"{prefix}_notes", height=80)
    return {"title": title, "kind": kind, "date": _iso(date), "source": source, "reference": reference,
            "url": url, "reliability": reliability, "notes": notes}


# -- register ----------------------------------------------------------------------------------
def register_tab(services) -> None:
    """Not a form: the links are chosen by searching, and a search must answer as it is typed."""
    if not w.drafting():
        return
    limit = services.evidence.limit_text
    n = _nonce("reg")
    st.caption("Evidence is anything that shows progress or justifies a change: a meeting held, an agreement "
               "signed, a report, a paragraph of minutes, a web page or a file. Link it to the indicators it "
               "counts towards, with the value it contributes.")
    with st.container(border=True):
        fields = detail_fields(f"ev_reg_{n}")
        upload = st.file_uploader(f"Attach a file (optional, up to {limit} per file)", key=f"ev_reg_file_{n}",
                                  max_upload_size=max(1, math.ceil(services.evidence.max_upload_mb)),
                                  help="Stored once by its content: the same file uploaded twice is kept once. "
                                       "The original name is kept for the download.")
        st.markdown("**Links** (optional; more can be added later on the “Link evidence” tab)")
        indicator = picker.pick_one(services, "indicator", "Indicator it counts towards", f"ev_reg_ind_{n}",
                                    placeholder="none")
        columns = st.columns([1, 2, 2])
        value = columns[0].number_input("Value it contributes", value=1.0, step=1.0, key=f"ev_reg_val_{n}",
                                        help="Counted as one item for a 'count' indicator; added up for a 'sum' one.")
        period = columns[1].text_input("Period", key=f"ev_reg_period_{n}", placeholder="e.g. 2012 or 2012-13",
                                       help="Leave empty: the year of the date, else the indicator's period.")
        decisions = picker.pick_many(services, "decision", "Decisions it supports", f"ev_reg_dec_{n}")
        papers = picker.pick_many(services, "paper", "Papers that cite it", f"ev_reg_pap_{n}")
        why = st.text_input("Reason for this change", key=f"ev_reg_why_{n}",
                            placeholder="e.g. 'Report of the meeting received from the Brasilia office'")
        submitted = st.button("Register evidence", type="primary", key=f"ev_reg_submit_{n}")
    if not submitted:
        return
    if not w.require_user():
        return
    data = {**fields, "links": {"indicators": ([{"id": indicator, "value": _number(value), "period": period.strip()}]
                                               if indicator else []),
                                "decisions": decisions, "papers": papers}}
    file = (upload.name, upload.getvalue(), upload.type) if upload is not None else None
    try:
        saved = services.evidence.register(data, why=why, file=file)
    except SstcError as error:
        _show_refusal(error)
        return
    attached = f" with {saved.data['attachment']['name']}" if saved.data.get("attachment") else ""
    w.flash(f"Registered {saved.id}{attached}: “{saved.data['title']}”.")
    w.forget_keys(f"ev_reg_ind_{n}")
    _fresh("reg")
    st.rerun()


# -- link --------------------------------------------------------------------------------------
def link_tab(services) -> None:
    st.markdown("#### Link evidence to indicators, decisions and papers")
    if not w.load(lambda: services.records.count("evidence"), 0):
        w.empty_state("No evidence to link yet: register some on the “Register evidence” tab.")
    else:
        evidence_id = picker.pick_one(services, "evidence", "Evidence", "ev_link_which",
                                      placeholder="choose the evidence")
        if evidence_id:
            link_form(services, evidence_id)
    st.markdown("#### Evidence for a record")
    st.caption("The same links seen from the other end.")
    kind = w.kept(st.radio, "Kind of record", "ev_link_target_kind", "indicator", options=LINKABLE[1:],
                  horizontal=True, format_func=w.kind_name)
    target = picker.pick_one(services, kind, "Indicator, decision or paper", "ev_link_target",
                             placeholder="choose a record", where=None)
    if not target:
        return
    if kind == "indicator":
        rows = w.load(lambda: services.evidence.evidence_for_indicator(target), [])
        table = [{"Evidence": r["id"], "Title": r.get("title", ""), "Date": r.get("date") or "—",
                  "Value": r["value"], "Period": r["period"] or "—",
                  "Reliability": RELIABILITY_NAMES.get(r.get("reliability"))} for r in rows]
    else:
        finder = services.evidence.evidence_for_decision if kind == "decision" else services.evidence.evidence_for_paper
        rows = w.load(lambda: finder(target), [])
        table = [{"Evidence": r["id"], "Title": r.get("title", ""), "Date": r.get("date") or "—",
                  "Reference": r.get("reference", ""),
                  "Reliability": RELIABILITY_NAMES.get(r.get("reliability"))} for r in rows]
    if not table:
        w.empty_state("No evidence is linked to this record yet. Link some above.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def link_form(services, evidence_id: str) -> None:
    if not w.drafting():
        return
    ok, version = w.guarded(lambda: services.evidence.get(evidence_id))
    if not ok:
        return
    links = version.data["links"]
    current = ([("indicator", i, link) for i, link in enumerate(links["indicators"])]
               + [("decision", d, d) for d in links["decisions"]] + [("paper", p, p) for p in links["papers"]])

    def describe(item) -> str:
        kind, _, link = item
        if kind == "indicator":
            return f"Indicator {link['id']}: {link['value']}" + (f" in {link['period']}" if link.get("period") else "")
        return f"{kind.title()} {link}"

    n = _nonce(f"link_{evidence_id}")
    with st.container(border=True):  # not a form: the records to add are found by searching
        if current:
            remove = st.multiselect("Links to remove", list(range(len(current))), key=f"ev_link_rm_{n}",
                                    format_func=lambda i: describe(current[i]),
                                    help=w.literal("Current links: " + "; ".join(describe(c) for c in current)))
        else:
            st.caption("Not linked to anything yet.")
            remove = []
        indicator = picker.pick_one(services, "indicator", "Add an indicator", f"ev_link_ind_{n}", placeholder="none")
        columns = st.columns([1, 2, 2])
        value = columns[0].number_input("Value it contributes", value=1.0, step=1.0, key=f"ev_link_val_{n}")
        period = columns[1].text_input("Period", key=f"ev_link_period_{n}", placeholder="e.g. 2012 or 2012-13",
                                       help="Leave empty: the year of the evidence's date, else the indicator's period.")
        decisions = picker.pick_many(services, "decision", "Add decisions", f"ev_link_dec_{n}",
                                     where=lambda head: head.id not in links["decisions"])
        papers = picker.pick_many(services, "paper", "Add papers", f"ev_link_pap_{n}",
                                  where=lambda head: head.id not in links["papers"])
        why = st.text_input("Reason for this change", key=f"ev_link_why_{n}",
                            placeholder="e.g. 'The meeting counts towards outcome 1'")
        submitted = st.button("Save the links", type="primary", key=f"ev_link_submit_{n}")
    if not submitted:
        return
    if not w.require_user():
        return
    dropped = {(current[i][0], current[i][1] if current[i][0] == "indicator" else current[i][2]) for i in remove}
    new_links = {"indicators": [link for i, link in enumerate(links["indicators"]) if ("indicator", i) not in dropped],
                 "decisions": [d for d in links["decisions"] if ("decision", d) not in dropped] + decisions,
                 "papers": [p for p in links["papers"] if ("paper", p) not in dropped] + papers}
    if indicator:
        new_links["indicators"].append({"id": indicator, "value": _number(value), "period": period.strip()})
    if new_links == links:
        st.error("Nothing to save: choose a link to add or remove.")
        return
    try:
        saved = services.evidence.update(evidence_id, {"links": new_links}, why=why,
                                         base_version=version.version)
    except SstcError as error:
        _show_refusal(error)
        return
    w.flash(f"Saved the links of {saved.id} (now version {saved.version}).")
    w.forget_keys(f"ev_link_ind_{n}")
    _fresh(f"link_{evidence_id}")
    st.rerun()


# -- progress ----------------------------------------------------------------------------------
def _indicator_title(row: dict) -> str:
    return f"O{row['outcome']} {row['label'] + ' ' if row['label'] else ''}{row['id']}"


def _steps(row: dict) -> list[dict]:
    """Baseline → actual per period (cumulative) → target, for one indicator's chart."""
    steps = []
    if row["baseline_value"] is not None:
        steps.append({"step": "Baseline", "value": row["baseline_value"], "series": "Baseline"})
    for bucket in row["periods"]:
        steps.append({"step": bucket["period"], "value": bucket["cumulative"], "series": "Actual (cumulative)"})
    if not row["periods"]:
        steps.append({"step": row["period"] or "Actual", "value": row["actual"], "series": "Actual (cumulative)"})
    if row["target_value"] is not None:
        steps.append({"step": "Target", "value": row["target_value"], "series": "Target"})
    for order, step in enumerate(steps):
        step.update(order=order, indicator=_indicator_title(row))
    return steps


def _altair():
    """altair, imported when the Progress tab draws its charts: the import takes about 0.4 s, which
    a visit to the other tabs need not wait for."""
    import altair

    return altair


def _series_color():
    alt = _altair()
    return alt.Color("series:N", title="", scale=alt.Scale(domain=list(SERIES_COLORS),
                                                           range=list(SERIES_COLORS.values())))


def progress_tab(services) -> None:
    alt = _altair()
    strategies = w.load(services.frameworks.strategies, [])
    if not strategies:
        w.empty_state("No strategy yet. Create one on the Frameworks page (or load the demo with "
                      "`python -m sstc_docs demo`); its indicators' progress will show here.")
        return
    by_id = {s["id"]: s for s in strategies}
    top = st.columns([3, 2])
    strategy_id = top[0].selectbox("Strategy", list(by_id), key="ev_prog_strategy",
                                   format_func=lambda i: f"{i} — {by_id[i].get('title', '')} ({by_id[i].get('period', '')})")
    as_of = top[1].date_input("As at", value=None, key="ev_prog_asof", help="Leave empty for today.", **DATE_RANGE)
    ok, result = w.guarded(lambda: services.evidence.progress(strategy_id, as_of=_iso(as_of) or None))
    if not ok:
        return
    rows = result["indicators"]
    if not rows:
        w.empty_state("This strategy has no indicators yet. Add them on the Frameworks page.")
        return
    metrics = st.columns(len(STATUSES))
    for column, status in zip(metrics, STATUSES):
        column.metric(STATUS_LABELS[status].capitalize(), result["status_counts"][status])
    st.caption(f"As at {result['as_of']}. How the status is decided: {result['rule']}")
    if not any(row["evidence"] for row in rows):
        w.empty_state("No evidence is linked to these indicators yet, so every actual value is 0. Register "
                      "evidence and link it to an indicator with the value it contributes.")

    table = [{"Outcome": row["outcome"], "Indicator": f"{row['label'] + ' ' if row['label'] else ''}{row['id']}",
              "Baseline": row["baseline_value"] if row["baseline_value"] is not None else row["baseline_text"],
              "Target": row["target_value"] if row["target_value"] is not None else row["target_text"],
              "Actual": row["actual"],
              "% of target": None if row["share_of_target"] is None else round(100 * row["share_of_target"], 1),
              "Status": row["status_label"], "Evidence": sum(e["counted"] for e in row["evidence"]),
              "Measure": row["measure"], "Period": row["period"],
              "In force": "yes" if row["in_force"] and not row["retired"] else ("retired" if row["retired"] else "proposed"),
              "Text": row["text"]}
             for row in rows]
    st.dataframe(pd.DataFrame(table).astype({"Baseline": str, "Target": str}), hide_index=True, width="stretch",
                 row_height=w.wrapped_row_height(table, {"Baseline": 120, "Target": 120, "Text": 300}),
                 column_config={"Text": st.column_config.TextColumn(width=300)})

    st.markdown("##### All indicators at a glance")
    overview = pd.DataFrame([{"indicator": _indicator_title(r), "share": round(100 * (r["share_of_target"] or 0), 1),
                              "status": r["status_label"], "actual": r["actual"],
                              "target": "—" if r["target_value"] is None else str(r["target_value"])} for r in rows])
    bars = alt.Chart(overview).mark_bar().encode(
        y=alt.Y("indicator:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("share:Q", title="% of target reached"),
        color=alt.Color("status:N", title="Status",
                        scale=alt.Scale(domain=[STATUS_LABELS[s] for s in STATUSES],
                                        range=[STATUS_COLORS[s] for s in STATUSES])),
        tooltip=["indicator", "actual", "target", "share", "status"])
    goal = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    st.altair_chart((bars + goal).properties(height=40 * len(rows) + 40), width="stretch")

    st.markdown("##### Baseline → actual → target, per indicator")
    charted = [row for row in rows if row["baseline_value"] is not None or row["target_value"] is not None
               or row["actual"]]
    steps = pd.DataFrame([step for row in charted for step in _steps(row)])
    if steps.empty:
        w.empty_state("No indicator of this strategy has a numeric baseline, target or actual value to chart.")
    else:
        chart = alt.Chart(steps).mark_bar().encode(
            x=alt.X("step:N", title=None, sort=alt.EncodingSortField("order"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None), color=_series_color(),
            tooltip=["indicator", "step", "series", "value"],
        ).properties(width=210, height=160).facet(
            facet=alt.Facet("indicator:N", title=None, sort=[_indicator_title(r) for r in charted]), columns=3
        ).resolve_scale(x="independent", y="independent").configure_legend(orient="bottom")
        st.altair_chart(chart)
        left_out = [_indicator_title(r) for r in rows if r not in charted]
        if left_out:
            st.caption("Not charted (wording only, nothing counted yet): " + w.literal(", ".join(left_out)))

    st.markdown("##### The evidence behind a number")
    names = {row["id"]: row for row in rows}
    chosen = st.selectbox("Indicator", list(names), key="ev_prog_drill",
                          format_func=lambda i: f"{_indicator_title(names[i])} — actual {names[i]['actual']}, "
                                                f"{names[i]['status_label']}")
    drill(services, names[chosen])


def drill(services, row: dict) -> None:
    unit = f" {w.literal(row['unit'])}" if row["unit"] else ""
    st.markdown(f"**{w.literal((row['label'] + ' ' if row['label'] else '') + row['text'])}**")
    cols = st.columns(4)
    cols[0].metric("Baseline", "—" if row["baseline_value"] is None else row["baseline_value"],
                   help=w.literal(row["baseline_text"]) or None)
    cols[1].metric("Target", "—" if row["target_value"] is None else row["target_value"],
                   help=w.literal(row["target_text"]) or None)
    cols[2].metric(f"Actual ({row['measure']}){unit}", row["actual"])
    cols[3].metric("Status", row["status_label"])
    if not row["evidence"]:
        w.empty_state("No evidence is linked to this indicator. Link some on the “Link evidence” tab, with the "
                      "value it contributes.")
        return
    rule = "each linked evidence counts as 1" if row["measure"] == "count" else "the values the evidence contributes are added up"
    st.caption(f"How the actual value is reached: {rule}; only evidence in the indicator's period "
               f"({row['period'] or 'any'}) counts.")
    if row["periods"]:
        st.dataframe([{"Period": b["period"], "Actual": b["actual"], "Cumulative": b["cumulative"],
                       "Evidence": ", ".join(b["evidence_ids"])} for b in row["periods"]],
                     hide_index=True, width="stretch")
    st.dataframe([{"Evidence": e["id"], "Title": e["title"], "Date": e["date"] or "—",
                   "Reliability": RELIABILITY_NAMES.get(e["reliability"]), "Value": e["value"],
                   "Counts as": e["contributes"], "Period": e["period"] or "—",
                   "Counted": "yes" if e["counted"] else f"no — {e['why_not']}",
                   "File": "yes" if e["attachment"] else ""} for e in row["evidence"]],
                 hide_index=True, width="stretch")
    for item in [e for e in row["evidence"] if e["attachment"]][:20]:
        download_button(services, item["id"], None, item["attachment"],
                        f"Download {w.literal(item['attachment']['name'])} ({w.literal(item['id'])})",
                        key=f"ev_prog_dl_{row['id']}_{item['id']}")


# -- the page ----------------------------------------------------------------------------------
TABS = {"Find evidence": find_tab, "Register evidence": register_tab, "Link evidence": link_tab,
        "Progress": progress_tab}


def render() -> None:
    st.title("Evidence")
    services = w.services()
    with st.container():  # always present, so the tabs below keep their place (and selection) across reruns
        w.show_flash()
    # Tabs that track which one is open: only the open tab's content is computed on a rerun.
    tabs = st.tabs(list(TABS), key="ev_tab", on_change="rerun")
    for tab, draw in zip(tabs, TABS.values()):
        if tab.open:
            with tab:
                draw(services)


render()
