"""How long each page of the app takes to answer: its script's run time, median of repeated reruns.

A user waits for the page script to run on the server; that is what is timed here, through
Streamlit's AppTest on a real database: the demo, and optionally the demo plus a number of
synthetic papers (``--papers N``) so lists and the overview are measured at an archive's size.
Prints a table; the goal is "well under a second" per page.

    .venv/bin/python bench/bench_pages.py [--runs 7] [--papers 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from sstc_docs.services import open_services  # noqa: E402
from sstc_docs.services.papers import blank_paper  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
PAGES = ("overview", "papers", "frameworks", "decisions", "evidence", "history")
SECTIONS = ("INS", "POL", "LILS", "PFA")


def build_database(folder: Path, papers: int) -> None:
    opened = open_services(folder)
    services = opened.acting_as(opened.accounts.local_actor())  # local mode, as `make run`
    services.load_demo()
    for n in range(papers):
        symbol = f"GB.{300 + n % 30}/{SECTIONS[n % 4]}/{n // 120 + 1}/{n % 120 + 1}"
        paper = blank_paper(symbol, f"Synthetic paper {n}: programme and budget follow-up", "en")
        paper["body"] = [{"type": "paragraph", "text": f"Paragraph {i} of paper {n}."} for i in range(1, 6)]
        services.papers.create(paper, why="synthetic archive")
    services.close()


def time_page(page: str, runs: int) -> list[float]:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "overview":
        at.switch_page(f"sstc_docs/ui/pages/{page}.py").run()
    if at.exception:
        raise SystemExit(f"{page} raised: {[e.value for e in at.exception]}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--papers", type=int, default=0, help="synthetic papers added to the demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "db"
        started = time.perf_counter()
        build_database(folder, args.papers)
        print(f"database: demo + {args.papers} synthetic papers, built in {time.perf_counter() - started:.1f} s")
        os.environ["SSTC_DB"] = str(folder)
        print(f"{'page':<12}{'median ms':>12}{'max ms':>10}")
        for page in PAGES:
            timings = time_page(page, args.runs)
            print(f"{page:<12}{statistics.median(timings):>12.1f}{max(timings):>10.1f}")


if __name__ == "__main__":
    main()
