"""The app's server is warm before it listens (sstc_docs/ui/launch.py): the first visitor's page
then imports none of the app's modules (nor pandas, pyarrow) and reads no catalog of the database,
and finds the heap it leaves to every later collection frozen.

Each check runs in a fresh interpreter, as the server does: this one has imported everything long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sstc_docs.services import open_services

ROOT = Path(__file__).resolve().parent.parent

#: Warm up (or not), then run the app's first page (the Overview, in local mode) in AppTest,
#: recording what the run imports and which catalog files it opens (Python's audit events).
FIRST_PAGE = """
import gc, json, os, sys
from sstc_docs.ui import launch
if sys.argv[1] == "warm":
    launch.warm_up()
frozen_before_the_page = gc.get_freeze_count()  # the store freezes the heads it loads, too (index.py)
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(str(launch.APP), default_timeout=120)
catalog = os.path.join(os.environ["SSTC_DB"], "catalog")
seen = {"imported": [], "opened": []}
def watch(event, args):
    if event == "import" and args[0].split(".")[0] in ("sstc_docs", "pandas", "pyarrow"):
        seen["imported"].append(args[0])
    elif event == "open" and isinstance(args[0], str) and args[0].startswith(catalog):
        seen["opened"].append(os.path.basename(args[0]))
sys.addaudithook(watch)
app.run()
seen["errors"] = [str(e.value) for e in app.exception]
seen["titles"] = [t.value for t in app.title]
seen["frozen"] = frozen_before_the_page
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """The demo, loaded as `make run` loads it: in local mode (so this machine's user has an account)."""
    path = tmp_path_factory.mktemp("launch") / "db"
    opened = open_services(path)
    opened.acting_as(opened.accounts.local_actor()).load_demo()
    opened.close()
    return path


def first_page(database: Path, how: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "SSTC_AUTH"}  # local mode, as `make run`
    env.update(SSTC_DB=str(database), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE, how], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert not seen["errors"] and seen["titles"] == ["Overview"], seen
    return seen


def test_after_the_warm_up_the_first_page_imports_nothing_and_reads_no_catalog(database):
    seen = first_page(database, "warm")
    assert seen["imported"] == [] and seen["opened"] == [], seen
    assert seen["frozen"] > 0


def test_without_it_the_first_page_does_that_work(database):
    """What the warm-up takes off the first visitor: the check above would see it."""
    seen = first_page(database, "cold")
    assert "sstc_docs.ui.widgets" in seen["imported"] and "pandas" in seen["imported"]
    assert "paper.json" in seen["opened"]
    assert seen["frozen"] == 0
