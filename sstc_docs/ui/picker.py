"""Choosing one record, or a few, among an archive's thousands: a search box and the best matches.

Why: a select box sends every option to the browser and the page builds a label for each; at the
design point (10,000 papers, 100,000 evidence records) that is seconds of script time and tens of
megabytes per session. A picker here offers at most ``SUGGESTIONS`` (50) rows of the kind, found by
``services.search.suggest`` from what was typed — plus whatever is already chosen, so a choice
never vanishes when the search changes. How a record is named in every picker is said once:
``record_label``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sstc_docs.domain.lifecycle import STATUS_NAMES
from sstc_docs.services.search import SUGGESTIONS
from sstc_docs.ui import widgets as w

KIND_NOUNS = {"paper": "a paper", "decision": "a decision point", "indicator": "an indicator",
              "evidence": "evidence", "strategy": "a strategy"}


def record_label(kind: str, row: dict) -> str:
    """How a record reads in a picker (one line; its id first, as people quote it)."""
    title = " ".join(str(row.get("title") or "").split())
    if kind == "paper":
        return w.paper_label(row)
    if kind == "decision":
        status = STATUS_NAMES.get(row.get("status"), row.get("status") or "")
        return f"{row['id']} ({status}) — {_short(title, 70)}"
    if kind == "indicator":
        label = f"{row['label']} " if row.get("label") else ""
        return f"{row['id']} {label}— {_short(title, 70)}"
    if kind == "evidence":
        return f"{row['id']} — {_short(title, 80)}" + (f" ({row['date']})" if row.get("date") else "")
    if kind == "strategy":
        return f"{row['id']} — {title}" + (f" ({row['period']})" if row.get("period") else "")
    return f"{row['id']} — {_short(title, 70)}"


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"


def labels_of(services, kind: str, record_ids: list[str]) -> dict[str, str]:
    """``record_label`` of the given records (one read of the index, however many there are); an id
    no record has any more is named by itself."""
    rows = services.records.heads_of(kind, record_ids)
    named = {row["id"]: record_label(kind, row) for row in rows}
    return {record_id: named.get(record_id, record_id) for record_id in record_ids}


def _offered(services, kind: str, text: str, chosen: list[str], where) -> dict[str, str]:
    """id → label for what the search finds, the records already chosen first."""
    rows = w.load(lambda: services.search.suggest(kind, text, where=where), [])
    offered = labels_of(services, kind, [c for c in chosen if c]) if any(chosen) else {}
    for row in rows:
        offered.setdefault(row["id"], record_label(kind, row))
    return offered


def pick_one(services, kind: str, label: str, key: str, *, container: Any = st, where=None,
             placeholder: str = "", help: str | None = None, required: bool = False) -> str | None:
    """A search box and a select box of the best matches; returns the chosen id or None. The choice
    is ``kept`` (it survives a page switch), and ``w.preset(key, id)`` chooses one from elsewhere;
    ``required``: the first match is chosen until someone chooses another (the box is never empty)."""
    find, choose = container.columns([2, 3], vertical_alignment="bottom")
    text = w.kept(find.text_input, f"Find {KIND_NOUNS.get(kind, kind)}", f"{key}:find", "",
                  placeholder="id, symbol or words of the title", help="Press Enter: the best matches are offered "
                  f"beside, at most {SUGGESTIONS}.")
    chosen = w.kept_value(key)
    offered = _offered(services, kind, text, [chosen] if chosen else [], where)
    if not offered:
        find.caption("Nothing matches: try fewer words, or part of the id.")
    first = next(iter(offered), None) if required else None
    return w.kept(choose.selectbox, label, key, first, options=list(offered), index=0 if first else None,
                  format_func=lambda i: offered.get(i, i), help=help,
                  placeholder=placeholder or f"choose {KIND_NOUNS.get(kind, kind)}")


def pick_many(services, kind: str, label: str, key: str, *, container: Any = st, where=None,
              help: str | None = None) -> list[str]:
    """``pick_one`` for several: a search box and a multiselect of the best matches and those chosen."""
    find, choose = container.columns([2, 3], vertical_alignment="bottom")
    text = find.text_input(f"Find {KIND_NOUNS.get(kind, kind)}", key=f"{key}:find",
                           placeholder="id, symbol or words of the title")
    chosen = list(st.session_state.get(key) or [])
    offered = _offered(services, kind, text, chosen, where)
    return choose.multiselect(label, list(offered), key=key, format_func=lambda i: offered.get(i, i), help=help)
