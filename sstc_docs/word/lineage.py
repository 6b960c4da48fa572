"""Which version made a change: printed items followed from version to version.

A redline from version 1 to version 5 shows one diff, 1 → 5, but each change in it was made by
one of the versions 2..5. Every consecutive pair is merged too (the same merge, so the same
pairing of items); each merge reports, for every paragraph, footnote and table row, which item
of the previous version it continues and whether that step changed it. A change is then credited:

* an insertion (the new side of an item) to the latest version whose step changed that item,
  following it back from the last version;
* a deletion (the old side) to the latest version whose step changed or removed it, following
  it forward from the first version.

When the chain says nothing changed (the final diff and the steps paired items differently),
the change goes to the last version.
"""

from __future__ import annotations

from .flow import DEL, Change


class Lineage:
    def __init__(self, changes: list[Change]):
        self.changes = changes                                   # who made version k
        self._before: dict[int, tuple[object | None, bool]] = {}  # id(item) -> (previous, changed)
        self._after: dict[int, tuple[object | None, bool]] = {}   # id(item) -> (next, changed)

    def link(self, old: object | None, new: object | None, changed: bool) -> None:
        """Record one step's pairing (``None`` on a side: inserted or deleted in that step)."""
        if new is not None:
            self._before[id(new)] = (old, changed or old is None)
        if old is not None:
            self._after[id(old)] = (new, changed or new is None)

    def credit(self, item: object, mark: str) -> Change:
        """Who made ``item``'s change: ``item`` is of the first version for DEL, of the last for INS."""
        return self.changes[self._forward(item) if mark == DEL else self._backward(item)]

    def _backward(self, item: object) -> int:
        version = len(self.changes) - 1
        while version > 0:
            previous, changed = self._before.get(id(item), (None, True))
            if changed:
                return version
            item, version = previous, version - 1
        return len(self.changes) - 1

    def _forward(self, item: object) -> int:
        version, changed_at = 1, None
        while version < len(self.changes):
            following, changed = self._after.get(id(item), (None, True))
            if following is None:
                return version
            if changed:
                changed_at = version
            item, version = following, version + 1
        return changed_at if changed_at is not None else len(self.changes) - 1
