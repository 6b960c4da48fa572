"""How big one version may be: the limits that keep every save fast and every input parseable.

Why: nothing else bounds what a version holds. A 200 MB title is accepted and then makes every
other save in its shard take seconds (a shard is rewritten whole on each save); JSON nested
100,000 deep exhausts Python's recursion; a 5,000-digit integer exceeds Python's int-string limit;
``1e400`` is infinity, which JSON cannot write back. Each of these is refused here, before anything
is written, with a sentence naming the limit and the environment variable that raises it.

``parse_json_bytes`` reads untrusted JSON (the CLI's input) with the size and depth checked
*before* Python builds the objects; ``check_json_limits`` checks a value already in memory (the
store calls it on every save, so the app and the CLI are held to the same limits).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from typing import NoReturn

from .errors import ValidationError

# The compact JSON of a version is at most this many times smaller than a file laid out for
# reading (indentation, the id and version beside the data): a first, cheap bound before parsing.
_LAYOUT_ALLOWANCE = 4
# A string runs to its closing quote or, unterminated, to the end: possessive and always
# consuming, so hostile input (many escaped quotes, no closing one) is scanned in linear time.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.|\\\Z)*+(?:"|\Z)', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # what json.dumps writes as an escape (ensure_ascii=False)
_LOG10_2 = math.log10(2)


@dataclass(frozen=True)
class Limit:
    """One limit: its default, the environment variable that changes it, and how people read it."""

    env: str
    default: int
    what: str  # "a version's JSON may be at most {value}" — completed with the value
    unit: str = ""
    ceiling: int = 10**9

    @property
    def value(self) -> int:
        """The environment variable if it is a whole number from 1 to the ceiling, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if re.fullmatch(r"[0-9]{1,10}", raw) and 0 < int(raw) <= self.ceiling:
            return int(raw)
        return self.default

    def refusal(self, found: str) -> str:
        shown = f"{self.value:,}{self.unit}"
        return f"{found}; {self.what} {shown} (set {self.env} to raise the limit)"


VERSION_KB = Limit("SSTC_MAX_VERSION_KB", 2048, "a version's JSON may be at most", " KB")
TEXT_CHARS = Limit("SSTC_MAX_TEXT_CHARS", 200_000, "a text may be at most", " characters")
JSON_DEPTH = Limit("SSTC_MAX_JSON_DEPTH", 64, "JSON may be nested at most", " levels deep")
JSON_ITEMS = Limit("SSTC_MAX_JSON_ITEMS", 100_000, "a version may hold at most", " values")
# Python itself refuses to read integers of more than 4,300 digits: the ceiling.
INT_DIGITS = Limit("SSTC_MAX_INT_DIGITS", 30, "a whole number may have at most", " digits", ceiling=4300)


def max_version_bytes() -> int:
    return VERSION_KB.value * 1024


def max_input_bytes() -> int:
    """The most JSON input worth reading: a version within the limit, laid out for reading."""
    return max_version_bytes() * _LAYOUT_ALLOWANCE


