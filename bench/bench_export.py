"""How fast is the Word export? The seed paper and a 30-page paper, against pandoc.

    .venv/bin/python bench/bench_export.py [--runs N]

Each case is timed in process (export_docx, template cached after the first call as in a
running app) as the median of repeated runs; beside it, pandoc converts the same content written
as Markdown (footnotes as [^n], tables as pipe tables) to .docx, timed the same way (one process
per run, as a service would call it). Goals: seed < 30 ms; the 30-page paper faster than pandoc.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sstc_docs.domain.bundle import PaperBundle, assemble, demo_bundle  # noqa: E402
from sstc_docs.word import export_docx  # noqa: E402
from sstc_docs.word.flow import Table  # noqa: E402
from sstc_docs.word.layout import paper_flow  # noqa: E402

SENTENCES = [
    "The Office has continued to support South–South and triangular cooperation in all regions",
    "constituents asked for indicators that measure results rather than activities",
    "the strategy adopted in March 2012 sets out the outcomes and the means of action",
    "partnerships with governments, social partners and the United Nations system have grown",
    "技术会议的数目在过去的两年期有所增加",
]


def synthetic_paper(paragraphs: int = 300, footnotes: int = 40, tables: int = 10) -> PaperBundle:
    """About 30 pages: 300 paragraphs of ~45 words, 40 footnotes, 10 framework tables."""
    outcomes, indicators = [], {}
    for n in range(1, tables + 1):
        ids = []
        for k, label in enumerate(("", "(A)", "(B)")):
            ind_id = f"S/O{n}/I{k}"
            ids.append(ind_id)
            indicators[ind_id] = {
                "id": ind_id, "strategy_id": "S", "outcome": n, "label": label,
                "text": f"Number of member States supported in area {n}.{k}, " + SENTENCES[k % 4] + ".",
                "baseline": {"text": f"{n + k} countries in 2010–11."}, "target": {"text": f"{2 * n + k} countries."},
                "unit": "countries", "period": "2012-13", "measure": "count",
                "revisions": ([{"id": "R1", "type": "new", "reason": "refined", "decision_id": "GB.316/POL/9:D1",
                                "status": "proposed", "effective_date": "", "proposed_on": "2012-11-01"}]
                              if label else [])}
        outcomes.append({"number": n, "statement": f"Outcome statement {n}: " + SENTENCES[n % 4] + ".",
                         "indicator_ids": ids})
    strategy = {"id": "S", "title": "Strategy", "period": "2012-13", "language": "en", "outcomes": outcomes}
    body, note_every, notes_made = [], max(1, paragraphs // footnotes), 0
    per_table = paragraphs // tables
    for i in range(paragraphs):
        text = " ".join(f"{SENTENCES[(i + j) % 5]}." for j in range(3)) + f" Paragraph {i + 1} ends here."
        block = {"type": "paragraph", "numbered": i % 7 != 3, "text": text, "footnotes": []}
        if i % note_every == 0 and notes_made < footnotes:
            notes_made += 1
            block["text"] = text.replace(".", f".[^f{notes_made}]", 1)
            block["footnotes"] = [{"key": f"f{notes_made}", "text": f"GB.313/PV, paragraph {notes_made}; see "
                                   f"https://www.ilo.org/gb/{notes_made}."}]
        body.append(block)
        if i % per_table == per_table - 1 and len([b for b in body if b["type"] == "framework"]) < tables:
            n = len([b for b in body if b["type"] == "framework"]) + 1
            body.append({"type": "heading", "text": f"Outcome area {n}"})
            body.append({"type": "framework", "strategy_id": "S", "outcome": n,
                         "text": "The Office will report on progress. " + SENTENCES[n % 5] + ".", "footnotes": []})
    paper = {"id": "GB.316/POL/9", "symbol": "GB.316/POL/9", "session_dates": "1–16 November 2012",
             "agenda_item": 9, "action": "decision", "date": "2012-10-01", "original_language": "en",
             "language": "en", "title": "A thirty-page paper", "status": "draft",
             "front_matter": {"purpose": "To test speed."}, "body": body, "decision_ids": ["GB.316/POL/9:D1"]}
    decision = {"id": "GB.316/POL/9:D1", "paper_id": "GB.316/POL/9", "language": "en",
                "text": "The Governing Body:", "parts": ["approves the indicators", "requests a report"],
                "status": "draft"}
    return assemble(paper, 1, strategies={"S": strategy}, indicators=indicators, decisions=[(decision, 1)])


def markdown(bundle: PaperBundle) -> str:
    """The same content as Markdown for pandoc: numbered paragraphs, [^n] notes, pipe tables."""
    flow = paper_flow(bundle)
    lines, notes, number = [], [], 0

    def inline(segs) -> str:
        out = []
        for seg in segs:
            if seg.note is not None:
                notes.append(" ".join(s.text for para in seg.note.paras for s in para))
                out.append(f"[^{len(notes)}]")
            else:
                text = seg.text.replace("\t", " ").replace("\n", " ").replace("|", "\\|")
                out.append(f"**{text.strip()}** " if seg.style == "label" else text)
        return "".join(out)

    def paragraph(para) -> str:
        nonlocal number
        text = inline(para.segs)
        if para.numbered:
            number += 1
            return f"{number}. {text}"
        if para.style == "title":
            return f"# {text}"
        if para.style == "heading1":
            return f"## {text}"
        return text

    for item in flow.items:
        if isinstance(item, Table):
            if item.style == "framework":
                lines.append("| | |\n|---|---|\n" + "\n".join(
                    "| " + " | ".join(inline(p.segs) for cell in row.cells for p in cell) + " |" for row in item.rows))
            else:
                lines += [paragraph(p) for row in item.rows for cell in row.cells for p in cell]
        else:
            lines.append(paragraph(item))
    lines += [f"[^{i}]: {text}" for i, text in enumerate(notes, start=1)]
    return "\n\n".join(lines) + "\n"


def median_ms(action, runs: int) -> float:
    action()                                  # warm: template read, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pandoc_ms(text: str, runs: int) -> float | None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.md", Path(folder) / "out.docx"
        source.write_text(text, encoding="utf-8")
        return median_ms(lambda: subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target),
                                                 str(source)], check=True), runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    cases = [("seed paper (GB.316/POL/5)", demo_bundle()), ("30-page paper (300 ¶, 40 notes, 10 tables)",
                                                             synthetic_paper())]
    rows = []
    for name, bundle in cases:
        size = len(export_docx(bundle))
        ours = median_ms(lambda: export_docx(bundle), args.runs)
        theirs = pandoc_ms(markdown(bundle), max(5, args.runs // 3))
        rows.append((name, ours, theirs, size))
    print(f"{'case':46} {'sstc-docs':>11} {'pandoc':>11} {'ratio':>7} {'size':>8}")
    for name, ours, theirs, size in rows:
        pandoc_text = f"{theirs:9.1f}ms" if theirs is not None else "    (none)"
        ratio = f"{theirs / ours:6.1f}x" if theirs else "      -"
        print(f"{name:46} {ours:9.1f}ms {pandoc_text:>11} {ratio:>7} {size // 1024:6d}KB")
    seed_ok = rows[0][1] < 30
    big_ok = rows[1][2] is None or rows[1][1] < rows[1][2]
    print(f"goals: seed < 30 ms: {'met' if seed_ok else 'MISSED'}; 30-page paper faster than pandoc: "
          f"{'met' if big_ok else 'MISSED'} (median of {args.runs} runs; pandoc median of {max(5, args.runs // 3)})")
    return 0 if seed_ok and big_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
