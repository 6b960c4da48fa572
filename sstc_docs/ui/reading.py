"""The reading view: a paper version on screen laid out exactly as its Word file.

There is one layout of a paper, ``word.layout.paper_flow``; the Word writer turns its Flow into
WordprocessingML and this module turns the same Flow into HTML, so the screen cannot drift from
the print: the cover, the front matter frame, the paragraph numbering, the draft decision in its
box and the labels in the paper's own language are the Flow's. The Flow is pure data and every
piece of record text goes through ``widgets.literal_html``: nothing a user typed becomes markup.
It is read-only by construction: no widget is drawn.
"""

from __future__ import annotations

import streamlit as st

from sstc_docs.domain.labels import label
from sstc_docs.word.flow import Flow, Para, Table
from sstc_docs.word.layout import paper_flow

from . import widgets as w

# How each paragraph style of the Flow looks on screen (the house template's styles, roughly).
PARA_CSS = {
    "cover": "margin:0;font-weight:600", "agenda": "margin:1.2em 0 0;font-weight:700;letter-spacing:.04em",
    "action": "margin:.2em 0 0;font-weight:700", "title": "margin:1em 0;font-size:1.35em;font-weight:700",
    "revision_note": "margin:0 0 1em;font-style:italic", "front": "margin:.15em 0", "normal": "margin:0",
    "numbered": "margin:.6em 0", "body": "margin:.6em 0", "heading1": "margin:1.2em 0 .4em;font-weight:700",
    "outcome": "margin:.8em 0 .3em", "table_text": "margin:0", "decision_part": "margin:.3em 0 0 2em",
}
TABLE_CSS = {"front_box": "border:1px solid currentColor;padding:.6em .8em;margin:1em 0",
             "decision_box": "border:1px solid currentColor;padding:.6em .8em;margin:.6em 0",
             "framework": "margin:.4em 0"}
SEG_CSS = {"label": "font-weight:700", "cover_symbol": "font-weight:700"}
# Styles that are headings, for screen readers (the paper's own heading levels, as Word's outline)
HEADINGS = {"title": 2, "heading1": 3}


class _Writer:
    """Flow → one line of HTML (a blank line would end Streamlit's HTML block early)."""

    def __init__(self) -> None:
        self.number = 0        # the paper's paragraph numbering
        self.notes: list[str] = []

    def segs(self, para: Para) -> str:
        out = []
        for seg in para.segs:
            if seg.note is not None:
                self.notes.append(" ".join(self.text(p) for p in seg.note.paras))
                out.append(f"<sup>{len(self.notes)}</sup>")
            elif seg.text == "\t":
                out.append('<span style="display:inline-block;min-width:2em"></span>')
            else:
                style = SEG_CSS.get(seg.style or "")
                text = w.literal_html(seg.text.replace("\v", "\n").replace("\f", "\n"))
                out.append(f'<span style="{style}">{text}</span>' if style else text)
        return "".join(out)

    def text(self, segs) -> str:
        return "".join(w.literal_html(s.text) for s in segs if s.note is None)

    def para(self, para: Para) -> str:
        css = PARA_CSS.get(para.style, "margin:.4em 0")
        inner = self.segs(para)
        if para.style == "cover" and any(s.text == "\t" for s in para.segs):
            # the part after the tab sits on the right, as the cover's tab stop puts it
            left, _, right = inner.partition('<span style="display:inline-block;min-width:2em"></span>')
            return f'<div style="{css};display:flex;justify-content:space-between"><span>{left}</span>' \
                   f"<span>{right}</span></div>"
        if para.numbered:
            self.number += 1
            return f'<p style="{css};display:flex;gap:1em"><span style="flex:none">{self.number}.</span><span>{inner}</span></p>'
        level = HEADINGS.get(para.style)
        role = f' role="heading" aria-level="{level}"' if level else ""
        return f'<p{role} style="{css}">{inner or "&nbsp;"}</p>'

    def table(self, table: Table) -> str:
        css = TABLE_CSS.get(table.style, "margin:.6em 0")
        rows = []
        for row in table.rows:
            cells = "".join(
                f'<td style="vertical-align:top;padding:.2em .5em;width:{int(width * 100)}%">'
                f'{"".join(self.para(p) for p in cell)}</td>'
                for cell, width in zip(row.cells, table.widths + (0,) * len(row.cells)))
            rows.append(f"<tr>{cells}</tr>")
        border = ' border="1"' if table.style == "framework" else ""
        return f'<div style="{css}"><table{border} style="width:100%;border-collapse:collapse">' \
               f'{"".join(rows)}</table></div>'

    def flow(self, flow: Flow) -> str:
        body = "".join(self.table(item) if isinstance(item, Table) else self.para(item) for item in flow.items)
        notes = "".join(f'<p style="margin:.2em 0;font-size:.85em"><sup>{i}</sup> {text}</p>'
                        for i, text in enumerate(self.notes, 1))
        if notes:
            body += f'<hr style="width:30%;margin:1.5em 0 .5em">{notes}'
        lang = label("locale", flow.language)   # the language tag the Word file carries too
        return f'<div lang="{lang}" style="line-height:1.6;max-width:48em">{body}</div>'


def flow_html(flow: Flow) -> str:
    """The Flow as HTML: paragraphs numbered as Word numbers them, footnotes at the end."""
    return _Writer().flow(flow)


def show_paper(bundle) -> None:
    """A paper version as it prints, read-only."""
    with st.container(border=True):
        st.markdown(flow_html(paper_flow(bundle)), unsafe_allow_html=True)
