"""An issued paper says what it said when it was issued, for everyone (issue #11): a change is
saved as its revised paper (Rev.) or an addendum (Add.), through the services, the command line,
a Word import and the app alike; the issued version stays as it was printed."""

from __future__ import annotations

import copy
import json

import pytest

from sstc_docs import demo as seed
from sstc_docs.errors import ValidationError
from sstc_docs.services.imports import ImportService

from import_docs import rewrite
from revisions import start_revision

from test_app_pages import open_app, texts
from test_cli import cli
from test_import_service import EDITED

REVISED, ADDENDUM = f"{seed.PAPER_ID}(Rev.)", f"{seed.PAPER_ID}(Add.1)"


def _checked(data: dict) -> dict:
    data = copy.deepcopy(data)
    paragraphs = [b for b in data["body"] if b["type"] == "paragraph"]
    paragraphs[1]["text"] = paragraphs[1]["text"].replace("。", "（已核对）。", 1)
    return data


def test_a_change_to_an_issued_paper_is_refused_and_names_the_two_ways(demo):
    issued = demo.records.get("paper", seed.PAPER_ID)
    assert issued.data["status"] == "issued"
    for change in (_checked(issued.data), dict(issued.data, status="draft"), dict(issued.data, title="Another")):
        with pytest.raises(ValidationError) as refused:
            demo.papers.update(seed.PAPER_ID, change, why="edit", base_version=1)
        message = str(refused.value)
        assert f"{seed.PAPER_ID} is issued" in message and REVISED in message and ADDENDUM in message
    assert len(demo.records.history("paper", seed.PAPER_ID)) == 1
    # saving it unchanged records nothing and is not refused
    assert demo.papers.update(seed.PAPER_ID, issued.data, why="same", base_version=1).version == 1


@pytest.mark.parametrize("successor", [REVISED, ADDENDUM])
def test_the_change_is_saved_as_a_revision_or_an_addendum_and_the_issued_version_stays(demo, successor):
    before, _ = demo.exports.paper_docx(seed.PAPER_ID, 1)
    revised = demo.papers.update(seed.PAPER_ID, dict(_checked(demo.records.get("paper", seed.PAPER_ID).data),
                                                     symbol=successor, status="draft"),
                                 why="Paragraph 2 checked", base_version=1)
    assert revised.version == 2 and revised.data["symbol"] == successor
    assert demo.exports.paper_docx(seed.PAPER_ID, 1)[0] == before
    # a draft successor is edited freely; once it is issued, it is fixed in its turn
    demo.papers.update(seed.PAPER_ID, dict(revised.data, title="Retitled"), why="title", base_version=2)
    issued = demo.papers.update(seed.PAPER_ID, dict(demo.records.get("paper", seed.PAPER_ID).data, status="issued"),
                                why="issue", base_version=3)
    with pytest.raises(ValidationError, match=f"{successor.replace('(', '[(]').replace(')', '[)]')} is issued"):
        demo.papers.update(seed.PAPER_ID, dict(issued.data, title="Again"), why="x", base_version=issued.version)
    with pytest.raises(ValidationError, match="is issued"):  # nor back to an earlier symbol
        demo.papers.update(seed.PAPER_ID, dict(issued.data, symbol=seed.PAPER_ID), why="x",
                           base_version=issued.version)


def test_the_command_line_meets_the_same_rule(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    paper = json.loads(cli(db, "get", "paper", seed.PAPER_ID).stdout)
    edited = _checked(paper["data"] if "data" in paper else paper)
    refused = cli(db, "put", "-", "--why", "edit", stdin=json.dumps(dict(edited, kind="paper")))
    assert refused.returncode == 2 and f"{seed.PAPER_ID} is issued" in refused.stderr and REVISED in refused.stderr
    saved = cli(db, "put", "-", "--why", "edit",
                stdin=json.dumps(dict(edited, kind="paper", symbol=REVISED, status="draft")))
    assert saved.returncode == 0, saved.stderr


def test_a_word_file_of_an_issued_paper_edited_comes_back_as_its_revision(demo):
    data, _ = demo.exports.paper_docx(seed.PAPER_ID, 1)
    importer = ImportService(demo)
    preview = importer.preview(rewrite(data, EDITED, "本文件提出了两项新的指标"), "edited.docx")
    paper = next(p for p in preview.parts if p.kind == "paper")
    assert paper.data["symbol"] == REVISED and paper.data["status"] == "draft" and "is issued" in paper.note
    importer.commit(preview, why="Edited in Word")
    latest = demo.records.get("paper", seed.PAPER_ID)
    assert latest.version == 2 and latest.data["symbol"] == REVISED
    assert demo.records.get("paper", seed.PAPER_ID, 1).data["status"] == "issued"


def test_the_papers_page_says_it_is_issued_and_starts_the_revision(demo_db):
    at = open_app("papers")
    assert f"{seed.PAPER_ID} is issued" in texts(at.info)
    at.button(key=f"paper:{seed.PAPER_ID}:start:revision").click().run()
    assert at.text_input(key=f"paper:{seed.PAPER_ID}:symbol").value == REVISED
    assert f"{seed.PAPER_ID} is issued" not in texts(at.info) and f"You are drafting {REVISED}" in texts(at.info)


def test_a_decision_cites_the_issued_paper_not_a_revision_still_in_draft(demo):
    start_revision(demo)
    moved = demo.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1, adopted_on="2012-11-16")
    assert f"{seed.PAPER_ID}，第 4 段" in moved.data["record"] and "(Rev.)" not in moved.data["record"]
