"""The Integrity page: the same check as `verify`, for an administrator in the app."""

from __future__ import annotations

import json

from sstc_docs import demo as seed

from test_app_pages import open_app, texts


def test_the_check_says_all_well_on_an_untouched_database(demo_db):
    at = open_app("integrity")
    at.button(key="integrity:check").click().run()
    assert not at.exception
    assert "All well. 14 versions of 12 records" in texts(at.success)  # the demo (its session included) and the signed-in account
    assert "Chain head:" in texts(at.caption)


def test_the_check_finds_a_forged_author_and_says_what_to_do(demo_db):
    shard = next(p for p in sorted((demo_db / "shards").glob("strategy.*/*.json"))
                 if seed.STRATEGY_ID in p.read_text())
    content = json.loads(shard.read_text())
    for document in content["versions"].values():
        if document["id"] == seed.STRATEGY_ID and document["version"] == 1:
            document["author"] = "Someone Else"
    shard.write_text(json.dumps(content, ensure_ascii=False))
    at = open_app("integrity")
    at.button(key="integrity:check").click().run()
    assert "Something is wrong" in texts(at.error)
    findings = at.dataframe[0].value
    assert any(f"strategy {seed.STRATEGY_ID} v1" == r for r in findings["Record"])
    assert any("restore" in fix for fix in findings["What to do"])
