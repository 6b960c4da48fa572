"""The store's promises, each checked against concrete values: versions are immutable and exact,
stale saves are refused, damaged files are reported (never replaced), caches rebuild themselves,
and backups restore exactly.

Every promise both engines make is checked on both (the ``engine`` fixture, conftest.py). Tests
about the embedded engine's files — journal lines, shards, catalogs, the folder — use ``Store``
directly and say so: PostgreSQL has no such files."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sstc_docs.errors import ConflictError, NotFound, StoreError, ValidationError
from sstc_docs.store import Store, StoreBase, Version, default_db_path, open_store
from sstc_docs.store.catalog import CatalogFile
from sstc_docs.store.backup import _JSONStream
from sstc_docs.store.shards import shard_number
from sstc_docs.store.versions import version_hash


def summarize(kind: str, data: dict) -> dict:
    return {"title": data.get("title", ""), "status": data.get("status", ""), "session": data.get("session")}


@pytest.fixture
def store(engine):
    s = engine.open(summarize=summarize)
    yield s
    s.close()


def paper(title: str, status: str = "draft", session: int = 340, **extra) -> dict:
    return {"title": title, "status": status, "session": session, "body": [{"type": "paragraph", "text": title}],
            **extra}


def shard_file(db: Path, kind: str, record_id: str) -> Path:
    folder = next((db / "shards").glob(f"{kind}.*"))
    count = int(folder.name.split(".")[1])
    return folder / f"{shard_number(record_id, count):04d}.json"


# -- versions are immutable and exact ------------------------------------------------------------
def test_each_save_appends_a_version_and_past_versions_read_back_exactly(store):
    first = paper("Programme and Budget", footnotes={"a": [1, 2.5, None, "é"]})
    v1 = store.save("paper", "GB.340/PFA/1", first, author="ana", why="first draft", base_version=None)
    v2 = store.save("paper", "GB.340/PFA/1", paper("Programme and Budget 2026"), author="bo", why="retitled",
                    base_version=1)
    v3 = store.save("paper", "GB.340/PFA/1", paper("P&B", status="issued"), author="ana", why="issued",
                    base_version=2, effective_from="2024-03-01")
    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    assert (v1.based_on, v2.based_on, v3.based_on) == (None, 1, 2)
    assert store.get("paper", "GB.340/PFA/1", 1).data == first
    assert store.get("paper", "GB.340/PFA/1", 1).to_json() == v1.to_json()
    assert store.get("paper", "GB.340/PFA/1").data["status"] == "issued"
    assert v3.effective_from == "2024-03-01"
    assert v1.effective_from == v1.recorded_at[:10]
    assert len(v1.recorded_at) == 27 and v1.recorded_at.endswith("Z") and v1.recorded_at[10] == "T"
    assert v1.recorded_at < v2.recorded_at < v3.recorded_at
    assert [v.version for v in store.history("paper", "GB.340/PFA/1")] == [1, 2, 3]
    assert [v.author for v in store.history("paper", "GB.340/PFA/1")] == ["ana", "bo", "ana"]


def test_changing_returned_or_saved_dicts_never_changes_stored_data(store):
    data = paper("Original", tags=["a"])
    saved = store.save("paper", "P1", data, author="ana", why="create", base_version=None)
    data["title"] = "changed by caller after save"
    data["tags"].append("b")
    saved.data["title"] = "changed on the returned version"
    read = store.get("paper", "P1")
    read.data["body"][0]["text"] = "changed on a read version"
    store.history("paper", "P1")[0].data["tags"].append("c")
    store.heads("paper")[0]["title"] = "changed on a head row"
    again = store.get("paper", "P1")
    assert again.data == paper("Original", tags=["a"])
    assert store.heads("paper")[0]["title"] == "Original"
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.version = 7  # type: ignore[misc]


def test_read_versions_are_the_callers_own_whether_the_shard_was_scanned_parsed_or_staged(tmp_path):
    """Embedded engine only: reads hand out the documents they decoded without copying them
    again, so a shard's parsed copy and a unit's staged versions must be copied on the way out."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize) as store:
        store.save("paper", "P1", paper("Original", tags=["a"]), author="ana", why="create", base_version=None)
    assert not (db / "catalog" / "paper.json").exists()  # nothing was listed: no catalog
    with Store(db, summarize=summarize) as store:
        store.heads("paper")  # so the shard is parsed, and its parsed copy kept
        store.get("paper", "P1").data["tags"].append("from a parsed shard")
        store.history("paper", "P1")[0].data["title"] = "from a parsed shard"
        assert store.get("paper", "P1").data == paper("Original", tags=["a"])
        with store.unit() as unit:
            unit.save("paper", "P1", paper("Staged"), author="bo", why="edit", base_version=1)
            store.get("paper", "P1").data["title"] = "from a staged version"
            store.history("paper", "P1")[-1].data["body"].clear()
            assert store.get("paper", "P1").data == paper("Staged")
        assert store.get("paper", "P1", version=1).data == paper("Original", tags=["a"])
        assert store.get("paper", "P1").data == paper("Staged")
    with Store(db) as store:
        assert [v.data for v in store.history("paper", "P1")] == [paper("Original", tags=["a"]), paper("Staged")]
        assert store.verify().ok


def test_meta_and_to_json_are_json_ready(store):
    v = store.save("decision", "D1", {"text": "The GB decides"}, author="ana", why="adopted", base_version=None)
    assert v.meta() == {"kind": "decision", "id": "D1", "version": 1, "based_on": None, "author": "ana",
                        "recorded_at": v.recorded_at, "why": "adopted", "effective_from": v.recorded_at[:10],
                        "deleted": False, "seq": 1, "hash": version_hash(v.to_json(), "")}
    assert json.loads(json.dumps(v.to_json())) == {**v.meta(), "data": {"text": "The GB decides"}}


# -- conflicts ---------------------------------------------------------------------------------
def test_stale_base_is_refused_with_both_versions_and_nothing_written(store):
    store.save("paper", "P1", paper("v1"), author="ana", why="create", base_version=None)
    store.save("paper", "P1", paper("v2 by bo"), author="bo", why="edit", base_version=1)
    with pytest.raises(ConflictError) as caught:
        store.save("paper", "P1", paper("v2 by ana"), author="ana", why="my edit", base_version=1)
    error = caught.value
    assert (error.kind, error.record_id, error.base_version) == ("paper", "P1", 1)
    assert isinstance(error.current, Version) and error.current.version == 2 and error.current.author == "bo"
    assert error.current.data["title"] == "v2 by bo"
    assert error.attempted["title"] == "v2 by ana"
    assert "changed by bo (now version 2)" in str(error)
    assert len(store.history("paper", "P1")) == 2
    assert store.get("paper", "P1").data["title"] == "v2 by bo"
    assert [c["version"] for c in store.changes()] == [2, 1]


