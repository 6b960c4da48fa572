"""Lists at archive scale: one page of heads and counts, on both engines, never every row built."""

from __future__ import annotations

import pytest

from sstc_docs.errors import ValidationError


def summarize(kind: str, data: dict) -> dict:
    return {"title": data.get("title", ""), "status": data.get("status", ""), "session": data.get("session")}


@pytest.fixture
def store(engine):
    s = engine.open(summarize=summarize)
    for n in range(1, 13):
        s.save("paper", f"P{n:02}", {"title": f"paper {n}", "status": "draft" if n % 3 else "issued",
                                     "session": 340 + n % 2}, author="A", why="w", base_version=None)
    s.delete("paper", "P12", author="A", why="gone", base_version=1)
    yield s
    s.close()


def ids(page) -> list[str]:
    return [row["id"] for row in page.rows]


def test_a_page_of_heads_counts_every_match_and_builds_only_its_rows(store):
    first = store.heads_page("paper", limit=5)
    assert first.total == 11                       # the deleted P12 is left out
    assert ids(first) == ["P01", "P02", "P03", "P04", "P05"]
    assert ids(store.heads_page("paper", offset=10, limit=5)) == ["P11"]
    assert store.heads_page("paper", offset=20).rows == []
    drafts = store.heads_page("paper", where=lambda head: head.get("status") == "draft", limit=3)
    assert (drafts.total, ids(drafts)) == (8, ["P01", "P02", "P04"])
    newest = store.heads_page("paper", order=lambda head: head.get("session"), descending=True, limit=2)
    assert ids(newest) == ["P11", "P09"]          # session 341 first, then by id, both descending
    chosen = store.heads_page("paper", ids=["P07", "P03", "P12", "nope"])
    assert (chosen.total, ids(chosen)) == (2, ["P03", "P07"])
    assert first.rows[0]["title"] == "paper 1" and first.rows[0]["version"] == 1


def test_tally_counts_without_rows_and_refuses_nonsense_paging(store):
    assert store.tally("paper", "session", "status") == {(341, "draft"): 4, (340, "draft"): 4, (340, "issued"): 1,
                                                         (341, "issued"): 2}
    assert store.tally("paper", "missing") == {(None,): 11}
    assert store.tally("paper", "status", where=lambda head: head.get("session") == 341) == {("draft",): 4,
                                                                                           ("issued",): 2}
    assert store.tally("decision", "status") == {}
    with pytest.raises(ValidationError):
        store.heads_page("paper", limit=-1)
    with pytest.raises(ValidationError):
        store.heads_page("paper", offset="2")


def test_a_page_sees_what_the_open_unit_staged(store):
    with store.unit() as unit:
        unit.save("paper", "P00", {"title": "staged", "status": "draft", "session": 1}, author="A", why="w",
                  base_version=None)
        assert ids(store.heads_page("paper", limit=1)) == ["P00"]
        assert store.tally("paper", "session")[(1,)] == 1


def test_an_early_page_of_a_long_list_is_the_same_slice_as_the_whole_order(engine):
    """A page near the start of a long list is picked without sorting every head (store/base.py
    ``paged``): whichever way, each page must be exactly that slice of the whole ordering, with ties
    broken by id and the total counting every match."""
    s = engine.open(summarize=summarize)
    try:
        with s.unit() as unit:
            for n in range(120):
                unit.save("paper", f"P{n:03}", {"title": "t", "status": "draft", "session": 340 + n * 7 % 5},
                          author="A", why="w", base_version=None)
        by_session = lambda head: head.get("session")  # noqa: E731  five sessions: many ties
        for descending in (False, True):
            whole = ids(s.heads_page("paper", order=by_session, descending=descending, limit=120))
            assert len(whole) == 120
            for offset, limit in ((0, 5), (3, 7), (10, 4), (40, 30)):
                page = s.heads_page("paper", order=by_session, descending=descending, offset=offset, limit=limit)
                assert (page.total, ids(page)) == (120, whole[offset:offset + limit])
        assert ids(s.heads_page("paper", limit=3)) == ["P000", "P001", "P002"]
        assert ids(s.heads_page("paper", descending=True, limit=3)) == ["P119", "P118", "P117"]
    finally:
        s.close()
