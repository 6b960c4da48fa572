"""A version never changes: a paper version is the whole paper, changes of several records are one
unit, and every writer — the app, the CLI, the services — meets the same rules with the same result."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import multiprocessing
import zipfile

import pytest
from lxml import etree

from faults import die_at_durable_step
from people import person
from revisions import REVISED, start_revision
from sstc_docs import demo as seed
from sstc_docs.errors import StoreError, ValidationError
from sstc_docs.services import open_services

from test_app_pages import open_app, texts
from test_cli import cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MOVE = f"dec:move:{seed.DECISION_ID}"


def _document(docx: bytes) -> dict:
    """What a reader gets from a .docx: the paragraphs' text, each table's cells, the footnotes."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        notes = etree.fromstring(package.read("word/footnotes.xml"))

    def text(element) -> str:
        return "".join(t.text or "" for t in element.iter(f"{W}t"))

    return {"paragraphs": [text(p) for p in body.iter(f"{W}p")],
            "tables": [[text(cell) for cell in table.iter(f"{W}tc")] for table in body.iter(f"{W}tbl")],
            "footnotes": [text(note) for note in notes.iter(f"{W}footnote")]}


def _edit_paragraph_2(services) -> None:
    """Paragraph 2 checked, in the revised paper: the demo's paper is issued, so a change starts
    its (Rev.) — at once here when the latest version is the issued one."""
    paper = services.records.get("paper", seed.PAPER_ID)
    if paper.data["status"] == "issued":
        paper = start_revision(services, why="Paragraph 2 to be checked")
    data = copy.deepcopy(paper.data)
    paragraphs = [b for b in data["body"] if b["type"] == "paragraph"]
    paragraphs[1]["text"] = paragraphs[1]["text"].replace("。", "（已核对）。", 1)
    services.papers.update(seed.PAPER_ID, data, why="Paragraph 2 checked", base_version=paper.version)


def test_version_1_exports_exactly_as_before_once_version_2_exists(demo):
    before, _ = demo.exports.paper_docx(seed.PAPER_ID, 1)
    printed = _document(before)
    assert len(printed["tables"]) >= 3 and any("决定草案" in p for p in printed["paragraphs"])
    _edit_paragraph_2(demo)
    demo.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1,
                        adopted_on="2012-11-16")
    after, _ = demo.exports.paper_docx(seed.PAPER_ID, 1)
    assert _document(after) == printed
    assert after == before  # byte for byte: a file can be checked against the record by its hash
    assert demo.exports.paper_docx(seed.PAPER_ID, 2)[0] != before


def test_a_draft_paper_follows_its_decision_point_in_its_own_history(demo):
    paper = demo.papers.create({"symbol": "GB.347/POL/2", "title": "Draft paper", "body": [
        {"type": "paragraph", "text": "The Office proposes."}]}, why="new paper")
    decision = demo.decisions.create(paper.id, text="The Governing Body approves the proposal.", why="add decision point")
    history = demo.records.history("paper", paper.id)
    assert [v.version for v in history] == [1, 2]
    assert history[-1].data["pinned"] == {f"decision:{decision.id}": 1}
    demo.acting_as(person("bo", "Bo")).decisions.save_text(
        decision.id, text="The Governing Body approves the revised proposal.", parts=[],
        why="Reworded after review", base_version=1)
    history = demo.records.history("paper", paper.id)
    assert [v.version for v in history] == [1, 2, 3]
    assert history[-1].author == "Bo (bo)" and "Reworded after review" in history[-1].why
    assert history[-1].data["pinned"] == {f"decision:{decision.id}": 2}
    v2 = demo.papers.bundle(paper.id, 2).decisions[0].paragraphs[0]
    v3 = demo.papers.bundle(paper.id, 3).decisions[0].paragraphs[0]
    assert "revised" not in v2 and "revised" in v3


