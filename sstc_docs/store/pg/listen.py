"""Hearing other servers' saves: LISTEN on the channel every commit NOTIFYs, in a daemon thread.

Why: several app servers share one database and each keeps the heads of the kinds it lists in
memory. Each commit sends ``NOTIFY sstc_changes, '<seq>'``; a server hearing it brings its
cached heads up to date at once, in the background, so a page listing records after a colleague's
save on another server finds its rows already there. (A read still asks for anything newer than
its cache in the same query that serves it: a notification may arrive a moment after the other
server's save has returned, and a read must never show less than what was saved before it.)
"""

from __future__ import annotations

import secrets
import threading
from typing import Callable

import psycopg

CHANNEL = "sstc_changes"


class ChangeListener:
    """One connection of its own (notifications arrive on the session that listens, so it cannot
    be a pooled one), reconnecting after a cut; ``on_change()`` runs in this thread."""

    def __init__(self, conninfo: str, on_change: Callable[[], None], on_reconnect: Callable[[], None], *,
                 poll_seconds: float = 0.1):
        """``on_reconnect()`` runs before listening again after a cut: the database server may have
        restarted after a crash, and a version seen just before it may not have reached its disk
        (engine.py, ``_unit``), so what was cached from before cannot be trusted."""
        self._conninfo = conninfo
        self._on_change = on_change
        self._on_reconnect = on_reconnect
        self._poll = poll_seconds
        self._stopped = threading.Event()
        self._wake_channel = f"sstc_stop_{secrets.token_hex(6)}"  # stop() need not wait out a poll
        self._thread = threading.Thread(target=self._run, name="sstc-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, conn: psycopg.Connection | None = None) -> None:
        """Stop listening; with a connection to the database, at once rather than at the next poll."""
        self._stopped.set()
        if conn is not None:
            conn.execute("SELECT pg_notify(%s, '')", (self._wake_channel,))
        self._thread.join(timeout=5 * self._poll)

    def _run(self) -> None:
        connected_before = False
        while not self._stopped.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {self._wake_channel}")
                    if connected_before:
                        self._on_reconnect()
                    connected_before = True
                    self._on_change()  # what was saved while not listening counts as heard now
                    while not self._stopped.is_set():
                        heard = False
                        for _ in conn.notifies(timeout=self._poll):
                            heard = True
                            break
                        if heard:
                            for _ in conn.notifies(timeout=0):  # a burst of saves: one catch-up for all
                                pass
                            self._on_change()
            except psycopg.Error:
                self._stopped.wait(1.0)  # the server is away; try again shortly
            except Exception:  # noqa: BLE001 - a failing catch-up must not end the listening
                self._stopped.wait(1.0)
