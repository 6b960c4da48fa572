"""Shared fixtures: a fresh database folder per test, with or without the demo loaded.

``services``/``demo`` act as the test account (people.TESTER, every role). ``demo_db``/``empty_db``
point the app (SSTC_DB) at such a folder for Streamlit AppTests, in accounts mode (AppTests sign in
with people.sign_in), and drop the app's cached services before and after, so no test sees
another's store.

``engine`` runs a store test once per engine: the embedded one on a folder, and PostgreSQL on a
throwaway server this session starts (tests/pg_server.py: one per xdist worker, a database per
store the test opens). Without PostgreSQL's binaries those tests fail, saying how to install them:
a test that cannot run must not pass as skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seed_text.py

from people import TESTER  # noqa: E402
from pg_server import ThrowawayServer  # noqa: E402
from sstc_docs.domain.rights import Actor  # noqa: E402
from sstc_docs.services import Services, open_services  # noqa: E402
from sstc_docs.store import StoreBase, open_store  # noqa: E402
from sstc_docs.ui.state import get_services  # noqa: E402


@pytest.fixture(autouse=True)
def _main_module_put_back():
    """AppTest runs a page script as ``__main__`` and leaves it there. A later test in the same
    worker that starts processes with multiprocessing's spawn would then have each child run that
    script first (spawn re-runs ``__main__``); the children die and the pool starts new ones
    forever. Seen as test_store_processes.py hanging when test_search_app.py ran before it."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def acting(path: Path, actor: Actor = TESTER) -> Services:
    """Services over ``path`` acting as ``actor``."""
    return open_services(path).acting_as(actor)


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL server for the session (for this xdist worker), stopped at its end."""
    try:
        server = ThrowawayServer().start()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


class Engine:
    """A storage engine as a test sees it: fresh empty databases, and stores opened on them."""

    def __init__(self, name: str, new_database: Callable[[], Any]):
        self.name = name
        self._new_database = new_database

    def __repr__(self) -> str:
        return self.name

    def database(self) -> Any:
        """A new, empty database: a folder path, or a PostgreSQL URL."""
        return self._new_database()

    def open(self, location: Any = None, **hooks: Any) -> StoreBase:
        """A store on ``location`` (a new database if None) with the given summarize/validate hooks."""
        return open_store(self.database() if location is None else location, **hooks)


@pytest.fixture(params=["tinydb", "postgresql"])
def engine(request, tmp_path_factory) -> Engine:
    if request.param == "tinydb":
        yield Engine("tinydb", lambda: tmp_path_factory.mktemp("db"))
        return
    server: ThrowawayServer = request.getfixturevalue("postgres_server")
    created: list[str] = []

    def new_database() -> str:
        created.append(server.create_database())
        return created[-1]

    yield Engine("postgresql", new_database)
    for url in created:
        server.drop_database(url)


@pytest.fixture
def services(tmp_path) -> Services:
    opened = acting(tmp_path / "db")
    yield opened
    opened.close()


@pytest.fixture
def demo(services) -> Services:
    services.load_demo()
    return services


def _drop_cached_services() -> None:
    try:
        get_services().close()
    except Exception:  # noqa: BLE001 - nothing open, or already closed
        pass
    get_services.clear()


def make_db(tmp_path: Path, monkeypatch, *, with_demo: bool = True) -> Path:
    path = tmp_path / "db"
    opened = acting(path)
    if with_demo:
        opened.load_demo()
    opened.close()
    monkeypatch.setenv("SSTC_DB", str(path))
    monkeypatch.setenv("SSTC_AUTH", "accounts")  # AppTests sign in as an account (people.sign_in)
    get_services.clear()
    return path


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    yield make_db(tmp_path, monkeypatch)
    _drop_cached_services()


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    yield make_db(tmp_path, monkeypatch, with_demo=False)
    _drop_cached_services()