def test_put_cannot_adopt_and_names_the_command(tmp_path):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    decision = json.loads(cli(db, "get", "decision", seed.DECISION_ID).stdout)
    for change in ({"status": "adopted", "adopted_on": "2012-11-16"}, {"status": "withdrawn"},
                   {"record": "The Governing Body approved everything."}):
        result = cli(db, "put", "-", "--why", "around the rules",
                     stdin=json.dumps({**decision, **change}))
        assert result.returncode == 2 and "decision move" in result.stderr, result.stderr
    indicator = json.loads(cli(db, "get", "indicator", seed.IND_PARTNERSHIPS).stdout)
    indicator["revisions"][-1].update(status="in_force", effective_date="2012-11-16")
    result = cli(db, "put", "-", "--why", "force it", stdin=json.dumps(indicator))
    assert result.returncode == 2 and "decision move" in result.stderr
    assert json.loads(cli(db, "history", "decision", seed.DECISION_ID, "--json").stdout)[-1]["version"] == 1


@pytest.mark.parametrize("kind", ["paper", "strategy", "indicator", "decision", "evidence"])
def test_get_then_put_of_the_unchanged_output_works_for_every_kind(tmp_path, kind):
    db = tmp_path / "db"
    assert cli(db, "demo").returncode == 0
    record_id = json.loads(cli(db, "list", kind, "--json").stdout)[0]["id"]
    printed = cli(db, "get", kind, record_id).stdout
    result = cli(db, "put", "-", "--why", "unchanged", stdin=printed)
    assert result.returncode == 0 and "no change" in result.stderr, result.stderr
    edited = json.loads(printed)
    text_field = {"paper": "title", "strategy": "title", "indicator": "text", "decision": "text", "evidence": "title"}[kind]
    edited[text_field] += " (checked)"
    result = cli(db, "put", "-", "--why", "edited", stdin=json.dumps(edited))
    if kind == "decision":  # the demo's decision is submitted: its text is what will be voted on
        assert result.returncode == 2 and "amendment" in result.stderr
        return
    if kind == "paper":  # the demo's paper is issued: the change is its revised paper
        assert result.returncode == 2 and REVISED in result.stderr
        edited.update(symbol=REVISED, status="draft")
        result = cli(db, "put", "-", "--why", "edited", stdin=json.dumps(edited))
    assert result.returncode == 0 and int(result.stdout) == edited["version"] + 1, result.stderr


def _comparable(services) -> dict:
    """The records an adoption leaves, without who and when (which differ between two runs)."""
    decision = services.records.get("decision", seed.DECISION_ID)
    indicators = {i: services.records.get("indicator", i) for i in (seed.IND_PARTNERSHIPS,)}
    return {"decision": (decision.version, decision.effective_from, decision.data),
            "indicators": {i: (v.version, v.effective_from, v.data) for i, v in indicators.items()},
            "paper": services.records.get("paper", seed.PAPER_ID).version}


def test_adopting_through_the_cli_and_through_the_app_gives_the_same_records(tmp_path, demo_db):
    cli_db = tmp_path / "cli-db"
    assert cli(cli_db, "demo").returncode == 0
    result = cli(cli_db, "decision", "move", seed.DECISION_ID, "--to", "adopted", "--on", "2012-11-15",
                 "--why", "Adopted by the Governing Body")
    assert result.returncode == 0, result.stderr
    at = open_app("decisions")
    at.radio(key=f"{MOVE}:to").set_value("adopted").run()
    at.date_input(key=f"{MOVE}:adopted_on").set_value(dt.date(2012, 11, 15))
    at.text_input(key=f"{MOVE}:why").input("Adopted by the Governing Body")
    at.button(key=f"{MOVE}:save").click().run()
    assert not at.exception and not at.error, texts(at.error)
    from_cli, from_app = open_services(cli_db), open_services(demo_db)
    try:
        assert _comparable(from_cli) == _comparable(from_app)
        assert _comparable(from_app)["decision"][2]["status"] == "adopted"
    finally:
        from_cli.close()
        from_app.close()


