"""The app's server, warm before its first visitor: ``python -m sstc_docs.ui.launch [OPTIONS]``
takes the options of ``streamlit run`` (``make run``, the benches and the browser tests start it).

Streamlit imports nothing of the app until the first visitor's session runs the script, so that
visitor waited for everything a process does once: the app's modules imported (and compiled:
PYTHONDONTWRITEBYTECODE keeps no bytecode), pandas and pyarrow loaded for the first table, the
database's catalogs read, the search index opened — seconds at archive scale, for a page whose
later visits take a fraction of one. Here that work is done first; then ``streamlit run`` itself
starts, so the server listens (and its health endpoint answers) only once the app is warm.
"""

from __future__ import annotations

import ast
import ctypes
import gc
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
PAGES = Path(__file__).resolve().parent / "pages"
#: glibc's mallopt parameter for the most malloc arenas a process makes (malloc.h)
_M_ARENA_MAX = -8
#: shared by every thread: the server's event loop and the sessions' script threads
ARENAS = 2


def share_malloc_arenas() -> None:
    """glibc gives each new thread that allocates its own malloc arena (up to eight per core), and
    memory freed in one arena serves only that arena: every session runs its script in a thread of
    its own, so what one session frees the next could not use, and the server grew about a
    megabyte a session, freed or not. With the arenas shared, it is used again. Call before any
    thread starts; an explicit MALLOC_ARENA_MAX wins, and another C library is left as it is."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_ARENA_MAX, ARENAS)


def import_app_modules() -> None:
    """Import what the app script and every page import at their top, read from the scripts
    themselves (so nothing is listed twice): running a page then costs only the page."""
    for script in (APP, *sorted(PAGES.glob("*.py"))):
        tree = ast.parse(script.read_text(encoding="utf-8"), str(script))
        imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                   and getattr(node, "module", None) != "__future__"]
        exec(compile(ast.Module(body=imports, type_ignores=[]), str(script), "exec"), {})  # noqa: S102


def open_database() -> None:
    """Open the database the pages share (ui/state.py's cache, which every session then finds
    open) with what a page run reads already loaded. If it cannot be opened or read, the pages say
    why to whoever visits, as they would without the warm-up: the server starts anyway."""
    from ..errors import SstcError
    from .state import get_services

    try:
        get_services().warm_up()
    except SstcError as error:
        print(f"sstc-docs: the database could not be read before serving (the pages will say so): {error}",
              file=sys.stderr)


def load_streamlit_parts() -> None:
    """What Streamlit loads on first use of an element the pages draw: for a table, pandas and
    pyarrow and what their first conversion loads (a second at archive scale); for an alert, the
    emoji pattern its icon is looked for with (0.1 s)."""
    from streamlit import dataframe_util, emojis  # noqa: F401

    dataframe_util.convert_anything_to_arrow_bytes([{"text": "", "number": 1, "date": "2026-01-01"}])


def skip_direct_run_warning() -> None:
    """The first element a process draws makes Streamlit check, once, whether it runs under
    ``streamlit run`` or a REPL, to warn if not: a walk over the source file of every module loaded
    (a few tenths of a second, on the first visitor's page). This process is ``streamlit run``:
    the check is marked done. (A private flag of Streamlit's: if it goes, the check simply runs.)"""
    from streamlit import delta_generator

    delta_generator._use_warning_has_been_displayed = True


def warm_up() -> float:
    """Everything above; returns the seconds it took."""
    started = time.perf_counter()
    from streamlit.runtime.scriptrunner_utils import script_run_context

    # The script-run context a session has does not exist yet; Streamlit warns of it on every call.
    context_log = logging.getLogger(script_run_context.__name__)
    level = context_log.level
    context_log.setLevel(logging.ERROR)
    try:
        import_app_modules()
        open_database()
        load_streamlit_parts()
        skip_direct_run_warning()
    finally:
        context_log.setLevel(level)
    # Streamlit collects garbage after every script run (runner.postScriptGC), and a full collection
    # walks every object the process holds: the catalogs' rows at archive scale make that a wait on
    # every page. What is loaded now lives as long as the server, so it is left out of collections.
    gc.collect()
    gc.freeze()
    return time.perf_counter() - started


def main(options: list[str]) -> None:
    share_malloc_arenas()
    took = warm_up()
    print(f"sstc-docs: ready to serve in {took:.1f} s", file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *options]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
