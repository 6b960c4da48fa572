"""Frameworks: strategies → outcomes → indicators as one table (today or as at a date); add an
indicator; propose a revision authorised by a decision; each indicator's revision history (and its
versions compared); the strategy's indicator revision report, in the app and as .docx."""

from __future__ import annotations

import streamlit as st

from sstc_docs.domain.lifecycle import STATUS_NAMES
from sstc_docs.domain.report import outcome_heading
from sstc_docs.errors import ValidationError
from sstc_docs.services.exports import docx_name
from sstc_docs.ui import diffview as dv
from sstc_docs.ui import picker
from sstc_docs.ui import widgets as w

TYPE_NAMES = {"new": "New indicator", "revised": "Revised", "retired": "Retired"}
REVISION_STATUS = {"proposed": "Proposed", "in_force": "In force", "lapsed": "Lapsed"}


def render() -> None:
    services = w.page("Frameworks")
    strategies = w.load(services.frameworks.strategies, [])
    if not strategies:
        w.empty_state("No strategy yet — load the demo with `python -m sstc_docs demo`, or add a strategy with "
                      "`python -m sstc_docs put FILE.json --why …` (a JSON object with \"kind\": "
                      "\"strategy\", as `get strategy SSTC-2012` prints one); then its indicators appear here.")
        return
    titles = {s["id"]: f"{s['id']} — {s.get('title', '')} ({s.get('period', '')})" for s in strategies}
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    strategy_id = w.kept(c1.selectbox, "Strategy", "fw:strategy", strategies[0]["id"], options=list(titles),
                         format_func=lambda s: titles.get(s, s))
    use_date = w.kept(c2.toggle, "As at a date", "fw:use_date", False)
    as_of = None
    if use_date:
        as_of = w.date_box(c3, "As at", "fw:as_of")
    with st.spinner("Loading the framework…"):
        ok, framework = w.guarded(lambda: services.frameworks.framework(
            strategy_id, as_of=as_of.isoformat() if as_of else None))
    if not ok:
        return
    show_framework(framework)
    indicators = {row["id"]: (outcome["number"], row) for outcome in framework["outcomes"] for row in outcome["indicators"]}
    if as_of:
        # a past view is read-only: revising "what is in force now" from a page showing another day would mislead
        st.caption("A view of the framework as it stood on that date: read-only. Switch off “As at a date” to "
                   "revise or add indicators.")
        revision_history(services, indicators)
        return
    # Only the open tab is drawn (and its records read); what is typed in a tab is kept (``w.kept``).
    tabs = {"Revise an indicator": lambda: revise_indicator(services, indicators),
            "Revision history": lambda: revision_history(services, indicators),
            "Revision report": lambda: revision_report(services, strategy_id),
            "Add an indicator": lambda: add_indicator(services, framework)}
    for tab, draw in zip(st.tabs(list(tabs), key="fw:tab", on_change="rerun"), tabs.values()):
        if tab.open:
            with tab:
                draw()


def indicator_name(outcome: int, row: dict) -> str:
    """A select-box label that stays the same when the indicator is revised (its text is shown beside)."""
    label = f" {row['label']}" if row.get("label") else ""
    return f"Outcome {outcome}{label} · {row['id']}"


def show_framework(framework: dict) -> None:
    st.subheader(f"{w.literal(framework['title'])} · {w.literal(framework['period'])}")
    st.caption(f"As at {framework['as_of']} (strategy version {framework['version']}). Values are those in force "
               "on that date; proposals not yet in force are in the last columns.")
    config = {"Label": st.column_config.TextColumn(width=50),
              "Indicator": st.column_config.TextColumn(width=230),
              "Baseline": st.column_config.TextColumn(width=135),
              "Target": st.column_config.TextColumn(width=135),
              "Status": st.column_config.TextColumn(width=105),
              "Proposed changes": st.column_config.TextColumn(width=150, help="Revisions proposed, not yet in force")}
    for outcome in framework["outcomes"]:
        st.markdown(f"**Outcome {outcome['number']}.** {w.literal(outcome['statement'])}")
        if not outcome["indicators"]:
            st.caption("No indicators yet — add one in the “Add an indicator” tab below.")
            continue
        rows = []
        for row in outcome["indicators"]:
            status = "Retired" if row["retired"] else ("In force" if row["in_force"] else "Proposed (new)")
            rows.append({"Label": row["label"], "Indicator": row["text"], "Baseline": row["baseline"],
                         "Target": row["target"], "Status": status,
                         "Proposed changes": "; ".join(f"{TYPE_NAMES.get(p['type'], p['type'])} · {p['decision_id']}"
                                                       for p in row["pending"])})
        st.dataframe(rows, hide_index=True, width="stretch", column_config=config,
                     row_height=w.wrapped_row_height(rows, {"Indicator": 230, "Baseline": 135, "Target": 135,
                                                            "Proposed changes": 150}))


