"""Import a Word paper: upload a .docx, review what was found and what each part will become,
choose which tracked changes to accept, then save everything at once with a reason.

Thin on purpose: reading and planning are ``ImportService.preview``, saving is ``commit``. Every text
that comes from the file is shown in tables or as plain text, never as Markdown.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from sstc_docs.errors import SstcError
from sstc_docs.services.imports import ImportPreview, ImportService
from sstc_docs.ui import widgets as w

KEY = "imp"


def _accepted(sha: str) -> set[str]:
    """The tracked changes ticked on the last run (checkbox values live in the session state)."""
    prefix = f"{KEY}:accept:{sha}:"
    return {key[len(prefix):] for key, value in st.session_state.items()
            if isinstance(key, str) and key.startswith(prefix) and value}


def _table(rows: list[dict], empty: str) -> None:
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption(empty)


def show_review(preview: ImportPreview) -> None:
    """The structure found, in the order of the paper, then the plan."""
    result, paper = preview.result, preview.result.paper
    st.subheader("What the file holds")
    st.text(f"{preview.name} — {len(preview.data):,} bytes — sha256 {preview.sha256}")
    st.text("Exported from this system: " + (f"{result.provenance['paper_id']}, version "
                                             f"{result.provenance['paper_version']}" if result.exported_by_us
                                             else "no (a file written elsewhere)"))
    for problem in preview.problems:
        st.error("Cannot be saved yet: " + w.literal(problem))
    st.markdown("**Cover**")
    _table([{"field": key, "value": str(paper.get(key) or "—")}
            for key in ("symbol", "session_dates", "agenda_item", "action", "date", "original_language",
                        "language", "title")], "")
    st.markdown("**Front matter**")
    _table([{"entry": key, "value": value or "None"} for key, value in paper.get("front_matter", {}).items()], "")
    st.markdown("**Body**, with what was not recognised in its place (not imported)")
    rows, number = [], 0
    for kind, block in result.in_place():
        if kind == "piece":
            rows.append({"¶": "", "kind": "not recognised", "text": f"{block.what} — {block.where}",
                         "footnotes": block.text})
            continue
        if block["type"] == "paragraph" and block["numbered"]:
            number += 1
        rows.append({"¶": str(number) if block["type"] == "paragraph" and block["numbered"] else "",
                     "kind": block["type"] if block["type"] != "framework" else f"framework, outcome {block['outcome']}",
                     "text": block.get("text", ""),
                     "footnotes": " | ".join(f"[^{n['key']}] {n['text']}" for n in block.get("footnotes", []))})
    _table(rows, "No paragraphs were found.")
    st.markdown("**Results-framework tables**")
    _table([{"outcome": t.outcome, "statement": t.statement, "indicator": (f"New {i.label} " if i.new else "") + i.text,
             "baseline": i.baseline, "target": i.target,
             "revised": " | ".join(f"{k}: {v}" for k, v in i.revised.items())}
            for t in result.frameworks for i in t.indicators], "No framework tables.")
    st.markdown("**Draft decision**")
    _table([{"decision": d["id"], "part": "" if n == 0 else f"({chr(96 + n)})", "text": text}
            for d in result.decisions for n, text in enumerate([d["text"], *d["parts"]])], "No draft decision found.")
    st.markdown("**Comments** (kept with the file's evidence record)")
    _table([{"author": c.author, "date": c.date, "on": c.where, "text": c.text} for c in result.comments],
           "No comments.")
    if not result.unrecognised:
        st.caption("Every part of the file was understood.")
    st.markdown("**External links** (recorded, never fetched)")
    _table([{"kind": link.kind, "target": link.target, "where": link.where} for link in result.links], "None.")


def show_changes(preview: ImportPreview) -> None:
    changes = preview.result.tracked_changes
    if not changes:
        return
    st.subheader("Tracked changes")
    st.caption("Each is a proposal. Ticked changes are accepted; the others are left out, so the text is kept "
               "as it was before them.")
    for n, change in enumerate(changes, start=1):
        c1, c2 = st.columns([1, 5])
        c1.checkbox(f"Accept change {n}", key=f"{KEY}:accept:{preview.sha256}:{change.id}")
        c2.text(f"{change.kind} by {change.author or '?'} {change.date} in {change.where}: “{change.text.strip()}”")


def show_plan(preview: ImportPreview) -> None:
    st.subheader("What each part will become")
    _table([{"record": f"{p.kind} {p.id}", "becomes": p.describe().split(": ", 1)[1]} for p in preview.parts],
           "Nothing can be saved until the problems above are solved.")
    for part in preview.conflicts:
        st.warning("Conflict — " + w.literal(part.describe()) + ". Saving will be refused.")


def render() -> None:
    services = w.page("Import a Word paper")
    st.caption("Upload a .docx — one exported from here and edited, or a paper written elsewhere. Nothing is "
               "saved until you press Save.")
    upload = st.file_uploader("Word file (.docx)", type=["docx"], key=f"{KEY}:upload")
    if upload is None:
        w.empty_state("Choose a .docx file to see what it holds.")
        return
    data = upload.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    c1, c2 = st.columns(2)
    symbol = c1.text_input("Symbol, if the file does not print one", key=f"{KEY}:symbol", placeholder="e.g. GB.316/POL/5")
    strategy = c2.text_input("Strategy the framework tables belong to (optional)", key=f"{KEY}:strategy")
    importer = ImportService(services)
    try:
        preview = importer.preview(data, upload.name, symbol=symbol.strip() or None,
                                   strategy_id=strategy.strip() or None, accepted_changes=_accepted(sha))
    except SstcError as error:
        st.error("Refused: " + w.literal(error))
        return
    show_review(preview)
    show_changes(preview)
    show_plan(preview)
    if not w.drafting():
        return
    why = w.reason_box(f"{KEY}:why", "Why are you importing this file?")
    if st.button("Save", type="primary", key=f"{KEY}:save", disabled=not preview.can_commit):
        signed_in = w.require_user()
        reason = w.require_reason(why)
        if signed_in and reason:
            try:
                saved = importer.commit(preview, why=reason)
            except SstcError as error:
                st.error("Not saved: " + w.literal(error))
                return
            w.flash("Saved: " + "; ".join(f"{kind} {rid} version {v}" for kind, rid, v in saved.versions)
                    + f". The original file is kept as evidence {saved.evidence_id}.")
            st.rerun()


render()
