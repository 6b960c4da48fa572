"""The services, held once per server process and shared by every session.

The store serialises access with its own locks (in-process and across processes), so one
instance can safely serve concurrent sessions; opening it per rerun would re-read the catalog.
"""

from __future__ import annotations

import streamlit as st

from ..domain.rights import Actor
from ..services import Services, open_services

#: The account signed in in this browser session, set at the start of every run (ui/signin.py).
ACTOR_KEY = "_actor"


@st.cache_resource(show_spinner="Opening the database…")
def get_services() -> Services:
    return open_services()


def current_user() -> Actor | None:
    """Who is making changes in this browser session: the signed-in account."""
    return st.session_state.get(ACTOR_KEY)
