"""How long each page of the app takes at an archive's size: script time, browser time, server memory.

The archive is the demo plus bench/archive.py's synthetic records of every kind, valid for the app
(checked by its validation again on restore), at ``--scale`` of the design point: 10,000 papers
with 50,000 versions, 5,000 decision points, 2,000 indicators (two versions each, with
revisions), 10 strategies whose outcomes list them, and 100,000 evidence records linked to
indicators, decisions and papers. It is written as a backup and restored (as an office moving its
archive in would), then the search index is built, as a running server has it.

Measured, per page:
- AppTest (Streamlit's headless runner, the page script on a real database): the first visit of
  the page in a session (switching to it) and the median of reruns — the script time a user waits.
- The browser (Chromium through Playwright against the app's server, as ``make run`` starts it):
  the first page in a fresh tab once the server answers — beside it, in the same run, the first
  page of plain ``streamlit run`` (no warm-up) — then each page from the click on its link in the
  sidebar until the page's heading is shown and no script is running (the app is idle), median
  over the rounds.
- The server's memory (RSS): after start, after ``--sessions`` browser sessions each opened every
  page, then after each of ``--waves`` such waves, each once the one before had ended (what a
  session keeps, and whether it is given back: the later waves then grow nothing).

Goals (issue 14): every page under 1 s in the browser, the first page after start under 2 s,
server memory under 400 MB, each further session under 10 MB more, freed when it ends.

    .venv/bin/python bench/bench_pages.py                 # scale 0.02 (a few minutes, `make bench`)
    .venv/bin/python bench/bench_pages.py --scale 1 --db /tmp/design-point   # the design point (built once:
                                                                              # tens of minutes; then reused)
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive import Archive  # noqa: E402

from sstc_docs.services import open_services  # noqa: E402

APP = ROOT / "streamlit_app.py"
#: page file → the title its sidebar link and heading show
PAGES = {"overview": "Overview", "sessions": "Sessions", "papers": "Papers", "frameworks": "Frameworks", "decisions": "Decisions",
         "evidence": "Evidence", "history": "History", "search": "Search", "imports": "Import a paper",
         "integrity": "Integrity"}
HEADINGS = {"imports": "Import a Word paper", "integrity": "Integrity of the record"}  # where not the title
#: the order pages are visited in the browser: each differs from the one before (the first page is the Overview)
VISITS = [*list(PAGES)[1:], "overview"]
GOAL_PAGE_MS, GOAL_FIRST_MS, GOAL_RSS_MB, GOAL_SESSION_MB = 1000, 2000, 400, 10
CHROMIUM = "/usr/bin/chromium"


# -- the archive ---------------------------------------------------------------------------------
def build_database(folder: Path, scale: float) -> dict:
    """The archive restored into ``folder``, the demo loaded on top, the search index built."""
    timings = {}
    started = time.perf_counter()
    backup = folder.parent / "archive-backup.json"
    versions = Archive(scale).write(backup)
    timings["generate"] = time.perf_counter() - started
    opened = open_services(folder)
    started = time.perf_counter()
    opened.restore(backup)
    backup.unlink()
    timings["restore"] = time.perf_counter() - started
    services = opened.acting_as(opened.accounts.local_actor())  # local mode, as `make run`
    services.load_demo()
    started = time.perf_counter()
    services.search.catch_up()
    timings["index"] = time.perf_counter() - started
    counts = {kind: services.records.count(kind) for kind in ("paper", "decision", "indicator", "evidence")}
    services.close()
    return {"versions": versions, "counts": counts, "timings": timings}


# -- script time (AppTest) -----------------------------------------------------------------------
def time_script(page: str, runs: int) -> tuple[float, float]:
    """(first visit, median rerun) in ms of one page's script in a new session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    started = time.perf_counter()
    if page != "overview":
        at.switch_page(f"sstc_docs/ui/pages/{page}.py")
    at.run()
    first = (time.perf_counter() - started) * 1000
    if at.exception:
        raise SystemExit(f"{page} raised: {[e.value for e in at.exception]}")
    reruns = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        reruns.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(reruns)


