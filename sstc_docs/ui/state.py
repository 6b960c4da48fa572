"""The services, held once per server process and shared by every session.

The store serialises access with its own locks (in-process and across processes), so one
instance can safely serve concurrent sessions; opening it per rerun would re-read the catalog.
"""

from __future__ import annotations

import streamlit as st

from ..services import Services, open_services


@st.cache_resource(show_spinner="Opening the database…")
def get_services() -> Services:
    return open_services()


def current_user() -> str:
    """Who is making changes in this browser session: asked once, kept for the session."""
    return st.session_state.get("user_name", "").strip()
