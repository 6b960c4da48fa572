"""A throwaway PostgreSQL server for the tests and the benchmark: a temporary folder, a Unix socket
inside it, gone when stopped.

Why not a server already running: tests must not depend on (or touch) a database someone keeps,
and each pytest-xdist worker gets its own server, so they need no coordination. Debian's
binaries live in /usr/lib/postgresql/<major>/bin, outside PATH; `make test` installs them.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (or
``nobody``), which then owns the folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

BINARIES = "/usr/lib/postgresql/*/bin"
PORT = 5432  # names the socket file; the socket folder is private, so it never collides


def server_binaries() -> Path:
    """The newest installed major version's bin folder; RuntimeError (with the fix) if none."""
    found = [Path(p) for p in glob.glob(BINARIES) if (Path(p) / "initdb").exists() and (Path(p) / "pg_ctl").exists()]
    if not found:
        raise RuntimeError(f"PostgreSQL server binaries (initdb, pg_ctl) were not found in {BINARIES}: run "
                           "`make test` (it installs Debian's postgresql), or `apt-get install postgresql`.")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


class ThrowawayServer:
    def __init__(self, *, durable: bool = False, settings: dict[str, str] | None = None):
        """``durable=False`` turns fsync off: tests lose nothing by it (a killed client is not a
        crashed machine) and creating a database per test gets much faster. ``settings`` are
        server settings (``-c name=value``) on top."""
        self.bin = server_binaries()
        self.durable = durable
        self.settings = settings or {}
        self.folder = Path(tempfile.mkdtemp(prefix="sstc-pg-"))
        self.data = self.folder / "data"
        self.user = None if os.geteuid() != 0 else ("postgres" if _has_user("postgres") else "nobody")
        self._count = 0
        self._watcher: subprocess.Popen | None = None

    def start(self) -> "ThrowawayServer":
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
                  "--locale=C", "--no-sync")
        self._start_server()
        self._watcher = subprocess.Popen(
            [sys.executable, "-c", _WATCHER, str(os.getpid()), str(self.bin / "pg_ctl"), str(self.data),
             str(self.folder), self.user or ""],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def crash_and_restart(self) -> None:
        """Every server process killed at once, as in a crash (what is in its memory and not yet
        written is lost), then started again: it recovers from its WAL as after a power cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self._start_server()

    def _start_server(self) -> None:
        options = [f"-k {self.folder}", "-c listen_addresses=''", f"-p {PORT}", "-c max_connections=200"]
        if not self.durable:
            options += ["-c fsync=off", "-c full_page_writes=off", "-c synchronous_commit=off"]
        options += [f"-c {name}={value}" for name, value in self.settings.items()]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                  "-o", " ".join(options), "start")

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.kill()
            self._watcher.wait()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "postgres", schema: str | None = None) -> str:
        url = f"postgresql://{user}@/{database}?host={self.folder}&port={PORT}"
        return url + (f"&options=-csearch_path%3D{schema}" if schema else "")

    def create_database(self, prefix: str = "sstc") -> str:
        """A new empty database: its own schema in the server's one database, named in the URL's
        search_path. (A schema takes milliseconds; CREATE DATABASE takes a fifth of a second, and
        the model test opens a hundred.)"""
        self._count += 1
        schema = f"{prefix}_{os.getpid()}_{self._count}"
        self.execute(f'CREATE SCHEMA "{schema}"')
        return self.url(schema=schema)

    def drop_database(self, url: str) -> None:
        schema = psycopg.conninfo.conninfo_to_dict(url)["options"].split("=", 1)[1]
        self.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def execute(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        kwargs = {"user": self.user} if self.user is not None else {}
        done = subprocess.run([str(self.bin / program), *args], capture_output=True, text=True, cwd=self.folder,
                              **kwargs)
        if check and done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


#: Stops the server and removes its folder once the process that started it is gone, however it
#: went: a fixture's teardown does not run when pytest is killed (SIGTERM, SIGKILL, a CI timeout),
#: and the servers it started would otherwise run on. In its own session, so the signal that
#: ends the test run's process group does not end it too.
_WATCHER = """
import os, shutil, subprocess, sys, time
parent, pg_ctl, data, folder, user = sys.argv[1:]
while True:
    try:
        os.kill(int(parent), 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], user=user or None, capture_output=True)
shutil.rmtree(folder, ignore_errors=True)
"""


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
