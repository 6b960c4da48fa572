"""Search: one box over papers, decisions, indicators, strategies and evidence — current text,
or every version ever saved — with filters, ranked results and the hits marked in context.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from sstc_docs.domain.records import DECISION_STATUSES, KINDS, PAPER_STATUSES
from sstc_docs.domain.symbols import SECTIONS
from sstc_docs.services.search import SearchResult
from sstc_docs.ui import widgets as w
from sstc_docs.ui.search_box import QUERY_KEY, escaped, html_block, snippet_html

ANY = "Any"
LIMIT = 50
KIND_LABELS = {"paper": "Paper", "decision": "Decision point", "indicator": "Indicator", "strategy": "Strategy",
               "evidence": "Evidence"}


def render() -> None:
    services = w.page("Search")
    st.caption('Words are all required; "a phrase" must appear as written; -word leaves out what contains it. '
               "Chinese and Japanese are found by one or two characters (指, 指标) or longer words (业务守则).")
    query = w.kept(st.text_input, "Find", QUERY_KEY, "", placeholder="e.g. 指标, approve indicator, GB.313/POL/7")
    c1, c2, c3, c4, c5 = st.columns([2, 1, 2, 2, 3], vertical_alignment="bottom")
    kind = w.kept(c1.selectbox, "Kind", "search:f:kind", ANY, options=[ANY, *KINDS],
                  format_func=lambda k: KIND_LABELS.get(k, k))
    session = w.kept(c2.text_input, "Session", "search:f:session", "", placeholder="316")
    section = w.kept(c3.selectbox, "Section", "search:f:section", ANY, options=[ANY, *SECTIONS])
    status = w.kept(c4.selectbox, "Status", "search:f:status", ANY,
                    options=[ANY, *dict.fromkeys(PAPER_STATUSES + DECISION_STATUSES)])
    dates = w.kept(c5.date_input, "Dated (from – to)", "search:f:dates", (), format="YYYY-MM-DD",
                   min_value=dt.date(1919, 1, 1), max_value=dt.date.today() + dt.timedelta(days=3650))
    any_version = w.kept(st.toggle, "Any version — also text that is no longer current", "search:f:any", False)
    if not query.strip():
        if w.load(services.store.last_seq, 1) == 0:
            w.empty_state("Nothing to search yet: create a paper on the Papers page, or load the demo with "
                          "`python -m sstc_docs demo`.")
        else:
            w.empty_state("Type a word above (or in the sidebar box) to search every paper, decision point, "
                          "indicator, strategy and evidence record.")
        return
    since, until = _date_range(dates)
    ok, results = w.guarded(lambda: services.search.search(
        query, kind="" if kind == ANY else kind, session=_session(session), section="" if section == ANY else section,
        status="" if status == ANY else status, since=since, until=until, any_version=any_version, limit=LIMIT))
    if not ok:
        return
    if not results:
        hint = "" if any_version else " Switch on “Any version” to look in earlier versions too."
        w.empty_state(f"Nothing found for these words and filters.{hint}")
        return
    st.markdown(f"**{len(results)} result(s)**" + (f" — the best {LIMIT}" if len(results) >= LIMIT else ""))
    if not results.ranked_all:
        st.caption("These words are in too many records to rank them all; the newest were ranked. "
                   "Add a word or a filter for an exact ranking.")
    for result in results:
        show_result(result)


def show_result(result: SearchResult) -> None:
    """One result: kind, title and version; where it matched with the hits marked; its history."""
    state = "current" if result.current else f"not current — latest is v{result.latest_version}"
    lines = [f"<b>{escaped(KIND_LABELS.get(result.kind, result.kind))}</b> · {escaped(result.title)} "
             f"<span style='opacity:0.7'>· v{result.version} ({escaped(state)})</span>"]
    if result.snippet:
        lines.append(f"<span style='opacity:0.7'>{escaped(result.snippet.where)}:</span> {snippet_html(result.snippet)}")
    lines += [f"<span style='opacity:0.7'>{escaped(str(appearance))}</span>" for appearance in result.appearances]
    html_block("<br>".join(lines))


def _session(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        st.warning(f"“{text}” is not a session number (e.g. 316); the session filter is ignored.")
        return None
    return int(text)


def _date_range(dates) -> tuple[str, str]:
    """The date input gives (), (start,) while picking, or (start, end)."""
    if isinstance(dates, dt.date):
        return dates.isoformat(), dates.isoformat()
    picked = [d.isoformat() for d in (dates or ()) if d]
    return (picked[0], picked[-1]) if picked else ("", "")


render()
