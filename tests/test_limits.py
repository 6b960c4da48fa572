"""sstc_docs.limits: what a version may hold, checked exactly, cheaply and without recursion;
and the blob store's handling of files by path (streamed, verified by hash, repaired)."""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from sstc_docs.errors import ValidationError
from sstc_docs.limits import check_json_limits, parse_json_bytes
from sstc_docs.store.blobs import BlobStore, file_digest


def compact_size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@pytest.mark.parametrize("value", [
    {"title": "南南合作", "n": [1, -2.5, None, True, False, 10**20], "quote": "a\"b\\c\n\u0001", "empty": {}},
    ["é" * 300, [], [[[]]], {"k" * 100: {"x": 0.1}}],
])
def test_the_size_limit_is_the_compact_json_size_exactly(monkeypatch, value):
    size = compact_size(value)
    monkeypatch.setenv("SSTC_MAX_VERSION_KB", "1")
    padded = {"v": value, "pad": ""}
    padded["pad"] = "p" * (1024 - compact_size(padded))
    assert compact_size(padded) == 1024 and size < 1024
    check_json_limits(padded)
    padded["pad"] += "p"
    with pytest.raises(ValidationError, match=r"more than 1 KB.*SSTC_MAX_VERSION_KB"):
        check_json_limits(padded)


@pytest.mark.parametrize("value, message", [
    ({"title": "x" * 200_001}, r"^title: the text is 200,001 characters long; a text may be at most 200,000"),
    ({"a": {"b": "\ud800"}}, r"^a\.b: the text contains a lone surrogate"),
    ({"target": 10**30}, r"^target: the number has 31 digits"),
    ({"target": -(10**5000)}, r"about 5,000 digits"),
    ({"target": float("inf")}, r"not a finite number"),
    ({"target": float("nan")}, r"not a finite number"),
    ({1: "x"}, r"the key 1 is not text"),
    ({"when": object()}, r"^when: a value of type object cannot be kept as JSON"),
    (list(range(100_001)), r"more than 100,000 values.*SSTC_MAX_JSON_ITEMS"),
])
def test_values_beyond_a_limit_are_refused_naming_the_field(value, message):
    with pytest.raises(ValidationError, match=message):
        check_json_limits(value)


def nested(levels: int) -> list:
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_depth_is_checked_without_recursion():
    with pytest.raises(ValidationError, match="nested more than 64 levels deep"):
        check_json_limits(nested(100_000))
    shallow = nested(64)
    check_json_limits(shallow)  # 64 levels: the limit itself is allowed
    assert parse_json_bytes(json.dumps(shallow).encode(), "x") == shallow


def test_limits_are_raised_by_environment_variables_and_bad_values_ignored(monkeypatch):
    monkeypatch.setenv("SSTC_MAX_TEXT_CHARS", "300000")
    check_json_limits({"title": "x" * 250_000})
    monkeypatch.setenv("SSTC_MAX_INT_DIGITS", "99999")  # above Python's own 4,300: the default holds
    with pytest.raises(ValidationError, match="at most 30 digits"):
        check_json_limits(10**40)
    for bad in ("0", "-5", "2e3", "²", "lots"):
        monkeypatch.setenv("SSTC_MAX_JSON_DEPTH", bad)
        with pytest.raises(ValidationError, match="at most 64 levels"):
            check_json_limits(nested(65))


@pytest.mark.parametrize("data, message", [
    (b"[" * 100_000 + b"]" * 100_000, "nested more than 64 levels"),
    (b"[" + b"9" * 5000 + b"]", "5,000 digits"),
    (b"[1e400]", "too large to be kept"),
    (b"[-Infinity]", "-Infinity is not a number"),
    (b'{"a": "\xff"}', r"not UTF-8 text \(byte 8"),
    (b"[" + b"0," * 100_000 + b"0]", "more than 100,000 values"),
    (b'{"a": 1,}', "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 9"),
    (b" " * (8 * 1024 * 1024 + 1), "larger than 8,388,608 bytes"),
])
def test_parse_refuses_hostile_json_cheaply(data, message):
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=message):
        parse_json_bytes(data, "in.json")
    assert time.perf_counter() - started < 1


def test_parse_is_linear_on_strings_that_never_close():
    """Many escaped quotes and no closing quote: a naive string pattern would take quadratic time."""
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="not valid JSON"):
        parse_json_bytes(b'["' + b'\\"' * 2_000_000, "in.json")
    assert time.perf_counter() - started < 1


def test_brackets_inside_strings_do_not_count_and_a_byte_order_mark_is_allowed():
    value = {"text": "[[[[" * 1000 + "\\\"{{{{", "n": 1}
    assert parse_json_bytes(b"\xef\xbb\xbf" + json.dumps(value).encode(), "in.json") == value


def test_a_file_is_stored_by_path_and_a_damaged_copy_is_repaired(tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF " * 300_000)  # larger than one chunk
    sha = blobs.put(source)
    assert sha == hashlib.sha256(source.read_bytes()).hexdigest() and blobs.read(sha) == source.read_bytes()
    stored = blobs.path(sha)
    mtime = stored.stat().st_mtime_ns
    assert blobs.put(source) == sha and stored.stat().st_mtime_ns == mtime  # intact: not rewritten
    stored.write_bytes(b"X" + stored.read_bytes()[1:])  # same size, different content
    assert blobs.put(source.read_bytes()) == sha  # bytes repair it too
    assert blobs.read(sha) == source.read_bytes()
    stored.write_bytes(b"X" + stored.read_bytes()[1:])
    assert blobs.put(source) == sha and blobs.read(sha) == source.read_bytes()
    assert not list(tmp_path.rglob("*.tmp"))


def test_hashing_a_file_stops_once_it_is_over_the_limit(tmp_path):
    """What guards attach when stat under-reports (a file growing while it is read)."""
    sparse = tmp_path / "big.bin"
    with open(sparse, "wb") as file:
        file.truncate(1024**3)
    started = time.perf_counter()
    _, read = file_digest(sparse, max_bytes=1024 * 1024)
    assert 1024 * 1024 < read <= 2 * 1024 * 1024 and time.perf_counter() - started < 1
