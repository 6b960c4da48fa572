"""Showing what changed between two versions of a record, and picking the two versions.

Papers read paragraph by paragraph (edited, inserted, deleted, moved, with their footnotes);
other records field by field, with numbers, baselines and targets as old → new. Insertions are
green ``<ins>``, deletions red struck-through ``<del>`` (the styles of ``sstc_docs.diff.render``).
Used by the History page (compare with the previous version, compare any two) and by the
Papers, Frameworks and Decisions pages. Every piece of record text goes through ``w.literal_html``
(inside the HTML built here) or ``w.literal`` (in Markdown), so it shows as typed.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from sstc_docs.diff import FieldChange, PaperDiff, diff_text, is_quantity
from sstc_docs.diff.render import DEL_STYLE, INS_STYLE
from sstc_docs.diff.text import DELETE, INSERT
from sstc_docs.domain.labels import label
from sstc_docs.domain.records import FOOTNOTE_MARKER, FRONT_MATTER_KEYS, quantity_text
from sstc_docs.ui import widgets as w

# the app's names for the entries: the English labels of the catalogue, without their colon
FRONT_MATTER_LABELS = {key: label("front." + key, "en").rstrip(":") for key in FRONT_MATTER_KEYS}
STATUS_BADGES = {"edited": ":orange-badge[Edited]", "inserted": ":green-badge[Inserted]",
                 "deleted": ":red-badge[Deleted]", "moved": ":blue-badge[Moved]",
                 "unchanged": ":gray-badge[Unchanged]"}
OP_BADGES = {"added": ":green-badge[Added]", "removed": ":red-badge[Removed]", "changed": ":orange-badge[Changed]",
             "moved": ":blue-badge[Reordered]", "unchanged": ":gray-badge[Unchanged]"}
FOOTNOTE_OPS = {"added": "added", "removed": "removed", "changed": "edited", "unchanged": "unchanged"}
REVISION_TYPES = {"new": "New indicator", "revised": "Revised", "retired": "Retired"}
REVISION_STATUS = {"proposed": "Proposed", "in_force": "In force", "lapsed": "Lapsed"}
VALUE_FIELDS = ("text", "baseline", "target")
LEGEND = (f'<div style="font-size:0.85em;opacity:0.8">Marks: <ins style="{INS_STYLE}">inserted</ins> · '
          f'<del style="{DEL_STYLE}">deleted</del> · footnote markers as <sup>1</sup></div>')


# -- html pieces ----------------------------------------------------------------------------------
def _sup_markers(markup: str) -> str:
    """[^3] → a superscript 3 (the markers survive HTML escaping unchanged)."""
    return FOOTNOTE_MARKER.sub(lambda m: f"<sup>{m.group(1)}</sup>", markup)


def marked(segments) -> str:
    """Segments as HTML with insertions and deletions marked and footnote markers raised."""
    wrap = {INSERT: f'<ins style="{INS_STYLE}">{{}}</ins>', DELETE: f'<del style="{DEL_STYLE}">{{}}</del>'}
    return _sup_markers("".join(wrap.get(s.op, "{}").format(w.literal_html(s.text)) for s in segments))


def plain(text: Any) -> str:
    return _sup_markers(w.literal_html(text))


def html_block(markup: str) -> None:
    """HTML inside a <div> so Markdown leaves it alone. The block must stay one line: a blank line
    would end it early and let the rest be read as Markdown, so record text comes in only through
    ``w.literal_html``, which has no line endings left."""
    st.markdown(f'<div style="line-height:1.75">{markup}</div>', unsafe_allow_html=True)


def _reads(value: Any) -> str:
    if is_quantity(value):
        return quantity_text(value)
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, (dict, list)):
        return w.show_value(value)
    return str(value)


def old_to_new(old: Any, new: Any) -> str:
    """“old → new”, the old struck through, the new underlined (numbers also show the difference)."""
    before, after = _reads(old), _reads(new)
    pieces = [f'<del style="{DEL_STYLE}">{plain(before)}</del>' if before else "<i>none</i>", " → ",
              f'<ins style="{INS_STYLE}">{plain(after)}</ins>' if after else "<i>none</i>"]
    if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool) \
            and not isinstance(new, bool):
        pieces.append(f" ({new - old:+g})")
    return "".join(pieces)


def _is_revision(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and ("new" in value or "old" in value or "reason" in value)


def revision_html(revision: dict) -> str:
    """One indicator revision: its type, status and decision, then text/baseline/target old → new."""
    kind = REVISION_TYPES.get(revision.get("type"), revision.get("type", ""))
    status = REVISION_STATUS.get(revision.get("status"), revision.get("status", ""))
    if revision.get("effective_date"):
        status += f" since {revision['effective_date']}"
    head = (f"<b>Revision {w.literal_html(revision.get('id', ''))}</b> · {w.literal_html(kind)} · "
            f"{w.literal_html(status)} · authorised by {w.literal_html(revision.get('decision_id') or 'no decision')}")
    rows = []
    old, new = revision.get("old") or {}, revision.get("new") or {}
    for field in VALUE_FIELDS:
        if old.get(field) in (None, "", {}) and new.get(field) in (None, "", {}):
            continue
        if field == "text" and isinstance(old.get(field), str) and isinstance(new.get(field), str):
            shown = marked(diff_text(old[field], new[field]))
        else:
            shown = old_to_new(old.get(field), new.get(field))
        rows.append(f"<div><b>{field.capitalize()}:</b> {shown}</div>")
    if revision.get("reason"):
        rows.append(f"<div><b>Reason:</b> {plain(revision['reason'])}</div>")
    return f'<div style="margin:0.3em 0 0.6em 0">{head}{"".join(rows)}</div>'


def value_html(change: FieldChange) -> str:
    """How one changed field reads, marked."""
    old, new = change.old, change.new
    revisions = [v for v in (new if isinstance(new, list) else [new]) if _is_revision(v)]
    if change.op == "added" and revisions:
        return "".join(revision_html(r) for r in revisions)
    if change.op == "removed" and _is_revision(old):
        return f'<del style="{DEL_STYLE}">{revision_html(old)}</del>'
    if is_quantity(old) or is_quantity(new) or isinstance(old, (int, float)) or isinstance(new, (int, float)):
        return old_to_new(old, new)
    if change.segments is not None:
        return marked(change.segments)
    if isinstance(old, list) or isinstance(new, list):
        before = [_reads(v) for v in old or []]
        after = [_reads(v) for v in new or []]
        items = [f'<del style="{DEL_STYLE}">{plain(v)}</del>' for v in before if v not in after]
        items += [f'<ins style="{INS_STYLE}">{plain(v)}</ins>' if v not in before else plain(v) for v in after]
        return "<br>".join(items) or "<i>empty</i>"
    return old_to_new(old, new)


def path_label(path: str) -> str:
    """front_matter.purpose → 'Purpose of the document'; outcomes[number=1].indicator_ids[2] → 'Outcomes 1 › indicator ids 3'."""
    if path.startswith("front_matter."):
        return FRONT_MATTER_LABELS.get(path.split(".", 1)[1], path)
    text = re.sub(r"\[(?:id|key|number)=([^\]]+)\]", r" \1", path)
    text = re.sub(r"\[(\d+)\]", lambda m: f" {int(m.group(1)) + 1}", text)
    text = text.replace("_", " ").replace(".", " › ")
    return text[:1].upper() + text[1:]


def show_field_changes(changes) -> None:
    """Field by field: the field's name, what happened to it, and the value marked."""
    for change in changes:
        name, value = st.columns([1, 3])
        name.markdown(f"**{w.literal(path_label(change.path))}**  \n{OP_BADGES.get(change.op, change.op)}")
        with value:
            html_block(value_html(change))


