"""History you can prove: every kind of tampering is found by `verify`, nothing is lost silently,
hostile backups are refused whole, and the two clocks answer honestly."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from sstc_docs import demo as seed
from sstc_docs.errors import StoreError
from sstc_docs.services import open_services
from sstc_docs.store.journal import chain_link
from sstc_docs.store.verify import VersionTally, check_seq

from test_cli import cli


#: What `demo` records on a new database: the demo's 13 versions (its session included) and the local
#: user's account.
DEMO_VERSIONS = 14


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "db"
    assert cli(path, "demo").returncode == 0
    return path


def shard_holding(db: Path, kind: str, record_id: str) -> Path:
    for path in sorted((db / "shards").glob(f"{kind}.*/*.json")):
        if any(d["id"] == record_id for d in json.loads(path.read_text())["versions"].values()):
            return path
    raise AssertionError(f"no shard holds {kind} {record_id}")


def edit_version(db: Path, kind: str, record_id: str, version: int, change) -> None:
    path = shard_holding(db, kind, record_id)
    content = json.loads(path.read_text())
    for document in content["versions"].values():
        if document["id"] == record_id and document["version"] == version:
            change(document)
    path.write_text(json.dumps(content, ensure_ascii=False))


def remove_version(db: Path, kind: str, record_id: str, version: int) -> None:
    path = shard_holding(db, kind, record_id)
    content = json.loads(path.read_text())
    content["versions"] = {k: d for k, d in content["versions"].items()
                           if not (d["id"] == record_id and d["version"] == version)}
    path.write_text(json.dumps(content, ensure_ascii=False))


def verify(db: Path) -> tuple[int, dict]:
    result = cli(db, "verify", "--json")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout or "{}")


def errors(report: dict) -> list[str]:
    return [f"{f['file']} | {f['record']} | {f['problem']}" for f in report["findings"] if f["severity"] == "error"]


def test_an_untouched_database_verifies(db):
    code, report = verify(db)
    assert code == 0 and report["ok"] and report["versions"] == DEMO_VERSIONS and len(report["chain_head"]) == 64


@pytest.mark.parametrize("what, change", [
    ("content", lambda d: d["data"].__setitem__("title", "A forged title")),
    ("author", lambda d: d.__setitem__("author", "Someone Else")),
    ("time", lambda d: d.__setitem__("recorded_at", "2012-03-22T09:00:00.000000Z")),
    ("reason", lambda d: d.__setitem__("why", "Nothing to see here")),
])
def test_editing_a_version_by_hand_is_found(db, what, change):
    edit_version(db, "strategy", seed.STRATEGY_ID, 1, change)
    code, report = verify(db)
    assert code == 5 and not report["ok"]
    assert any(f"strategy {seed.STRATEGY_ID} v1" in e and "hash" in e and "strategy.16" in e for e in errors(report)), \
        errors(report)


def test_removing_the_latest_version_is_found_and_not_hidden(db):
    remove_version(db, "strategy", seed.STRATEGY_ID, 2)
    code, report = verify(db)
    assert code == 5
    assert any("no data file holds it" in e and f"strategy {seed.STRATEGY_ID} v2" in e for e in errors(report))
    assert any("gaps" in e for e in errors(report))


def test_removing_a_middle_version_is_found_and_backup_refuses(db, tmp_path):
    remove_version(db, "indicator", seed.IND_PARTNERSHIPS, 1)
    code, report = verify(db)
    assert code == 5 and any("missing or doubled" in e for e in errors(report))
    result = cli(db, "backup", str(tmp_path / "b.json"))
    assert result.returncode == 4 and "No backup was written" in result.stderr
    assert not (tmp_path / "b.json").exists()


def test_a_lost_data_file_is_an_error_for_every_read_and_write_never_a_new_version_1(db):
    shard = shard_holding(db, "strategy", seed.STRATEGY_ID)
    shard.unlink()
    for args in (("get", "strategy", seed.STRATEGY_ID), ("history", "strategy", seed.STRATEGY_ID),
                 ("list", "strategy")):
        result = cli(db, *args)
        assert result.returncode == 4 and "no longer holds it" in result.stderr or "no data file" in result.stderr, \
            (args, result.stderr)
    put = cli(db, "put", "-", "--why", "recreate",
              stdin=json.dumps({"kind": "strategy", "id": seed.STRATEGY_ID, "title": "New", "period": "2012-13"}))
    assert put.returncode == 4 and not shard.exists()
    assert verify(db)[0] == 5


def test_a_lost_data_file_and_catalog_are_still_reported(db, tmp_path):
    shard_holding(db, "strategy", seed.STRATEGY_ID).unlink()
    shutil.rmtree(db / "catalog", ignore_errors=True)
    assert cli(db, "list", "strategy").returncode == 4
    assert cli(db, "backup", str(tmp_path / "b.json")).returncode == 4
    assert not (tmp_path / "b.json").exists()


def test_a_forged_heads_catalog_is_not_believed(db):
    assert cli(db, "list", "paper").returncode == 0  # builds and saves the paper catalog
    catalog = db / "catalog" / "paper.json"
    assert catalog.exists()
    catalog.write_text(catalog.read_text().replace("南南", "北北"))
    listed = cli(db, "list", "paper").stdout
    assert "南南" in listed and "北北" not in listed
    assert cli(db, "get", "paper", seed.PAPER_ID).returncode == 0


def test_a_cut_or_deleted_journal_is_said_and_repaired_from_whole_data(db):
    journal = db / "changes.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:5]))
    services = open_services(db)
    with pytest.raises(StoreError, match="audit trail"):
        services.store.changes()
    services.close()
    assert verify(db)[0] == 5
    repaired = cli(db, "verify", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    services = open_services(db)
    assert len(services.store.changes(limit=100)) == DEMO_VERSIONS
    services.close()
    journal.unlink()
    assert verify(db)[0] == 5


def _rechained(lines: list[dict]) -> list[dict]:
    """The lines with their chain recomputed, as a forger who knows the scheme would leave them."""
    chain = ""
    for line in lines:
        chain = chain_link(chain, line["hash"])
        line["chain"] = chain
    return lines


@pytest.mark.parametrize("forgery, found", [
    ("unreadable line", "1 line(s) cannot be read"),
    ("edited line", "breaks the chain"),
    ("swapped lines", "says seq"),
    ("last line removed", "is in a data file but not in the journal"),
    ("hash forged, chain recomputed", "differs from the version in the data file"),
    ("record renamed, chain intact", "no data file holds it any more"),
    ("two lines' records exchanged, chain intact", "differs from the version in the data file"),
])
def test_a_journal_edited_by_hand_is_found_whatever_was_done_to_it(db, forgery, found):
    """verify reads the journal a line at a time (its memory does not grow with the journal):
    every way of editing it is still found, and named."""
    journal = db / "changes.jsonl"
    raw = journal.read_bytes().splitlines(keepends=True)
    lines = [json.loads(line) for line in raw]
    if forgery == "unreadable line":
        raw[4] = b'{"kind": "paper", "id": \n'
        journal.write_bytes(b"".join(raw))
    else:
        if forgery == "edited line":
            lines[2]["why"], lines[2]["hash"] = "Nothing to see here", "1" * 64
        elif forgery == "swapped lines":
            lines[2], lines[3] = lines[3], lines[2]
        elif forgery == "last line removed":
            lines.pop()
        elif forgery == "record renamed, chain intact":  # the chain covers hashes only: the tally sees it
            lines[3]["id"] = "GB.999/INS/1"
        elif forgery == "two lines' records exchanged, chain intact":
            for name in ("kind", "id", "version"):
                lines[2][name], lines[5][name] = lines[5][name], lines[2][name]
        else:
            lines[3]["hash"] = "0" * 64
            lines = _rechained(lines)
        journal.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    code, report = verify(db)
    assert code == 5 and not report["ok"]
    assert any(e.startswith("changes.jsonl") and found in e for e in errors(report)), errors(report)


def test_a_version_tally_is_of_the_versions_alone_whatever_their_order():
    """The journal and the data files are compared by their tallies first (verify.VersionTally):
    equal for the same versions in any order, different for any version changed, added, doubled
    or taken away."""
    versions = [("paper", f"GB.{n}/1", n % 3 + 1, n + 1, f"{n:064x}") for n in range(40)]

    def tally(items):
        counted = VersionTally()
        for item in items:
            counted.add(*item)
        return counted

    assert tally(versions) == tally(reversed(versions)) == tally(sorted(versions, key=lambda v: v[4][::-1]))
    assert tally(versions) != tally(versions[:-1])
    assert tally(versions) != tally(versions + versions[:1])
    assert tally(versions[:2] * 2) != tally(versions[2:4] * 2)
    for field in range(5):
        changed = list(versions)
        original = changed[7]
        value = original[field]
        changed[7] = original[:field] + ((value + 1) if isinstance(value, int) else value + "x",) + original[field + 1:]
        assert tally(changed) != tally(versions), field
    exchanged = list(versions)  # two versions' hashes exchanged: each version is another now
    exchanged[1] = versions[1][:4] + versions[2][4:]
    exchanged[2] = versions[2][:4] + versions[1][4:]
    assert tally(exchanged) != tally(versions)


def test_seq_numbers_are_checked_as_they_come_and_gaps_or_doubles_named():
    """check_seq reads the seq numbers in order (a PostgreSQL cursor brings them so) and keeps none."""
    assert check_seq(iter([None, 1, 2, 3])) == []
    (gap,) = check_seq(iter([1, 3, 4, 7] + list(range(20, 40))))
    assert "gaps ([2, 5, 6, 8, 9, 10, 11, 12, 13, 14])" in gap.problem
    (doubled,) = check_seq(iter([1, 2, 2, 3]))
    assert "same seq number" in doubled.problem


def test_a_flipped_bit_in_an_attachment_backs_up_the_rest_and_attaching_again_repairs(db, tmp_path):
    original = tmp_path / "minutes.pdf"
    original.write_bytes(b"%PDF-1.4 minutes of the 316th Session " * 50)
    evidence = json.loads(cli(db, "list", "evidence", "--json").stdout)[0]["id"]
    attached = cli(db, "attach", str(original), "--evidence", evidence, "--why", "the file")
    assert attached.returncode == 0, attached.stderr
    blob = next(p for p in (db / "blobs").rglob("*") if p.is_file())
    damaged = bytearray(blob.read_bytes())
    damaged[10] ^= 0x01
    blob.write_bytes(bytes(damaged))
    code, report = verify(db)
    assert code == 5 and any("damaged" in e for e in errors(report))
    result = cli(db, "backup", str(tmp_path / "b.json"))
    assert result.returncode == 4 and "without 1 damaged attachment" in result.stderr
    assert len(json.loads((tmp_path / "b.json").read_text())["versions"]) == DEMO_VERSIONS + 1
    again = cli(db, "attach", str(original), "--evidence", evidence, "--why", "repair")
    assert again.returncode == 0, again.stderr
    assert blob.read_bytes() == original.read_bytes()
    assert verify(db)[0] == 0


def test_verify_docx_tells_an_export_that_matches_from_one_edited_or_forged(db, tmp_path):
    out = tmp_path / "paper.docx"
    assert cli(db, "export", seed.PAPER_ID, "--out", str(out)).returncode == 0
    checked = cli(db, "verify-docx", str(out), "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["content_matches"]
    assert {p["record"] for p in json.loads(checked.stdout)["parts"]} >= {f"decision:{seed.DECISION_ID}"}
    import io
    import zipfile
    with zipfile.ZipFile(out) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace("南南".encode(), "北北".encode(), 1)
    edited = tmp_path / "edited.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    edited.write_bytes(buffer.getvalue())
    result = cli(db, "verify-docx", str(edited))
    assert result.returncode == 5 and "edited after export" in result.stdout
    edit_version(db, "decision", seed.DECISION_ID, 1, lambda d: d["data"].__setitem__("text", "Forged."))
    result = cli(db, "verify-docx", str(out))
    assert result.returncode == 5 and "altered" in result.stdout
    not_docx = tmp_path / "x.docx"
    not_docx.write_text("hello")
    assert cli(db, "verify-docx", str(not_docx)).returncode == 2


# -- hostile backups ------------------------------------------------------------------------------
@pytest.fixture
def backup(db, tmp_path) -> dict:
    path = tmp_path / "good.json"
    assert cli(db, "backup", str(path)).returncode == 0
    return json.loads(path.read_text())


def _first(backup: dict, kind: str, record_id: str, version: int = 1) -> dict:
    return next(d for d in backup["versions"] if d["kind"] == kind and d["id"] == record_id and d["version"] == version)


HOSTILE = {
    "authors and times out of order": lambda b: _first(b, "strategy", seed.STRATEGY_ID, 2).__setitem__(
        "recorded_at", "2000-01-01T00:00:00.000000Z"),
    "based_on pointing nowhere": lambda b: _first(b, "strategy", seed.STRATEGY_ID, 2).__setitem__("based_on", 7),
    "a tombstone as version 1": lambda b: _first(b, "paper", seed.PAPER_ID).__setitem__("deleted", True),
    "an impossible time": lambda b: _first(b, "paper", seed.PAPER_ID).__setitem__(
        "recorded_at", "9999-99-99T99:99:99.999999Z"),
    "paper data {}": lambda b: _first(b, "paper", seed.PAPER_ID).__setitem__("data", {}),
    "a data id unlike the record id": lambda b: _first(b, "decision", seed.DECISION_ID)["data"].__setitem__(
        "id", "GB.316/POL/5:D9"),
    "an id with NUL": lambda b: _first(b, "decision", seed.DECISION_ID).__setitem__("id", "D\u00001"),
    "an id that climbs out": lambda b: _first(b, "decision", seed.DECISION_ID).__setitem__("id", "../../etc/passwd"),
    "an unknown kind": lambda b: _first(b, "decision", seed.DECISION_ID).__setitem__("kind", "report"),
    "a version edited": lambda b: _first(b, "strategy", seed.STRATEGY_ID)["data"].__setitem__("title", "Forged"),
    "a middle version removed": lambda b: b["versions"].remove(_first(b, "indicator", seed.IND_PARTNERSHIPS, 1)),
    "a record removed": lambda b: b["versions"].remove(_first(b, "indicator", seed.IND_PARTNERSHIPS, 2)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_backup_is_refused_whole_with_its_problems(backup, tmp_path, name):
    forged = copy.deepcopy(backup)
    HOSTILE[name](forged)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged, ensure_ascii=False))
    target = tmp_path / "target"
    result = cli(target, "restore", str(path))
    assert result.returncode == 4 and "nothing was restored" in result.stderr and "problem" in result.stderr, \
        result.stderr
    assert not (target / "shards").exists() and cli(target, "list", "--json").stdout.strip() == "[]"
    good = tmp_path / "good.json"
    assert cli(target, "restore", str(good)).returncode == 0  # the target is still usable


# -- two clocks ------------------------------------------------------------------------------------
def test_backdating_shows_and_as_recorded_answers_what_the_record_said(db):
    before = json.loads(cli(db, "get", "indicator", seed.IND_MEETINGS, "--as-of", "2012-06-01").stdout)
    recorded_on = json.loads(cli(db, "get", "indicator", seed.IND_MEETINGS).stdout)["_meta"]["recorded_at"][:10]
    changed = dict(json.loads(cli(db, "get", "indicator", seed.IND_MEETINGS).stdout), text="Back-dated wording")
    result = cli(db, "put", "-", "--why", "back-dated", "--effective-from", "2012-01-01",
                 stdin=json.dumps(changed))
    assert result.returncode == 0, result.stderr
    now = json.loads(cli(db, "get", "indicator", seed.IND_MEETINGS, "--as-of", "2012-06-01").stdout)
    assert now["text"] == "Back-dated wording" != before["text"]
    then = json.loads(cli(db, "get", "indicator", seed.IND_MEETINGS, "--as-of", "2012-06-01",
                          "--as-recorded", "2000-01-01").stdout or "{}")
    assert then == {}  # nothing had been recorded by then
    as_recorded = cli(db, "get", "indicator", seed.IND_MEETINGS, "--as-recorded", recorded_on)
    assert json.loads(as_recorded.stdout)["text"] == "Back-dated wording"  # same day: both versions count
    history = cli(db, "history", "indicator", seed.IND_MEETINGS).stdout
    assert "[back-dated]" in history.splitlines()[-1]