def decision_picker(services, label: str, key: str, *, optional: bool = False, help: str | None = None) -> str:
    """Decisions found by id or words of their text; the chosen one's status and text are shown under it."""
    chosen = picker.pick_one(services, "decision", label, key, help=help, required=not optional,
                             placeholder="None — in force at once" if optional else "")
    if chosen:
        st.caption(w.literal(picker.labels_of(services, "decision", [chosen])[chosen]))
    return chosen or ""


def revise_indicator(services, indicators: dict) -> None:
    if not w.drafting():
        return
    if not indicators:
        w.empty_state("This strategy has no indicators yet — add one in the “Add an indicator” tab.")
        return
    if not w.load(services.decisions.status_counts, {}):
        w.empty_state("A revision must be authorised by a decision point, and there is none yet — write the draft "
                      "decision of the paper that proposes it (Papers page, tab “Draft decision”).")
        return
    ids = list(indicators)
    indicator_id = w.kept(st.selectbox, "Indicator to revise", "fw:rev:indicator", ids[0], options=ids,
                          format_func=lambda i: indicator_name(*indicators[i]))
    _, row = indicators[indicator_id]
    key = f"fw:rev:{indicator_id}"
    kind = w.kept(st.radio, "Change", f"{key}:type", "revised", options=["revised", "retired"], horizontal=True,
                  format_func=lambda t: {"revised": "Revise text, baseline or target", "retired": "Retire it"}[t])
    problems = st.session_state.get(key + ":problems")
    kept_values = st.session_state.setdefault("_kept", {})
    typed = any(str(st.session_state.get(f"{key}:{f}", kept_values.get(f"{key}:{f}")) or "").strip()
                for f in ("text", "baseline", "target", "reason"))
    if not typed or key + ":base" not in kept_values:
        # the version the user started typing on, so that someone else's save in between is noticed
        kept_values[key + ":base"] = w.load(lambda: services.records.get("indicator", indicator_id).version)
    new: dict = {}
    if kind == "revised":
        st.caption("Leave a field empty to keep what is in force.")
        for field, label in (("text", "New indicator text"), ("baseline", "New baseline"), ("target", "New target")):
            c1, c2 = st.columns(2)
            c1.markdown(f"**In force now — {field}**  \n{w.literal(row[field] or '—')}")
            with c2:
                new[field] = w.kept(st.text_area, label, f"{key}:{field}", "", height=68)
                w.field_problems(problems, f"new.{field}")
        w.field_problems(problems, "new", exact=True)
    reason = w.kept(st.text_area, "Reason for the revision", f"{key}:reason", "", height=68,
                    placeholder="e.g. A results-based wording with an annual baseline, as GB.313 asked.")
    w.field_problems(problems, "reason", "why")
    decision_id = decision_picker(services, "Authorised by decision", f"{key}:decision",
                                  help="The revision comes into force when this decision is adopted.")
    w.field_problems(problems, "decision_id", "revisions")
    w.problems_summary(problems, shown={"new", "reason", "why", "decision_id", "revisions"})
    conflict = st.session_state.get(key + ":conflict")
    if conflict:
        st.warning(f"{w.literal(conflict['author'])} changed this indicator (version {conflict['version']}, "
                   f"{w.when(conflict['recorded_at'])}: “{w.literal(conflict['why'])}”) while you were filling this "
                   "in. Your revision was not saved; what you typed is kept. Check the table above and propose "
                   "again to add it on top of their version.")
    if st.button("Propose revision", key=f"{key}:save", type="primary"):
        if not w.require_user():
            return
        if not reason.strip():
            st.session_state[key + ":problems"] = [ValidationError("give the reason for the revision; it is kept in "
                                                                   "the history", field="reason").problems[0]]
            st.rerun()
        base = conflict["version"] if conflict else kept_values[key + ":base"]
        saved = w.save_or_explain(
            lambda: services.frameworks.propose_revision(
                indicator_id, kind=kind, new={k: v for k, v in new.items() if v.strip()} if kind == "revised" else None,
                reason=reason, decision_id=decision_id, why=reason, base_version=base), key,
            on_conflict=lambda error: w.remember_conflict(key + ":conflict", error, mine={}, base=None, why=reason))
        if saved is None:
            return
        w.forget_form(key)
        kept_values.pop(key + ":base", None)
        st.session_state.setdefault("_kept", {})["fw:hist:indicator"] = indicator_id
        st.session_state.pop("fw:hist:indicator", None)
        w.flash(f"Revision proposed for {indicator_id} (version {saved.version}); it comes into force when "
                f"{decision_id} is adopted. See it in “Revision history”.")
        st.rerun()


