"""Overview: the state of play at a glance — papers, decisions awaiting action, pending revisions,
and the latest changes (who, what, why, when)."""

from __future__ import annotations

import streamlit as st

from sstc_docs.domain.labels import label
from sstc_docs.domain.lifecycle import STATUS_NAMES
from sstc_docs.domain.records import PAPER_STATUSES
from sstc_docs.ui import widgets as w

SHOWN = 15  # rows of a list shown here; the page it links to has them all
PAPER_STATUS_NAMES = {status: label("paper_status." + status, "en") for status in PAPER_STATUSES}


def render() -> None:
    st.title("Overview")
    services = w.services()
    w.show_flash()

    with st.spinner("Gathering the state of play…"):
        by_session = w.load(services.overview.papers_by_session, [])
        awaiting = w.load(lambda: services.decisions.awaiting_action(limit=SHOWN), None)
        pending_count, pending = w.load(lambda: services.overview.pending_revisions(limit=SHOWN), (0, []))
        changes = w.load(lambda: services.overview.changes(limit=SHOWN), [])
        sessions = w.load(services.overview.session_progress, [])

    total_papers = sum(row["papers"] for row in by_session)
    a, b, c, d = st.columns(4)
    a.metric("Papers", total_papers)
    b.metric("Decision points awaiting action", awaiting.total if awaiting else 0)
    c.metric("Revisions not yet in force", pending_count, help="Indicator revisions proposed by a decision not yet adopted")
    d.metric("Latest changes shown", len(changes))

    if sessions:
        session_progress(sessions)

    left, right = st.columns(2)
    with left:
        st.subheader("Papers by session and status")
        if not by_session:
            w.empty_state("No papers yet — create one on the Papers page, or load the demo with "
                          "`python -m sstc_docs demo`.")
        else:
            st.dataframe([{"Session": row["session"], "Status": PAPER_STATUS_NAMES.get(row["status"], row["status"]),
                           "Papers": row["papers"]} for row in by_session],
                         hide_index=True, width="stretch")
            st.page_link("sstc_docs/ui/pages/papers.py", label="Open the papers", icon=":material/description:")

        st.subheader("Decision points awaiting action")
        if not awaiting or not awaiting.total:
            w.empty_state("No decision point is waiting: draft one from a paper on the Papers page "
                          "(tab “Draft decision”).")
        else:
            st.dataframe([{"Decision": h["id"], "Status": STATUS_NAMES.get(h.get("status"), h.get("status")),
                           "Paper": h.get("paper_id", ""), "Text": h.get("title", "")} for h in awaiting.rows],
                         hide_index=True, width="stretch")
            st.page_link("sstc_docs/ui/pages/decisions.py", label="Move a decision through its lifecycle", icon=":material/gavel:")

    with right:
        st.subheader("Indicator revisions proposed, not yet in force")
        if not pending:
            w.empty_state("No revision is pending. Propose one on the Frameworks page; it comes into force "
                          "when the decision that authorises it is adopted.")
        else:
            st.dataframe([{"Indicator": r["indicator"], "Label": r["label"], "Change": r["type"],
                           "Authorised by": r["decision"], "Proposed on": r["proposed_on"], "Reason": r["reason"]}
                          for r in pending], hide_index=True, width="stretch")
            st.page_link("sstc_docs/ui/pages/frameworks.py", label="Open the frameworks", icon=":material/table_chart:")

    st.subheader("Latest changes")
    if not changes:
        w.empty_state("Nothing has been recorded yet. Every save — with who, why and when — will be listed here.")
    else:
        st.dataframe([{"When (UTC)": w.when(c.get("recorded_at")), "Who": c.get("author", ""),
                       "What": f"{w.kind_name(c.get('kind', ''))} {c.get('id', '')}", "Version": c.get("version"),
                       "Why": c.get("why", ""), "In force from": c.get("effective_from") or ""}
                      for c in changes], hide_index=True, width="stretch", height=38 + 35 * len(changes))
        st.page_link("sstc_docs/ui/pages/history.py", label="See every change", icon=":material/history:")


def session_progress(sessions: list[dict]) -> None:
    """Each session's progress: its papers per status, its decision points adopted and pending."""
    st.subheader("Sessions")
    st.dataframe([{"Session": row["session"], "Dates": f"{row['opening']} to {row['closing']}",
                   "Papers": " · ".join(f"{PAPER_STATUS_NAMES.get(s, s)}: {n}" for s, n in row["papers"].items())
                   or "none on the agenda",
                   "Decisions adopted": row["adopted"], "Pending": row["pending"], "Deferred": row["deferred"],
                   "Withdrawn": row["withdrawn"]} for row in sessions], hide_index=True, width="stretch")
    st.page_link("sstc_docs/ui/pages/sessions.py", label="Open the sessions", icon=":material/event:")


render()
