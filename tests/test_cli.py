"""The command line from outside, as a script would use it: exit codes, messages, nothing written on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sstc_docs.services.accounts import os_login

ROOT = Path(__file__).resolve().parents[1]
#: In local mode (the default) the command line acts as the operating system's user.
LOCAL = os_login()


def cli(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sstc_docs", "--db", str(db), *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore", "SSTC_AUTH": "local"})


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "db"
    assert cli(path, "demo").returncode == 0
    return path


def _count_versions(db: Path) -> int:
    result = cli(db, "list", "paper", "--json")
    return sum(row["versions"] for row in json.loads(result.stdout))


def test_demo_twice_changes_nothing(db):
    result = cli(db, "demo")
    assert result.returncode == 0 and "nothing changed" in result.stdout
    assert "already holds records" in cli(db, "demo", "--if-empty").stdout


def test_list_papers_and_other_kinds(db):
    rows = json.loads(cli(db, "list", "--json").stdout)
    assert [(r["symbol"], r["status"]) for r in rows] == [("GB.316/POL/5", "issued")]
    text = cli(db, "list", "indicator").stdout
    assert "SSTC-2012/O1/A" in text and "(A)" in text


def test_get_prints_record_with_id_and_version(db):
    record = json.loads(cli(db, "get", "paper", "GB.316/POL/5").stdout)
    assert record["id"] == "GB.316/POL/5" and record["version"] >= 1 and record["kind"] == "paper"
    assert record["front_matter"]["author_unit"] == "伙伴关系和发展合作司(PARDEV)。"
    old = json.loads(cli(db, "get", "strategy", "SSTC-2012", "--as-of", "2012-06-01").stdout)
    assert old["version"] == 1
    assert [i["id"] for i in old["framework"]["outcomes"][0]["indicators"]] == ["SSTC-2012/O1/I1"]


def test_put_round_trip_conflict_and_invalid(db, tmp_path):
    record = json.loads(cli(db, "get", "paper", "GB.316/POL/5").stdout)
    base = record["version"]
    record["body"][2]["text"] += " CLI-EDIT"
    refused = cli(db, "put", "-", "--why", "test edit", stdin=json.dumps(record, ensure_ascii=False))
    assert refused.returncode == 2 and "GB.316/POL/5 is issued" in refused.stderr  # so the edit is its revision:
    record.update(symbol="GB.316/POL/5(Rev.)", status="draft")
    path = tmp_path / "paper.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    saved = cli(db, "put", str(path), "--why", "test edit")
    assert saved.returncode == 0 and saved.stdout.strip() == str(base + 1)
    again = cli(db, "put", str(path), "--why", "stale")
    assert again.returncode == 3 and f"was changed by {LOCAL}" in again.stderr
    versions = _count_versions(db)
    record["version"] = base + 1
    record["symbol"] = "GB.316/XYZ/5"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    bad = cli(db, "put", str(path), "--why", "x")
    assert bad.returncode == 2 and "unknown section 'XYZ'" in bad.stderr and "nothing was written" in bad.stderr
    assert _count_versions(db) == versions
    history = cli(db, "history", "paper", "GB.316/POL/5", "--json")
    assert [v["why"] for v in json.loads(history.stdout)][-1] == "test edit"


@pytest.mark.parametrize("args, stdin, message", [
    (("put", "-", "--why", "w"), "{not json", "is not valid JSON"),
    (("put", "-", "--why", "w"), '{"title": "x"}', 'add "kind"'),
    (("put", "-", "--why", " "), '{"kind": "strategy", "id": "S2", "title": "T"}', "give the reason"),
    (("put", "-", "--why", "w"), '{"kind": "indicator", "id": "I", "strategy_id": "SSTC-2012", '
     '"outcome": 1, "text": "t", "baseline": [1], "target": 2}', "not a number-with-unit or text"),
    (("put", "/nonexistent/file.json", "--why", "w"), None, "cannot read"),
    (("get", "paper", "GB.999/POL/1"), None, "not found"),
    (("get", "paper", "GB.316/POL/5", "--version", "99"), None, "not found"),
    (("get", "paper", "GB.316/POL/5", "--as-of", "31/12/2012"), None, "is not a date"),
    (("get", "memo", "X"), None, "invalid choice"),
    (("export", "GB.316/POL/5", "--out", "paper.pdf"), None, "should end in .docx"),
    (("export", "GB.316/POL/5", "--out", "/nonexistent/dir/p.docx"), None, "does not exist"),
    (("export", "GB.316/POL/5", "--out", "x.docx", "--template", "/nonexistent.docx"), None, "does not exist"),
    (("export", "GB.999/POL/1", "--out", "x.docx"), None, "not found"),
    (("restore", "/nonexistent/backup.json"), None, "cannot"),
])
def test_every_error_path_exits_2_with_a_message_and_writes_nothing(db, args, stdin, message):
    before = cli(db, "history", "paper", "GB.316/POL/5", "--json").stdout
    result = cli(db, *args, stdin=stdin)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert cli(db, "history", "paper", "GB.316/POL/5", "--json").stdout == before


def test_backup_restore_round_trip_is_identical(db, tmp_path):
    backup = tmp_path / "backup.json"
    assert cli(db, "backup", str(backup)).returncode == 0
    fresh = tmp_path / "fresh"
    assert cli(fresh, "restore", str(backup)).returncode == 0
    for kind, record_id in [("paper", "GB.316/POL/5"), ("strategy", "SSTC-2012"), ("indicator", "SSTC-2012/O2/I1"),
                            ("evidence", "EV-SSC-17-3")]:
        assert cli(fresh, "history", kind, record_id, "--json").stdout == cli(db, "history", kind, record_id, "--json").stdout
    refused = cli(fresh, "restore", str(backup))
    assert refused.returncode != 0 and "empty" in refused.stderr


def test_corrupt_database_names_the_file(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    shard = next(p for p in sorted((db / "shards").rglob("*.json")) if "paper" in str(p) and p.stat().st_size > 100)
    shard.write_text("{ torn", encoding="utf-8")
    result = cli(db, "get", "paper", "GB.316/POL/5")
    assert result.returncode == 4 and shard.name in result.stderr and "Traceback" not in result.stderr


def test_diff_shows_the_edit_between_two_versions(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    record = json.loads(cli(db, "get", "paper", "GB.316/POL/5").stdout)
    record["body"][2]["text"] = record["body"][2]["text"].replace("重新编写", "全面重写")
    record["front_matter"]["follow_up"] = "Report back in March 2013."
    record.update(symbol="GB.316/POL/5(Rev.)", status="draft")  # the demo's paper is issued: its revision
    assert cli(db, "put", "-", "--why", "wording",
               stdin=json.dumps(record, ensure_ascii=False)).returncode == 0
    text = cli(db, "diff", "paper", "GB.316/POL/5", "1", "2")
    assert text.returncode == 0
    assert "进行了{+全面+}重[-新编-]写。" in text.stdout  # character level: the minimal edit
    assert "front_matter.follow_up" in text.stdout
    result = json.loads(cli(db, "diff", "paper", "GB.316/POL/5", "1", "2", "--json").stdout)
    assert result["from"]["version"] == 1 and result["to"]["version"] == 2
    assert [b["status"] for b in result["diff"]["blocks"]].count("edited") == 1
    indicator = cli(db, "diff", "indicator", "SSTC-2012/O2/I1", "1", "2", "--json")
    paths = [c["path"] for c in json.loads(indicator.stdout)["diff"]["changes"]]
    assert any(p.startswith("revisions") for p in paths)
    missing = cli(db, "diff", "paper", "GB.316/POL/5", "1", "9")
    assert missing.returncode == 2 and "not found" in missing.stderr


def _docx_xml(path: Path, part: str = "word/document.xml") -> str:
    import zipfile
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def test_redline_and_indicator_report_and_export_as_of(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    record = json.loads(cli(db, "get", "paper", "GB.316/POL/5").stdout)
    record["body"][2]["text"] = record["body"][2]["text"].replace("重新编写", "全面重写")
    record.update(symbol="GB.316/POL/5(Rev.)", status="draft")  # the demo's paper is issued: its revision
    assert cli(db, "put", "-", "--why", "wording",
               stdin=json.dumps(record, ensure_ascii=False)).returncode == 0
    redline = tmp_path / "redline.docx"
    assert cli(db, "redline", "GB.316/POL/5", "--from", "1", "--to", "2", "--out", str(redline)).returncode == 0
    xml = _docx_xml(redline)
    assert f'w:author="{LOCAL}"' in xml and "<w:ins " in xml and "<w:del " in xml
    assert "GB.316/POL/5" in xml and "(Rev.)" in xml                   # the revision's symbol, tracked too
    same = cli(db, "redline", "GB.316/POL/5", "--from", "2", "--to", "2", "--out", str(redline))
    assert same.returncode == 2 and "two different versions" in same.stderr

    report = tmp_path / "report.docx"
    assert cli(db, "indicator-report", "SSTC-2012", "--out", str(report)).returncode == 0
    text = _docx_xml(report)
    assert "每年签署并实施五个新的伙伴关系。" in text and "GB.316/POL/5" in text

    early = tmp_path / "early.docx"
    assert cli(db, "export", "GB.316/POL/5", "--as-of", "2012-11-02", "--out", str(early)).returncode == 0
    assert "重新编写" in _docx_xml(early)  # the edit was recorded today, so 2012 still shows the issued text
    latest = tmp_path / "latest.docx"
    assert cli(db, "export", "GB.316/POL/5", "--out", str(latest)).returncode == 0
    assert "全面重写" in _docx_xml(latest)
    too_early = cli(db, "export", "GB.316/POL/5", "--as-of", "2011-01-01", "--out", str(early))
    assert too_early.returncode == 2 and "not found" in too_early.stderr


def test_an_unexpected_error_is_reported_without_a_traceback(monkeypatch, capsys, tmp_path):
    from sstc_docs import cli as cli_module
    from sstc_docs.cli import records

    def broken(args):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(records, "run_list", broken)
    monkeypatch.delenv("SSTC_DEBUG", raising=False)
    assert cli_module.main(["--db", str(tmp_path / "db"), "list"]) == 1
    message = capsys.readouterr().err
    assert "internal error (RuntimeError: simulated bug)" in message and "SSTC_DEBUG=1" in message
