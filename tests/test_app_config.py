"""The server settings `make run` and the browser tests start Streamlit with (.streamlit/config.toml).

In local mode (the default) whoever reaches the app acts as this machine's user, so it must listen on
this machine only (and the app refuses any other address in that mode: tests/test_signin_page.py),
keep Streamlit's XSRF check, and refuse an oversized upload before reading it whole.
"""

from __future__ import annotations

import ipaddress
import math
import tomllib
from pathlib import Path

from streamlit import config as streamlit_config

from sstc_docs.services.evidence import DEFAULT_MAX_UPLOAD_MB

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def _server() -> dict:
    with CONFIG.open("rb") as file:
        return tomllib.load(file)["server"]


def test_the_server_listens_on_loopback_only():
    assert ipaddress.ip_address(_server()["address"]).is_loopback


def test_xsrf_protection_stays_on():
    assert _server()["enableXsrfProtection"] is True


def test_uploads_are_capped_at_the_apps_default_limit():
    assert _server()["maxUploadSize"] == math.ceil(DEFAULT_MAX_UPLOAD_MB)


def test_every_server_setting_is_one_streamlit_knows():
    """A misspelt option is ignored by Streamlit without a word, which would undo the settings above."""
    unknown = [name for name in _server() if f"server.{name}" not in streamlit_config._config_options_template]
    assert not unknown, unknown
