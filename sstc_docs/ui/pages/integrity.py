"""Integrity: the check `python -m sstc_docs verify` runs, for an administrator in the app."""

from __future__ import annotations

import streamlit as st

from sstc_docs.domain import rights
from sstc_docs.ui import widgets as w

KEY = "integrity"


def render() -> None:
    services = w.services()
    st.title("Integrity of the record")
    st.caption("Reads every data file and checks each version against its hash and the one before it, the order "
               "in which the database recorded versions, the audit trail's hash chain, the listings cache and "
               "every attachment. It changes nothing unless you ask it to rebuild the caches.")
    left, right = st.columns(2)
    check = left.button("Check the whole record", key=f"{KEY}:check", type="primary")
    repair = False
    if w.may(rights.REPAIR):
        repair = right.button("Rebuild the caches from the data", key=f"{KEY}:repair",
                              help="The listings cache always; the audit trail only when every data file is whole.")
    else:
        with right:
            w.why_not(rights.REPAIR)
    if check or repair:
        with st.spinner("Checking every version…"):
            ok, report = w.guarded(lambda: services.verify(repair=repair))
        if ok:
            st.session_state[KEY] = report.to_json()
    shown = st.session_state.get(KEY)
    if not shown:
        w.empty_state("Nothing checked yet in this session: press “Check the whole record”.")
        return
    summary = (f"{shown['versions']} versions of {shown['records']} records and {shown['attachments']} "
               "attachments checked.")
    if shown["ok"]:
        st.success(f"All well. {summary}")
    else:
        st.error(f"Something is wrong. {summary} Each problem below says what to do.")
    st.caption(f"Chain head: {shown['chain_head'] or '(empty database)'} — write it down: if any version "
               "recorded before now is changed or removed, the head a later check prints will not follow from it.")
    if shown["findings"]:
        st.dataframe([{"Severity": f["severity"], "File": f["file"], "Record": f["record"], "Problem": f["problem"],
                       "What to do": f["fix"]} for f in shown["findings"]], hide_index=True, width="stretch",
                     column_config={"Problem": st.column_config.TextColumn(width="large"),
                                    "What to do": st.column_config.TextColumn(width="large")})


render()
