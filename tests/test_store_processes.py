"""Several processes on one database, and writes cut off by a full disk.

Workers run in spawned processes (a fresh interpreter each, as two ``streamlit run`` or the app
and the CLI would be), so they are module-level functions.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import signal
from pathlib import Path


from sstc_docs.errors import ConflictError, StoreError
from sstc_docs.store import Store
from sstc_docs.store.shards import shard_number

PROCESSES = 4
SAVES_PER_PROCESS = 200
OWN_RECORDS = 30            # each saved 5 times: 150 saves of its own
SHARED_SAVES = SAVES_PER_PROCESS - OWN_RECORDS * 5   # 50 saves onto the one shared record


def summarize(kind: str, data: dict) -> dict:
    return {"owner": data.get("owner", "")}


def save_many(db: str, name: str) -> dict:
    store = Store(db, summarize=summarize)
    conflicts = 0
    own = [f"{name}-{n}" for n in range(OWN_RECORDS)]
    for step in range(SAVES_PER_PROCESS):
        if step % 4 == 3:  # every fourth save goes onto the shared record
            while True:
                latest = store.get("paper", "shared")
                try:
                    store.save("paper", "shared", {"owner": name, "step": step, "seen": latest.version},
                               author=name, why=f"shared {step}", base_version=latest.version)
                    break
                except ConflictError:
                    conflicts += 1
        else:
            record_id = own[step % OWN_RECORDS]
            kind = "evidence" if step % 2 else "decision"
            number = len(store.history(kind, record_id))
            store.save(kind, record_id, {"owner": name, "step": step}, author=name, why=f"own {step}",
                       base_version=number or None)
    store.close()
    return {"name": name, "conflicts": conflicts}


def test_four_processes_saving_at_once_lose_and_duplicate_nothing(tmp_path):
    db = str(tmp_path / "db")
    with Store(db) as store:
        store.save("paper", "shared", {"owner": "parent", "step": -1, "seen": 0}, author="parent",
                   why="create", base_version=None)
    context = multiprocessing.get_context("spawn")
    names = [f"p{n}" for n in range(PROCESSES)]
    with context.Pool(PROCESSES) as pool:
        results = pool.starmap(save_many, [(db, name) for name in names], chunksize=1)
    assert sorted(r["name"] for r in results) == names

    store = Store(db, summarize=summarize)
    shared = store.history("paper", "shared")
    assert [v.version for v in shared] == list(range(1, 1 + PROCESSES * SHARED_SAVES + 1))
    assert all(v.based_on == v.version - 1 for v in shared[1:])
    assert all(v.data["seen"] == v.version - 1 for v in shared[1:])  # each built on the one before
    steps = sorted((v.data["owner"], v.data["step"]) for v in shared[1:])
    assert steps == sorted((name, step) for name in names for step in range(3, SAVES_PER_PROCESS, 4))
    total = len(shared)
    for name in names:
        for kind, parity in (("evidence", 1), ("decision", 0)):
            for n in range(OWN_RECORDS):
                expected = [s for s in range(SAVES_PER_PROCESS) if s % 4 != 3 and s % 2 == parity
                            and s % OWN_RECORDS == n]
                versions = store.history(kind, f"{name}-{n}")
                assert [v.data["step"] for v in versions] == expected
                assert [v.version for v in versions] == list(range(1, len(expected) + 1))
                total += len(versions)
    assert total == 1 + PROCESSES * SAVES_PER_PROCESS
    everything = store.changes(limit=10_000)
    assert len(everything) == total
    assert len({(c["kind"], c["id"], c["version"]) for c in everything}) == total
    expected_records = {(kind, f"{name}-{n}") for name in names for kind, parity in (("evidence", 1), ("decision", 0))
                        for n in range(OWN_RECORDS)
                        if any(s % 4 != 3 and s % 2 == parity and s % OWN_RECORDS == n
                               for s in range(SAVES_PER_PROCESS))}
    listed = {(kind, row["id"]) for kind in ("evidence", "decision") for row in store.heads(kind)}
    assert listed == expected_records and len(listed) == 120
    store.close()


# -- a write cut off midway ---------------------------------------------------------------------
def save_with_file_size_limit(db: str, limit: int, size: int) -> str:
    """Child: the kernel refuses to let any file grow past ``limit`` bytes, as a full disk would."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    store = Store(db)
    try:
        # several texts, each within the text limit, together far past the file-size limit
        texts = {f"part{n}": "y" * min(size, 100_000) for n in range(max(1, size // 100_000))}
        store.save("paper", "big", texts, author="child", why="too big", base_version=1)
    except StoreError as error:
        return f"StoreError: {error}"
    return "saved"


def _shard_of(db: Path, record_id: str) -> Path:
    folder = next((db / "shards").glob("paper.*"))
    return folder / f"{shard_number(record_id, int(folder.name.split('.')[1])):04d}.json"


def _run_child(db: Path, limit: int, size: int) -> str:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(save_with_file_size_limit, (str(db), limit, size))


def test_shard_write_cut_off_by_full_disk_leaves_previous_state(tmp_path):
    """The commit record (which holds the new lines) fits, the shard cannot grow by them: the
    write is undone, the shard's closing bytes put back, the record removed."""
    db = tmp_path / "db"
    with Store(db) as store:
        first = store.save("paper", "big", {"text": "x" * 200_000}, author="ana", why="create", base_version=None)
    shard = _shard_of(db, "big")
    before = shard.read_bytes()
    journal_size = (db / "changes.jsonl").stat().st_size
    assert journal_size < 2_000 < len(before)  # so the journal line fits and the shard write is cut

    outcome = _run_child(db, limit=len(before) + 200_000, size=300_000)
    assert outcome.startswith("StoreError: Could not write") and str(shard) in outcome, outcome
    assert "Nothing was saved" in outcome
    assert shard.read_bytes() == before
    assert [p.name for p in shard.parent.iterdir()] == [shard.name]
    assert (db / "commit.log").stat().st_size == 0
    with Store(db) as store:
        assert [v.to_json() for v in store.history("paper", "big")] == [first.to_json()]
        assert [c["version"] for c in store.changes()] == [1]  # the failed save left no line
        second = store.save("paper", "big", {"text": "z"}, author="ana", why="after disk freed", base_version=1)
        assert second.version == 2
        assert [(c["version"], c["why"]) for c in store.changes()] == [(2, "after disk freed"), (1, "create")]


def test_a_commit_record_cut_off_by_full_disk_saves_nothing(tmp_path):
    db = tmp_path / "db"
    with Store(db) as store:
        store.save("paper", "big", {"text": "x"}, author="ana", why="create", base_version=None)
    shard = _shard_of(db, "big")
    before = shard.read_bytes()
    outcome = _run_child(db, limit=100_000, size=300_000)
    assert outcome.startswith("StoreError: Could not write") and "commit.log" in outcome, outcome
    assert shard.read_bytes() == before and (db / "commit.log").stat().st_size == 0
    with Store(db) as store:
        assert [v.version for v in store.history("paper", "big")] == [1] and store.verify().ok


def test_journal_append_cut_off_by_full_disk_writes_nothing_and_later_lines_are_read(tmp_path):
    db = tmp_path / "db"
    with Store(db) as store:
        store.save("paper", "big", {"text": "small"}, author="ana", why="create", base_version=None)
        for n in range(20):  # a journal far longer than the shard, so the limit cuts the journal
            store.save("decision", f"D{n}", {"text": "d"}, author="ana", why="more lines", base_version=None)
    shard = _shard_of(db, "big")
    before = shard.read_bytes()
    journal = db / "changes.jsonl"
    outcome = _run_child(db, limit=journal.stat().st_size + 10, size=10)
    assert outcome.startswith("StoreError") and "changes.jsonl" in outcome and "Nothing was saved" in outcome
    assert shard.read_bytes() == before
    assert journal.read_bytes().endswith(b"\n")  # the torn line was cut back
    assert (db / "commit.log").stat().st_size == 0 and not list(shard.parent.glob(".*.tmp"))
    with Store(db) as store:
        assert [v.version for v in store.history("paper", "big")] == [1]
        store.save("paper", "big", {"text": "again"}, author="ana", why="retry", base_version=1)
        assert [(c["version"], c["why"]) for c in store.changes(kind="paper")] == [(2, "retry"), (1, "create")]
    lines = journal.read_bytes().split(b"\n")
    assert json.loads(lines[-2])["why"] == "retry"
    assert os.path.getsize(journal) > 0


# -- a cold open in a new process uses the catalog -----------------------------------------------
def summarize_with_set(kind: str, data: dict) -> dict:
    # ``in {...}`` compiles to a frozenset constant, whose order differs from process to process:
    # the catalog must still recognise this hook in the next process.
    return {"title": data.get("title", ""), "big": data.get("status") in {"issued", "adopted", "final"}}


def count_shard_reads_on_open(db: str) -> tuple[int, list[dict]]:
    from sstc_docs.store.index import KindIndex

    reads = []
    original = KindIndex.absorb_shard

    def counting(self, *args, **kwargs):
        reads.append(args[0])
        return original(self, *args, **kwargs)

    KindIndex.absorb_shard = counting
    with Store(db, summarize=summarize_with_set) as store:
        rows = store.heads("paper")
    return len(reads), rows


def test_cold_open_in_a_new_process_reads_the_catalog_not_the_shards(tmp_path):
    db = tmp_path / "db"
    with Store(db, summarize=summarize_with_set) as store:
        for n in range(50):
            store.save("paper", f"P{n}", {"title": f"t{n}", "status": "issued" if n % 2 else "draft"},
                       author="ana", why="c", base_version=None)
        expected = store.heads("paper")
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        reads, rows = pool.apply(count_shard_reads_on_open, (str(db),))
    assert rows == expected and sum(row["big"] for row in rows) == 25
    assert reads == 0