# -- the browser ---------------------------------------------------------------------------------
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: The app's server as `make run` starts it (warmed before it listens), and Streamlit's alone beside it.
SERVER = ["-m", "sstc_docs.ui.launch"]
PLAIN_STREAMLIT = ["-m", "streamlit", "run", str(APP)]
#: Streamlit keeps a closed tab's session this many seconds for the tab to reconnect
#: (server.disconnectedSessionTTL, 120 by default); the memory figures are taken after it.
RECONNECT_S = 10


def start_server(db: Path, port: int, log: Path, command: list[str] = SERVER) -> tuple[subprocess.Popen, float]:
    """The server and the seconds from its start until its health endpoint answered."""
    env = {key: value for key, value in os.environ.items() if key != "SSTC_AUTH"}  # local mode, as `make run`
    env.update(SSTC_DB=str(db), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *command, "--server.headless", "true", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--server.disconnectedSessionTTL", str(RECONNECT_S)],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"streamlit did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)  # polling the health endpoint


IDLE = """(heading) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  return [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.textContent.trim() === heading);
}"""


def until_idle(tab, heading: str) -> None:
    """The page's heading is shown and no script is running: what the user sees as "done"."""
    tab.wait_for_function(IDLE, arg=heading, timeout=120_000, polling="raf")


def chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])


def first_page_ms(port: int) -> float:
    """A fresh tab (nothing cached) from navigation until the Overview is shown and idle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        started = time.perf_counter()
        tab.goto(f"http://127.0.0.1:{port}")
        until_idle(tab, "Overview")
        took = (time.perf_counter() - started) * 1000
        browser.close()
    return took


def every_page(browser, base: str):
    """A new browser session that opened every page; its context, to close when done."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visitor = context.new_page()
    visitor.goto(base)
    until_idle(visitor, "Overview")
    for page in VISITS:
        title = PAGES[page]
        visitor.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        until_idle(visitor, HEADINGS.get(page, title))
    return context


