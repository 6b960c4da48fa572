"""Temporary files of killed writers are removed; those of live writers, and everything else, are not."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sstc_docs.store.atomic import remove_stale_temporaries

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD_CHUNKS = 64  # 64 × 64 KB: long enough a write that most kills land inside one

WRITER = f"""
import sys
from pathlib import Path
from sstc_docs.store.atomic import atomic_writer
target, hold = Path(sys.argv[1]), sys.argv[2] == "hold"
chunk = bytes(range(256)) * 256
while True:
    with atomic_writer(target) as pending:
        pending.write(chunk)
        print("writing", flush=True)
        if hold:
            sys.stdin.readline()  # stay mid-write until told to finish
        for _ in range({PAYLOAD_CHUNKS} - 1):
            pending.write(chunk)
    if hold:
        print("done", flush=True)
        break
"""


def start_writer(target: Path, mode: str) -> subprocess.Popen:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target), mode], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline() == "writing\n"
    return writer


def temporaries(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*.tmp")}


def test_killed_writers_leave_temporaries_that_are_removed_and_nothing_else(tmp_path):
    shard = tmp_path / "shards" / "paper.1024"
    target = shard / "0001.json"
    keep = [tmp_path / "changes.jsonl", tmp_path / ".lock", shard / ".notes.txt",
            shard / ".0002.json.12.abc.tmp",  # not atomic_writer's pattern (the hex part is 8 digits)
            shard / f".0003.json.{os.getpid()}.deadbeef.tmp"]  # a live process's (this one's)
    shard.mkdir(parents=True)
    for path in keep:
        path.write_bytes(b"keep")
    rng = random.Random(20261201)
    for _ in range(20):
        writer = start_writer(target, "loop")
        if rng.random() < 0.5:
            os.sched_yield()
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)  # reaped: its pid no longer exists
        writer.stdout.close()
        writer.stdin.close()
    leftovers = temporaries(tmp_path) - set(keep)
    assert leftovers  # the kills did land mid-write
    assert remove_stale_temporaries(tmp_path) == len(leftovers)
    assert temporaries(tmp_path) - set(keep) == set()
    assert all(path.read_bytes() == b"keep" for path in keep)
    if target.exists():  # whatever the kills interrupted, the target is one whole write
        assert target.stat().st_size == PAYLOAD_CHUNKS * 65536
    assert remove_stale_temporaries(tmp_path) == 0


def test_a_live_writer_keeps_its_temporary_and_finishes(tmp_path):
    target = tmp_path / "0001.json"
    writer = start_writer(target, "hold")
    try:
        (temporary,) = temporaries(tmp_path)
        assert f".{writer.pid}." in temporary.name
        assert remove_stale_temporaries(tmp_path) == 0 and temporary.exists()
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline() == "done\n"
    finally:
        writer.kill()
        writer.wait(timeout=10)
        writer.stdout.close()
        writer.stdin.close()
    assert target.stat().st_size == PAYLOAD_CHUNKS * 65536 and not temporaries(tmp_path)
