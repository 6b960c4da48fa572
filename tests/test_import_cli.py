"""``python -m sstc_docs import``: the dry-run review, refusals with exit 2, and saving (new, round trip,
conflict) — run as a script would run it, one process per command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.word import export_docx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_docs import foreign_paper, rewrite  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def cli(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sstc_docs", "--db", str(db), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore", **env})


def papers(db: Path) -> list[dict]:
    return json.loads(cli(db, "list", "paper", "--json").stdout or "[]")


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    made = {"demo": export_docx(demo_bundle()), "typed": foreign_paper("zh", numbering="typed"),
            "pdf": b"%PDF-1.7\n", "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600}
    made["nosymbol"] = rewrite(made["typed"], "GB.320/POL/3", "(symbol to follow)")
    paths = {}
    for name, data in made.items():
        paths[name] = tmp_path / f"{name}.docx"
        paths[name].write_bytes(data)
    return paths


def test_dry_run_prints_the_structure_and_the_plan_and_writes_nothing(tmp_path, files):
    db = tmp_path / "db"
    result = cli(db, "import", str(files["typed"]), "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("symbol: GB.320/POL/3", "agenda_item: 3", "purpose: 提出战略的指标", "  1. 理事会于 2012 年",
                     "[^1] 理事会文件 GB.313/PV", "framework table, outcome 1", "new indicator (A): 新计划的数目。",
                     "draft decision GB.320/POL/3:D1: 理事会：", "  (a) 批准成果 1 的新指标",
                     "901 insertion by Ana Lopez", "Reviewer One", "a drawing or picture",
                     "paper GB.320/POL/3: new, version 1", "strategy FW:GB.320/POL/3: new, version 1"):
        assert expected in out, expected
    assert "nothing was written" in result.stderr
    assert papers(db) == []


@pytest.mark.parametrize("name, sentence", [
    ("pdf", "not a zip package"),
    ("ole2", "OLE2 compound file (signature D0 CF 11 E0)"),
    ("nosymbol", "no document symbol"),
])
def test_bad_input_exits_2_with_the_reason(tmp_path, files, name, sentence):
    result = cli(tmp_path / "db", "import", str(files[name]), "--dry-run")
    assert result.returncode == 2 and sentence in result.stderr and "refused, nothing was written" in result.stderr


def test_the_upload_limit_comes_from_the_environment(tmp_path, files):
    result = cli(tmp_path / "db", "import", str(files["typed"]), "--dry-run", SSTC_MAX_UPLOAD_MB="0.01")
    assert result.returncode == 2 and "over the upload limit of 10.2 KB (SSTC_MAX_UPLOAD_MB)" in result.stderr


def test_a_symbol_supplied_by_the_user_is_used(tmp_path, files):
    result = cli(tmp_path / "db", "import", str(files["nosymbol"]), "--dry-run", "--symbol", "GB.320/POL/3")
    assert result.returncode == 0 and "symbol: GB.320/POL/3" in result.stdout


def test_an_unknown_tracked_change_id_is_refused(tmp_path, files):
    result = cli(tmp_path / "db", "import", str(files["typed"]), "--dry-run", "--accept", "77")
    assert result.returncode == 2 and "no tracked change has the id 77" in result.stderr


def test_import_saves_then_a_second_import_of_the_same_paper_is_a_conflict(tmp_path, files):
    db = tmp_path / "db"
    refused = cli(db, "import", str(files["typed"]))
    assert refused.returncode == 2 and "why" in refused.stderr and papers(db) == []
    saved = cli(db, "import", str(files["typed"]), "--why", "Paper received from PARDEV",
                "--accept", "901")
    assert saved.returncode == 0, saved.stderr
    assert "saved paper GB.320/POL/3 version 1" in saved.stderr and "original file kept as evidence" in saved.stderr
    assert [p["id"] for p in papers(db)] == ["GB.320/POL/3"]
    again = cli(db, "import", str(files["typed"]), "--why", "again")
    assert again.returncode == 3 and "already exists" in again.stderr
    assert [p["versions"] for p in papers(db)] == [1]


def test_an_exported_paper_edited_in_word_comes_back_as_the_next_version(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    exported = tmp_path / "paper.docx"
    assert cli(db, "export", "GB.316/POL/5", "--out", str(exported)).returncode == 0
    edited = tmp_path / "edited.docx"
    edited.write_bytes(rewrite(exported.read_bytes(), "本文件对成果 1", "本文件为成果 1"))
    dry = cli(db, "import", str(edited), "--dry-run")
    assert "paper GB.316/POL/5: version 2, based on version 1" in dry.stdout
    assert "strategy SSTC-2012: matched" in dry.stdout
    saved = cli(db, "import", str(edited), "--why", "Edits made in Word")
    assert saved.returncode == 0 and "saved paper GB.316/POL/5 version 2" in saved.stderr
    late = cli(db, "import", str(edited), "--why", "the same file again")
    assert late.returncode == 3 and "since you loaded version 1" in late.stderr