def browse(port: int, pid: int, rounds: int, sessions: int, waves: int) -> dict:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    found: dict = {"pages": {page: [] for page in PAGES}}
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        started = time.perf_counter()
        tab.goto(base)
        until_idle(tab, "Overview")
        found["first_page_ms"] = (time.perf_counter() - started) * 1000
        found["rss_start"] = rss_mb(pid)
        for _ in range(rounds):
            for page in VISITS:
                title = PAGES[page]
                link = tab.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
                started = time.perf_counter()
                link.click()
                until_idle(tab, HEADINGS.get(page, title))
                found["pages"][page].append((time.perf_counter() - started) * 1000)
        context.close()
        found["rss_one_session"] = rss_mb(pid)
        # Waves of sessions on every page, each once the one before has ended: what a wave kept, and
        # did not give back for the next to use, shows as growth of the next. (The allocator keeps
        # freed memory for reuse, so the RSS does not fall when a session ends; it stops growing.
        # It may take a wave to settle: a leak grows every wave alike, the allocator's fill does not.)
        found["rss_waves"] = []
        for _ in range(waves):
            opened = [every_page(browser, base) for _ in range(sessions)]
            found["rss_waves"].append(rss_mb(pid))
            for context in opened:
                context.close()
            # A closed tab's session ends once the reconnect window has passed; Streamlit lets go of
            # ended sessions when it next keeps one for a closed tab: here, a tab opened and closed.
            time.sleep(RECONNECT_S + 2)
            context = browser.new_context()
            context.new_page().goto(base)
            context.close()
        browser.close()
    found["rss_after"] = rss_mb(pid)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="share of the design point (1 = 10,000 papers)")
    parser.add_argument("--runs", type=int, default=5, help="reruns per page in AppTest")
    parser.add_argument("--rounds", type=int, default=2, help="visits of every page in the browser")
    parser.add_argument("--sessions", type=int, default=4, help="browser sessions in a wave, for the memory figures")
    parser.add_argument("--waves", type=int, default=3, help="waves of sessions, each once the one before ended")
    parser.add_argument("--no-browser", action="store_true", help="script times only")
    parser.add_argument("--db", help="build the archive in this folder and keep it; an archive already there is "
                                     "measured as it is (build the design point once, measure it many times)")
    args = parser.parse_args()
    if args.waves < 2:
        parser.error("--waves must be at least 2: what a wave keeps shows in the next")
    # AppTest outside a server warns of a missing script context on every page; Streamlit resets its
    # loggers' levels when it reads its config, so the one logger is switched off instead
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.db) if args.db else Path(tmp) / "db"
        if folder.exists() and any(folder.iterdir()):
            print(f"archive: the one in {folder} (built before; --scale is not applied)")
        else:
            folder.mkdir(parents=True, exist_ok=True)
            built = build_database(folder, args.scale)
            t = built["timings"]
            print(f"archive at scale {args.scale:g}: {built['versions']} versions "
                  f"({', '.join(f'{n} {kind}' for kind, n in built['counts'].items())}) and the demo; "
                  f"generated {t['generate']:.0f} s, restored {t['restore']:.0f} s, indexed {t['index']:.0f} s")
        os.environ["SSTC_DB"] = str(folder)
        os.environ.pop("SSTC_AUTH", None)
        scripts = {page: time_script(page, args.runs) for page in PAGES}
        browser = None
        if not args.no_browser:
            port = free_port()
            server, plain_start = start_server(folder, port, Path(tmp) / "plain.log", PLAIN_STREAMLIT)
            try:
                plain_first = first_page_ms(port)
            finally:
                server.terminate()
                server.wait(timeout=30)
            server, start = start_server(folder, port, Path(tmp) / "streamlit.log")
            try:
                browser = browse(port, server.pid, args.rounds, args.sessions, args.waves)
            finally:
                server.terminate()
                server.wait(timeout=30)
        print(f"{'page':<12}{'first visit ms':>16}{'rerun ms':>10}{'browser ms':>12}   (AppTest script; browser: "
              f"click to idle, median of {args.rounds})")
        for page, (first, rerun) in scripts.items():
            shown = f"{statistics.median(browser['pages'][page]):>12.0f}" if browser else f"{'—':>12}"
            print(f"{page:<12}{first:>16.0f}{rerun:>10.0f}{shown}")
        if browser:
            slowest = max(statistics.median(times) for times in browser["pages"].values())
            waves = browser["rss_waves"]
            each = (waves[0] - browser["rss_one_session"]) / max(args.sessions, 1)
            kept = [(later - earlier) / max(args.sessions, 1) for earlier, later in zip(waves, waves[1:])]
            print(f"first page after start: {browser['first_page_ms']:.0f} ms (goal {GOAL_FIRST_MS}); slowest page "
                  f"{slowest:.0f} ms (goal {GOAL_PAGE_MS})")
            print(f"  the server answered {start:.1f} s after its start (warmed first); plain `streamlit run` answered "
                  f"after {plain_start:.1f} s and its first page took {plain_first:.0f} ms")
            print(f"server RSS: {browser['rss_start']:.0f} MB after the first page, {browser['rss_one_session']:.0f} MB "
                  f"after a session on every page, {waves[0]:.0f} MB with {args.sessions} more sessions "
                  f"({each:+.1f} MB each; goal under {GOAL_SESSION_MB}); each wave of {args.sessions} others once "
                  f"those before ended: {', '.join(f'{mb:.0f}' for mb in waves[1:])} MB "
                  f"({', '.join(f'{mb:+.1f}' for mb in kept)} MB a session not given back; goal 0); "
                  f"{browser['rss_after']:.0f} MB at the end (goal: all under {GOAL_RSS_MB} MB)")
        if args.scale < 1:
            print("The design point: .venv/bin/python bench/bench_pages.py --scale 1 --db /tmp/design-point")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