def test_create_on_existing_record_is_a_conflict(store):
    store.save("paper", "P1", paper("mine"), author="ana", why="create", base_version=None)
    with pytest.raises(ConflictError) as caught:
        store.save("paper", "P1", paper("theirs"), author="bo", why="create too", base_version=None)
    assert caught.value.base_version is None
    assert caught.value.current.version == 1 and caught.value.current.data["title"] == "mine"
    assert caught.value.attempted["title"] == "theirs"
    assert "already exists" in str(caught.value)
    assert len(store.history("paper", "P1")) == 1


def test_base_version_on_missing_record_and_bad_inputs(store):
    with pytest.raises(NotFound):
        store.save("paper", "nope", paper("x"), author="ana", why="edit", base_version=3)
    for field, kwargs in [("why", {"why": "  "}), ("author", {"author": ""}),
                          ("effective_from", {"effective_from": "1/2/2024"}),
                          ("base_version", {"base_version": 0}), ("data", {"data": ["not", "a", "dict"]}),
                          ("data", {"data": {"when": object()}}), ("kind", {"kind": "Paper/../x"})]:
        args = {"kind": "paper", "record_id": "P9", "data": paper("x"), "author": "ana", "why": "w",
                "base_version": None, **kwargs}
        with pytest.raises(ValidationError) as caught:
            store.save(args.pop("kind"), args.pop("record_id"), args.pop("data"), **args)
        assert caught.value.problems[0].field.split(".")[0] == field
    assert not store.exists("paper", "P9")
    assert store.changes() == []


# -- tombstones and valid time ------------------------------------------------------------------
def test_delete_appends_a_tombstone_and_keeps_history(store):
    store.save("paper", "P1", paper("to go"), author="ana", why="create", base_version=None)
    with pytest.raises(ConflictError):
        store.delete("paper", "P1", author="bo", why="obsolete", base_version=5)
    tomb = store.delete("paper", "P1", author="bo", why="obsolete", base_version=1)
    assert (tomb.version, tomb.deleted, tomb.data["title"]) == (2, True, "to go")
    assert not store.exists("paper", "P1")
    with pytest.raises(NotFound, match="deleted in version 2"):
        store.get("paper", "P1")
    assert store.get("paper", "P1", 2).deleted is True
    assert [v.deleted for v in store.history("paper", "P1")] == [False, True]
    assert store.heads("paper") == []
    assert [h["id"] for h in store.heads("paper", include_deleted=True)] == ["P1"]
    with pytest.raises(NotFound, match="already deleted"):
        store.delete("paper", "P1", author="bo", why="again", base_version=2)
    revived = store.save("paper", "P1", paper("back"), author="ana", why="revived", base_version=2)
    assert (revived.version, revived.based_on) == (3, 2)
    assert store.get("paper", "P1").data["title"] == "back"
    assert store.exists("paper", "P1")


def test_as_of_picks_highest_version_in_effect(store):
    store.save("indicator", "I1", {"target": 10}, author="a", why="set", base_version=None, effective_from="2022-01-01")
    store.save("indicator", "I1", {"target": 20}, author="a", why="raise", base_version=1, effective_from="2024-01-01")
    store.save("indicator", "I1", {"target": 15}, author="a", why="correct 2023 value", base_version=2,
               effective_from="2023-06-01")
    with pytest.raises(NotFound, match="earliest version takes effect on 2022-01-01"):
        store.get("indicator", "I1", as_of="2021-12-31")
    assert store.get("indicator", "I1", as_of="2022-01-01").data == {"target": 10}
    assert store.get("indicator", "I1", as_of="2023-12-31").version == 3
    assert store.get("indicator", "I1", as_of="2024-02-01").version == 3  # highest number wins, not latest date
    assert store.get("indicator", "I1", as_of="2023-05-31").data == {"target": 10}
    with pytest.raises(ValidationError):
        store.get("indicator", "I1", as_of="yesterday")
    with pytest.raises(NotFound, match="no version 4"):
        store.get("indicator", "I1", 4)
    with pytest.raises(NotFound, match="no indicator with id 'I2'"):
        store.get("indicator", "I2")
    assert store.history("indicator", "I2") == [] and not store.exists("indicator", "I2")
    assert store.history("indicator", "") == [] and not store.exists("indicator", "")
    with pytest.raises(NotFound):
        store.get("indicator", "")


# -- listing and the audit trail ----------------------------------------------------------------
def test_heads_and_find_use_summaries(store):
    store.save("paper", "A", paper("Alpha", session=340), author="ana", why="c", base_version=None)
    store.save("paper", "B", paper("Beta", session=341), author="bo", why="c", base_version=None)
    store.save("paper", "C", paper("Gamma", session=340, status="issued"), author="bo", why="c", base_version=None)
    store.save("paper", "B", paper("Beta 2", session=340), author="ana", why="moved", base_version=1)
    rows = store.heads("paper")
    assert [r["id"] for r in rows] == ["A", "B", "C"]
    assert rows[1] == {"id": "B", "version": 2, "versions": 2, "deleted": False, "author": "ana",
                       "recorded_at": rows[1]["recorded_at"], "why": "moved",
                       "effective_from": rows[1]["recorded_at"][:10], "title": "Beta 2", "status": "draft",
                       "session": 340}
    assert [r["id"] for r in store.find("paper", session=340)] == ["A", "B", "C"]
    assert [r["id"] for r in store.find("paper", session=340, status="draft")] == ["A", "B"]
    assert [r["id"] for r in store.find("paper", author="bo")] == ["C"]
    assert store.find("paper", session=999) == []
    assert store.heads("strategy") == []


def test_changes_filters_newest_first(store):
    store.save("paper", "A", paper("a"), author="ana", why="one", base_version=None)
    store.save("decision", "D", {"text": "d"}, author="bo", why="two", base_version=None)
    store.save("paper", "A", paper("a2"), author="bo", why="three", base_version=1)
    store.delete("decision", "D", author="ana", why="four", base_version=1)
    everything = store.changes()
    assert [c["why"] for c in everything] == ["four", "three", "two", "one"]
    assert everything[0] == {"kind": "decision", "id": "D", "version": 2, "based_on": 1, "author": "ana",
                             "recorded_at": everything[0]["recorded_at"], "why": "four",
                             "effective_from": everything[0]["effective_from"], "deleted": True,
                             "seq": 4, "hash": store.history("decision", "D")[1].hash}
    assert [c["why"] for c in store.changes(kind="paper")] == ["three", "one"]
    assert [c["why"] for c in store.changes(author="bo")] == ["three", "two"]
    assert [c["why"] for c in store.changes(record_id="D")] == ["four", "two"]
    assert [c["why"] for c in store.changes(limit=2)] == ["four", "three"]
    second = everything[2]["recorded_at"]
    assert [c["why"] for c in store.changes(since=second)] == ["four", "three", "two"]
    assert [c["why"] for c in store.changes(until=second)] == ["two", "one"]
    today = everything[0]["recorded_at"][:10]
    assert len(store.changes(until=today)) == 4  # a bare date includes the whole day
    assert store.changes(until="2000-01-01") == []


