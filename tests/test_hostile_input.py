"""The CLI against hostile input: each case is refused with exit 2 (or 4 for a database that cannot
be used) and a message, never a traceback or an internal error, and the database is left as it was.

Each test drives the real command line in a subprocess, as a script would, against its own copy of
the demo database, and compares every file of the database (path, size, content hash) before and
after. Each is bounded in time; nothing large is held in the test's memory or written to disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDICATOR = "SSTC-2012/O1/A"
EVIDENCE = "EV-SSC-17-3"
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}
ENV.pop("SSTC_DEBUG", None)


def cli(db: Path, *args: str | bytes, stdin: bytes | None = None, env: dict | None = None,
        user: list[str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sstc_docs", "--db", str(db), *args]
    return subprocess.run((user or []) + command, cwd=ROOT, input=stdin, capture_output=True, timeout=10,
                          env={**ENV, **(env or {})})


def files(db: Path) -> dict[str, tuple[int, str]]:
    """Every file in the database folder, with its size and SHA-256: what "unchanged" means."""
    return {str(path.relative_to(db)): (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(db.rglob("*")) if path.is_file()}


def assert_refused(result: subprocess.CompletedProcess, code: int, *phrases: str) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, (result.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert 0 < len(err.strip().splitlines()) <= 3, err  # a heading and one sentence, not a dump
    for phrase in phrases:
        assert phrase in err, err
    return err


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "db"
    subprocess.run([sys.executable, "-m", "sstc_docs", "--db", str(path), "demo"], cwd=ROOT, check=True,
                   capture_output=True, timeout=60, env=ENV)
    return path


@pytest.fixture
def db(demo_db, tmp_path) -> Path:
    copy = tmp_path / "db"
    shutil.copytree(demo_db, copy)
    return copy


@pytest.fixture
def indicator_text(db) -> str:
    """The indicator as `get` prints it, ready to be edited and given back to `put`."""
    result = cli(db, "get", "indicator", INDICATOR)
    assert result.returncode == 0
    return result.stdout.decode()


def with_target(text: str, number: str) -> bytes:
    record = json.loads(text)
    record["target"]["value"] = 0
    return json.dumps(record, ensure_ascii=False).replace('"value": 0', f'"value": {number}', 1).encode()


def put_refused(db: Path, payload: bytes, *phrases: str) -> str:
    before = files(db)
    err = assert_refused(cli(db, "put", "-", "--why", "test", stdin=payload), 2, *phrases)
    assert files(db) == before
    return err


def test_json_nested_100000_deep_is_refused_before_parsing(db):
    put_refused(db, b"[" * 100_000 + b"]" * 100_000, "nested more than 64 levels", "SSTC_MAX_JSON_DEPTH")


def test_a_5000_digit_integer_is_refused(db, indicator_text):
    put_refused(db, with_target(indicator_text, "9" * 5000), "5,000 digits", "SSTC_MAX_INT_DIGITS")


@pytest.mark.parametrize("number", ["1" + "0" * 400, "1e400", "-1E400", "NaN", "Infinity"])
def test_a_target_of_ten_to_the_400_or_not_a_number_is_refused(db, indicator_text, number):
    put_refused(db, with_target(indicator_text, number))


def test_non_utf8_bytes_on_stdin_are_refused(db, indicator_text):
    payload = indicator_text.replace("两项新的计划", "\udcff").encode("utf-8", "surrogateescape")
    put_refused(db, payload, "not UTF-8")
    put_refused(db, b"\xff\xfe{}", "not UTF-8")


def test_an_escaped_lone_surrogate_is_refused(db, indicator_text):
    put_refused(db, indicator_text.replace("两项新的计划", "\\ud800").encode(), "lone surrogate")


@pytest.mark.parametrize("option", ["--why"])
def test_non_utf8_why_is_refused(db, indicator_text, tmp_path, option):
    source = tmp_path / "indicator.json"
    source.write_text(indicator_text, encoding="utf-8")
    values = {"--why": b"test"}
    values[option] = b"caf\xe9"  # Latin-1, as an old terminal sends it
    before = files(db)
    result = cli(db, "put", str(source), *(part for pair in values.items() for part in (pair[0].encode(), pair[1])))
    assert_refused(result, 2, option.lstrip("-"), "UTF-8")
    assert files(db) == before


def test_an_oversized_input_is_refused_without_being_read_whole(db, tmp_path):
    """A 200 MB title would make every later save of its shard slow: the input is refused on its
    size alone (sparse file, read no further than the limit), and a long title by the text limit."""
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as file:
        file.write(b'{"kind": "paper", "title": "')
        file.truncate(200 * 1024 * 1024)
    before = files(db)
    assert_refused(cli(db, "put", str(huge), "--why", "test"), 2,
                   "larger than", "SSTC_MAX_VERSION_KB")
    assert files(db) == before


def test_a_title_over_the_text_limit_is_refused_and_the_limit_can_be_raised(db):
    paper = json.loads(cli(db, "get", "paper", "GB.316/POL/5").stdout)
    paper["title"] = "x" * 300_000
    payload = json.dumps(paper).encode()
    put_refused(db, payload, "300,000 characters", "200,000", "SSTC_MAX_TEXT_CHARS")
    before = files(db)
    result = cli(db, "put", "-", "--why", "test", stdin=payload,
                 env={"SSTC_MAX_TEXT_CHARS": "100"})
    assert_refused(result, 2, "at most 100 characters")
    assert files(db) == before


def test_a_1_gb_attachment_is_refused_unread(db, tmp_path):
    """Sparse, so it costs no disk; the CLI runs under a wrapper that reports its peak memory."""
    big = tmp_path / "big.bin"
    with open(big, "wb") as file:
        file.truncate(1024**3)
    wrapper = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
               "sys.stderr.buffer.write(done.stderr)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.exit(done.returncode)\n")
    before = files(db)
    result = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "sstc_docs", "--db", str(db),
                             "attach", str(big), "--evidence", EVIDENCE, "--why", "test"],
                            cwd=ROOT, capture_output=True, timeout=10, env=ENV)
    assert_refused(result, 2, "1 GB", "50 MB", "SSTC_MAX_UPLOAD_MB")
    assert int(result.stdout) < 150 * 1024  # KB: the interpreter and the app, not the file
    assert files(db) == before


def test_attaching_the_file_again_repairs_a_damaged_copy(db, tmp_path):
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.4 " + os.urandom(200_000))
    assert cli(db, "attach", str(source), "--evidence", EVIDENCE, "--why", "file").returncode == 0
    (blob,) = [p for p in (db / "blobs").rglob("*") if p.is_file()]
    damaged = bytearray(blob.read_bytes())
    damaged[100] ^= 0xFF  # same size, different content
    blob.write_bytes(damaged)
    out = tmp_path / "back.pdf"
    assert_refused(cli(db, "download", EVIDENCE, "--out", str(out)), 4, "damaged", "Attach the original file again")
    assert cli(db, "attach", str(source), "--evidence", EVIDENCE, "--why", "repair").returncode == 0
    assert cli(db, "download", EVIDENCE, "--out", str(out)).returncode == 0
    assert out.read_bytes() == source.read_bytes()


def test_a_lock_that_is_a_folder_is_a_database_error_saying_what_to_do(db, indicator_text):
    (db / ".lock").unlink()
    (db / ".lock").mkdir()
    before = files(db)
    result = cli(db, "put", "-", "--why", "test", stdin=with_target(indicator_text, "3"))
    assert_refused(result, 4, "is a folder", "rmdir")
    assert files(db) == before
    assert cli(db, "list").returncode == 0  # reading does not need the lock


def _nobody() -> list[str]:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run the CLI as a user without write access")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_db(demo_db) -> Path:
    """A copy of the demo database that another user can read (pytest's own folders are private)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    shutil.copytree(demo_db, folder / "db")
    yield folder / "db"
    shutil.rmtree(folder)


@pytest.mark.parametrize("case", ["unreadable lock", "read-only folder"])
def test_a_database_you_may_not_write_is_a_database_error(shared_db, indicator_text, case):
    user = _nobody()
    if case == "read-only folder":
        (shared_db / ".lock").chmod(0o666)  # the lock can be taken; nothing else can be written
    before = files(shared_db)
    result = cli(shared_db, "put", "-", "--why", "test", stdin=with_target(indicator_text, "3"),
                 user=user)
    assert_refused(result, 4, "ermission denied")
    assert files(shared_db) == before
    assert cli(shared_db, "list", user=user).returncode == 0


def test_get_into_a_closed_pipe_ends_quietly(db):
    process = subprocess.Popen([sys.executable, "-m", "sstc_docs", "--db", str(db), "get", "paper", "GB.316/POL/5"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    process.stdout.close()  # the reader is gone before the first byte is written
    _, err = process.communicate(timeout=10)
    assert err == b"" and process.returncode == 141


def test_get_piped_into_head_ends_quietly(db):
    command = (f"set -o pipefail; {sys.executable} -m sstc_docs --db '{db}' history paper GB.316/POL/5 --json "
               f"| head -c 10 >/dev/null; {sys.executable} -m sstc_docs --db '{db}' get paper GB.316/POL/5 "
               "| head -c 10")
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, timeout=10, env=ENV)
    assert result.stderr == b"" and result.returncode in (0, 141)
    assert len(result.stdout) == 10


def test_closed_stdin_is_refused(db):
    before = files(db)
    command = [sys.executable, "-m", "sstc_docs", "--db", str(db), "put", "-", "--why", "test"]
    result = subprocess.run(["bash", "-c", '"$@" <&-', "bash", *command], cwd=ROOT, capture_output=True,
                            timeout=10, env=ENV)
    assert_refused(result, 2, "standard input is closed")
    assert files(db) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to simulate a full disk")
@pytest.mark.parametrize("command", [["download", EVIDENCE], ["export", "GB.316/POL/5"]])
def test_an_output_that_cannot_be_written_is_refused(db, tmp_path, command):
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF-1.4 evidence")
    assert cli(db, "attach", str(source), "--evidence", EVIDENCE, "--why", "file").returncode == 0
    before = files(db)
    out = "/dev/full" if command[0] == "download" else str(tmp_path / "missing" / "x.docx")
    assert_refused(cli(db, *command, "--out", out), 2, "out:")
    assert files(db) == before
