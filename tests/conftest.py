"""Shared fixtures: a fresh database folder per test, with or without the demo loaded.

``services``/``demo`` act as the test account (people.TESTER, every role). ``demo_db``/``empty_db``
point the app (SSTC_DB) at such a folder for Streamlit AppTests, in accounts mode (AppTests sign in
with people.sign_in), and drop the app's cached services before and after, so no test sees
another's store.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seed_text.py

from people import TESTER  # noqa: E402
from sstc_docs.domain.rights import Actor  # noqa: E402
from sstc_docs.services import Services, open_services  # noqa: E402
from sstc_docs.ui.state import get_services  # noqa: E402


def acting(path: Path, actor: Actor = TESTER) -> Services:
    """Services over ``path`` acting as ``actor``."""
    return open_services(path).acting_as(actor)


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
