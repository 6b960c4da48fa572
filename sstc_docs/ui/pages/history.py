"""History: every change (who, what, why, when), filterable by who, what kind and a date range;
open any version to see exactly what was saved and what changed since the version before it;
compare any two versions of any record (insertions and deletions marked).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from sstc_docs.domain.records import SHOWN_KINDS
from sstc_docs.ui import diffview as dv
from sstc_docs.ui import picker
from sstc_docs.ui import reading
from sstc_docs.ui import widgets as w

ANYONE = "Anyone"
ALL = "All kinds"
PAGE_SIZE = 25
LATEST = 500       # how far back the list goes (the filters reach further)
PAGE_KEY = "hist:page"
OPEN_KEY = "hist:open"
CMP = "hist:cmp"


def open_compare(services, kind: str, record_id: str, number: int) -> None:
    """Fill the “Compare two versions” panel with version ``number`` against the one before it."""
    latest = services.records.get(kind, record_id).version
    w.preset(f"{CMP}:on", True)
    w.preset(f"{CMP}:kind", kind)
    w.preset(f"{CMP}:record:{kind}", record_id)
    key = f"{CMP}:{kind}:{record_id}"
    w.preset(dv.pair_key(key, latest, "from"), max(number - 1, 1))
    w.preset(dv.pair_key(key, latest, "to"), number)


def render() -> None:
    services = w.page("History")
    st.caption("Every version of every record, newest first. History is never rewritten: a change is a new version.")
    authors = w.load(services.overview.authors, [])
    c1, c2, c3, c4 = st.columns([2, 1, 2, 2], vertical_alignment="bottom")
    author = w.kept(c1.selectbox, "Who", "hist:f:author", ANYONE, options=[ANYONE, *authors])
    kind = w.kept(c2.selectbox, "What kind", "hist:f:kind", ALL, options=[ALL, *SHOWN_KINDS],
                  format_func=lambda k: k if k == ALL else w.kind_name(k))
    record_id = w.kept(c3.text_input, "Record id (exact)", "hist:f:record", "", placeholder="e.g. GB.316/POL/5")
    today = dt.date.today()
    dates = w.kept(c4.date_input, "When (from – to)", "hist:f:dates", (), format="YYYY-MM-DD", min_value=dt.date(1990, 1, 1),
                   max_value=today + dt.timedelta(days=1),
                   help="Pick a start and an end date; leave empty for all dates.")
    since, until = date_range(dates)
    filters = dict(kind="" if kind == ALL else kind, author="" if author == ANYONE else author, since=since,
                   until=until, record_id=record_id.strip())
    with st.spinner("Loading the changes…"):
        changes, offset, complete = changes_page(services, filters)

    opened = st.session_state.get(OPEN_KEY)
    if opened:
        show_version(services, *opened)
    compare_panel(services)

    if not changes:
        if author != ANYONE or kind != ALL or record_id or since:
            w.empty_state("No change matches these filters — set “Who” to Anyone, “What kind” to All kinds, "
                          "clear the record id and the dates.")
        else:
            w.empty_state("Nothing has been recorded yet. Create a paper on the Papers page, or load the demo with "
                          "`python -m sstc_docs demo`; every save will be listed here.")
        return
    rows = changes[offset:offset + PAGE_SIZE]
    counted, paging = st.columns([3, 1], vertical_alignment="bottom")
    if complete:
        counted.markdown(f"**{len(changes)} change(s)**"
                         + (f" (the latest {LATEST})" if len(changes) >= LATEST else ""))
    else:
        counted.markdown(f"**Changes {offset + 1}–{offset + len(rows)}**, newest first; more on the next pages "
                         f"(back to the latest {LATEST})")
    pages = -(-len(changes) // PAGE_SIZE) if complete else LATEST // PAGE_SIZE
    if pages > 1:
        w.kept(paging.number_input, f"Page (of {pages})" if complete else f"Page (of up to {pages})", PAGE_KEY, 1,
               min_value=1, max_value=pages, step=1)
    show_changes(services, rows)


def changes_page(services, filters: dict) -> tuple[list[dict], int, bool]:
    """The changes up to the end of the page ``kept`` under PAGE_KEY and one more — not the latest
    500 on every run: (those changes, the page's offset, whether they are all there are, back to
    LATEST). A page past the end (the filters changed) becomes the last one."""
    page = min(max(int(w.kept_value(PAGE_KEY) or 1), 1), LATEST // PAGE_SIZE)
    wanted = page * PAGE_SIZE
    changes = w.load(lambda: services.overview.changes(**filters, limit=min(wanted + 1, LATEST)), [])
    if changes and len(changes) <= wanted - PAGE_SIZE:
        page = -(-len(changes) // PAGE_SIZE)
    if w.kept_value(PAGE_KEY, 1) != page:
        w.preset(PAGE_KEY, page)
    return changes, (page - 1) * PAGE_SIZE, len(changes) <= wanted


def date_range(dates) -> tuple[str, str]:
    """The date input gives (), (start,) while picking, or (start, end)."""
    if isinstance(dates, dt.date):
        return dates.isoformat(), dates.isoformat()
    dates = tuple(d for d in (dates or ()) if d)
    if not dates:
        return "", ""
    if len(dates) == 1:
        return dates[0].isoformat(), ""
    return dates[0].isoformat(), dates[1].isoformat()


def show_changes(services, changes: list[dict]) -> None:
    # One row of columns per change, its buttons in the last two: each element is script time and
    # browser work, 25 times a page.
    widths = [2, 3, 4.6, 1.2, 1.2]
    header = st.columns(widths)
    for column, title in zip(header, ["When (UTC) · who", "What (version)", "Why"]):
        column.markdown(f"**{title}**")
    for change in changes:
        row = st.columns(widths, vertical_alignment="center")
        row[0].markdown(f"{w.when(change.get('recorded_at'))}  \n_{w.literal(change.get('author', ''))}_")
        row[1].markdown(f"{w.kind_name(change.get('kind', ''))} **{w.literal(change.get('id', ''))}** · "
                        f"v{change.get('version')}" + (" (deleted)" if change.get("deleted") else ""))
        row[2].markdown(w.literal(change.get("why", "")))
        target = (change.get("kind"), change.get("id"), change.get("version"))
        if row[3].button("Open", key=f"hist:open:{target[0]}:{target[1]}:{target[2]}",
                         help=f"Show version {target[2]} of {target[0]} {w.literal(target[1])}", width="stretch"):
            st.session_state[OPEN_KEY] = target
            st.rerun()
        first = (target[2] or 1) <= 1
        if row[4].button("Diff", key=f"hist:diff:{target[0]}:{target[1]}:{target[2]}", width="stretch",
                         disabled=first,
                         help="The first version: there is nothing before it to compare with" if first else
                         f"Compare with previous version: {target[0]} {w.literal(target[1])} "
                         f"v{(target[2] or 1) - 1} → v{target[2]}"):
            ok, _ = w.guarded(lambda: open_compare(services, *target))
            if ok:
                st.rerun()


def compare_panel(services) -> None:
    """Pick a kind, a record and two versions, and see what changed between them."""
    if not w.kept(st.toggle, "Compare two versions of a record", f"{CMP}:on", False,
                  help="Pick a paper, indicator, decision or strategy and two of its versions; or use “Diff” on a "
                       "change below to compare it with the version before."):
        return
    with st.container(border=True):
        c1, c2 = st.columns([1, 3])
        kind = w.kept(c1.selectbox, "Kind of record", f"{CMP}:kind", "paper", options=list(SHOWN_KINDS),
                      format_func=w.kind_name)
        if not w.load(lambda: services.records.count(kind), 0):
            w.empty_state(f"There is no {kind} yet, so nothing to compare — choose another kind.")
            return
        record_id = picker.pick_one(services, kind, "Record", f"{CMP}:record:{kind}", container=c2)
        if not record_id:
            st.caption("Find the record by its id or the words of its title, then choose it.")
            return
        dv.compare_section(services, kind, record_id, f"{CMP}:{kind}:{record_id}")


def show_version(services, kind: str, record_id: str, number: int) -> None:
    ok, version = w.guarded(lambda: services.records.get(kind, record_id, number))
    if not ok:
        return
    with st.container(border=True):
        top, close = st.columns([6, 1])
        top.subheader(f"{w.kind_name(kind)} {w.literal(record_id)} · version {version.version}")
        if close.button("Close", key="hist:close"):
            st.session_state.pop(OPEN_KEY, None)
            st.rerun()
        a, b, c, d = st.columns(4)
        a.markdown(f"**Who**  \n{w.literal(version.author)}")
        b.markdown(f"**Recorded (UTC)**  \n{w.when(version.recorded_at)}")
        if kind != "paper":   # a paper version has no date of coming into force of its own
            c.markdown(f"**In force from**  \n{version.effective_from or '—'}")
        d.markdown(f"**Based on**  \n{('version ' + str(version.based_on)) if version.based_on else 'new record'}")
        st.markdown(f"**Why:** {w.literal(version.why)}")
        if version.effective_from and version.effective_from < version.recorded_at[:10]:
            st.info(f"Back-dated: recorded on {version.recorded_at[:10]}, in force from {version.effective_from}. "
                    "What the record showed before that day is still on record (`get --as-recorded`).")
        st.caption(f"Fingerprint (SHA-256 of this version, chained to the one before): {version.hash or 'none'} · "
                   f"number {version.seq} in the order the database recorded versions")
        if version.deleted:
            st.warning("This version records the deletion of the record.")
        readable = kind == "paper" and not version.deleted
        tabs = {"Read": lambda: read_paper(services, record_id, number)} if readable else {}
        tabs.update({"What changed": lambda: compare_with_previous(services, version),
                     "Fields": lambda: show_fields(version)})
        # Only the open tab is drawn; the key names the set of tabs, so a paper's "Read" is never
        # asked of a record that has no such tab.
        for tab, draw in zip(st.tabs(list(tabs), key=f"hist:tabs:{'paper' if readable else 'record'}",
                                     on_change="rerun"), tabs.values()):
            if tab.open:
                with tab:
                    draw()


def read_paper(services, paper_id: str, number: int) -> None:
    ok, bundle = w.guarded(lambda: services.papers.bundle(paper_id, number))
    if ok:
        reading.show_paper(bundle)


def show_fields(version) -> None:
    st.dataframe([{"Field": w.field_name(path), "Value": w.show_value(value)}
                  for path, value in w.flatten(version.data).items()],
                 hide_index=True, width="stretch", column_config={"Value": st.column_config.TextColumn(width="large")})


def compare_with_previous(services, version) -> None:
    """What changed in ``version`` since the version it was based on (the one before it otherwise)."""
    previous = version.based_on or (version.version - 1)
    if previous < 1:
        w.empty_state("This is the first version of the record: everything in it was new. The “Fields” tab shows "
                      "what was saved.")
        return
    key = f"hist:prev:{version.kind}:{version.id}:{version.version}"
    ok, comparison = w.guarded(lambda: services.diffs.compare(version.kind, version.id, previous, version.version))
    if ok:
        dv.show_comparison(comparison, key)


render()