def revision_history(services, indicators: dict) -> None:
    if not indicators:
        w.empty_state("No indicators yet — add one in the “Add an indicator” tab.")
        return
    ids = list(indicators)
    indicator_id = w.kept(st.selectbox, "Indicator", "fw:hist:indicator", ids[0], options=ids,
                          format_func=lambda i: indicator_name(*indicators[i]))
    with st.spinner("Loading the history…"):
        ok, rows = w.guarded(lambda: services.frameworks.revision_history(indicator_id))
    if not ok:
        return
    if not rows:
        w.empty_state("This indicator has never been revised: it reads as first approved. Propose a revision in the "
                      "“Revise an indicator” tab.")
    else:
        st.dataframe([{"Revision": r["id"], "Change": TYPE_NAMES.get(r["type"], r["type"]),
                       "Status": REVISION_STATUS.get(r["status"], r["status"]), "Decision": r["decision_id"],
                       "Proposed on": r["proposed_on"], "In force from": r["effective_date"],
                       "Old text": r["old_text"], "New text": r["new_text"],
                       "Old baseline": r["old_baseline"], "New baseline": r["new_baseline"],
                       "Old target": r["old_target"], "New target": r["new_target"],
                       "Reason": r["reason"], "Recorded in version": r["recorded_in_version"]} for r in rows],
                     hide_index=True, width="stretch")
        for r in rows:
            with st.expander(f"{w.literal(r['id'])} · {TYPE_NAMES.get(r['type'], r['type'])} · "
                             f"{REVISION_STATUS.get(r['status'], r['status'])} · "
                             f"{w.literal(r['decision_id'] or 'no decision')}"):
                for field in ("text", "baseline", "target"):
                    old, new = r[f"old_{field}"], r[f"new_{field}"]
                    if old or new:
                        c1, c2 = st.columns(2)
                        c1.markdown(f"**Old {field}**  \n{w.literal(old or '—')}")
                        c2.markdown(f"**New {field}**  \n{w.literal(new or '—')}")
                st.caption(f"Reason: {w.literal(r['reason'])}")
    dv.versions_expander(services, "indicator", indicator_id)


def _revision_markup(number: int, revision) -> str:
    """One revision of the report: what changed, why, on whose authority, and whether it is in force."""
    status = REVISION_STATUS.get(revision.status, revision.status)
    if revision.status == "in_force" and revision.effective_date:
        status += f" since {revision.effective_date}"
    elif revision.status == "proposed":
        status += f" on {revision.proposed_on}, not yet in force" if revision.proposed_on else ", not yet in force"
    decision = revision.decision
    if decision:
        authority = (f"{w.literal_html(decision.id)} — {w.literal_html(decision.citation)}, "
                     f"{w.literal_html(STATUS_NAMES.get(decision.status, decision.status))}")
    else:
        authority = "no decision"
    rows = [f"<b>Revision {number}</b> ({w.literal_html(revision.id)}) · "
            f"{w.literal_html(TYPE_NAMES.get(revision.type, revision.type))} · {w.literal_html(status)}<br>"
            f"Authorised by {authority}"]
    for field in ("text", "baseline", "target"):
        old, new = getattr(revision, f"old_{field}"), getattr(revision, f"new_{field}")
        if old or new:
            rows.append(f"<b>{field.capitalize()}:</b> {dv.old_to_new(old, new)}")
    if revision.reason:
        rows.append(f"<b>Reason:</b> {dv.plain(revision.reason)}")
    return '<div style="margin:0.2em 0 0.8em 0">' + "<br>".join(rows) + "</div>"


