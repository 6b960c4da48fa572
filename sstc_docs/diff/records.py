"""Comparing two versions of a record field by field.

A change is reported at a dotted path (``front_matter.purpose``, ``target``,
``revisions[id=R1].status``, ``parts[2]``) with an op:

* ``added``   — empty or missing before (``None``, ``""``, ``[]``, ``{}``), set now;
* ``removed`` — set before, empty or missing now;
* ``changed`` — both set and different; texts carry their ``segments``, numbers their
  ``delta``, and baselines/targets (``{"text", "value", "unit"}``) are reported whole at their
  own path with the ``segments`` of how they read and the ``parts`` (text/value/unit) that changed;
* ``moved``   — the same keyed items in another order (``old``/``new`` hold the keys in order).

Nested objects are followed key by key. Lists of objects that all carry a unique ``id``, ``key``
or ``number`` are matched by it (path ``name[id=…]``); other lists are aligned item by item with
``engine.opcodes`` — an inserted item is ``name[j]`` (its index in the new list), a deleted one
``name[i]`` (its index in the old list), and a replaced one is compared with its counterpart at
``name[j]`` (new index).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..domain.records import quantity_text
from .engine import opcodes
from .text import Segment, diff_text, segments_to_json

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"
QUANTITY_KEYS = ("baseline", "target")
QUANTITY_PARTS = ("text", "value", "unit")
LIST_MATCH_KEYS = ("id", "key", "number")


@dataclass(frozen=True)
class FieldChange:
    """One changed field: where, how, both values, and for texts how they differ."""

    path: str
    op: str
    old: Any = None
    new: Any = None
    segments: tuple[Segment, ...] | None = None
    parts: dict | None = None
    delta: int | float | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"path": self.path, "op": self.op, "old": self.old, "new": self.new}
        if self.segments is not None:
            out["segments"] = segments_to_json(self.segments)
        if self.parts is not None:
            out["parts"] = self.parts
        if self.delta is not None:
            out["delta"] = self.delta
        return out


@dataclass(frozen=True)
class RecordDiff:
    """What changed between two versions of one record.

    ``op`` is ``added`` (no old version), ``removed`` (no new version), ``changed`` or
    ``unchanged``; ``changes`` lists the changed fields in record order.
    """

    kind: str
    id: str
    op: str
    changes: tuple[FieldChange, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return self.op != "unchanged"

    def __bool__(self) -> bool:
        return self.changed

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[FieldChange]:
        return iter(self.changes)

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.changes]

    def get(self, path: str) -> FieldChange | None:
        """The change at exactly ``path``, if any."""
        return next((c for c in self.changes if c.path == path), None)

    def under(self, prefix: str) -> list[FieldChange]:
        """The changes at ``prefix`` or inside it (``prefix.x``, ``prefix[…]``)."""
        return [c for c in self.changes
                if c.path == prefix or c.path.startswith(prefix + ".") or c.path.startswith(prefix + "[")]

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "op": self.op,
                "changes": [c.to_json() for c in self.changes]}


# --------------------------------------------------------------------------- values


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(old: Any, new: Any) -> bool:
    if _is_number(old) and _is_number(new):
        return old == new
    return type(old) is type(new) and old == new


def is_quantity(value: Any) -> bool:
    """A baseline/target shape: a non-empty object with only text, value and unit."""
    return isinstance(value, dict) and bool(value) and set(value) <= set(QUANTITY_PARTS)


def _quantity_change(path: str, old: Any, new: Any) -> FieldChange | None:
    old_q, new_q = old or {}, new or {}
    if _same(old_q, new_q):
        return None
    parts = {}
    for part in QUANTITY_PARTS:
        change = _leaf_change(part, old_q.get(part), new_q.get(part))
        if change is not None:
            parts[part] = _value_json(change)
    op = ADDED if _empty(old) else REMOVED if _empty(new) else CHANGED
    return FieldChange(path, op, old, new,
                       segments=tuple(diff_text(quantity_text(old_q), quantity_text(new_q))),
                       parts=parts)


def _leaf_change(path: str, old: Any, new: Any, *, quantity: bool = False) -> FieldChange | None:
    """A change reported whole at ``path`` (no descent into objects or lists)."""
    if _empty(old) and _empty(new):
        return None
    if quantity:
        return _quantity_change(path, old, new)
    if _same(old, new):
        return None
    op = ADDED if _empty(old) else REMOVED if _empty(new) else CHANGED
    segments = delta = None
    if isinstance(old, str) or isinstance(new, str):
        if (isinstance(old, str) or old is None) and (isinstance(new, str) or new is None):
            segments = tuple(diff_text(old, new))
    if op == CHANGED and _is_number(old) and _is_number(new):
        delta = new - old
        if isinstance(delta, float):
            delta = round(delta, 12)
    return FieldChange(path, op, old, new, segments=segments, delta=delta)


def _value_json(change: FieldChange) -> dict:
    out = change.to_json()
    del out["path"]
    return out


def diff_value(old: Any, new: Any) -> dict | None:
    """How one value changed, JSON-ready, or ``None`` when it did not.

    ``{"op": "changed", "old": 5, "new": 6, "delta": 1}`` for numbers;
    texts add ``"segments"``; a baseline/target (``{"text", "value", "unit"}``, or a quantity on
    one side and nothing on the other) adds ``"segments"`` of how it reads and ``"parts"`` —
    the text/value/unit that changed, each as a value diff. Other objects and lists are
    reported whole (use :func:`diff_fields` to follow them).
    """
    quantity = (is_quantity(old) or is_quantity(new)) and \
        (is_quantity(old) or _empty(old)) and (is_quantity(new) or _empty(new))
    change = _leaf_change("", old, new, quantity=quantity)
    return None if change is None else _value_json(change)


# --------------------------------------------------------------------------- structures


def diff_fields(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every changed field between two JSON-shaped values, by dotted path (see module doc)."""
    out: list[FieldChange] = []
    _walk(path, old, new, out)
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(path: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    last = path.rsplit(".", 1)[-1]
    if last in QUANTITY_KEYS and (is_quantity(old) or _empty(old)) and (is_quantity(new) or _empty(new)):
        change = _quantity_change(path, old, new) if not (_empty(old) and _empty(new)) else None
        if change is not None:
            out.append(change)
        return
    if path and (_empty(old) or _empty(new)):
        change = _leaf_change(path, old, new)
        if change is not None:
            out.append(change)
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(new) + [k for k in old if k not in new]:
            _walk(_join(path, str(key)), old.get(key), new.get(key), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        _walk_list(path, old, new, out)
        return
    change = _leaf_change(path, old, new)
    if change is not None:
        out.append(change)


def _match_key(old: list, new: list) -> str | None:
    items = old + new
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in LIST_MATCH_KEYS:
        values_ok = all(isinstance(item.get(key), (str, int)) and not isinstance(item.get(key), bool)
                        and item.get(key) != "" for item in items)
        if values_ok and all(len({item[key] for item in side}) == len(side) for side in (old, new)):
            return key
    return None


def _canonical(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)


def _walk_list(path: str, old: list, new: list, out: list[FieldChange]) -> None:
    key = _match_key(old, new)
    if key is not None:
        old_by = {item[key]: item for item in old}
        new_keys = {item[key] for item in new}
        for item in new:
            _walk(f"{path}[{key}={item[key]}]", old_by.get(item[key]), item, out)
        for item in old:
            if item[key] not in new_keys:
                _walk(f"{path}[{key}={item[key]}]", item, None, out)
        old_order = [item[key] for item in old if item[key] in new_keys]
        new_order = [item[key] for item in new if item[key] in old_by]
        if old_order != new_order:
            out.append(FieldChange(path, MOVED, old_order, new_order))
        return
    for tag, i1, i2, j1, j2 in opcodes([_canonical(x) for x in old], [_canonical(x) for x in new]):
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            _walk(f"{path}[{j1 + k}]", old[i1 + k], new[j1 + k], out)
        for i in range(i1 + paired, i2):
            change = _leaf_change(f"{path}[{i}]", old[i], None)
            if change is not None:
                out.append(change)
        for j in range(j1 + paired, j2):
            change = _leaf_change(f"{path}[{j}]", None, new[j])
            if change is not None:
                out.append(change)


def diff_records(kind: str, old: dict | None, new: dict | None) -> RecordDiff:
    """What changed between two versions of a record of ``kind``; either side may be ``None``.

    A new record (``old`` is ``None``) lists each of its non-empty top-level fields as
    ``added``, a deleted one each of its fields as ``removed``.
    """
    record_id = str((new or {}).get("id") or (old or {}).get("id") or "")
    if old is None and new is None:
        return RecordDiff(kind, record_id, "unchanged", ())
    changes = tuple(diff_fields(old or {}, new or {}))
    if old is None:
        op = ADDED
    elif new is None:
        op = REMOVED
    else:
        op = CHANGED if changes else "unchanged"
    return RecordDiff(kind, record_id, op, changes)
