"""Units of work: several records, all visible or none — after a kill at any step, after a full disk.

The writer runs in a spawned child. To kill it "at each step" without guessing timings, the child
counts the calls that make a write durable or visible (fsync, rename, unlink) and kills itself at
the Nth; N runs from 1 until a child gets through untouched, so every step is hit once. Those
steps are the embedded engine's files, so those tests are about it alone; PostgreSQL's unit is one
transaction, killed and cut off in test_postgres.py. The rest run on both engines.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import signal

import pytest

from faults import die_at_durable_step
from sstc_docs.errors import ConflictError, StoreError
from sstc_docs.store import Store, open_store

RECORDS = (("decision", "GB.1/POL/1:D1"), ("indicator", "S/O1/I1"), ("indicator", "S/O1/I2"), ("paper", "GB.1/POL/1"))


def _seed(db) -> None:
    with open_store(db) as store:
        with store.unit() as unit:
            for kind, record_id in RECORDS:
                unit.save(kind, record_id, {"state": "before"}, author="ana", why="create", base_version=None)


def _unit_of_four(db: str) -> None:
    store = Store(db)
    with store.unit() as unit:
        for kind, record_id in RECORDS:
            unit.save(kind, record_id, {"state": "after"}, author="bo", why="together", base_version=1)
    store.close()


def _killed_at(db: str, step: int) -> str:
    """Child: run the unit, dying by SIGKILL at the ``step``-th durable file operation."""
    die_at_durable_step(step)
    _unit_of_four(db)
    return "done"


def _with_file_size_limit(db: str, limit: int) -> str:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    try:
        _unit_of_four(db)
    except StoreError as error:
        return f"StoreError: {error}"
    return "done"


def _states(db) -> set[str]:
    with open_store(db) as store:
        return {store.get(kind, record_id).data["state"] for kind, record_id in RECORDS}


def _all_or_nothing(db) -> str:
    with Store(db) as store:
        states = {store.get(kind, record_id).data["state"] for kind, record_id in RECORDS}
        assert len(states) == 1, f"a unit was torn: {states}"
        versions = {len(store.history(kind, record_id)) for kind, record_id in RECORDS}
        assert versions == ({1} if states == {"before"} else {2})
        lines = store.changes(limit=100)
        assert len(lines) == (4 if states == {"before"} else 8), "the journal disagrees with the shards"
        assert not (store.path / "commit.log").exists() or (store.path / "commit.log").stat().st_size == 0
    return states.pop()


def test_a_unit_killed_at_every_step_is_all_or_nothing_after_reopening(tmp_path):
    """Embedded engine only: its steps are file operations."""
    context = multiprocessing.get_context("spawn")
    outcomes = []
    for step in range(1, 60):
        db = tmp_path / f"db{step}"
        _seed(db)
        process = context.Process(target=_killed_at, args=(str(db), step))
        process.start()
        process.join(30)
        assert process.exitcode in (0, -signal.SIGKILL)
        outcomes.append(_all_or_nothing(db))
        if process.exitcode == 0:
            break
    else:
        pytest.fail("the unit never completed within 60 steps")
    assert "before" in outcomes and outcomes[-1] == "after"
    assert outcomes.count("after") >= 2  # some kills fell after the commit point and were redone


def test_a_unit_cut_by_a_file_size_limit_is_all_or_nothing(tmp_path):
    """Embedded engine only: about the files it writes."""
    context = multiprocessing.get_context("spawn")
    seen = set()
    for limit in (200, 700, 1_500, 3_000, 6_000, 12_000, 10**7):
        db = tmp_path / f"db{limit}"
        _seed(db)
        with context.Pool(1) as pool:
            outcome = pool.apply(_with_file_size_limit, (str(db), limit))
        state = _all_or_nothing(db)
        assert (outcome == "done") == (state == "after"), outcome
        if outcome != "done":
            assert "Nothing was" in outcome  # saved / changed: which file refused decides the wording
        seen.add(state)
    assert seen == {"before", "after"}


def test_a_conflict_inside_a_unit_writes_nothing_of_it(engine):
    db = engine.database()
    _seed(db)
    with open_store(db) as store:
        with pytest.raises(ConflictError):
            with store.unit() as unit:
                unit.save("decision", "GB.1/POL/1:D1", {"state": "after"}, author="bo", why="x", base_version=1)
                unit.save("indicator", "S/O1/I1", {"state": "after"}, author="bo", why="x", base_version=7)
    assert _states(db) == {"before"}


def test_reads_inside_a_unit_see_what_it_staged_and_others_do_not(engine):
    db = engine.database()
    _seed(db)
    with open_store(db) as store:
        with store.unit() as unit:
            unit.save("paper", "GB.1/POL/1", {"state": "staged"}, author="bo", why="x", base_version=1)
            assert store.get("paper", "GB.1/POL/1").data == {"state": "staged"}
            assert [v.version for v in store.history("paper", "GB.1/POL/1")] == [1, 2]
            assert store.heads("paper")[0]["version"] == 2
            with open_store(db) as other:  # another process's view: nothing until the commit
                assert other.get("paper", "GB.1/POL/1").version == 1
        assert store.get("paper", "GB.1/POL/1").version == 2


def test_an_exception_inside_a_unit_discards_it(engine):
    db = engine.database()
    _seed(db)
    with open_store(db) as store:
        with pytest.raises(RuntimeError):
            with store.unit() as unit:
                unit.save("paper", "GB.1/POL/1", {"state": "after"}, author="bo", why="x", base_version=1)
                raise RuntimeError("the service found a problem")
        assert store.get("paper", "GB.1/POL/1").version == 1
        assert store.last_seq() == len(RECORDS) and len(store.changes()) == len(RECORDS)
    if engine.name == "tinydb":
        assert not [p for p in db.rglob("*.tmp")]  # and no staged file is left behind


def test_a_unit_opened_inside_another_joins_it(engine):
    db = engine.database()
    _seed(db)
    with open_store(db) as store:
        with store.unit() as outer:
            outer.save("paper", "GB.1/POL/1", {"state": "after"}, author="bo", why="x", base_version=1)
            with store.unit() as inner:
                assert inner is outer
                inner.save("decision", "GB.1/POL/1:D1", {"state": "after"}, author="bo", why="x", base_version=1)
            with open_store(db) as other:  # the inner unit's end commits nothing by itself
                assert other.get("decision", "GB.1/POL/1:D1").version == 1
        assert [c["seq"] for c in store.changes(limit=2)] == [6, 5]
        with pytest.raises(ConflictError):
            with store.unit() as outer:
                outer.save("indicator", "S/O1/I1", {"state": "after"}, author="bo", why="x", base_version=1)
                with store.unit() as inner:
                    inner.save("indicator", "S/O1/I2", {"state": "after"}, author="bo", why="x", base_version=9)
        assert store.get("indicator", "S/O1/I1").version == 1 and store.last_seq() == 6


# -- the commit log across a power cut, and what a save costs ---------------------------------------
def _shard_path(db, kind: str, record_id: str):
    from sstc_docs.store.shards import shard_number
    folder = next((db / "shards").glob(f"{kind}.*"))
    return folder / f"{shard_number(record_id, int(folder.name.split('.')[1])):04d}.json"


@pytest.mark.parametrize("cut", ["undone", "torn"])
def test_a_unit_marked_applied_whose_writes_a_power_cut_undid_or_tore_is_redone(tmp_path, cut):
    """A file system may write the log's ``applied`` mark back before the bytes it vouches for.
    Here the mark is kept and the shard's and journal's writes undone by hand, or torn halfway, as
    a power cut could: the next process to open the database must still carry the unit out."""
    db = tmp_path / "db"
    _seed(db)
    shard = _shard_path(db, "paper", "GB.1/POL/1")
    journal = db / "changes.jsonl"
    old_shard, old_journal = shard.read_bytes(), journal.read_bytes()
    writer = Store(db)
    with writer.unit() as unit:
        unit.save("paper", "GB.1/POL/1", {"state": "after"}, author="bo", why="before the cut", base_version=1)
    log = (db / "commit.log").read_bytes()
    assert log.endswith(b"applied\n")
    new_shard, new_journal = shard.read_bytes(), journal.read_bytes()
    if cut == "undone":
        shard.write_bytes(old_shard)
        journal.write_bytes(old_journal)
    else:  # the old bytes, then part of the new lines: the closing }} and the journal line's end lost
        shard.write_bytes(new_shard[:len(old_shard) + (len(new_shard) - len(old_shard)) // 2])
        journal.write_bytes(new_journal[:len(old_journal) + 10])
    with Store(db) as store:  # a new process: the mark is not trusted
        assert store.get("paper", "GB.1/POL/1").data == {"state": "after"}
        assert [c["why"] for c in store.changes(kind="paper")] == ["before the cut", "create"]
        assert (db / "commit.log").stat().st_size == 0
        assert store.verify().ok
    assert shard.read_bytes() == new_shard and journal.read_bytes() == new_journal
    writer.close()


def test_a_reader_that_finds_a_shard_half_written_waits_for_the_writer_instead_of_calling_it_damaged(tmp_path):
    """A commit writes a shard in place; a reader elsewhere (here another Store: its own lock
    file handle, as another process has) may find it cut off. It waits for the write lock and
    reads it again; a shard still cut off once nobody writes is damage, and said so."""
    import threading
    db = tmp_path / "db"
    _seed(db)
    shard = _shard_path(db, "paper", "GB.1/POL/1")
    with Store(db) as writer:
        writer.save("paper", "GB.1/POL/1", {"state": "after"}, author="bo", why="edit", base_version=1)
    whole = shard.read_bytes()
    reader, writer = Store(db), Store(db)
    waiting, result = threading.Event(), {}
    wait_for_writer = reader._wait_for_writer
    reader._wait_for_writer = lambda: (waiting.set(), wait_for_writer())[1]
    reader._shards._settle = reader._wait_for_writer

    def read() -> None:
        try:
            result["data"] = reader.get("paper", "GB.1/POL/1").data
        except StoreError as error:
            result["error"] = str(error)

    with writer._lock.writing():  # as a commit between its write and its release of the lock
        shard.write_bytes(whole[:len(whole) - 40])
        thread = threading.Thread(target=read)
        thread.start()
        assert waiting.wait(30)
        shard.write_bytes(whole)
    thread.join(30)
    assert result == {"data": {"state": "after"}}
    shard.write_bytes(whole[:len(whole) - 40])  # and now nobody is writing
    with pytest.raises(StoreError, match="cannot be read") as refused:
        Store(db).get("paper", "GB.1/POL/1")
    assert str(shard) in str(refused.value)
    reader.close()
    writer.close()


def test_a_save_costs_one_fsync_and_a_share_of_a_checkpoint(tmp_path, monkeypatch):
    """The commit log's (commit.py says why it is needed); the files written and the folders are
    fsynced once per checkpoint, not once per save."""
    db = tmp_path / "db"
    with Store(db) as store:
        for n in range(5):
            store.save("paper", f"P{n}", {"n": 0}, author="ana", why="create", base_version=None)
        calls = []
        real = os.fsync
        monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd))[1])
        saves = 96
        for n in range(saves):
            store.save("paper", f"P{n % 5}", {"n": n}, author="ana", why="edit", base_version=n // 5 + 1)
        # each checkpoint: the shards written (here at most 5), the journal, the log
        assert len(calls) <= saves + 7 * (saves // 32 + 1), len(calls)
    with Store(db) as store:
        assert store.verify().ok and [len(store.history("paper", f"P{n}")) for n in range(5)] == [21, 20, 20, 20, 20]


def test_a_copy_taken_between_checkpoints_is_read_where_no_write_lock_can_be_had(tmp_path, monkeypatch):
    """The log holds carried-out records until a checkpoint; a copy taken meanwhile (the writer
    still open) and opened on a read-only file system is read by the records' marks. A unit not
    marked carried out cannot be finished there, and is not read half done."""
    import errno
    import shutil
    db = tmp_path / "db"
    _seed(db)
    writer = Store(db)
    writer.save("paper", "GB.1/POL/1", {"state": "after"}, author="bo", why="edit", base_version=1)
    shutil.copytree(db, tmp_path / "copy")
    writer.close()
    unmarked = tmp_path / "unmarked"
    shutil.copytree(tmp_path / "copy", unmarked)
    log = unmarked / "commit.log"
    log.write_bytes(log.read_bytes().removesuffix(b"applied\n"))
    for folder, readable in ((tmp_path / "copy", True), (unmarked, False)):
        assert (folder / "commit.log").stat().st_size > 0
        store = Store(folder)

        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, "simulated")

        monkeypatch.setattr(store._lock._file_lock, "acquire", refuse)
        if readable:
            assert store.get("paper", "GB.1/POL/1").data == {"state": "after"}
        else:
            with pytest.raises(StoreError, match="read-only file system"):
                store.get("paper", "GB.1/POL/1")


def test_a_torn_record_another_process_left_in_the_log_is_cut_before_this_one_appends(tmp_path):
    """A writer remembers where the log ends as it left it, to not read it on every save; once
    another process changed it (here: died halfway through writing a record) the log is read
    again and the torn record cut off, so the next record is not written after it, unreachable."""
    db = tmp_path / "db"
    _seed(db)
    other = Store(db)
    other.save("indicator", "S/O1/I1", {"state": "second"}, author="bo", why="edit", base_version=1)
    store = Store(db)  # its first unit redoes the log the other left (then trusts the log within its life)
    store.save("paper", "GB.1/POL/1", {"state": "second"}, author="bo", why="edit", base_version=1)
    log = db / "commit.log"
    whole = log.read_bytes()
    with open(log, "ab") as handle:
        handle.write(b"sstc-commit 4000 " + b"0" * 64 + b'\n{"renames": [["shards/')
    store.save("paper", "GB.1/POL/1", {"state": "third"}, author="bo", why="edit", base_version=2)
    assert log.read_bytes().startswith(whole) and log.read_bytes().endswith(b"applied\n")
    assert b'"renames": [["shards/' not in log.read_bytes()[len(whole):len(whole) + 30]
    with Store(db) as reader:
        assert [v.data["state"] for v in reader.history("paper", "GB.1/POL/1")] == ["before", "second", "third"]
        assert reader.verify().ok
    store.close()
    other.close()
