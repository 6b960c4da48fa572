"""Memory of backup and restore at two archive sizes: it should not grow with the archive.

For each scale the archive (bench/archive.py) is written as a backup, then, each in a fresh
process so the figure is that operation's alone: reading and checking the backup, a restore into
an empty folder (which also writes the heads catalogs, a shard at a time), and a backup of the
restored database (which verifies it first). Each process reports its peak resident memory and
its time; a process that only opens the store is the baseline (the interpreter and the modules).

The peak is the process's own ``VmHWM``, not ``ru_maxrss``: Linux carries ``ru_maxrss`` over an
exec from the process that forked, so every child would report at least this script's own
peak (88 MB at the design point, where it has written the archive).

    python bench/bench_backup.py                      # scales 0.02 and 0.1 (make bench)
    python bench/bench_backup.py --scales 0.1 1       # up to the design point (about 20 minutes)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import Archive  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OPERATION = """
import sys, time
from sstc_docs.domain.records import SHARD_COUNTS, summarize, validate
from sstc_docs.store import open_store
from sstc_docs.store.backup import read_backup
operation, database, backup = sys.argv[1:]
began = time.perf_counter()
with open_store(database, summarize=summarize, validate=validate, shard_counts=SHARD_COUNTS) as store:
    if operation == "restore":
        store.restore(backup)
    elif operation == "read":
        with read_backup(backup, validate=validate) as checked:
            assert sum(1 for _ in checked.versions()) == checked.count
    elif operation == "backup":
        store.backup(backup)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(f"{peak_kb / 1024:.0f} {time.perf_counter() - began:.1f}")
"""


def in_a_fresh_process(operation: str, database: Path, backup: Path) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", OPERATION, operation, str(database), str(backup)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    peak_mb, seconds = done.stdout.split()
    return peak_mb, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.02, 0.1])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sstc-bench-backup-"))
    try:
        peak, _ = in_a_fresh_process("open", folder / "empty", folder / "none.json")
        print(f"baseline (a process that opens an empty store): peak {peak} MB")
        for scale in args.scales:
            archive = Archive(scale)
            source = folder / f"archive-{scale}.json"
            count = archive.write(source)
            database = folder / f"db-{scale}"
            read_peak, read_s = in_a_fresh_process("read", folder / "empty", source)
            restore_peak, restore_s = in_a_fresh_process("restore", database, source)
            backup_peak, backup_s = in_a_fresh_process("backup", database, folder / f"backup-{scale}.json")
            print(f"scale {scale}: {count:,} versions, backup file {source.stat().st_size / 1e6:,.0f} MB; "
                  f"read and check peak {read_peak} MB ({read_s} s), restore peak {restore_peak} MB ({restore_s} s), backup peak {backup_peak} MB ({backup_s} s)",
                  flush=True)
            shutil.rmtree(database)
            for written in (source, folder / f"backup-{scale}.json"):
                written.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
