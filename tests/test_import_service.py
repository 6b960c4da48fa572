"""ImportService: the dry run says what each part becomes; commit saves it all together or nothing.

Round trips start from a real export of the demo paper (``services.exports.paper_docx``), edited as a
user would edit it in Word (its document.xml changed), and read back.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sstc_docs import demo as seed
from sstc_docs.errors import ConflictError, NotFound, ValidationError
from sstc_docs.services.imports import CONFLICT, MATCHED, NEW, NEW_VERSION, UNCHANGED, ImportService

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_docs import foreign_paper, rewrite  # noqa: E402
from people import person  # noqa: E402
from revisions import REVISED  # noqa: E402

EDITED = "本文件对成果 1 提出了两项新的指标"


def plan(preview) -> dict[tuple[str, str], str]:
    return {(p.kind, p.id): p.action for p in preview.parts}


@pytest.fixture
def exported(demo) -> bytes:
    data, _ = demo.exports.paper_docx(seed.PAPER_ID)
    return data


def test_an_unedited_export_changes_nothing_but_keeps_the_file(demo, exported):
    preview = ImportService(demo).preview(exported, "GB.316-POL-5.docx")
    actions = plan(preview)
    assert actions[("paper", seed.PAPER_ID)] == UNCHANGED and actions[("decision", seed.DECISION_ID)] == UNCHANGED
    assert actions[("strategy", seed.STRATEGY_ID)] == MATCHED
    assert [p.kind for p in preview.parts if p.action == NEW] == ["evidence"]
    assert preview.can_commit and not preview.conflicts


def test_an_edited_export_becomes_the_next_version(demo, exported):
    edited = rewrite(exported, EDITED, "本文件提出了两项新的指标")
    preview = ImportService(demo).preview(edited, "edited.docx")
    [paper] = [p for p in preview.parts if p.kind == "paper"]
    assert (paper.action, paper.base_version) == (NEW_VERSION, 1)
    assert paper.data["symbol_note"] == seed.PAPER["symbol_note"]  # what Word does not carry is kept
    assert (paper.data["symbol"], paper.data["status"]) == (REVISED, "draft")  # the issued paper's revision
    assert paper.data["body"][0]["text"].endswith("本文件提出了两项新的指标和对成果 2 提出了一项已修订指标。")
    assert [b["strategy_id"] for b in paper.data["body"] if b["type"] == "framework"] == [seed.STRATEGY_ID] * 2


def test_a_record_that_moved_on_since_the_export_is_a_conflict(demo, exported):
    current = demo.records.get("paper", seed.PAPER_ID)
    demo.acting_as(person("someone", "Someone Else")).papers.update(
        seed.PAPER_ID, {**current.data, "title": "Moved on", "symbol": REVISED, "status": "draft"},
        why="a change after the export", base_version=current.version)
    preview = ImportService(demo).preview(rewrite(exported, EDITED, "改过"), "late.docx")
    [conflict] = preview.conflicts
    assert (conflict.kind, conflict.action) == ("paper", CONFLICT)
    assert "Someone Else" in conflict.note and "version 2" in conflict.note


def test_a_paper_written_elsewhere_is_planned_as_new_records(services):
    preview = ImportService(services).preview(foreign_paper("en"), "typed.docx")
    actions = plan(preview)
    assert actions[("paper", "GB.320/POL/3")] == NEW and actions[("decision", "GB.320/POL/3:D1")] == NEW
    assert actions[("strategy", "FW:GB.320/POL/3")] == NEW
    indicators = [p for p in preview.parts if p.kind == "indicator"]
    assert [(p.id, p.data["label"], [r["type"] for r in p.data["revisions"]]) for p in indicators] == [
        ("FW:GB.320/POL/3/O1/I1", "", []), ("FW:GB.320/POL/3/O1/A", "(A)", ["new"]),
        ("FW:GB.320/POL/3/O2/I1", "", [])]
    [evidence] = [p for p in preview.parts if p.kind == "evidence"]
    assert "Comment by Reviewer One" in evidence.data["notes"] and "Check this figure." in evidence.data["notes"]
    assert "not accepted (the text before them was kept): 901, 902" in evidence.data["notes"]


def test_missing_symbol_is_a_problem_not_a_plan(services):
    preview = ImportService(services).preview(rewrite(foreign_paper("en"), "GB.320/POL/3", "(to follow)"), "x.docx")
    assert not preview.can_commit and preview.parts == []
    with pytest.raises(ValidationError, match="no document symbol"):
        ImportService(services).commit(preview, why="import")


# ---- saving: one unit of work ------------------------------------------------------------------------
def test_commit_creates_every_record_as_version_1_and_keeps_the_file(services):
    data = foreign_paper("en")
    importer = ImportService(services.acting_as(person("ana", "Ana Lopez")))
    saved = importer.commit(importer.preview(data, "typed.docx"), why="Paper received from PARDEV",
                            accepted_changes={"901"})
    assert {(kind, version) for kind, _, version in saved.versions} == {
        ("paper", 1), ("decision", 1), ("strategy", 1), ("indicator", 1), ("evidence", 1)}
    paper = services.records.get("paper", "GB.320/POL/3")
    assert "typed.docx" in paper.why and paper.author == "Ana Lopez (ana)"
    assert paper.data["body"][2]["text"].endswith("Inserted words. Deleted words.")    # 901 accepted, 902 not
    evidence = services.records.get("evidence", saved.evidence_id).data
    assert evidence["attachment"]["sha256"] == saved.sha256 and evidence["links"]["papers"] == ["GB.320/POL/3"]
    assert services.store.read_blob(saved.sha256) == data


def test_a_round_trip_saves_version_2_based_on_1(demo, exported):
    importer = ImportService(demo)
    importer.commit(importer.preview(rewrite(exported, EDITED, "改过的"), "edited.docx"), why="edits")
    latest = demo.records.get("paper", seed.PAPER_ID)
    assert latest.version == 2 and "改过的" in latest.data["body"][0]["text"]


def test_a_conflict_writes_nothing(demo, exported):
    current = demo.records.get("paper", seed.PAPER_ID)
    demo.acting_as(person("someone", "Someone Else")).papers.update(
        seed.PAPER_ID, {**current.data, "title": "Moved on", "symbol": REVISED, "status": "draft"},
        why="a change after the export", base_version=current.version)
    importer = ImportService(demo)
    preview = importer.preview(rewrite(exported, EDITED, "改过"), "late.docx")
    evidence_before = len(demo.records.heads("evidence"))
    with pytest.raises(ConflictError):
        importer.commit(preview, why="late edits")
    assert demo.records.get("paper", seed.PAPER_ID).version == 2
    assert len(demo.records.heads("evidence")) == evidence_before
    with pytest.raises(NotFound):
        demo.records.get("evidence", preview.parts[-1].id)
