"""``python -m sstc_docs search``: text and JSON output, filters, history, rebuild, refusals."""

from __future__ import annotations

import json

from sstc_docs import demo as seed
from sstc_docs.cli import EXIT_INVALID, main


def run(capsys, db, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def load_demo(db) -> None:
    assert main(["--db", str(db), "demo"]) == 0


def test_json_output_has_one_entry_per_record_with_snippet_and_hits(tmp_path, capsys):
    load_demo(tmp_path)
    capsys.readouterr()
    code, out, _ = run(capsys, tmp_path, "search", "业务守则", "--json")
    assert code == 0
    answer = json.loads(out)
    assert set(answer) == {"query", "any_version", "count", "ranked_all", "results"}
    assert (answer["query"], answer["any_version"], answer["count"], answer["ranked_all"]) == ("业务守则", False, 1, True)
    result = answer["results"][0]
    assert set(result) == {"kind", "id", "version", "current", "latest_version", "title", "score", "snippet",
                           "matched_versions", "appearances"}
    assert (result["kind"], result["id"], result["version"], result["current"]) == ("paper", seed.PAPER_ID, 1, True)
    snippet = result["snippet"]
    assert snippet["where"] == "paragraph 2"
    assert [snippet["text"][s:e] for s, e in snippet["hits"]] == ["业务守则"]


def test_text_output_marks_hits_and_filters_apply(tmp_path, capsys):
    load_demo(tmp_path)
    capsys.readouterr()
    code, out, _ = run(capsys, tmp_path, "search", "指标", "--kind", "indicator")
    assert code == 0 and out.count("\nindicator ") + out.startswith("indicator ") == 4
    code, out, _ = run(capsys, tmp_path, "search", "指标", "--session", "316", "--section", "POL", "--status", "issued")
    assert out.startswith(f"paper {seed.PAPER_ID} v1 (current)") and "«指标»" in out
    code, out, _ = run(capsys, tmp_path, "search", "GB.313/POL/7", "--since", "2012-03-01", "--until", "2012-03-31",
                       "--json")
    assert {r["kind"] for r in json.loads(out)["results"]} == {"strategy", "evidence"}


def test_any_version_says_where_text_appeared_and_went(tmp_path, capsys):
    load_demo(tmp_path)
    capsys.readouterr()
    _, out, _ = run(capsys, tmp_path, "search", "伙伴关系协议", "--kind", "indicator", "--any-version", "--json")
    result = json.loads(out)["results"][0]
    assert result["id"] == seed.IND_PARTNERSHIPS and result["matched_versions"] == [1, 2]
    assert result["appearances"] == [{"appeared": 1, "disappeared": None, "deleted": False}]
    _, out, _ = run(capsys, tmp_path, "search", "伙伴关系协议", "--kind", "indicator", "--any-version")
    assert "appeared in v1, still in the latest version" in out


def test_rebuild_and_empty_results_and_refusals(tmp_path, capsys):
    load_demo(tmp_path)
    capsys.readouterr()
    code, _, err = run(capsys, tmp_path, "search", "--rebuild")
    assert code == 0 and "rebuilt from 14 version(s)" in err  # the demo (its session included) and the local user's account
    code, out, _ = run(capsys, tmp_path, "search", "nothingmatchesthis")
    assert code == 0 and "nothing found" in out and "--any-version" in out
    for bad in (["search"], ["search", "指标", "--since", "last week"], ["search", "指标", "--limit", "0"],
                ["search", "…"]):
        code, _, err = run(capsys, tmp_path, *bad)
        assert code == EXIT_INVALID and "refused" in err