def test_changes_of_one_record_are_those_of_the_whole_trail_filtered(store):
    """Asked for one record, the store may answer from the record's own versions (the embedded
    engine does, rather than walk the journal): the answer is the whole trail's, filtered."""
    for n in range(6):
        store.save("paper", f"P{n % 3}", paper(f"p{n}"), author="ana" if n % 2 else "bo", why=f"p{n}",
                   base_version=n // 3 or None)
        store.save("decision", "P1", {"text": f"d{n}"}, author="bo", why=f"d{n}", base_version=n or None)
    store.delete("paper", "P1", author="ana", why="gone", base_version=2)
    trail = store.changes(limit=1000)
    middle = trail[len(trail) // 2]["recorded_at"]
    for filters in ({"record_id": "P1"}, {"record_id": "P1", "kind": "paper"}, {"record_id": "P1", "kind": "decision"},
                    {"record_id": "P1", "author": "ana"}, {"record_id": "P1", "since": middle},
                    {"record_id": "P1", "until": middle}, {"record_id": "P1", "limit": 3},
                    {"record_id": "P9"}, {"record_id": "P2", "kind": "strategy"}):
        limit = filters.get("limit", 200)
        wanted = [c for c in trail if c["id"] == filters["record_id"]
                  and filters.get("kind", c["kind"]) == c["kind"] and filters.get("author", c["author"]) == c["author"]
                  and c["recorded_at"] >= filters.get("since", "") and c["recorded_at"] <= filters.get("until", "~")]
        assert store.changes(**filters) == wanted[:limit], filters
    assert [c["why"] for c in store.changes(record_id="P1", limit=4)] == ["gone", "d5", "d4", "p4"]


def test_a_torn_journal_tail_is_skipped_and_cut_back_by_the_next_commit(tmp_path):
    """Embedded engine only: about its journal file."""
    store = Store(tmp_path / "db", summarize=summarize)
    store.save("paper", "A", paper("a"), author="ana", why="real", base_version=None)
    journal = store.path / "changes.jsonl"
    whole = journal.read_bytes()
    with open(journal, "ab") as handle:
        handle.write(b'{"kind": "paper", "id": "A", "vers')
    assert [c["why"] for c in store.changes()] == ["real"]
    store.save("paper", "A", paper("a2"), author="bo", why="real two", base_version=1)
    assert [(c["version"], c["author"]) for c in store.changes()] == [(2, "bo"), (1, "ana")]
    content = journal.read_bytes()
    assert content.startswith(whole) and all(json.loads(line) for line in content.splitlines())
    store.close()


def test_a_second_store_sees_the_first_ones_writes(engine):
    db = engine.database()
    one = engine.open(db, summarize=summarize)
    two = engine.open(db, summarize=summarize)
    one.save("paper", "A", paper("from one"), author="ana", why="c", base_version=None)
    assert [h["title"] for h in two.heads("paper")] == ["from one"]
    two.save("paper", "A", paper("from two"), author="bo", why="e", base_version=1)
    assert one.get("paper", "A").data["title"] == "from two"
    assert [h["title"] for h in one.heads("paper")] == ["from two"]
    assert one.find("paper", title="from two")[0]["version"] == 2
    with pytest.raises(ConflictError) as caught:
        one.save("paper", "A", paper("stale"), author="ana", why="e", base_version=1)
    assert caught.value.current.author == "bo"
    for n in range(30):
        two.save("evidence", f"E{n}", {"title": f"e{n}"}, author="bo", why="c", base_version=None)
    assert len(one.heads("evidence")) == 30
    assert [c["id"] for c in one.changes(kind="evidence", limit=3)] == ["E29", "E28", "E27"]
    one.close()
    two.close()


def test_threads_share_one_store_without_losing_versions(store):
    store.save("paper", "shared", {"n": 0}, author="t", why="c", base_version=None)
    errors: list[Exception] = []

    def worker(name: str) -> None:
        try:
            for i in range(25):
                store.save("evidence", f"{name}-{i}", {"i": i}, author=name, why="c", base_version=None)
                while True:
                    latest = store.get("paper", "shared")
                    try:
                        store.save("paper", "shared", {"n": latest.data["n"] + 1}, author=name, why="inc",
                                   base_version=latest.version)
                        break
                    except ConflictError:
                        continue
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"t{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get("paper", "shared").data == {"n": 100}
    assert [v.version for v in store.history("paper", "shared")] == list(range(1, 102))
    assert len(store.heads("evidence")) == 100


# -- damaged files are reported, caches are rebuilt ----------------------------------------------
def test_corrupt_shard_raises_store_error_naming_the_file_and_is_left_alone(tmp_path):
    """Embedded engine only: about its shard files."""
    db = tmp_path / "db"
    with Store(db) as s:
        s.save("paper", "A", paper("a"), author="ana", why="c", base_version=None)
    target = shard_file(db, "paper", "A")
    damaged = target.read_bytes()[: target.stat().st_size // 2]
    target.write_bytes(damaged)
    fresh = Store(db)
    for attempt in (lambda: fresh.get("paper", "A"), lambda: fresh.heads("paper"),
                    lambda: fresh.save("paper", "A", paper("b"), author="ana", why="e", base_version=1)):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert str(target) in str(caught.value)
        assert "python -m sstc_docs restore" in str(caught.value)
    assert target.read_bytes() == damaged  # never replaced or reinitialised
    target.write_bytes(b"")
    with pytest.raises(StoreError, match="empty"):
        Store(db).get("paper", "A")
    target.write_bytes(b"[1, 2]")
    with pytest.raises(StoreError, match="not a TinyDB file"):
        Store(db).get("paper", "A")


def test_missing_or_corrupt_catalog_is_rebuilt_silently(tmp_path):
    """Embedded engine only: about its catalog files."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize) as s:
        for n in range(40):
            s.save("paper", f"P{n}", paper(f"t{n}", session=300 + n % 3), author="ana", why="c", base_version=None)
        s.save("paper", "P7", paper("seven", session=302), author="bo", why="e", base_version=1)
        expected = s.heads("paper")
    catalog = db / "catalog" / "paper.json"
    assert catalog.exists()
    for damage in (lambda: catalog.write_bytes(b'{"format": 1, "shards": {"0": {"sig'), lambda: catalog.unlink(),
                   lambda: catalog.write_bytes(b"\x00\xff garbage")):
        damage()
        with Store(db, summarize=summarize) as s:
            assert s.heads("paper") == expected
            in_302 = sorted(f"P{n}" for n in range(40) if n % 3 == 2 or n == 7)
            assert [h["id"] for h in s.find("paper", session=302)] == in_302
        written = CatalogFile(catalog).decode(catalog.read_bytes())  # written back, with every record
        assert sum(len(rows) for _, _, _, rows in written.shards()) == 40


def test_catalog_from_before_later_writes_is_brought_up_to_date(tmp_path):
    """Embedded engine only: about its catalog files."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize) as s:
        for n in range(20):
            s.save("paper", f"P{n}", paper(f"t{n}"), author="ana", why="c", base_version=None)
        assert len(s.heads("paper")) == 20  # loads the index, so close() writes the catalog
    old_catalog = (db / "catalog" / "paper.json").read_bytes()
    with Store(db, summarize=summarize) as s:
        s.save("paper", "P3", paper("three again"), author="bo", why="e", base_version=1)
        s.save("paper", "NEW", paper("new"), author="bo", why="c", base_version=None)
    (db / "catalog" / "paper.json").write_bytes(old_catalog)  # as if the process had been killed
    with Store(db, summarize=summarize) as s:
        rows = {h["id"]: h for h in s.heads("paper")}
        assert len(rows) == 21 and rows["P3"]["title"] == "three again" and rows["P3"]["version"] == 2
        assert rows["NEW"]["author"] == "bo"
    with Store(db, summarize=lambda kind, data: {"upper": data["title"].upper()}) as s:
        assert {h["id"]: h["upper"] for h in s.heads("paper")}["P3"] == "THREE AGAIN"  # other hook: no stale summaries


def test_a_shard_file_that_disappeared_is_reported_not_ignored(tmp_path):
    """Embedded engine only: about its shard files."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize) as s:
        for n in range(10):
            s.save("paper", f"P{n}", paper(f"t{n}"), author="ana", why="c", base_version=None)
        assert len(s.heads("paper")) == 10
    lost = shard_file(db, "paper", "P4")
    lost.unlink()
    with Store(db, summarize=summarize) as s:
        with pytest.raises(StoreError) as caught:
            s.heads("paper")
        assert f"{lost} is missing" in str(caught.value) and "restore" in str(caught.value)


def test_shard_put_back_from_an_older_copy_is_followed_by_the_index(tmp_path):
    """Embedded engine only: about its shard files."""
    db = tmp_path / "db"
    s = Store(db, summarize=summarize)
    s.save("paper", "A", paper("a1"), author="ana", why="c", base_version=None)
    target = shard_file(db, "paper", "A")
    older = target.read_bytes()
    s.save("paper", "A", paper("a2"), author="ana", why="e", base_version=1)
    assert s.heads("paper")[0]["version"] == 2
    target.write_bytes(older)  # an administrator restores the file from last night's copy
    assert s.heads("paper")[0]["version"] == 1
    assert s.get("paper", "A").data["title"] == "a1"
    s.close()


_OPEN_IN_A_FRESH_PROCESS = """
import json, sys
from sstc_docs.store import Store
sys.path.insert(0, "tests")
from test_store import summarize
with Store(sys.argv[1], summarize=summarize) as store:
    titles = {head["id"]: head["title"] for head in store.heads("paper")}
    print(json.dumps({"parsed": store._indexes["paper"].shards_parsed, "titles": titles}))
"""


def _open_in_a_fresh_process(db: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _OPEN_IN_A_FRESH_PROCESS, str(db)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120, check=True)
    return json.loads(done.stdout)


def test_verify_names_a_record_the_heads_catalog_says_otherwise_of_and_repair_rebuilds_it(tmp_path):
    """Embedded engine only. A catalog forged whole, checksum recomputed, is believed by an open
    (the checksum guards against damage, not a forger); verify compares it with the data, a
    record at a time, and names the record it misdescribes."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize) as store:
        for record_id in ("A", "B", "C"):
            store.save("paper", record_id, paper(f"title {record_id}"), author="ana", why="create", base_version=None)
        store.heads("paper")
        assert store.verify().ok and not store.verify().findings
    catalog = db / "catalog" / "paper.json"
    _, body = catalog.read_bytes().split(b"\n", 1)
    forged = body.replace(b'"title B"', b'"title X"')
    assert forged != body
    catalog.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    with Store(db, summarize=summarize) as store:
        assert {h["id"]: h["title"] for h in store.heads("paper")}["B"] == "title X"  # believed on open
        warnings = [f for f in store.verify().findings if f.file == "catalog/paper.json"]
        assert [(f.severity, f.record) for f in warnings] == [("warning", "paper B")]
        repaired = store.verify(repair=True)
        assert not [f for f in repaired.findings if "disagrees" in f.problem and "repaired" not in f.fix]
        assert {h["id"]: h["title"] for h in store.heads("paper")}["B"] == "title B"
    with Store(db, summarize=summarize) as store:
        assert not store.verify().findings
    _, body = catalog.read_bytes().split(b"\n", 1)
    forged = body.replace(b'["C",', b'["Z",')  # a record the data does not have
    assert forged != body
    catalog.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    with Store(db, summarize=summarize) as store:
        assert [f.record for f in store.verify().findings if f.file == "catalog/paper.json"] == ["paper Z"]
    catalog.write_bytes(b"0" * 64 + b"\n" + forged)  # its checksum fails: not a catalog, nothing to compare
    with Store(db, summarize=summarize) as store:
        assert not store.verify().findings


@pytest.mark.parametrize("copy", [shutil.copy2, shutil.copyfile], ids=["cp -p", "cp"])
def test_a_copied_folder_opens_from_its_catalog_and_a_shard_edited_behind_its_back_is_read(tmp_path, copy):
    """Embedded engine only. A copy (new inodes; new mtimes too unless kept) must not cost a
    rebuild of the heads index in a new process; content changed under the catalog must."""
    db = tmp_path / "db"
    with Store(db, summarize=summarize, shard_counts={"paper": 16}) as s:
        for n in range(60):
            s.save("paper", f"P{n}", paper(f"title {n:02d}"), author="ana", why="c", base_version=None)
        assert len(s.heads("paper")) == 60  # loads the index, so close() writes the catalog
    copied = tmp_path / "copied"
    shutil.copytree(db, copied, copy_function=copy)
    opened = _open_in_a_fresh_process(copied)
    assert opened == {"parsed": 0, "titles": {f"P{n}": f"title {n:02d}" for n in range(60)}}
    catalog = (copied / "catalog" / "paper.json").read_bytes()
    assert _open_in_a_fresh_process(copied)["parsed"] == 0  # the restamped signatures were saved
    edited = shard_file(copied, "paper", "P7")
    edited.write_bytes(edited.read_bytes().replace(b"title 07", b"TITLE 07"))  # same size, same tail
    assert _open_in_a_fresh_process(copied)["parsed"] == 1  # that shard, and only that one, was read again
    digests = {number: digest for number, _, digest, _ in CatalogFile(copied / "catalog" / "paper.json").load().shards()}
    assert digests[int(edited.stem)] == hashlib.sha256(edited.read_bytes()).hexdigest()
    assert (copied / "catalog" / "paper.json").read_bytes() != catalog
    assert _open_in_a_fresh_process(copied)["parsed"] == 0


# -- backup and restore ------------------------------------------------------------------------
def _fill(s: StoreBase) -> list[str]:
    s.save("paper", "GB.1/1", paper("un", footnote="« é »"), author="ana", why="c", base_version=None,
           effective_from="2020-02-02")
    s.save("paper", "GB.1/1", paper("deux"), author="bo", why="e", base_version=1)
    s.save("evidence", "E1", {"title": "report"}, author="bo", why="c", base_version=None)
    s.delete("evidence", "E1", author="ana", why="duplicate", base_version=1)
    s.save("strategy", "S", {"title": "SSTC 2022-25"}, author="ana", why="c", base_version=None)
    return [s.put_blob(b"%PDF-1.4 attachment"), s.put_blob(bytes(range(256)) * 10)]


def _every_version(s: StoreBase) -> list[dict]:
    return [v.to_json() for kind in ("paper", "evidence", "strategy")
            for row in s.heads(kind, include_deleted=True) for v in s.history(kind, row["id"])]


def test_backup_restore_round_trip_is_identical(engine, tmp_path):
    source = engine.open(summarize=summarize)
    shas = _fill(source)
    assert source.backup(tmp_path / "backup.json") == 5
    buffer = io.BytesIO()
    assert source.backup(buffer) == 5
    assert json.loads(buffer.getvalue())["format"] == "sstc-docs backup"
    target = engine.open(summarize=summarize)
    assert target.restore(tmp_path / "backup.json") == 5
    assert _every_version(target) == _every_version(source)
    assert len(_every_version(target)) == 5
    assert [target.read_blob(sha) for sha in shas] == [source.read_blob(sha) for sha in shas]
    assert target.changes() == source.changes()
    assert target.heads("paper") == source.heads("paper")
    third = engine.open()
    assert third.restore(io.BytesIO(buffer.getvalue())) == 5
    assert _every_version(third) == _every_version(source)
    for s in (source, target, third):
        s.close()


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_a_backup_read_in_small_pieces_restores_the_same(tmp_path, monkeypatch, chunk):
    """Embedded engine only (the reader is shared). The reader takes the file a piece at a time;
    a number, a string, a multi-byte character or a whole member cut across pieces must read
    back the same, and a truncated file must still be refused."""
    source = Store(tmp_path / "source", summarize=summarize)
    _fill(source)
    source.save("paper", "P-中文", paper("南南合作 " * 50, session=123456789), author="ana", why="c", base_version=None)
    source.backup(tmp_path / "backup.json")
    monkeypatch.setattr(_JSONStream, "CHUNK", chunk)
    target = Store(tmp_path / "target", summarize=summarize)
    assert target.restore(tmp_path / "backup.json") == 6
    assert _every_version(target) == _every_version(source)
    whole = (tmp_path / "backup.json").read_bytes()
    (tmp_path / "cut.json").write_bytes(whole[: len(whole) - 30])
    with pytest.raises(StoreError, match="not a readable backup"):
        Store(tmp_path / "third", summarize=summarize).restore(tmp_path / "cut.json")
    assert not (tmp_path / "third" / "restore.partial").exists()
    source.close()
    target.close()


def test_a_restore_writes_the_catalogs_as_the_shards_stream_in_and_they_are_what_a_rebuild_writes(tmp_path):
    """Embedded engine only. A restore writes each kind's heads catalog a shard at a time, holding
    no kind's heads whole; the catalogs are byte for byte what a rebuild from the restored shards
    writes, and the first open, in a fresh process, reads no shard."""
    source = Store(tmp_path / "source", summarize=summarize, shard_counts={"paper": 8})
    _fill(source)
    for n in range(40):
        source.save("paper", f"P{n}", paper(f"t{n}", session=300 + n % 3), author="ana", why="c", base_version=None)
    source.save("paper", "P3", paper("three again"), author="bo", why="e", base_version=1)
    source.backup(tmp_path / "backup.json")
    db = tmp_path / "target"
    with Store(db, summarize=summarize, shard_counts={"paper": 8}) as target:
        assert target.restore(tmp_path / "backup.json") == 46
        assert not target._indexes  # no kind's heads were built in memory
    restored = {path.name: path.read_bytes() for path in (db / "catalog").glob("*.json")}
    assert set(restored) == {"paper.json", "evidence.json", "strategy.json"}
    assert not (db / "restore.partial").exists()
    opened = _open_in_a_fresh_process(db)
    assert opened == {"parsed": 0, "titles": {head["id"]: head["title"] for head in source.heads("paper")}}
    assert opened["titles"]["P3"] == "three again"
    shutil.rmtree(db / "catalog")
    with Store(db, summarize=summarize) as rebuilt:
        for kind in ("paper", "evidence", "strategy"):
            rebuilt._save_catalog(kind, rebuilt._index(kind))
            assert rebuilt._indexes[kind].shards_parsed > 0
    assert {name: (db / "catalog" / name).read_bytes() for name in restored} == restored
    source.close()


def test_restore_refuses_a_non_empty_database_and_damaged_backups(engine, tmp_path):
    source = engine.open()
    _fill(source)
    source.backup(tmp_path / "backup.json")
    with pytest.raises(StoreError, match="not empty"):
        source.restore(tmp_path / "backup.json")
    assert len(source.history("paper", "GB.1/1")) == 2
    only_blob = engine.open()
    only_blob.put_blob(b"x")
    with pytest.raises(StoreError, match="not empty"):
        only_blob.restore(tmp_path / "backup.json")
    text = (tmp_path / "backup.json").read_text()
    broken = {"truncated.json": text[: len(text) // 2],
              "gap.json": text.replace('"version":2,', '"version":3,', 1),
              "blob.json": text.replace(':"JVBER', ':"AAAAA', 1),
              "other.json": json.dumps({"format": "something else"})}
    for name, content in broken.items():
        (tmp_path / name).write_text(content)
        empty = engine.open()
        with pytest.raises(StoreError):
            empty.restore(tmp_path / name)
        assert (empty.last_seq(), empty.kinds(), empty.heads("paper"), empty.changes()) == (0, [], [], [])
        empty.close()
    for s in (source, only_blob):
        s.close()



def test_load_takes_a_stream_whole_or_refuses_it_whole(engine, tmp_path):
    """``load`` (what ``copy`` feeds) on both engines: versions in any order and attachments, as
    iterators; an attachment whose bytes are not its hash, or a database that is not empty,
    leaves the target as it was."""
    source = engine.open(summarize=summarize)
    shas = _fill(source)
    source.backup(tmp_path / "backup.json")
    content = json.loads((tmp_path / "backup.json").read_text())
    blobs = [(sha, source.read_blob(sha)) for sha in shas]
    damaged = engine.open()
    with pytest.raises(StoreError, match="does not match its content"):
        damaged.load(iter(content["versions"]), iter([(shas[0], b"not its content"), *blobs[1:]]))
    assert (damaged.last_seq(), damaged.heads("paper"), damaged.has_blob(shas[0])) == (0, [], False)
    target = engine.open(summarize=summarize)
    assert target.load(reversed(content["versions"]), iter(blobs)) == 5
    assert _every_version(target) == _every_version(source) and target.changes() == source.changes()
    assert [target.read_blob(sha) for sha in shas] == [source.read_blob(sha) for sha in shas]
    with pytest.raises(StoreError, match="not empty"):
        target.load(iter(content["versions"]), iter(blobs))
    assert target.last_seq() == 5
    for s in (source, damaged, target):
        s.close()


# -- attachments -------------------------------------------------------------------------------
def test_blobs_are_stored_once_and_read_back_exactly(store):
    payload = b"\x00binary\xffcontent" * 1000
    sha = store.put_blob(payload)
    assert sha == hashlib.sha256(payload).hexdigest()
    assert store.put_blob(payload) == sha
    assert store.read_blob(sha) == payload and store.has_blob(sha)
    assert store.put_blob(bytearray(b"")) == hashlib.sha256(b"").hexdigest() and store.read_blob(
        hashlib.sha256(b"").hexdigest()) == b""
    missing = "0" * 64
    assert not store.has_blob(missing)
    with pytest.raises(NotFound):
        store.read_blob(missing)
    for bad in ("../../etc/passwd", "A" * 64, None):
        with pytest.raises(ValidationError):
            store.read_blob(bad)
    with pytest.raises(ValidationError):
        store.put_blob("text, not bytes")


def test_a_blob_file_is_written_once_and_a_damaged_one_is_reported(tmp_path):
    """Embedded engine only: about its attachment files."""
    store = Store(tmp_path / "db")
    payload = b"\x00binary\xffcontent" * 1000
    sha = store.put_blob(payload)
    path = store.blob_path(sha)
    assert path == store.path / "blobs" / sha[:2] / sha[2:]
    mtime = path.stat().st_mtime_ns
    assert store.put_blob(payload) == sha and path.stat().st_mtime_ns == mtime  # not rewritten
    assert store.read_blob(sha) == payload and store.has_blob(sha)
    missing = "0" * 64
    assert not store.has_blob(missing)
    with pytest.raises(NotFound):
        store.read_blob(missing)
    with pytest.raises(ValidationError):
        store.blob_path("../../etc/passwd")
    path.write_bytes(b"tampered")
    with pytest.raises(StoreError, match="damaged"):
        store.read_blob(sha)
    store.close()


# -- opening -----------------------------------------------------------------------------------
def test_default_db_path_and_open_store(tmp_path, monkeypatch):
    """Embedded engine only: about the database folder (PostgreSQL's URL: test_postgres.py)."""
    monkeypatch.delenv("SSTC_DB", raising=False)
    assert default_db_path() == Path(__file__).resolve().parents[1] / "db"
    monkeypatch.setenv("SSTC_DB", str(tmp_path / "elsewhere"))
    assert default_db_path() == tmp_path / "elsewhere"
    s = open_store()
    assert s.path == tmp_path / "elsewhere" and s.path.is_dir()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.get("paper", "A")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store(tmp_path / "afile")


def test_many_records_spread_over_shards_and_no_temp_files_remain(tmp_path):
    """Embedded engine only: about its shard files."""
    store = Store(tmp_path / "db", shard_counts={"evidence": 1024})
    for n in range(300):
        store.save("evidence", f"E{n:03d}", {"title": f"e{n}", "n": n}, author="a", why="c", base_version=None)
    folder = next((store.path / "shards").glob("evidence.*"))
    assert folder.name == "evidence.1024"  # the count the kind declares
    files = os.listdir(folder)
    assert len(files) > 150 and all(f.endswith(".json") and not f.startswith(".") for f in files)
    assert store.get("evidence", "E123").data == {"title": "e123", "n": 123}
    assert len(store.heads("evidence")) == 300
    store.close()


# -- a model check: any sequence of saves, stale saves and deletes --------------------------------
STEPS = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                           st.sampled_from(["save", "stale", "delete", "reopen"]),
                           st.dictionaries(st.sampled_from(["x", "y"]), st.integers(-10**18, 10**18) | st.text(max_size=3),
                                           max_size=2)),
                 max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_store_matches_a_simple_model(engine, steps):
    db = engine.database()
    model: dict[str, list[tuple[dict, bool]]] = {}
    s = engine.open(db, summarize=summarize)
    for record_id, action, data in steps:
        chain = model.get(record_id, [])
        latest = len(chain) or None
        if action == "reopen":
            s.close()
            s = engine.open(db, summarize=summarize)
        elif action == "stale" and latest:
            with pytest.raises(ConflictError):
                s.save("paper", record_id, data, author="m", why="stale", base_version=latest - 1 or None)
        elif action == "delete" and latest and not chain[-1][1]:
            s.delete("paper", record_id, author="m", why="del", base_version=latest)
            chain.append((chain[-1][0], True))
        elif action == "save":
            s.save("paper", record_id, data, author="m", why="save", base_version=latest)
            chain.append((data, False))
        model[record_id] = chain
    for record_id in ("a", "b", "c"):
        chain = model.get(record_id, [])
        assert [(v.data, v.deleted) for v in s.history("paper", record_id)] == chain
        assert s.exists("paper", record_id) == bool(chain and not chain[-1][1])
    assert {h["id"]: h["version"] for h in s.heads("paper", include_deleted=True)} == {
        r: len(c) for r, c in model.items() if c}
    assert len(s.changes(limit=1000)) == sum(len(c) for c in model.values())
    s.close()


def test_authors_are_everyone_who_saved_however_long_ago(engine):
    db = engine.database()
    first = engine.open(db, summarize=summarize)
    assert first.authors() == []
    first.save("paper", "GB.1/INS/1", paper("early"), author="Zoe Early", why="first", base_version=None)
    for n in range(30):
        first.save("paper", f"GB.2/POL/{n + 1}", paper(f"p{n}"), author="Bo Busy", why="bulk", base_version=None)
    assert first.authors() == ["Bo Busy", "Zoe Early"]
    second = engine.open(db, summarize=summarize)  # another process, as the app and the CLI are
    second.save("strategy", "S", {"title": "t"}, author="Ann Later", why="w", base_version=None)
    assert first.authors() == ["Ann Later", "Bo Busy", "Zoe Early"]
    first.close()
    second.close()


def test_a_journal_line_still_being_written_names_no_author(tmp_path):
    """Embedded engine only: about its journal file."""
    store = Store(tmp_path / "db", summarize=summarize)
    store.save("paper", "GB.1/INS/1", paper("early"), author="Zoe Early", why="first", base_version=None)
    with (tmp_path / "db" / "changes.jsonl").open("ab") as journal:
        journal.write(b'{"author": "Half Writ')
    assert store.authors() == ["Zoe Early"]
    store.close()


def test_authors_include_the_history_a_restore_brings(engine, tmp_path):
    source = engine.open(summarize=summarize)
    source.save("paper", "GB.1/INS/1", paper("x"), author="Restored Author", why="w", base_version=None)
    backup = tmp_path / "backup.json"
    source.backup(backup)
    target = engine.open(summarize=summarize)
    assert target.authors() == []
    target.restore(backup)
    assert target.authors() == ["Restored Author"]
    source.close()
    target.close()


def test_drafts_are_kept_per_person_survive_reopening_and_are_not_history(engine):
    db = engine.database()
    with engine.open(db) as store:
        store.save_draft("Ana Lopez", "paper:GB.1/POL/1", {"title": "Half typed"})
        store.save_draft("Bo", "paper:GB.1/POL/1", {"title": "Another"})
    with engine.open(db) as store:
        assert store.drafts("Ana Lopez")["paper:GB.1/POL/1"]["value"] == {"title": "Half typed"}
        assert store.drafts("Bo")["paper:GB.1/POL/1"]["value"] == {"title": "Another"}
        assert store.drafts("Zoe") == {} and store.changes() == [] and store.last_seq() == 0
        store.save_draft("Ana Lopez", "paper:GB.1/POL/1", None)
        assert store.drafts("Ana Lopez") == {}


# -- a read decodes one record's lines of a shard, and never misreads one ----------------------------
def _paper_shard(db: Path, record_id: str) -> Path:
    folder = next((db / "shards").glob("paper.*"))
    return folder / f"{shard_number(record_id, int(folder.name.split('.')[1])):04d}.json"


def test_a_record_whose_data_looks_like_another_version_is_read_as_itself(tmp_path):
    """The shard holds one version to a line; data that imitates a line of another record (a nested
    version-shaped object, newlines in its text, that record's id) must not be taken for one."""
    with Store(tmp_path / "db", shard_counts={"paper": 1}) as store:
        store.save("paper", "B", {"text": "b"}, author="ana", why="create", base_version=None)
        imitation = {"kind": "paper", "id": "B", "version": 2, "based_on": 1, "author": "eve", "recorded_at": "x",
                     "why": "x", "effective_from": "x", "deleted": False, "seq": 9, "hash": "", "data": {}}
        store.save("paper", "A", {"1": imitation, "text": '\n"2":{"kind":"paper","id":"B",\n'}, author="ana",
                   why="create", base_version=None)
        store.save("paper", "B", {"text": "b2"}, author="ana", why="edit", base_version=1)
    with Store(tmp_path / "db") as store:  # nothing parsed yet: the lines are scanned
        assert [v.data for v in store.history("paper", "B")] == [{"text": "b"}, {"text": "b2"}]
        assert store.get("paper", "A").data["1"] == imitation


@pytest.mark.parametrize("layout", ["compact, as shards were written before", "indented by hand"])
def test_a_shard_in_another_layout_is_parsed_whole(tmp_path, layout):
    with Store(tmp_path / "db", shard_counts={"paper": 1}) as store:
        for record_id in ("A", "B"):
            store.save("paper", record_id, {"text": record_id}, author="ana", why="create", base_version=None)
        store.save("paper", "B", {"text": "B2"}, author="ana", why="edit", base_version=1)
    shard = _paper_shard(tmp_path / "db", "B")
    content = json.loads(shard.read_bytes())
    shard.write_text(json.dumps(content, separators=(",", ":")) if layout.startswith("compact")
                     else json.dumps(content, indent=1), encoding="utf-8")
    with Store(tmp_path / "db") as store:
        assert [v.data["text"] for v in store.history("paper", "B")] == ["B", "B2"]
        store.save("paper", "A", {"text": "A2"}, author="ana", why="edit", base_version=1)
        assert shard.read_bytes().count(b"\n") == 5  # written one version to a line again
        assert [v.data["text"] for v in store.history("paper", "A")] == ["A", "A2"]


def test_a_save_adds_lines_to_a_shard_it_knows_whole_and_the_file_is_as_written_whole(tmp_path):
    """Embedded engine only. A save to a shard whose bytes it knows (the index's digest) adds the
    new lines without parsing the file; the result is byte for byte what writing the whole
    content afresh gives, in this process and in the next."""
    from sstc_docs.store.shards import shard_content
    db = tmp_path / "db"
    with Store(db, summarize=summarize, shard_counts={"paper": 1}) as store:
        store.heads("paper")  # the index: it knows each shard's digest
        for n in range(3):
            store.save("paper", f"P{n}", paper(f"p{n}"), author="ana", why="create", base_version=None)
        store.save("paper", "P1", paper("p1 again"), author="bo", why="edit", base_version=1)
    with Store(db, summarize=summarize) as store:
        store.heads("paper")
        store.save("paper", "P2", paper("p2 again"), author="bo", why="edit", base_version=1)
        documents = [v.to_json() for n in range(3) for v in store.history("paper", f"P{n}")]
    shard = shard_file(db, "paper", "P0")
    assert shard.read_bytes() == shard_content(sorted(documents, key=lambda d: d["seq"]))
    with Store(db) as store:
        assert store.verify().ok


def test_the_scan_a_read_made_serves_the_save_after_it_only_for_the_same_bytes_and_records(tmp_path):
    """A page reads a record, then its unit of work reads the latest version and stages the next:
    the later scans of the shard are the first one's result, but only for the same file, byte for
    byte, and the records scanned, and every caller gets documents of its own."""
    from sstc_docs.store import storage
    versions = {"1": {"kind": "paper", "id": "A", "version": 1}, "2": {"kind": "paper", "id": "B", "version": 1},
                "3": {"kind": "paper", "id": "A", "version": 2}}
    raw = storage.encode_shard({"versions": versions})
    path, memo = tmp_path / "0000.json", storage.ScanMemo()
    scans = []
    real_scan = storage.scan_shard

    def counted(raw: bytes, record_ids):
        scans.append(set(record_ids))
        return real_scan(raw, record_ids)

    storage.scan_shard = counted
    try:
        first = memo.scan(path, raw, ("A",))
        first.documents[0]["version"] = 99  # the caller's own: the memo is not changed through it
        again = memo.scan(path, bytes(bytearray(raw)), ("A",))  # equal bytes, another object
        assert [d["version"] for d in again.documents] == [1, 2] and again.last_number == 3
        assert memo.versions(path, raw, {"A"}) == (3, {("A", 1), ("A", 2)})
        assert scans == [{"A"}]
        grown = storage.encode_shard({"versions": {**versions, "4": {"kind": "paper", "id": "A", "version": 3}}})
        assert memo.versions(path, grown, {"A"}) == (4, {("A", 1), ("A", 2), ("A", 3)})  # another process wrote
        assert memo.scan(path, grown.replace(b'"B"', b'"C"'), ["A"]).last_number == 4  # same size, other bytes
        assert memo.versions(path, grown, {"A", "B"}) == (4, {("A", 1), ("A", 2), ("A", 3), ("B", 1)})  # B not scanned for
        assert memo.versions(tmp_path / "0001.json", grown, {"A"}) is not None
        assert len(scans) == 5
    finally:
        storage.scan_shard = real_scan


def test_a_shard_changed_behind_the_stores_back_with_its_size_and_time_kept_is_not_added_to(tmp_path):
    """Embedded engine only. The index believes a shard unchanged while its stat is; a save adds to
    it only if its bytes are the ones indexed, so a damaged line of another record is found by
    parsing the file whole: the save is refused and the file left as it is."""
    db = tmp_path / "db"
    store = Store(db, summarize=summarize, shard_counts={"paper": 1})
    store.heads("paper")
    store.save("paper", "A", paper("a"), author="ana", why="create", base_version=None)
    store.save("paper", "B", paper("bbbb"), author="ana", why="create", base_version=None)
    shard = shard_file(db, "paper", "A")
    before = shard.stat()
    damaged = shard.read_bytes().replace(b'"title":"bbbb"', b'"title":"bb\x01b"', 1)  # a raw control character: not JSON
    assert len(damaged) == before.st_size
    with open(shard, "r+b") as handle:  # in place: the same inode
        handle.write(damaged)
    os.utime(shard, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert store.get("paper", "A").data["title"] == "a"  # its own lines are whole
    with pytest.raises(StoreError, match="cannot be read") as caught:
        store.save("paper", "A", paper("a2"), author="ana", why="edit", base_version=1)
    assert str(shard) in str(caught.value)
    assert shard.read_bytes() == damaged
    store.close()


# -- the journal's summary: a new process need not read the whole journal ---------------------------
def test_the_journal_summary_is_used_while_it_describes_the_journal_and_ignored_once_it_does_not(tmp_path, monkeypatch):
    from sstc_docs.store import journal as journal_module
    monkeypatch.setattr(journal_module, "SUMMARY_LAG", 0)  # a summary for a journal of any size
    db = tmp_path / "db"
    with Store(db) as store:
        for n in range(3):
            store.save("paper", f"P{n}", {"n": n}, author=f"author {n}", why="create", base_version=None)
        assert store.authors() == ["author 0", "author 1", "author 2"]  # read: so it is summarised at close
    summary_path = db / "catalog" / "changes.json"
    summary = json.loads(summary_path.read_bytes())
    assert summary["offset"] == (db / "changes.jsonl").stat().st_size and len(summary["records"]["paper"]) == 3
    summary["authors"].append("only in the summary")  # a mark: seen only if the summary is believed
    summary_path.write_text(json.dumps(summary))
    with Store(db) as store:
        assert "only in the summary" in store.authors()
        store.save("paper", "P3", {"n": 3}, author="author 3", why="create", base_version=None)  # read after it
        assert {"author 3", "only in the summary"} <= set(store.authors()) and len(store.heads("paper")) == 4
    with Store(db) as store:  # the lines after the summary are read; a record it knows of is recorded
        assert len(store.heads("paper")) == 4 and "author 3" in store.authors()
    summary = json.loads(summary_path.read_bytes())
    summary["authors"].append("stale")
    summary_path.write_text(json.dumps(summary))
    journal = db / "changes.jsonl"
    journal.write_bytes(journal.read_bytes().replace(b'"author 0"', b'"author 9"'))  # the journal changed under it
    lines = journal.read_bytes().splitlines(keepends=True)
    last = json.loads(lines[-1])
    last["chain"] = "0" * 64
    journal.write_bytes(b"".join(lines[:-1]) + json.dumps(last, separators=(",", ":")).encode() + b"\n")
    with Store(db) as store:
        assert "stale" not in store.authors() and "author 9" in store.authors()


def test_a_catalog_rewrite_copies_the_lines_of_unchanged_shards_and_gives_the_bytes_a_full_one_would(tmp_path):
    """Embedded engine only. The periodic rewrite, and the one after a copy's restamps, copy the
    lines of shards whose content is the one indexed; what they write is byte for byte what
    encoding every head again writes, and a line is never copied from a catalog that fails its
    checksum or was made from other content."""
    from sstc_docs.store import catalog as catalog_module
    db = tmp_path / "db"
    store = Store(db, summarize=summarize, shard_counts={"paper": 8})
    for n in range(40):
        store.save("paper", f"P{n}", paper(f"t{n}", session=300 + n % 3), author="ana", why="c", base_version=None)
    index = store._index("paper")
    store._save_catalog("paper", index)
    path = db / "catalog" / "paper.json"
    store.save("paper", "P5", paper("five again"), author="bo", why="e", base_version=1)
    store.save("paper", "NEW", paper("new"), author="bo", why="c", base_version=None)
    encoded = []
    real = catalog_module.encode_json
    catalog_module.encode_json = lambda value: encoded.append(value) or real(value)
    try:
        store._save_catalog("paper", index)
        copied = path.read_bytes()
        changed = {store._layout.number("paper", "P5"), store._layout.number("paper", "NEW")}
        assert len([v for v in encoded if isinstance(v, list) and v and isinstance(v[0], list)]) == len(changed)
        path.unlink()
        encoded.clear()
        store._save_catalog("paper", index)  # no file to copy from: every line encoded
        assert path.read_bytes() == copied
        assert len([v for v in encoded if isinstance(v, list) and v and isinstance(v[0], list)]) == 8
        forged = copied.replace(b'"t7"', b'"T7"')  # checksum no longer holds: nothing is copied from it
        path.write_bytes(forged)
        store._save_catalog("paper", index)
        assert path.read_bytes() == copied
    finally:
        catalog_module.encode_json = real
    store.close()
    with Store(db, summarize=summarize) as reopened:
        assert {h["id"]: h["title"] for h in reopened.heads("paper")}["P5"] == "five again"
        assert reopened._indexes["paper"].shards_parsed == 0