def test_adoption_that_fails_halfway_changes_nothing(demo, monkeypatch):
    original = demo.records.save
    calls = {"n": 0}

    def failing_on_the_second_indicator(kind, data, **kwargs):
        if kind == "indicator":
            calls["n"] += 1
            if calls["n"] == 2:
                raise StoreError("the disk is full")
        return original(kind, data, **kwargs)

    monkeypatch.setattr(demo.records, "save", failing_on_the_second_indicator)
    with pytest.raises(StoreError):
        demo.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1,
                            adopted_on="2012-11-16")
    monkeypatch.undo()
    assert demo.records.get("decision", seed.DECISION_ID).data["status"] == "submitted"
    assert [h["proposed"] for h in demo.records.heads("indicator") if h["proposed"]]  # still proposed
    saved = demo.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1,
                                adopted_on="2012-11-16")
    assert saved.version == 2 and not any(h["proposed"] for h in demo.records.heads("indicator"))


def test_a_submitted_decision_names_a_way_out_that_exists(demo):
    with pytest.raises(ValidationError) as refused:
        demo.decisions.save_text(seed.DECISION_ID, text="Changed.", parts=[], why="edit",
                                 base_version=1)
    message = str(refused.value)
    assert "back to draft" not in message and "amendment" in message and "withdraw" in message


# -- restore: all or nothing ----------------------------------------------------------------------
def _restore_killed_at(db: str, backup: str, step: int) -> None:
    """Child: restore, dying by SIGKILL at the ``step``-th durable file operation."""
    services = open_services(db)
    die_at_durable_step(step)
    services.store.restore(backup)


def test_a_restore_killed_midway_leaves_the_target_as_it_was_and_can_be_run_again(demo, tmp_path):
    for n in range(10):
        demo.records.save("evidence", {"id": f"EV-{n}", "title": f"Evidence {n}"}, why="more",
                          base_version=None)
    backup = tmp_path / "backup.json"
    demo.store.backup(backup)
    expected = json.loads(backup.read_bytes())["versions"]
    context = multiprocessing.get_context("spawn")
    outcomes = []
    step = 1
    while True:
        target = tmp_path / f"target{step}"
        process = context.Process(target=_restore_killed_at, args=(str(target), str(backup), step))
        process.start()
        process.join(60)
        restored = open_services(target)
        try:
            if not any(restored.store.heads(kind) for kind in restored.store.kinds()):
                outcomes.append("as it was")  # empty: and a second restore succeeds
                assert restored.store.restore(backup) == len(expected)
            else:
                outcomes.append("restored")
            again = tmp_path / f"again{step}.json"
            restored.store.backup(again)
            assert json.loads(again.read_bytes())["versions"] == expected
        finally:
            restored.close()
        if process.exitcode == 0:
            break
        step = step * 2 + 1  # 1, 3, 7, 15 …: every stage of the build, the swap and the clean-up
        assert step < 10_000
    assert outcomes[0] == "as it was" and outcomes[-1] == "restored" and len(outcomes) >= 4


def test_the_redline_between_two_versions_tracks_only_the_paragraph_2_edit(demo):
    start_revision(demo)
    _edit_paragraph_2(demo.acting_as(person("ana", "Ana")))
    docx, _ = demo.exports.redline_docx(seed.PAPER_ID, 2, 3)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    changes = list(body.iter(f"{W}ins", f"{W}del"))
    assert changes and {c.get(f"{W}author") for c in changes} == {"Ana (ana)"}
    # paragraph 2, and the (Rev.) cover's note of which paragraphs the revision changed
    assert ["".join(t.text for t in c.iter(f"{W}t")) for c in changes] == ["第 2 段已作修订。", "（已核对）"]
    assert not list(body.iter(f"{W}del"))


def test_comparing_paper_versions_shows_the_change_of_a_part(demo):
    paper = demo.papers.create({"symbol": "GB.347/POL/2", "title": "Draft", "body": [
        {"type": "paragraph", "text": "The Office proposes."}]}, why="new")
    decision = demo.decisions.create(paper.id, text="The Governing Body approves the proposal.", why="decision point")
    demo.decisions.save_text(decision.id, text="The Governing Body approves the revised proposal.", parts=[],
                             why="reworded", base_version=1)
    comparison = demo.diffs.compare("paper", paper.id, 2, 3)
    assert not comparison.diff.fields.changes  # the paper's own fields did not change …
    [part] = comparison.parts                  # … its decision point did
    assert (part.kind, part.old_version, part.new_version) == ("decision", 1, 2)
    assert "{+revised +}" in comparison.as_text() or "revised" in comparison.as_text()
