"""Shared fixtures: a fresh database folder per test, with or without the demo loaded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seed_text.py

from sstc_docs.services import Services, open_services  # noqa: E402


@pytest.fixture
def services(tmp_path) -> Services:
    opened = open_services(tmp_path / "db")
    yield opened
    opened.close()


@pytest.fixture
def demo(services) -> Services:
    services.load_demo()
    return services
