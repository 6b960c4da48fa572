"""The catalog: the heads index of one kind saved to disk, so a cold open need not read shards.

It is a cache and nothing but a cache. Each shard's entry carries the signature and the content
digest of the shard its heads were taken from; on open, a shard whose file signature differs is
hashed, and read again only if its content differs too (so a copied folder opens from its
catalog: a copy changes inodes and often mtimes, never content). A missing, damaged, outdated or foreign catalog is ignored and rebuilt from the shards,
which are the only source of truth; that is never an error.

Why per kind: the evidence catalog (100,000 heads) is by far the largest; listing papers should
not have to parse it, and rewriting the paper catalog should not mean rewriting it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .atomic import Signature
from .index import Head, KindIndex, Summarize, collector_paused
from .storage import JSONFile, encode_json

CATALOG_FORMAT = 5


def summarizer_fingerprint(summarize: Summarize | None) -> str:
    """Identifies the summary hook, so summaries made by a different hook (or an edited one) are
    not served from the catalog: its name, bytecode, constants and names are hashed."""
    if summarize is None:
        return "none"
    name = f"{getattr(summarize, '__module__', '')}.{getattr(summarize, '__qualname__', type(summarize).__name__)}"
    code = getattr(summarize, "__code__", None)
    return hashlib.sha256(f"{name}\n{_code_text(code) if code else ''}".encode()).hexdigest()[:16]


def _code_text(code: Any) -> str:
    """Bytecode and constants as text that is the same in every process: frozensets are sorted
    (their order follows the per-process string hash seed) and nested code is described, not
    shown by its memory address."""
    def const(value: Any) -> str:
        if hasattr(value, "co_code"):
            return "code(" + _code_text(value) + ")"
        if isinstance(value, frozenset):
            return "frozenset(" + ",".join(sorted(const(v) for v in value)) + ")"
        if isinstance(value, tuple):
            return "(" + ",".join(const(v) for v in value) + ")"
        return repr(value)
    return f"{code.co_code.hex()}|{const(code.co_consts)}|{code.co_names}"


class CatalogFile(JSONFile):
    """The catalog's bytes: the SHA-256 of the JSON body on the first line, then the body. A hand
    edit that keeps the shards' signatures (so the file looks current) still changes the body, and
    the catalog is then rebuilt instead of believed. The checksum is of the bytes as written, so a
    cold open checks it at hashing speed instead of encoding 100,000 heads again to compare.

    An unreadable catalog is not a problem: it is reported as absent and then rebuilt."""

    def encode(self, content: Any) -> bytes:
        body = encode_json(content)
        return hashlib.sha256(body).hexdigest().encode() + b"\n" + body

    def decode(self, raw: bytes) -> Any:
        checksum, newline, body = raw.partition(b"\n")
        if not newline or checksum != hashlib.sha256(body).hexdigest().encode():
            raise ValueError("its checksum does not match its content")
        return json.loads(body)

    def unreadable(self, reason: str) -> Any:
        return None

    def problem_with(self, content: Any) -> str | None:
        if not isinstance(content, dict) or content.get("format") != CATALOG_FORMAT:
            return "not a catalog of this format"
        if not isinstance(content.get("shards"), dict):
            return "no shards"
        return None


class Catalog:
    """Reads a kind's catalog into a ``KindIndex`` and writes the index back."""

    def __init__(self, path: Path, kind: str, shard_count: int, summarize: Summarize | None):
        self.file = CatalogFile(path)
        self.kind = kind
        self.shard_count = shard_count
        self.fingerprint = summarizer_fingerprint(summarize)

    def load_into(self, index: KindIndex) -> bool:
        """Fill ``index`` from the catalog; False (index untouched) if there is no usable catalog."""
        with collector_paused():
            return self._load_into(index)

    def _load_into(self, index: KindIndex) -> bool:
        content = self.file.load()   # None when absent, damaged or edited by hand: rebuilt from the shards
        self.file.forget()
        if (content is None or content.get("kind") != self.kind or content.get("shard_count") != self.shard_count
                or content.get("summarizer") != self.fingerprint):
            return False
        keys = content.get("summary_keys") or []
        make = tuple.__new__  # Head(*row) costs a Python-level __new__ per head; 100,000 add up
        try:
            shards = []
            for number, entry in content["shards"].items():
                heads = []
                for row in entry["heads"]:
                    if len(row) != len(Head._fields):
                        return False
                    summary = row[-1]
                    row[-1] = dict(zip(keys, summary)) if isinstance(summary, list) else dict(summary)
                    heads.append(make(Head, row))
                digest = entry["digest"]
                if not isinstance(digest, str):
                    return False
                shards.append((int(number), Signature(*entry["signature"]), digest, heads))
        except (TypeError, ValueError, KeyError, IndexError):
            return False
        for number, signature, digest, heads in shards:
            index.load_shard(number, heads, signature, digest)
        return True

    def save_from(self, index: KindIndex) -> None:
        """Rows are lists, and summaries lists of values under shared keys: about half the size
        of a list of objects, and parsed about twice as fast on a cold open."""
        keys: list[str] | None = None
        shards = {}
        for number, signature in sorted(index.signatures.items()):
            rows = []
            for head in index.heads_of_shard(number):
                if keys is None:
                    keys = list(head.summary)
                summary = list(head.summary.values()) if list(head.summary) == keys else head.summary
                rows.append([*head[:-1], summary])
            shards[str(number)] = {"signature": list(signature), "digest": index.digests[number], "heads": rows}
        content = {"format": CATALOG_FORMAT, "kind": self.kind, "shard_count": self.shard_count,
                   "summarizer": self.fingerprint, "summary_keys": keys or [], "shards": shards}
        self.file.save(content)
        self.file.forget()
        index.unsaved.clear()
        index.restamped.clear()
