"""What only the PostgreSQL engine has to prove: the database itself refuses to change a version,
the app role's rights suffice, a writer killed or cut off mid-transaction leaves nothing, servers
hear each other's saves and collide with the same ConflictError, and ``copy`` moves a database
across engines and back without a byte of difference. (What both engines promise is checked on
both in test_store.py and test_store_units.py.)"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from sstc_docs.cli.copy import backup_blobs
from sstc_docs.errors import ConflictError, PartialBackup, StoreError
from sstc_docs.search.postgres_index import PostgresSearchIndex
from people import TESTER, sign_in
from sstc_docs.services import open_services
from sstc_docs.services.search import SearchService
from sstc_docs.store import Store, open_store
from sstc_docs.store.journal import chain_link
from sstc_docs.store.pg import PostgresStore
from sstc_docs.store.versions import version_hash
from pg_server import ThrowawayServer

ROOT = Path(__file__).resolve().parents[1]
GRANTS = ROOT / "sstc_docs" / "store" / "pg" / "grants.sql"


def summarize(kind: str, data: dict) -> dict:
    return {"title": data.get("title", "")}


@pytest.fixture
def url(postgres_server):
    created = postgres_server.create_database()
    yield created
    postgres_server.drop_database(created)


def _schema(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["options"].split("=", 1)[1]


def _sql(url: str, statement: str, params=()):
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


# -- the database keeps every version ------------------------------------------------------------
def test_the_database_refuses_to_change_or_remove_a_version_even_to_its_owner(url):
    with open_store(url) as store:
        store.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
        store.put_blob(b"evidence")
    for statement in ("UPDATE sstc_versions SET why = 'rewritten'", "DELETE FROM sstc_versions",
                      "TRUNCATE sstc_versions", "UPDATE sstc_blobs SET data = 'x'", "DELETE FROM sstc_blobs"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="keeps every (version|attachment)"):
            _sql(url, statement)
    with pytest.raises(psycopg.errors.UniqueViolation):
        _sql(url, "INSERT INTO sstc_versions SELECT * FROM sstc_versions")
    assert _sql(url, "SELECT why FROM sstc_versions") == [("c",)]


def test_the_app_role_of_the_readme_can_do_everything_the_app_does_and_nothing_more(url, postgres_server):
    with open_store(url):  # the owner opens it first: the tables are created
        pass
    PostgresSearchIndex(url).close()  # and the search tables (README: `search --rebuild` as the owner)
    role = f"sstc_app_{os.getpid()}"
    grants = GRANTS.read_text().replace(':"app_role"', f'"{role}"').replace("SCHEMA public", f'SCHEMA "{_schema(url)}"')
    _sql(url, f'DROP ROLE IF EXISTS "{role}"')
    _sql(url, f'CREATE ROLE "{role}" LOGIN')
    _sql(url, grants)
    app_url = url.replace("postgresql://postgres@", f"postgresql://{role}@")
    with open_store(app_url, summarize=summarize) as app:
        with app.unit() as unit:
            unit.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
            unit.save("decision", "D1", {"title": "d"}, author="ana", why="c", base_version=None)
        app.save("paper", "P1", {"title": "two"}, author="bo", why="e", base_version=1)
        app.delete("decision", "D1", author="bo", why="gone", base_version=1)
        app.save_draft("ana", "paper:P1", {"title": "typing"})
        app.save_draft("ana", "paper:P1", {"title": "typing more"})
        assert app.drafts("ana")["paper:P1"]["value"] == {"title": "typing more"}
        app.save_draft("ana", "paper:P1", None)
        sha = app.put_blob(b"file")
        assert app.read_blob(sha) == b"file" and [h["title"] for h in app.heads("paper")] == ["two"]
        assert app.authors() == ["ana", "bo"] and app.last_seq() == 4 and len(app.changes()) == 4
        app.backup(Path(postgres_server.folder) / "app-backup.json")
        search = SearchService(app, PostgresSearchIndex(app_url))
        assert search.rebuild() == 4 and [r.record_id for r in search.search("two")] == ["P1"]
        app.save("paper", "P1", {"title": "three"}, author="ana", why="e", base_version=2)
        assert [r.record_id for r in search.search("three")] == ["P1"] and not search.search("two")
        search.close()
    for statement in ("UPDATE sstc_versions SET why = 'x'", "DELETE FROM sstc_versions", "DELETE FROM sstc_blobs",
                      "DROP TABLE sstc_versions", "ALTER TABLE sstc_versions DISABLE TRIGGER ALL"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _sql(app_url, statement)
    fresh = postgres_server.create_database()
    _sql(fresh, f'GRANT USAGE ON SCHEMA "{_schema(fresh)}" TO "{role}"')
    with pytest.raises(StoreError, match="may not create them"):
        open_store(fresh.replace("postgresql://postgres@", f"postgresql://{role}@"))
    postgres_server.drop_database(fresh)
    _sql(url, f'DROP OWNED BY "{role}"')
    _sql(url, f'DROP ROLE "{role}"')


def test_the_store_wide_chain_and_each_records_hashes_are_those_of_the_embedded_engine(url, tmp_path):
    with open_store(url) as pg, Store(tmp_path / "db") as embedded:
        for store in (pg, embedded):
            with store.unit() as unit:
                unit.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
                unit.save("indicator", "I1", {"target": 1}, author="ana", why="c", base_version=None)
            store.save("paper", "P1", {"title": "two"}, author="bo", why="e", base_version=1)
        rows = _sql(url, "SELECT kind, id, version, seq, hash, chain FROM sstc_versions ORDER BY seq")
        lines = [json.loads(line) for line in (tmp_path / "db" / "changes.jsonl").read_text().splitlines()]
        assert [r[:4] for r in rows] == [(e["kind"], e["id"], e["version"], e["seq"]) for e in lines]
        chain, previous = "", {}
        for (kind, record_id, number, seq, stored_hash, stored_chain), line in zip(rows, lines):
            version = pg.get(kind, record_id, number)
            assert version_hash(version.to_json(), previous.get((kind, record_id), "")) == stored_hash
            previous[(kind, record_id)] = stored_hash
            chain = chain_link(chain, stored_hash)
            assert stored_chain == chain
        assert _sql(url, "SELECT seq, chain FROM sstc_chain") == [(3, chain)]


# -- a unit is one transaction ------------------------------------------------------------------
def test_a_version_number_taken_by_a_writer_outside_the_lock_is_the_same_conflict_error(url):
    with open_store(url) as store:
        store.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
        with pytest.raises(ConflictError) as caught:
            with store.unit() as unit:
                unit.save("paper", "P1", {"title": "mine"}, author="ana", why="e", base_version=1)
                _sql(url, "INSERT INTO sstc_versions SELECT 7, kind, id, 2, 1, 'intruder', recorded_at, 'raw', "
                          "effective_from, deleted, hash, chain, '{\"title\": \"theirs\"}' FROM sstc_versions")
        error = caught.value
        assert (error.kind, error.record_id, error.base_version) == ("paper", "P1", 1)
        assert (error.current.version, error.current.author, error.current.data) == (2, "intruder", {"title": "theirs"})
        assert error.attempted == {"title": "mine"}
        assert store.last_seq() == 1  # the unit's seq was never taken


def _kill_me_before_commit(url: str, ready) -> None:
    """Child: a unit whose versions are inserted, left open (not committed) until it is killed."""
    store = open_store(url)
    original = PostgresStore._write

    def write_then_wait(self, conn, documents, chain):
        with conn.pipeline():  # sent now, without the commit queued after them
            summaries = original(self, conn, documents, chain)
        if conn.execute("SELECT count(*) FROM sstc_versions").fetchone()[0] == 8:  # in, not committed
            ready.set()
        time.sleep(60)
        return summaries

    PostgresStore._write = write_then_wait
    with store.unit() as unit:
        for n in range(4):
            unit.save("paper", f"P{n}", {"title": "half"}, author="bo", why="x", base_version=1)


def test_a_writer_killed_with_its_transaction_open_leaves_nothing(url):
    with open_store(url, summarize=summarize) as store:
        with store.unit() as unit:
            for n in range(4):
                unit.save("paper", f"P{n}", {"title": "before"}, author="ana", why="c", base_version=None)
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        child = context.Process(target=_kill_me_before_commit, args=(url, ready))
        child.start()
        assert ready.wait(60), "the child never reached its commit"
        assert _sql(url, "SELECT count(*) FROM pg_stat_activity WHERE xact_start IS NOT NULL "
                         "AND query = 'SELECT count(*) FROM sstc_versions'") == [(1,)]  # its transaction is open
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        assert {h["title"] for h in store.heads("paper")} == {"before"} and store.last_seq() == 4
        saved = store.save("paper", "P0", {"title": "after"}, author="ana", why="e", base_version=1)
        assert saved.seq == 5  # the lock was let go, and no seq was lost to the killed unit
        assert _sql(url, "SELECT count(*) FROM sstc_versions") == [(5,)]


def test_a_connection_cut_mid_commit_leaves_nothing_and_the_store_goes_on(url, monkeypatch):
    with open_store(url, summarize=summarize) as store:
        store.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
        original = PostgresStore._write

        def write_then_cut(self, conn, documents, chain):
            with conn.pipeline():  # sent now, without the commit queued after them
                summaries = original(self, conn, documents, chain)
            assert conn.execute("SELECT count(*) FROM sstc_versions").fetchone()[0] == 3  # in, not committed
            _sql(url, "SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            return summaries

        monkeypatch.setattr(PostgresStore, "_write", write_then_cut)
        with pytest.raises(StoreError, match="connection"):
            with store.unit() as unit:
                unit.save("paper", "P1", {"title": "two"}, author="bo", why="e", base_version=1)
                unit.save("paper", "P2", {"title": "new"}, author="bo", why="c", base_version=None)
        monkeypatch.setattr(PostgresStore, "_write", original)
        assert [(h["id"], h["title"]) for h in store.heads("paper")] == [("P1", "one")]
        assert store.last_seq() == 1 and len(store.history("paper", "P1")) == 1
        assert store.save("paper", "P1", {"title": "two"}, author="bo", why="e", base_version=1).seq == 2


def test_a_save_that_returned_survives_a_crash_of_the_database_server_and_caches_start_again():
    """The commit lets the chain row go before its flush (engine.py, ``_unit``); the save still
    returns only once it is on disk. A durable server of its own, crashed right after each save
    (its unwritten WAL lost, as by a power cut): every returned save is there after recovery."""
    server = ThrowawayServer(durable=True).start()
    try:
        url = server.create_database()
        with open_store(url, summarize=summarize) as store:
            for round_ in range(1, 4):
                store.save("paper", f"P{round_}", {"title": f"round {round_}"}, author="ana", why="c",
                           base_version=None)
                assert [h["id"] for h in store.heads("paper")][-1] == f"P{round_}"  # cached: P{round_}
                server.crash_and_restart()
                deadline = time.monotonic() + 20
                while store._cache and time.monotonic() < deadline:
                    time.sleep(0.05)  # the listener reconnects and lets the cache go
                assert not store._cache, "the cached heads outlived the database server's restart"
                assert _sql(url, "SELECT id FROM sstc_versions ORDER BY seq") == [
                    (f"P{n}",) for n in range(1, round_ + 1)]
                assert [h["id"] for h in store.heads("paper")] == [f"P{n}" for n in range(1, round_ + 1)]
    finally:
        server.stop()


# -- several servers on one database --------------------------------------------------------------
def _save_from_another_server(url: str, record_id: str, title: str, base_version) -> None:
    with open_store(url, summarize=summarize) as store:
        store.save("paper", record_id, {"title": title}, author="other server", why="w", base_version=base_version)


def test_a_server_hears_anothers_saves_and_their_conflicts_are_the_same_error(url):
    with open_store(url, summarize=summarize) as here:
        here.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
        assert [h["title"] for h in here.heads("paper")] == ["one"]
        context = multiprocessing.get_context("spawn")
        for record_id, title, base in (("P2", "from there", None), ("P1", "edited there", 1)):
            child = context.Process(target=_save_from_another_server, args=(url, record_id, title, base))
            child.start()
            child.join(60)
            assert child.exitcode == 0
        deadline = time.monotonic() + 10
        while here._cache["paper"].heads.get("P1", None).version != 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # the listener catches the cache up by itself, without a read asking
        assert {record_id: head.summary["title"] for record_id, head in here._cache["paper"].heads.items()} == {
            "P1": "edited there", "P2": "from there"}
        with pytest.raises(ConflictError) as caught:
            here.save("paper", "P1", {"title": "stale edit"}, author="ana", why="e", base_version=1)
        assert caught.value.current.author == "other server" and caught.value.current.version == 2


def test_rows_summarised_by_another_hook_are_summarised_again(url):
    with open_store(url, summarize=summarize) as first:
        first.save("paper", "P1", {"title": "three again"}, author="ana", why="c", base_version=None)
    with open_store(url, summarize=lambda kind, data: {"upper": data["title"].upper()}) as other:
        assert [h["upper"] for h in other.heads("paper")] == ["THREE AGAIN"]
        assert "title" not in other.heads("paper")[0]


# -- choosing the engine and reaching the server -----------------------------------------------------
def test_a_postgresql_url_in_sstc_db_or_db_chooses_postgresql(url, tmp_path, monkeypatch):
    monkeypatch.setenv("SSTC_DB", url)
    with open_store() as store:
        assert isinstance(store, PostgresStore) and "postgres" not in store.where.split("@", 1)[1].split("/")[0]
    services = open_services().acting_as(TESTER)
    services.load_demo()
    services.close()
    monkeypatch.delenv("SSTC_DB")
    listed = subprocess.run([sys.executable, "-m", "sstc_docs", "--db", url, "list"], capture_output=True, text=True,
                            cwd=ROOT)
    assert listed.returncode == 0 and "GB.316/POL/5" in listed.stdout
    assert isinstance(open_store(tmp_path / "folder"), Store)


def test_a_server_that_cannot_be_reached_is_said_plainly(tmp_path):
    with pytest.raises(StoreError, match="Cannot connect to the PostgreSQL database") as caught:
        PostgresStore(f"postgresql://ana:secret@/sstc?host={tmp_path}&port=1")
    assert "secret" not in str(caught.value)


def test_a_damaged_attachment_is_reported_left_out_of_backups_and_repaired_by_storing_it_again(url, tmp_path):
    with open_store(url) as store:
        sha = store.put_blob(b"original")
        other = store.put_blob(b"another")
        _sql(url, "ALTER TABLE sstc_blobs DISABLE TRIGGER sstc_blobs_immutable")
        _sql(url, "UPDATE sstc_blobs SET data = 'tampered' WHERE sha = %s", (sha,))
        _sql(url, "ALTER TABLE sstc_blobs ENABLE TRIGGER sstc_blobs_immutable")
        with pytest.raises(StoreError, match="damaged"):
            store.read_blob(sha)
        assert [f.file for f in store.verify().findings] == [f"sstc_blobs/{sha}"]
        with pytest.raises(PartialBackup) as caught:
            store.backup(tmp_path / "partial.json")
        assert caught.value.damaged == [sha] and list(backup_blobs(tmp_path / "partial.json")) == [(other, b"another")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # only the true content may go back
            _sql(url, "UPDATE sstc_blobs SET data = 'forged' WHERE sha = %s", (sha,))
        (tmp_path / "original").write_bytes(b"original")
        assert store.put_blob(tmp_path / "original") == sha and store.read_blob(sha) == b"original"
        assert store.verify().ok and store.verify().findings == []


def test_verify_finds_an_edited_version_and_stale_heads_and_repair_rebuilds_only_the_heads(url, tmp_path):
    with open_store(url, summarize=summarize) as store:
        store.save("paper", "P1", {"title": "one"}, author="ana", why="c", base_version=None)
        store.save("paper", "P1", {"title": "two"}, author="bo", why="e", base_version=1)
        store.save("paper", "P2", {"title": "other"}, author="bo", why="c", base_version=None)
        clean = store.verify()
        assert clean.ok and clean.findings == [] and (clean.versions, clean.records, clean.attachments) == (3, 2, 0)
        assert clean.head == _sql(url, "SELECT chain FROM sstc_chain")[0][0]
        _sql(url, "UPDATE sstc_heads SET summary = '{\"title\": \"forged\"}' WHERE id = 'P2'")
        stale = store.verify()
        assert stale.ok and [(f.severity, f.file, f.record) for f in stale.findings] == [
            ("warning", "sstc_heads", "paper P2")]
        repaired = store.verify(repair=True)
        assert repaired.ok and [f.fix for f in repaired.findings] == ["repaired: rebuilt from the versions"]
        assert [h["title"] for h in store.heads("paper")] == ["two", "other"] and store.verify().findings == []
        _sql(url, "ALTER TABLE sstc_versions DISABLE TRIGGER sstc_versions_immutable")
        _sql(url, "UPDATE sstc_versions SET why = 'rewritten' WHERE id = 'P1' AND version = 1")
        edited = store.verify()
        assert not edited.ok and [f.record for f in edited.findings if f.severity == "error"] == ["paper P1 v1"]
        assert all("into an empty database" in f.fix for f in edited.findings)  # a database's remedy, not a folder's
        with pytest.raises(StoreError, match="No backup was written"):
            store.backup(tmp_path / "refused.json")
        assert not (tmp_path / "refused.json").exists()
        assert not store.verify(repair=True).ok  # a version is never "repaired"


# -- copy between engines -----------------------------------------------------------------------
def _copy(source, target) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sstc_docs", "copy", "--from", str(source), "--to", str(target)],
                          capture_output=True, text=True, cwd=ROOT)


def _without_created_at(path: Path) -> bytes:
    header, rest = path.read_bytes().split(b"\n", 1)
    return re.sub(rb'"created_at":"[^"]*"', b'"created_at":""', header) + b"\n" + rest


def test_copy_embedded_to_postgresql_and_back_gives_an_identical_backup(url, tmp_path):
    services = open_services(tmp_path / "one").acting_as(TESTER)
    services.load_demo()
    services.store.put_blob(b"%PDF-1.4 an attachment" * 1000)
    services.store.delete("strategy", services.store.heads("strategy")[0]["id"], author="ana", why="test",
                          base_version=services.store.heads("strategy")[0]["version"])
    services.close()
    there = _copy(tmp_path / "one", url)
    assert there.returncode == 0, there.stderr
    assert "copied" in there.stderr and "matches" in there.stderr
    back = _copy(url, tmp_path / "two")
    assert back.returncode == 0, back.stderr
    for name in ("one", "two"):
        with open_store(tmp_path / name) as store:
            store.backup(tmp_path / f"{name}.json")
    assert _without_created_at(tmp_path / "one.json") == _without_created_at(tmp_path / "two.json")
    again = _copy(tmp_path / "one", url)
    assert again.returncode == 4 and "not empty" in again.stderr
    missing = _copy(tmp_path / "nowhere", tmp_path / "three")
    assert missing.returncode == 2 and not (tmp_path / "three").exists()


def _save_many(url: str, name: str, saves: int) -> int:
    """Child: own records and one shared record, retried on conflict; returns its conflicts."""
    conflicts = 0
    with open_store(url) as store:
        for step in range(saves):
            if step % 3 == 0:
                while True:
                    latest = store.get("paper", "shared")
                    try:
                        store.save("paper", "shared", {"n": latest.data["n"] + 1}, author=name, why="inc",
                                   base_version=latest.version)
                        break
                    except ConflictError:
                        conflicts += 1
            else:
                store.save("evidence", f"{name}-{step}", {"step": step}, author=name, why="own", base_version=None)
    return conflicts


def test_writers_in_several_processes_lose_nothing_and_keep_seq_and_chain_linear(url):
    with open_store(url) as store:
        store.save("paper", "shared", {"n": 0}, author="parent", why="c", base_version=None)
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        conflicts = pool.starmap(_save_many, [(url, f"w{k}", 30) for k in range(4)])
    with open_store(url) as store:
        assert store.get("paper", "shared").data == {"n": 40}  # 4 writers × 10 increments, none lost
        assert len(store.heads("evidence")) == 80
        assert store.last_seq() == 1 + 40 + 80
    rows = _sql(url, "SELECT seq, hash, chain FROM sstc_versions ORDER BY seq")
    assert [seq for seq, *_ in rows] == list(range(1, 122))
    chain = ""
    for _, stored_hash, stored_chain in rows:
        chain = chain_link(chain, stored_hash)
        assert stored_chain == chain
    print(f"conflicts retried: {sum(conflicts)}")


def test_without_postgresql_binaries_the_fixture_says_how_to_install_them(monkeypatch, tmp_path):
    import pg_server
    monkeypatch.setattr(pg_server, "BINARIES", str(tmp_path / "nowhere" / "*" / "bin"))
    with pytest.raises(RuntimeError, match="make test"):
        pg_server.server_binaries()


def test_every_page_of_the_app_runs_on_postgresql(url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from sstc_docs.ui.state import get_services
    services = open_services(url).acting_as(TESTER)
    services.load_demo()
    services.close()
    monkeypatch.setenv("SSTC_DB", url)
    monkeypatch.setenv("SSTC_AUTH", "accounts")
    get_services.clear()
    try:
        app = sign_in(AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60))
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert isinstance(get_services().store, PostgresStore)
        for page in sorted(p.stem for p in (ROOT / "sstc_docs" / "ui" / "pages").glob("*.py")):
            app.switch_page(f"sstc_docs/ui/pages/{page}.py").run()
            assert not app.exception, (page, [e.value for e in app.exception])
    finally:
        get_services().close()
        get_services.clear()


def test_a_throwaway_server_stops_and_is_removed_when_the_process_that_started_it_is_killed(tmp_path):
    """A killed test run (SIGKILL, a CI timeout) runs no fixture teardown: the server must not outlive it."""
    starter = subprocess.Popen([sys.executable, "-c", "import sys, time\nsys.path.insert(0, 'tests')\n"
                                "from pg_server import ThrowawayServer\nserver = ThrowawayServer().start()\n"
                                "print(server.folder, flush=True)\ntime.sleep(600)\n"],
                               cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    folder = Path(starter.stdout.readline().strip())
    pid = int((folder / "data" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, 0)  # the server runs
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 30
    while (folder.exists() or _running(pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not folder.exists() and not _running(pid)


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (it exited and only waits to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