def check_json_limits(value: object, field: str = "") -> None:
    """Refuse ``value``, naming the first limit it breaks and where, unless it is JSON within the limits.

    JSON here means None, bool, int, finite float, str without lone surrogates, list and dict
    with str keys. The size counted is that of the compact UTF-8 JSON
    (``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``), computed while walking,
    so an oversized value is refused without first being serialised whole. Iterative, so no
    depth of nesting can exhaust the stack.
    """
    max_bytes, max_text, max_depth = max_version_bytes(), TEXT_CHARS.value, JSON_DEPTH.value
    max_items, max_digits = JSON_ITEMS.value, INT_DIGITS.value
    size = items = 0
    stack: list[tuple[object, str, int]] = [(value, field, 1)]
    while stack:
        node, path, depth = stack.pop()
        items += 1
        if items > max_items:
            _refuse(field, JSON_ITEMS.refusal(f"it holds more than {max_items:,} values"))
        if isinstance(node, str):
            if len(node) > max_text:
                _refuse(path, TEXT_CHARS.refusal(f"the text is {len(node):,} characters long"))
            if _SURROGATE.search(node):
                _refuse(path, "the text contains a lone surrogate (a broken character, e.g. from text that "
                              "was not UTF-8); type or paste it again")
            size += _string_size(node)
        elif node is None or isinstance(node, bool):
            size += 4 if node in (None, True) else 5
        elif isinstance(node, int):
            if node.bit_length() * _LOG10_2 > max_digits + 1:  # too long to even write out cheaply
                _refuse(path, INT_DIGITS.refusal(f"the number has about {int(node.bit_length() * _LOG10_2):,} digits"))
            digits = str(node)
            if len(digits.lstrip("-")) > max_digits:
                _refuse(path, INT_DIGITS.refusal(f"the number has {len(digits.lstrip('-')):,} digits"))
            size += len(digits)
        elif isinstance(node, float):
            if not math.isfinite(node):
                _refuse(path, f"{node} is not a finite number; give a number such as 5 or 2.5")
            size += len(repr(node))
        elif isinstance(node, (list, tuple, dict)):
            if depth > max_depth:
                _refuse(path, JSON_DEPTH.refusal(f"it is nested more than {max_depth} levels deep"))
            if items + len(stack) + len(node) > max_items:  # before queueing a huge container's items
                _refuse(field, JSON_ITEMS.refusal(f"it holds more than {max_items:,} values"))
            size += 2 + max(len(node) - 1, 0)
            if isinstance(node, dict):
                for key, child in node.items():
                    if not isinstance(key, str):
                        _refuse(path, f"the key {key!r} is not text; JSON keys are always text")
                    stack.append((key, path, depth + 1))
                    stack.append((child, _join(path, key), depth + 1))
                    size += 1  # the colon
                items -= len(node)  # a key and its value count as one value
            else:
                stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(node))
        else:
            _refuse(path, f"a value of type {type(node).__name__} cannot be kept as JSON")
        if size > max_bytes:
            _refuse(field, VERSION_KB.refusal(f"the record is more than {max_bytes // 1024:,} KB as JSON"))


def parse_json_bytes(data: bytes, source: str) -> object:
    """The JSON in ``data`` (UTF-8, from ``source`` as the user named it), within the limits.

    Checked in the order that keeps a hostile input cheap: its size in bytes; that it is UTF-8;
    the nesting depth and number of values, by counting brackets and commas outside strings (no
    objects built yet); then the parse itself, with integers' digits counted before ``int()`` and
    non-finite numbers refused; finally ``check_json_limits`` on the result.
    """
    limit = max_input_bytes()
    if len(data) > limit:
        _refuse("file", VERSION_KB.refusal(f"{source} is larger than {limit:,} bytes, more than a version within "
                                           "the limit takes even laid out for reading"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _refuse("file", f"{source} is not UTF-8 text (byte {error.start + 1} cannot be read); save it as UTF-8")
    _check_structure(data, source)
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as error:
        _refuse("file", f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}")
    except (RecursionError, ValueError) as error:  # belt and braces: the scan above should have caught it
        _refuse("file", f"{source} cannot be read as JSON ({type(error).__name__}); check it is what `get` prints")
    check_json_limits(value)
    return value


def _check_structure(data: bytes, source: str) -> None:
    """Depth and number of values from the brackets and commas outside strings.

    Every comma separates two values and every opening bracket is a value itself, so their count
    never exceeds the number of values ``check_json_limits`` counts: nothing acceptable is refused.
    """
    structure = _STRING.sub(b'""', data)
    max_depth, max_items = JSON_DEPTH.value, JSON_ITEMS.value
    openings = structure.count(b"[") + structure.count(b"{")
    if structure.count(b",") + openings > max_items:
        _refuse("file", JSON_ITEMS.refusal(f"{source} holds more than {max_items:,} values"))
    if structure.count(b"]") + structure.count(b"}") > openings:
        return  # unbalanced: not JSON, and the parser says where
    depth = 0
    for bracket in _BRACKETS.findall(structure):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > max_depth:
            _refuse("file", JSON_DEPTH.refusal(f"{source} is nested more than {max_depth} levels deep"))


def _parse_int(digits: str) -> int:
    count = len(digits.lstrip("-"))
    if count > INT_DIGITS.value:
        _refuse("file", INT_DIGITS.refusal(f"a number in the file has {count:,} digits"))
    return int(digits)


def _parse_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        _refuse("file", f"the number {text[:40]} is too large to be kept; give a number within ±1.8e308")
    return number


def _parse_constant(name: str) -> NoReturn:
    _refuse("file", f"{name} is not a number JSON can keep; give a number such as 5 or 2.5")


def _string_size(text: str) -> int:
    """Bytes of ``text`` as a compact JSON string: quotes, escapes and UTF-8 (fast when nothing is escaped)."""
    if _ESCAPED.search(text):
        return len(json.dumps(text, ensure_ascii=False).encode("utf-8"))
    return len(text) + 2 if text.isascii() else len(text.encode("utf-8")) + 2


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationError(message, field=field)