def revision_report(services, strategy_id: str) -> None:
    """Every outcome and indicator with each of its revisions in order — the report a reviewer reads."""
    name = docx_name(strategy_id, "-indicator-history")

    def make_docx(strategy_id=strategy_id) -> bytes:
        return services.exports.indicator_report_docx(strategy_id)[0]

    c1, c2 = st.columns([2, 3], vertical_alignment="center")
    w.docx_button("Download the report (.docx)", make_docx, file_name=name, key=f"fw:report:{strategy_id}",
                  container=c1)
    c2.caption(f"For each outcome and indicator, every revision in order, with its reason and the decision that "
               f"authorises it. The Word file ({w.literal(name)}) is built when you click.")
    section = w.lazy_expander("Read the report here", f"fw:report:{strategy_id}:open", icon=":material/history_edu:")
    if not section.open:
        return
    with section, st.spinner("Building the report…"):
        ok, report = w.guarded(lambda: services.exports.indicator_report(strategy_id))
        if ok:
            show_report(report)


def show_report(report) -> None:
    st.caption(f"{len(report.revisions())} revision(s) across {sum(len(o.indicators) for o in report.outcomes)} "
               f"indicator(s), as recorded at {report.generated_at}.")
    for outcome in report.outcomes:
        st.markdown(f"**{w.literal(outcome_heading(outcome.number, outcome.statement, report.language))}**")
        if not outcome.indicators:
            st.caption("No indicators for this outcome.")
        for indicator in outcome.indicators:
            state = "Retired" if indicator.retired else ("In force" if indicator.in_force else "Proposed (new)")
            with st.container(border=True):
                name = (indicator.label + " " if indicator.label else "") + indicator.text
                st.markdown(f"**{w.literal(name)}**  \n{w.literal(indicator.id)} · {state} · "
                            f"Baseline: {w.literal(indicator.baseline or '—')} · "
                            f"Target: {w.literal(indicator.target or '—')}")
                if not indicator.revisions:
                    st.caption("Never revised: it reads as first approved.")
                    continue
                dv.html_block("".join(_revision_markup(i, r) for i, r in enumerate(indicator.revisions, 1)))


def add_indicator(services, framework: dict) -> None:
    if not w.drafting():
        return
    outcomes = {o["number"]: o["statement"] for o in framework["outcomes"]}
    if not outcomes:
        w.empty_state("This strategy has no outcomes; add them to the strategy record first.")
        return
    key = f"fw:add:{framework['id']}"
    c1, c2 = st.columns([3, 1])
    outcome = w.kept(c1.selectbox, "Outcome", f"{key}:outcome", next(iter(outcomes)), options=list(outcomes),
                     format_func=lambda n: f"Outcome {n}: {outcomes[n][:80]}")
    label = w.kept(c2.text_input, "Label", f"{key}:label", "", placeholder="e.g. (C)")
    problems = st.session_state.get(key + ":problems")
    w.field_problems(problems, "label")
    text = w.kept(st.text_area, "Indicator text", f"{key}:text", "", height=68)
    w.field_problems(problems, "text")
    c1, c2, c3 = st.columns(3)
    baseline = w.kept(c1.text_input, "Baseline", f"{key}:baseline", "", placeholder="e.g. five meetings, or 5")
    with c1:
        w.field_problems(problems, "baseline")
    target = w.kept(c2.text_input, "Target", f"{key}:target", "", placeholder="e.g. ten meetings, or 10")
    with c2:
        w.field_problems(problems, "target")
    unit = w.kept(c3.text_input, "Unit", f"{key}:unit", "", placeholder="e.g. meetings")
    decision_id = decision_picker(services, "Proposed by decision (optional)", f"{key}:decision", optional=True, help="With a decision, the indicator is proposed as new and comes "
                                                      "into force when it is adopted.")
    why = w.reason_box(f"{key}:why", "Reason for adding the indicator")
    w.problems_summary(problems, shown={"label", "text", "baseline", "target", "why"})
    if st.button("Add indicator", key=f"{key}:save", type="primary"):
        if not w.require_user() or not w.require_reason(why):
            return
        data = {"label": label.strip(), "text": text, "baseline": _quantity(baseline), "target": _quantity(target),
                "unit": unit.strip()}
        saved = w.save_or_explain(lambda: services.frameworks.add_indicator(
            framework["id"], outcome, data, why=why, decision_id=decision_id, reason=why), key)
        if saved is None:
            return
        w.forget_form(key)
        w.flash(f"Indicator {saved.id} added to outcome {outcome}" +
                (f", proposed by {decision_id}." if decision_id else "."))
        st.rerun()


def _quantity(text: str):
    """'5' → 5 (a number), anything else → its wording; empty → None (refused with how to write it)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


render()