# -- a paper, block by block ----------------------------------------------------------------------
def _block_title(block) -> str:
    title = block.label[:1].upper() + block.label[1:]
    if block.status == "moved":
        where = (f"from paragraph {block.old_number} to paragraph {block.new_number}"
                 if block.old_number and block.new_number else
                 f"from position {(block.old_index or 0) + 1} to position {(block.new_index or 0) + 1}")
        title += f" — moved {where}" + (" and edited" if block.text_changed else "")
    elif block.status == "inserted" and block.new_number:
        title = f"New paragraph {block.new_number}"
    elif block.old_number and block.new_number and block.old_number != block.new_number:
        title += f" (now paragraph {block.new_number})"
    return f"{STATUS_BADGES.get(block.status, block.status)} **{w.literal(title)}**"


def show_block(block, *, footnotes_too: bool = True) -> None:
    with st.container(border=True):
        st.markdown(_block_title(block))
        html_block(marked(block.segments) or "<i>(no text)</i>")
        notes = []
        for note in block.footnotes:
            if note.op == "unchanged" and not footnotes_too:
                continue
            op = FOOTNOTE_OPS.get(note.op, note.op)
            renumbered = f", was {note.old_key}" if note.renumbered else ""
            notes.append(f"<div><b>Footnote {w.literal_html(note.key)}</b> <i>({op}{w.literal_html(renumbered)})</i>: "
                         f"{marked(note.segments)}</div>")
        if notes:
            html_block(f'<div style="font-size:0.9em;border-top:1px solid #ddd;padding-top:0.3em">{"".join(notes)}</div>')
        if block.changes:
            show_field_changes(block.changes)


