"""Search against a real store: the demo paper in Chinese, an English paper, history, filters,
and an index that is never stale (other processes' saves, a crash, a deleted file).

Every test that does not touch the SQLite file runs on both engines: SQLite FTS5, and
PostgreSQL when a throwaway server can be started (``tests/pg_server.py``, PostgreSQL's binaries).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from people import TESTER
from sstc_docs import demo as seed
from sstc_docs.errors import ValidationError
from sstc_docs.services import open_services
from sstc_docs.services import search as search_module
from sstc_docs.services.search import INDEX_FILE, SearchService

ROOT = Path(__file__).resolve().parent.parent


def english_paper(text: str, *, symbol: str = "GB.317/INS/3", status: str = "draft") -> dict:
    return {"symbol": symbol, "title": "Follow-up to the strategy on South-South cooperation", "language": "en",
            "status": status, "body": [{"type": "paragraph", "numbered": True, "text": text}]}


def save_paper(services, data: dict, base_version: int | None = None):
    return services.records.save("paper", data, why="test", base_version=base_version)


@pytest.fixture(params=["sqlite", "postgres"])
def make_search(request, demo):
    """Search services on the demo store, on one engine: each call opens another on the same index."""
    opened = []
    if request.param == "postgres":
        from sstc_docs.search.postgres_index import PostgresSearchIndex

        url = request.getfixturevalue("postgres_server").create_database("search")

        def make() -> SearchService:
            opened.append(SearchService(demo.store, PostgresSearchIndex(url)))
            return opened[-1]
    else:
        def make() -> SearchService:
            opened.append(SearchService(demo.store))
            return opened[-1]
    yield make
    for service in opened:
        service.close()


@pytest.fixture
def search(make_search) -> SearchService:
    return make_search()


@pytest.fixture
def sqlite_search(demo) -> SearchService:
    service = SearchService(demo.store)
    yield service
    service.close()


def found(results) -> set[tuple[str, str]]:
    return {(r.kind, r.record_id) for r in results}


def test_a_chinese_phrase_finds_the_demo_paper_with_the_hit_marked(search):
    results = search.search("业务守则")
    assert found(results) == {("paper", seed.PAPER_ID)}
    snippet = results[0].snippet
    assert snippet.where == "paragraph 2"
    assert [snippet.text[s:e] for s, e in snippet.hits] == ["业务守则"]
    assert "«业务守则»" in snippet.marked()


def test_two_characters_find_the_paper_and_the_indicators(search):
    results = found(search.search("指标"))
    assert ("paper", seed.PAPER_ID) in results
    assert {("indicator", i) for i in (seed.IND_MEETINGS, seed.IND_PROGRAMMES, seed.IND_COUNTRIES,
                                       seed.IND_PARTNERSHIPS)} <= results


def test_a_chinese_phrase_needs_its_characters_in_order(search):
    assert search.search("业务守则")
    assert not search.search("守则业务")
    assert ("paper", seed.PAPER_ID) in found(search.search("业务 守则"))  # two words: both, anywhere


def test_one_character_is_found_inside_longer_words(search):
    results = search.search("务", kind="paper")
    assert found(results) == {("paper", seed.PAPER_ID)}
    assert all(results[0].snippet.text[s:e] == "务" for s, e in results[0].snippet.hits)


def test_a_symbol_is_found_as_a_phrase_in_mixed_text(search):
    results = found(search.search("GB.313/POL/7"))
    assert {("paper", seed.PAPER_ID), ("strategy", seed.STRATEGY_ID), ("evidence", "EV-GB313-POL7-10")} <= results
    assert ("paper", seed.PAPER_ID) in found(search.search("PARDEV 伙伴关系"))


def test_english_words_are_found_by_their_inflections(search, demo):
    save_paper(demo, english_paper("The Governing Body approves the revised indicators for outcome 2."))
    results = search.search("approve indicator", kind="paper")
    assert found(results) == {("paper", "GB.317/INS/3")}
    assert [results[0].snippet.text[s:e] for s, e in results[0].snippet.hits] == ["approves", "indicators"]
    assert found(search.search('"approving the revised indicator"')) == {("paper", "GB.317/INS/3")}
    assert not search.search('"indicators revised"', kind="paper")


def test_filters_by_kind_session_section_status_and_date(search, demo):
    save_paper(demo, english_paper("Partnerships with the social partners.", symbol="GB.317/INS/3"))
    everything = found(search.search("GB.313/POL/7"))
    assert found(search.search("GB.313/POL/7", kind="evidence")) == {("evidence", "EV-GB313-POL7-10")}
    assert found(search.search("partners", session=317)) == {("paper", "GB.317/INS/3")}
    assert found(search.search("伙伴关系", session=316)) == {("paper", seed.PAPER_ID)}
    assert found(search.search("partners", section="ins")) == {("paper", "GB.317/INS/3")}
    assert not search.search("partners", section="POL")
    assert found(search.search("指标", status="issued")) == {("paper", seed.PAPER_ID)}
    assert found(search.search("指标", kind="decision", status="submitted")) == {("decision", seed.DECISION_ID)}
    dated = found(search.search("GB.313/POL/7", since="2012-01-01", until="2012-03-31"))
    assert dated == {("evidence", "EV-GB313-POL7-10"), ("strategy", seed.STRATEGY_ID)} and dated < everything
    assert found(search.search("GB.313/POL/7", since="2011-06-01", until="2012-03-22")) == dated
    assert found(search.search("GB.313/POL/7", since="2012-03-23")) == everything - dated
    with pytest.raises(ValidationError):
        search.search("指标", since="2013-01-01", until="2012-01-01")
    with pytest.raises(ValidationError):
        search.search("指标", kind="memo")


def test_text_removed_in_version_two_is_found_only_in_any_version(search, demo):
    first = save_paper(demo, english_paper("Tripartite constituents endorsed the plan."))
    save_paper(demo, english_paper("The constituents endorsed the plan."), base_version=first.version)
    assert not search.search("tripartite")
    results = search.search("tripartite", any_version=True)
    assert found(results) == {("paper", "GB.317/INS/3")}
    result = results[0]
    assert (result.version, result.current, result.latest_version, result.matched_versions) == (1, False, 2, [1])
    assert [(a.appeared, a.disappeared) for a in result.appearances] == [(1, 2)]
    still = search.search("constituents", any_version=True)[0]
    assert still.current and [(a.appeared, a.disappeared) for a in still.appearances] == [(1, None)]


def test_a_deleted_record_is_found_only_in_any_version_and_says_so(search, demo):
    saved = save_paper(demo, english_paper("A paper about maritime labour."))
    demo.records.delete("paper", "GB.317/INS/3", why="withdrawn", base_version=saved.version)
    assert not search.search("maritime")
    appearance = search.search("maritime", any_version=True)[0].appearances[0]
    assert (appearance.appeared, appearance.disappeared, appearance.deleted) == (1, 2, True)


def test_saves_by_another_services_object_are_found_at_once(search, demo):
    search.search("指标")
    other = open_services(demo.store.path).acting_as(TESTER)
    try:
        save_paper(other, english_paper("Skills development in the informal economy."))
    finally:
        other.close()
    assert found(search.search("informal economy")) == {("paper", "GB.317/INS/3")}


def test_saves_by_another_process_are_found_at_once(search, demo, tmp_path):
    search.search("指标")
    paper = tmp_path / "paper.json"
    paper.write_text(json.dumps({"kind": "paper", **english_paper("Green jobs and a just transition.")}),
                     encoding="utf-8")
    subprocess.run([sys.executable, "-m", "sstc_docs", "--db", str(demo.store.path), "put", str(paper),
                    "--why", "test"], cwd=ROOT, check=True, capture_output=True)
    assert found(search.search("transition")) == {("paper", "GB.317/INS/3")}


def test_a_deleted_index_file_is_rebuilt_on_the_next_search(sqlite_search, demo):
    search = sqlite_search
    assert search.search("业务守则")
    (demo.store.path / INDEX_FILE).unlink()
    assert found(search.search("业务守则")) == {("paper", seed.PAPER_ID)}
    assert search.stats()["high_water"] == demo.store.last_seq()


def test_a_damaged_or_outdated_index_file_is_replaced_and_filled_again(demo):
    path = demo.store.path / INDEX_FILE
    path.write_bytes(b"not a database, perhaps a disk fault" * 100)
    search = SearchService(demo.store)
    assert found(search.search("业务守则")) == {("paper", seed.PAPER_ID)}
    search.close()
    with sqlite3.connect(path) as older:  # as an index built by an earlier release would read
        older.execute("UPDATE meta SET value = 'an older one' WHERE key = 'schema'")
    search = SearchService(demo.store)
    assert search.stats()["high_water"] == 0
    assert search.search("业务守则") and search.stats()["versions"] == demo.store.last_seq()
    search.close()


def test_an_index_of_another_history_is_rebuilt_not_continued(demo, tmp_path):
    SearchService(demo.store).catch_up()
    other = open_services(tmp_path / "other").acting_as(TESTER)
    try:
        save_paper(other, english_paper("Maritime labour in the other database."))
        other.load_demo()
        save_paper(other, english_paper("A second version.", symbol="GB.317/INS/3"), base_version=1)
        shutil.copy(demo.store.path / INDEX_FILE, other.store.path / INDEX_FILE)  # an old index left behind
        search = SearchService(other.store)
        assert found(search.search("maritime", any_version=True)) == {("paper", "GB.317/INS/3")}
        assert search.stats()["versions"] == other.store.last_seq()
        search.close()
    finally:
        other.close()


def test_a_crash_while_indexing_leaves_nothing_half_done_and_the_next_search_catches_up(make_search, demo,
                                                                                         monkeypatch):
    search = make_search()
    real = search_module.document_for
    calls = []

    def crash_on_the_fifth(version):
        calls.append(version.seq)
        if len(calls) == 5:
            raise RuntimeError("power cut")
        return real(version)

    monkeypatch.setattr(search_module, "document_for", crash_on_the_fifth)
    with pytest.raises(RuntimeError):
        search.catch_up()
    assert search.stats()["high_water"] == 0 and search.stats()["versions"] == 0
    monkeypatch.setattr(search_module, "document_for", real)
    assert found(search.search("业务守则")) == {("paper", seed.PAPER_ID)}
    assert search.stats()["versions"] == demo.store.last_seq()


def test_two_indexes_on_one_file_catch_up_without_doubling(make_search, demo):
    first, second = make_search(), make_search()
    first.catch_up()
    save_paper(demo, english_paper("Occupational safety and health."))
    assert second.catch_up() == 1 and first.catch_up() == 0
    assert first.stats()["versions"] == demo.store.last_seq()


def test_rebuild_indexes_every_version_again(search, demo):
    count = search.rebuild()
    assert count == demo.store.last_seq()
    assert search.search("业务守则")


def test_queries_that_cannot_find_anything_are_refused_with_a_reason(search):
    for query in ("", "   ", "—！", "-指标"):
        with pytest.raises(ValidationError):
            search.search(query)


def test_words_that_look_like_search_syntax_are_only_words(search, demo):
    save_paper(demo, english_paper("NEAR the AND OR NOT title: body * ^ columns"))
    assert found(search.search("NEAR AND title: *")) == {("paper", "GB.317/INS/3")}
    assert found(search.search('"OR NOT"')) == {("paper", "GB.317/INS/3")}


def test_excluded_words_leave_records_out(search):
    with_word = found(search.search("南南合作"))
    without = found(search.search("南南合作 -指标"))
    assert without and without < with_word and ("paper", seed.PAPER_ID) not in without


def test_a_query_matching_more_than_the_engine_ranks_ranks_the_newest_and_says_so(search, monkeypatch):
    from sstc_docs.search import postgres_index, sqlite_index

    assert search.search("指标").ranked_all
    monkeypatch.setattr(sqlite_index, "RANKED_AT_MOST", 2)
    monkeypatch.setattr(postgres_index, "RANKED_AT_MOST", 2)
    results = search.search("指标")
    assert not results.ranked_all and len(results) == 2
    # the demo's last versions naming 指标: the revised partnerships indicator, then indicator (B)
    assert found(results) == {("indicator", seed.IND_PARTNERSHIPS), ("indicator", seed.IND_COUNTRIES)}
