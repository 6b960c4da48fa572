"""Evidence: uploads refused with a clear message and nothing stored, files stored once by content and
given back byte for byte, links from both ends, search, and indicator progress (count, sum, status)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from sstc_docs import demo as seed
from sstc_docs.cli import main as cli_main
from sstc_docs.domain.records import KINDS
from sstc_docs.errors import ConflictError, NotFound, ValidationError
from sstc_docs.services.evidence import (EvidenceService, format_size, max_upload_mb_from_env, period_years,
                                         status_of)

AUTHOR, WHY = "Test Author", "Testing evidence"


# -- helpers -----------------------------------------------------------------------------------
def versions(services) -> int:
    return sum(h["version"] for kind in KINDS for h in services.store.heads(kind, include_deleted=True))


def blobs(services) -> list[str]:
    root = services.store.path / "blobs"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snapshot(services) -> tuple[int, list[str]]:
    return versions(services), blobs(services)


def evidence(title="A technical meeting", **extra) -> dict:
    return {"title": title, "kind": "meeting", "reliability": "confirmed", **extra}


def ind_link(indicator_id, value=1, period="") -> dict:
    return {"indicators": [{"id": indicator_id, "value": value, "period": period}]}


@pytest.fixture
def framework(services):
    """A strategy of 2020-21 with a count, a sum and a wording-only indicator; no evidence."""
    r = services.records
    r.save("strategy", {"id": "S", "title": "Test strategy", "period": "2020-21",
                        "outcomes": [{"number": 1, "statement": "Outcome one",
                                      "indicator_ids": ["S/I1", "S/I2", "S/I3"]}]},
           why=WHY, base_version=None)
    common = {"strategy_id": "S", "outcome": 1, "period": "2020-21"}
    r.save("indicator", {**common, "id": "S/I1", "text": "Meetings held", "measure": "count",
                         "baseline": {"text": "five", "value": 5}, "target": {"text": "ten", "value": 10}},
           why=WHY, base_version=None)
    r.save("indicator", {**common, "id": "S/I2", "text": "Funds raised", "measure": "sum", "unit": "USD",
                         "baseline": {"value": 100}, "target": {"value": 1000, "unit": "USD"}},
           why=WHY, base_version=None)
    r.save("indicator", {**common, "id": "S/I3", "text": "Countries reached", "measure": "count",
                         "baseline": "nine countries", "target": "five more countries"},
           why=WHY, base_version=None)
    return services


def row(progress: dict, indicator_id: str) -> dict:
    return next(r for r in progress["indicators"] if r["id"] == indicator_id)


# -- uploads refused: a clear message, nothing stored -------------------------------------------
BAD_NAMES = [("minutes/2012.pdf", "path separator"), ("..\\secret.txt", "path separator"),
             ("/etc/passwd", "path separator"), ("report\x00.pdf", "control characters"),
             ("line\nbreak.txt", "control characters"), ("tab\there.txt", "control characters"),
             ("\u202egpj.exe", "control characters"), ("", "has no name"), ("..", "not a file name")]


@pytest.mark.parametrize("name,message", BAD_NAMES)
def test_file_name_that_could_be_a_path_is_refused_and_nothing_stored(framework, name, message):
    before = snapshot(framework)
    with pytest.raises(ValidationError) as caught:
        framework.evidence.register(evidence(), why=WHY, file=(name, b"content", "text/plain"))
    assert message in str(caught.value)
    assert caught.value.problems[0].field == "file.name"
    assert snapshot(framework) == before


def test_empty_file_is_refused_and_nothing_stored(framework):
    before = snapshot(framework)
    with pytest.raises(ValidationError, match=r"is empty \(0 bytes\)"):
        framework.evidence.register(evidence(), why=WHY, file=("empty.pdf", b"", "application/pdf"))
    assert snapshot(framework) == before


def test_file_over_the_limit_is_refused_and_nothing_stored(framework):
    service = EvidenceService(framework.records, max_upload_mb=0.001)  # 1,048 bytes
    before = snapshot(framework)
    with pytest.raises(ValidationError) as caught:
        service.register(evidence(), why=WHY, file=("big.bin", b"x" * 1049, None))
    assert "the limit is 1 KB" in str(caught.value) and "1 KB" in service.limit_text
    assert snapshot(framework) == before
    assert service.register(evidence(), why=WHY, file=("fits.bin", b"x" * 1048, None)).version == 1


def test_size_limit_from_the_environment(framework, monkeypatch):
    assert EvidenceService(framework.records).max_upload_bytes == 50 * 1024 * 1024
    assert EvidenceService(framework.records).limit_text == "50 MB"
    monkeypatch.setenv("SSTC_MAX_UPLOAD_MB", "2")
    assert EvidenceService(framework.records).max_upload_bytes == 2 * 1024 * 1024
    assert EvidenceService(framework.records, max_upload_mb=3).max_upload_bytes == 3 * 1024 * 1024
    for bad in ("lots", "-1", "0", "nan", "inf"):
        monkeypatch.setenv("SSTC_MAX_UPLOAD_MB", bad)
        assert max_upload_mb_from_env() == 50


def test_link_to_a_missing_record_is_refused_and_nothing_stored(framework):
    before = snapshot(framework)
    for links, field in [(ind_link("S/NOPE"), "links.indicators"), ({"decisions": ["GB.999/POL/1:D1"]}, "links.decisions"),
                         ({"papers": ["GB.999/POL/1"]}, "links.papers")]:
        with pytest.raises(ValidationError) as caught:
            framework.evidence.register(evidence(links=links), why=WHY,
                                        file=("minutes.txt", b"minutes", None))
        assert caught.value.problems[0].field == field
        assert "there is no" in str(caught.value) and "create the" in str(caught.value)
        assert snapshot(framework) == before


@pytest.mark.parametrize("value", ["three", "", None, "1,5", [1], {"n": 1}, True, float("nan")])
def test_value_that_is_not_a_number_is_refused_and_nothing_stored(framework, value):
    before = snapshot(framework)
    with pytest.raises(ValidationError) as caught:
        framework.evidence.register(evidence(links=ind_link("S/I1", value)), why=WHY,
                                    file=("report.txt", b"report", None))
    assert caught.value.problems[0].field == "links.indicators[0].value"
    assert "is not a number" in str(caught.value)
    assert snapshot(framework) == before


def test_missing_reason_or_title_is_refused_with_every_problem(framework):
    before = snapshot(framework)
    with pytest.raises(ValidationError) as caught:
        framework.evidence.register({"title": ""}, why="", file=("a.txt", b"a", None))
    fields = {p.field for p in caught.value.problems}
    assert {"why", "title"} <= fields
    assert snapshot(framework) == before


def test_a_stale_version_is_a_conflict_and_stores_no_file(framework):
    first = framework.evidence.register(evidence(), why=WHY)
    framework.evidence.update(first.id, {"notes": "someone else's change"}, why=WHY, base_version=1)
    before = snapshot(framework)
    with pytest.raises(ConflictError):
        framework.evidence.attach(first.id, "late.txt", b"late", why=WHY, base_version=1)
    assert snapshot(framework) == before


def test_unknown_evidence_is_not_found(framework):
    with pytest.raises(NotFound):
        framework.evidence.attach("EV-NONE", "a.txt", b"a", why=WHY)
    with pytest.raises(NotFound):
        framework.evidence.download("EV-NONE")


# -- files: stored once, given back byte for byte -----------------------------------------------
def test_same_file_twice_is_stored_once(framework):
    content = os.urandom(4096)
    a = framework.evidence.register(evidence("First"), why=WHY, file=("a.pdf", content, None))
    b = framework.evidence.register(evidence("Second"), why=WHY, file=("b.pdf", content, None))
    assert a.id != b.id
    assert a.data["attachment"]["sha256"] == b.data["attachment"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert len(blobs(framework)) == 1
    assert framework.evidence.download(a.id)[1] == "a.pdf" and framework.evidence.download(b.id)[1] == "b.pdf"


def test_download_gives_back_the_exact_bytes_and_original_name(framework):
    content = bytes(range(256)) * 300 + b"\r\n\x00end"
    name = "会议纪要 2012 (final).pdf"
    saved = framework.evidence.register(evidence(), why=WHY, file=(name, content, None))
    data, original, media_type = framework.evidence.download(saved.id)
    assert data == content and original == name and media_type == "application/pdf"
    assert saved.data["attachment"] == {"sha256": hashlib.sha256(content).hexdigest(), "name": name,
                                        "size": len(content), "media_type": "application/pdf"}
    # the name is metadata only: the file is stored under its hash, nowhere under its name
    stored = blobs(framework)
    assert stored == [os.path.join(saved.data["attachment"]["sha256"][:2], saved.data["attachment"]["sha256"][2:])]
    assert not any(p.name == name for p in framework.store.path.rglob("*"))


def test_attach_adds_a_version_and_old_versions_keep_their_file(framework):
    first = framework.evidence.register(evidence(), why=WHY, file=("v1.txt", b"one", None))
    second = framework.evidence.attach(first.id, "v2.txt", b"two", "text/plain", why="Newer file")
    assert second.version == 2 and second.based_on == 1
    assert framework.evidence.download(first.id) == (b"two", "v2.txt", "text/plain")
    assert framework.evidence.download(first.id, version=1) == (b"one", "v1.txt", "text/plain")
    assert framework.records.history("evidence", first.id)[-1].why == "Newer file"


def test_evidence_without_a_file_has_nothing_to_download(framework):
    saved = framework.evidence.register(evidence(), why=WHY)
    with pytest.raises(NotFound, match="no attached file"):
        framework.evidence.download(saved.id)


def test_ids_are_generated_in_sequence_and_explicit_ids_kept(framework):
    a = framework.evidence.register(evidence(), why=WHY)
    b = framework.evidence.register(evidence(), why=WHY)
    c = framework.evidence.register(evidence(id="EV-CUSTOM"), why=WHY)
    assert (a.id, b.id, c.id) == ("EV-0001", "EV-0002", "EV-CUSTOM")
    with pytest.raises(ConflictError):
        framework.evidence.register(evidence(id="EV-CUSTOM"), why=WHY)


# -- progress -----------------------------------------------------------------------------------
def test_progress_counts_links_for_a_count_indicator(framework):
    ev = framework.evidence
    ev.register(evidence("Meeting A", date="2020-03-01", links=ind_link("S/I1", 1)), why=WHY)
    ev.register(evidence("Meeting B", links=ind_link("S/I1", 1, "2021")), why=WHY)
    ev.register(evidence("Meeting C", date="2021-12-01", links=ind_link("S/I1", 1)), why=WHY)
    result = ev.progress("S", as_of="2021-06-30")
    meetings = row(result, "S/I1")
    assert meetings["actual"] == 2  # a count: each link is one, whatever its value
    assert (meetings["baseline_value"], meetings["target_value"]) == (5, 10)
    assert [(p["period"], p["actual"], p["cumulative"], p["evidence_ids"]) for p in meetings["periods"]] == [
        ("2020", 1, 1, ["EV-0001"]), ("2021", 1, 2, ["EV-0002"])]
    behind = {e["id"]: (e["counted"], e["contributes"]) for e in meetings["evidence"]}
    assert behind == {"EV-0001": (True, 1), "EV-0002": (True, 1), "EV-0003": (False, 0)}
    assert "after the as-of date" in next(e for e in meetings["evidence"] if e["id"] == "EV-0003")["why_not"]
    json.dumps(result)  # JSON-ready


def test_a_link_that_would_not_count_is_refused_when_it_is_made_with_the_reason(framework):
    ev = framework.evidence
    with pytest.raises(ValidationError, match="a value of 7 would count as 1"):
        ev.register(evidence("Meeting A", date="2020-03-01", links=ind_link("S/I1", 7)), why=WHY)
    with pytest.raises(ValidationError, match="period 2022 cannot count toward S/I1, which measures 2020-21"):
        ev.register(evidence("Meeting C", links=ind_link("S/I1", 1, "2022")), why=WHY)
    with pytest.raises(ValidationError, match="dated 2023-05-01 cannot count"):
        ev.register(evidence("Meeting D", date="2023-05-01", links=ind_link("S/I1", 1)), why=WHY)
    assert framework.records.heads("evidence") == []


def test_progress_sums_values_for_a_sum_indicator(framework):
    ev = framework.evidence
    ev.register(evidence("Grant 1", date="2020-05-01", links=ind_link("S/I2", 250.5)), why=WHY)
    ev.register(evidence("Grant 2", date="2021-02-01", links=ind_link("S/I2", "300")), why=WHY)
    funds = row(ev.progress("S", as_of="2021-06-30"), "S/I2")
    assert funds["measure"] == "sum" and funds["actual"] == 550.5
    assert [p["cumulative"] for p in funds["periods"]] == [250.5, 550.5]
    assert {e["contributes"] for e in funds["evidence"]} == {250.5, 300}


def test_progress_status_follows_the_pro_rata_rule(framework):
    ev = framework.evidence
    middle = "2020-12-31"  # half of 2020-21 has elapsed
    assert row(ev.progress("S", as_of=middle), "S/I1")["status"] == "no_evidence"
    for n in range(4):
        ev.register(evidence(f"Meeting {n}", date="2020-06-01", links=ind_link("S/I1")), why=WHY)
    meetings = row(ev.progress("S", as_of=middle), "S/I1")
    assert meetings["actual"] == 4 and meetings["status"] == "at_risk"  # 40 % of target, 50 % of time
    assert 0.49 < meetings["share_of_period_elapsed"] < 0.51 and meetings["share_of_target"] == 0.4
    ev.register(evidence("Meeting 5", date="2020-07-01", links=ind_link("S/I1")), why=WHY)
    assert row(ev.progress("S", as_of=middle), "S/I1")["status"] == "on_track"  # 50 % of target
    assert row(ev.progress("S", as_of="2022-01-15"), "S/I1")["status"] == "at_risk"  # period over, missed
    for n in range(5):
        ev.register(evidence(f"Meeting {6 + n}", date="2020-08-01", links=ind_link("S/I1")), why=WHY)
    result = ev.progress("S", as_of="2022-01-15")
    assert row(result, "S/I1")["status"] == "achieved" and row(result, "S/I1")["actual"] == 10
    assert row(result, "S/I3")["status"] == "no_target"
    assert result["status_counts"] == {"achieved": 1, "on_track": 0, "at_risk": 0, "no_evidence": 1, "no_target": 1}
    assert "pro rata" in result["rule"]


def test_progress_as_of_leaves_out_later_evidence(framework):
    ev = framework.evidence
    ev.register(evidence("Early", date="2020-02-01", links=ind_link("S/I1")), why=WHY)
    ev.register(evidence("Late", date="2021-09-01", links=ind_link("S/I1")), why=WHY)
    assert row(ev.progress("S", as_of="2021-01-01"), "S/I1")["actual"] == 1
    assert row(ev.progress("S", as_of="2021-12-31"), "S/I1")["actual"] == 2
    assert row(ev.progress("S"), "S/I1")["actual"] == 2


def test_status_rule_edges():
    assert status_of(0, None, 0.5, 0) == "no_target"
    assert status_of(0, 10, 0.5, 0) == "no_evidence"
    assert status_of(10, 10, 0.1, 3) == "achieved"
    assert status_of(1, 10, 0.0, 1) == "on_track"  # the period has not begun
    assert status_of(1, 10, None, 1) == "on_track"  # no period: no pace to fall behind
    assert status_of(9, 10, 1.0, 9) == "at_risk"
    assert period_years("2012-13") == (2012, 2013) and period_years("2013") == (2013, 2013)
    assert period_years("1999-00") == (1999, 2000) and period_years("") is None
    assert format_size(900) == "900 bytes" and format_size(50 * 1024 * 1024) == "50 MB"


# -- search and links from both ends ------------------------------------------------------------
def test_search_filters(framework):
    ev = framework.evidence
    ev.register(evidence("Brasilia meeting", date="2020-03-01", source="Brasilia office", notes="with IBSA partners",
                         links=ind_link("S/I1")), why=WHY)
    ev.register({"title": "Agreement with China", "kind": "agreement", "reliability": "reported",
                 "date": "2021-05-01", "reference": "MOU-2021-7"}, why=WHY)
    ev.register({"title": "Undated estimate", "kind": "dataset", "reliability": "estimate"},
                why=WHY, file=("numbers.csv", b"a,b\n1,2\n", None))
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(ev.search()) == ["EV-0002", "EV-0001", "EV-0003"]
    assert ids(ev.search("ibsa")) == ["EV-0001"]  # in the notes only
    assert ids(ev.search("brasilia office")) == ["EV-0001"]
    assert ids(ev.search("mou-2021")) == ["EV-0002"]
    assert ids(ev.search("numbers.csv")) == ["EV-0003"]
    assert ids(ev.search(kind="agreement")) == ["EV-0002"]
    assert ids(ev.search(reliability=["estimate", "confirmed"])) == ["EV-0001", "EV-0003"]
    assert ids(ev.search(date_from="2021-01-01")) == ["EV-0002"]
    assert ids(ev.search(date_from="2020-01-01", date_to="2020-12-31")) == ["EV-0001"]
    assert ids(ev.search(linked="S/I1")) == ["EV-0001"]
    with pytest.raises(ValidationError, match="not a date"):
        ev.search(date_from="March 2020")
    with pytest.raises(ValidationError, match="starts"):
        ev.search(date_from="2021-01-01", date_to="2020-01-01")
    with pytest.raises(ValidationError, match="not one of"):
        ev.search(kind="rumour")


def test_links_from_both_ends(demo):
    saved = demo.evidence.register(evidence("Technical meeting, Brasilia", date="2012-10-01",
                                            links={**ind_link(seed.IND_MEETINGS, 1, "2012"),
                                                   "decisions": [seed.DECISION_ID], "papers": [seed.PAPER_ID]}),
                                   why=WHY)
    assert [(r["id"], r["value"], r["period"]) for r in demo.evidence.evidence_for_indicator(seed.IND_MEETINGS)] == [
        (saved.id, 1, "2012")]
    assert saved.id in [r["id"] for r in demo.evidence.evidence_for_decision(seed.DECISION_ID)]
    assert saved.id in [r["id"] for r in demo.evidence.evidence_for_paper(seed.PAPER_ID)]
    linked = demo.evidence.link(saved.id, indicators=[{"id": seed.IND_PARTNERSHIPS, "value": 1}],
                                why="Also a partnership")
    assert linked.version == 2 and len(linked.data["links"]["indicators"]) == 2
    assert [r["id"] for r in demo.evidence.evidence_for_indicator(seed.IND_PARTNERSHIPS)] == [saved.id]


# -- the demo -----------------------------------------------------------------------------------
def test_demo_footnote_references_are_evidence_for_the_decision_and_paper(demo):
    cited = {"GB.313/PV, paragraph 401", "SSC/17/3", "GB.313/POL/7, paragraph 10"}
    for rows in (demo.evidence.evidence_for_decision(seed.DECISION_ID), demo.evidence.evidence_for_paper(seed.PAPER_ID)):
        assert {r["reference"] for r in rows} == cited
    footnotes = " ".join(n["text"] for b in demo.records.get("paper", seed.PAPER_ID).data["body"]
                         for n in b.get("footnotes", []))
    assert "GB.313/PV" in footnotes and "SSC%2017_3E" in footnotes and "GB.313/POL/7" in footnotes
    assert demo.evidence.get("EV-SSC-17-3").data["url"] == seed.SOURCE_URL


def test_demo_invents_no_progress_data(demo):
    result = demo.evidence.progress(seed.STRATEGY_ID)
    assert [r["id"] for r in result["indicators"]] == [seed.IND_MEETINGS, seed.IND_PROGRAMMES, seed.IND_COUNTRIES,
                                                      seed.IND_PARTNERSHIPS]
    for indicator in result["indicators"]:
        assert indicator["actual"] == 0 and indicator["evidence"] == [] and indicator["periods"] == []
        assert indicator["status"] in ("no_evidence", "no_target")
    meetings = row(result, seed.IND_MEETINGS)
    assert (meetings["baseline_value"], meetings["target_value"], meetings["period"]) == (5, 10, "2012-13")
    assert row(result, seed.IND_COUNTRIES)["status"] == "no_target"  # its target is wording only
    assert not row(result, seed.IND_PROGRAMMES)["in_force"]  # proposed by the draft decision


# -- the command line ---------------------------------------------------------------------------
def test_cli_progress_attach_and_download(framework, tmp_path, capsys):
    db = str(framework.store.path)
    saved = framework.evidence.register(evidence("Meeting", date="2020-04-01", links=ind_link("S/I1")),
                                        why=WHY)
    framework.close()
    assert cli_main(["--db", db, "progress", "S", "--json", "--as-of", "2021-06-30"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert row(printed, "S/I1")["actual"] == 1 and row(printed, "S/I1")["status"] == "at_risk"
    assert cli_main(["--db", db, "progress", "S"]) == 0
    table = capsys.readouterr().out
    assert "S/I1" in table and "at risk" in table and "status rule:" in table

    source = tmp_path / "agreement.pdf"
    source.write_bytes(b"%PDF-1.4 signed agreement\x00\xff")
    assert cli_main(["--db", db, "attach", str(source), "--evidence", saved.id, "--why", "The file"]) == 0
    assert capsys.readouterr().out.strip() == "2"
    out = tmp_path / "back.pdf"
    assert cli_main(["--db", db, "download", saved.id, "--out", str(out)]) == 0
    assert out.read_bytes() == source.read_bytes()

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert cli_main(["--db", db, "attach", str(empty), "--evidence", saved.id, "--why", "x"]) == 2
    assert "is empty" in capsys.readouterr().err
    assert cli_main(["--db", db, "progress", "NO-SUCH"]) == 2
    assert cli_main(["--db", db, "progress", "S", "--as-of", "soon"]) == 2