def show_paper_diff(diff: PaperDiff, key: str) -> None:
    counts = {s: n for s, n in diff.counts.items() if n}
    st.markdown(" ".join(f"{STATUS_BADGES[s]} {n}" for s, n in counts.items()))
    if diff.fields.changes:
        st.markdown("**Cover and front matter**")
        show_field_changes(diff.fields.changes)
    changed = [b for b in diff.blocks if b.status != "unchanged"]
    show_all = w.kept(st.toggle, "Show unchanged paragraphs too", f"{key}:all", False,
                      help="Off: only what changed. On: the whole paper in reading order.")
    st.markdown("**Paragraphs, headings and framework blocks**")
    shown = diff.blocks if show_all else changed
    if not shown:
        st.caption("No paragraph changed.")
    for block in shown:
        show_block(block, footnotes_too=show_all or block.status != "unchanged")
    hidden = len(diff.blocks) - len(shown)
    if hidden:
        st.caption(f"{hidden} unchanged block(s) not shown — turn on “Show unchanged paragraphs too” to read "
                   "the whole paper.")


# -- a comparison ---------------------------------------------------------------------------------
def show_comparison(comparison, key: str) -> None:
    """The whole comparison: which versions, a one-line summary, then the changes marked."""
    old, new = comparison.old, comparison.new
    st.markdown(f"**{w.kind_name(new.kind)} {w.literal(new.id)}**: version {old.version} → version {new.version} — "
                f"{w.literal(comparison.summary)}")
    st.caption("  \n".join(f"Version {v.version}: {w.literal(v.author)}, {w.when(v.recorded_at)}, “{w.literal(v.why)}”."
                           for v in (old, new)))
    if old.version == new.version:
        w.empty_state("These are the same version — choose two different versions to compare.")
        return
    if not comparison.diff.changed:
        w.empty_state("Nothing differs between these two versions (only the reason or the time changed).")
        return
    html_block(LEGEND)
    if isinstance(comparison.diff, PaperDiff):
        show_paper_diff(comparison.diff, key)
    else:
        show_field_changes(comparison.diff.changes)


def short_label(version) -> str:
    return f"v{version.version} · {w.when(version.recorded_at)} · {version.author}"


def pair_key(key: str, latest: int, end: str) -> str:
    """The key of a “from”/“to” box: it carries the latest version, so a new version is preselected."""
    return f"{key}:{latest}:{end}"


def pick_two(versions: list, key: str, *, columns=None) -> tuple[int, int] | None:
    """“From” and “To” version select boxes (default: the one before the latest → the latest).

    Returns the two numbers, or None (with a message saying what to do) when there is only one version.
    """
    if len(versions) < 2:
        w.empty_state("There is only one version so far, so there is nothing to compare yet. Every save makes a "
                      "new version; come back after the next change.")
        return None
    by_number = {v.version: v for v in versions}
    numbers = sorted(by_number, reverse=True)
    left, right = columns or st.columns(2)
    start = w.kept(left.selectbox, "From version", pair_key(key, numbers[0], "from"), numbers[1], options=numbers,
                   format_func=lambda n: short_label(by_number[n]))
    end = w.kept(right.selectbox, "To version", pair_key(key, numbers[0], "to"), numbers[0], options=numbers,
                 format_func=lambda n: short_label(by_number[n]))
    if start == end:
        st.info("“From” and “To” are the same version — choose two different versions.")
        return None
    return start, end


def compare_section(services, kind: str, record_id: str, key: str, versions: list | None = None) -> tuple[int, int] | None:
    """Pick two versions of one record and see the diff; returns the pair shown, if any."""
    if versions is None:
        ok, versions = w.guarded(lambda: services.records.history(kind, record_id))
        if not ok:
            return None
    pair = pick_two(versions, key)
    if pair is None:
        return None
    ok, comparison = w.guarded(lambda: services.diffs.compare(kind, record_id, *pair))
    if ok:
        show_comparison(comparison, key)
        return pair
    return None


def versions_expander(services, kind: str, record_id: str) -> None:
    """“Versions of …”: the record's versions, and any two of them compared."""
    ok, versions = w.guarded(lambda: services.records.history(kind, record_id))
    if not ok:
        return
    section = w.lazy_expander(f"Versions of {w.literal(record_id)} ({len(versions)}) — compare any two",
                              f"cmp:{kind}:{record_id}:open")
    if not section.open:
        return
    with section:
        st.dataframe(w.version_table(versions), hide_index=True, width="stretch")
        compare_section(services, kind, record_id, f"cmp:{kind}:{record_id}", versions)
