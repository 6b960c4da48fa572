"""What people are typing, kept on the server until they save or discard it.

A draft is not history: it is replaced as the person types and dropped once saved. Keeping it in
the store (one small file per person) rather than in the browser session is what makes it survive
a reload, a closed tab, another device and a server restart.
"""

from __future__ import annotations

from typing import Any

from ..store.base import StoreBase


class DraftService:
    """A person's drafts, by key (the page's name for what is being edited, e.g. ``paper:P1:v3``)."""

    def __init__(self, store: StoreBase):
        self._store = store

    def keep(self, owner: str, key: str, value: dict) -> None:
        self._store.save_draft(owner, key, value)

    def drop(self, owner: str, key: str) -> None:
        self._store.save_draft(owner, key, None)

    def all(self, owner: str) -> dict[str, Any]:
        """key → the value last kept."""
        return {key: entry["value"] for key, entry in self._store.drafts(owner).items()}
