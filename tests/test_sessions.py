"""The session kind, what follows from it, and the documents of a session.

A session is validated like any record (dates valid and in order, papers that exist and belong to
it); a paper is not issued without a date; an adoption outside the session's dates needs a reason;
a paper's status follows its decision points; the record of decisions, the session pack and the
minutes' contents are rendered by LibreOffice and read back as text.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import docx as python_docx
import pytest
from people import TESTER
from session_data import WHY, build, decide, paper

from libreoffice import PDFTOTEXT, SOFFICE, convert
from test_word_support import Docx, paragraph_property, paragraph_text, paragraphs, q

from sstc_docs import demo as seed
from sstc_docs.cli import main
from sstc_docs.domain.records import validate
from sstc_docs.errors import ValidationError
from sstc_docs.services import open_services

needs_libreoffice = pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                                       reason="LibreOffice (soffice) and poppler's pdftotext render the documents")


@pytest.fixture
def session(services):
    return services, build(services)


def rendered(folder, files: dict[str, bytes]) -> dict[str, str]:
    """Each .docx converted to PDF by LibreOffice in one call, and its text as pdftotext reads it."""
    paths = []
    for name, data in files.items():
        (folder / f"{name}.docx").write_bytes(data)
        paths.append(str(folder / f"{name}.docx"))
    convert(paths, to="pdf", outdir=folder, profile=folder / "profile")
    texts = {}
    for name in files:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}.docx"
        texts[name] = " ".join(subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                              text=True, check=True).stdout.split())
    return texts


# -- the kind -------------------------------------------------------------------------------------
def test_a_session_needs_valid_dates_in_order_and_keeps_sections_in_the_house_order():
    with pytest.raises(ValidationError) as refused:
        validate("session", {"number": 316, "opening": "2012-11-16", "closing": "2012-11-01"})
    assert "closes (2012-11-01) before it opens (2012-11-16)" in str(refused.value)
    with pytest.raises(ValidationError, match="is not a date"):
        validate("session", {"number": 316, "opening": "1 November", "closing": "2012-11-16"})
    with pytest.raises(ValidationError, match="closing: is required"):
        validate("session", {"number": 316, "opening": "2012-11-01"})
    session = validate("session", {"number": 316, "opening": "2012-11-01", "closing": "2012-11-16", "sections": [
        {"code": "PFA", "items": []}, {"code": "INS", "items": [{"number": 1, "title": "Minutes"}]}]})
    assert session["id"] == "316" and session["place"] == "Geneva"
    assert [s["code"] for s in session["sections"]] == ["INS", "PFA"]
    with pytest.raises(ValidationError, match="not a segment of this section"):
        validate("session", {"number": 316, "opening": "2012-11-01", "closing": "2012-11-16", "sections": [
            {"code": "POL", "items": [{"number": 1, "title": "t", "segment": "Technical Cooperation Segment"}]}]})


def test_agenda_papers_must_exist_and_belong_to_the_session_and_section(demo):
    base = {"number": 316, "opening": "2012-11-01", "closing": "2012-11-16"}
    current = demo.sessions.get(316)
    for papers, section, message in ((["GB.316/POL/99"], "POL", "there is no paper 'GB.316/POL/99'"),
                                     ([seed.PAPER_ID], "INS", "is a POL paper; put it under section POL")):
        with pytest.raises(ValidationError, match=message):
            demo.sessions.save(dict(base, sections=[{"code": section, "items": [
                {"number": 5, "title": "t", "papers": papers}]}]), why=WHY,
                base_version=current.version)
    with pytest.raises(ValidationError, match="belongs to the 316th Session, not the 317th"):
        demo.sessions.save({"number": 317, "opening": "2013-03-14", "closing": "2013-03-28", "sections": [
            {"code": "POL", "items": [{"number": 5, "title": "t", "papers": [seed.PAPER_ID]}]}]},
            why=WHY, base_version=None)
    assert demo.sessions.get(316).version == current.version and not demo.records.exists("session", "317")


def test_the_demo_has_the_316th_session_with_the_seed_paper_as_pol_item_5(demo):
    session = demo.sessions.get(316).data
    assert (session["place"], session["opening"], session["closing"]) == ("Geneva", "2012-11-01", "2012-11-16")
    assert "Assumed" in session["note"]
    (section,) = session["sections"]
    assert section["code"] == "POL" and section["items"][0]["number"] == 5
    assert section["items"][0]["papers"] == [seed.PAPER_ID]
    assert demo.records.get("paper", seed.PAPER_ID).data["pinned"]["session:316"] == 1


# -- papers take their dates from the session -----------------------------------------------------
def test_the_cover_prints_the_sessions_dates_and_the_items_segment(session):
    services, ids = session
    bundle = services.papers.bundle(ids["strategy"])
    assert bundle.paper["session_dates"] == "13–23 March 2023"
    assert bundle.segment == "Employment and Social Protection Segment"
    assert bundle.sources["session:347"] == 1


def test_a_paper_cannot_be_issued_without_a_date(services):
    data = dict(validate("paper", {"symbol": "GB.347/POL/9", "title": "t"}), status="issued", date="")
    with pytest.raises(ValidationError) as refused:
        services.papers.create(data, why=WHY)
    assert [p.field for p in refused.value.problems] == ["date"]
    assert "a paper cannot be issued without a date" in str(refused.value)
    created = services.papers.create(dict(data, status="draft"), why=WHY)
    with pytest.raises(ValidationError, match="cannot be issued without a date"):
        services.papers.update(created.id, dict(created.data, status="issued"), why=WHY,
                               base_version=created.version)
    issued = services.papers.update(created.id, dict(created.data, status="issued", date="2023-02-01"),
                                    why=WHY, base_version=created.version)
    assert issued.data["status"] == "issued"


# -- adoption inside the session ------------------------------------------------------------------
def test_an_adoption_outside_the_session_is_refused_without_a_reason_and_accepted_with_one(demo):
    decision = demo.records.get("decision", seed.DECISION_ID)
    with pytest.raises(ValidationError, match="outside the 316th Session"):
        demo.decisions.move(seed.DECISION_ID, "adopted", why=WHY, base_version=decision.version,
                            adopted_on="2012-11-20")
    assert demo.records.get("decision", seed.DECISION_ID).version == decision.version   # nothing written
    adopted = demo.decisions.move(seed.DECISION_ID, "adopted", why=WHY, base_version=decision.version,
                                  adopted_on="2012-11-20",
                                  outside_session_reason="Adopted by correspondence after the session closed.")
    assert adopted.data["outside_session_reason"].startswith("Adopted by correspondence")


def test_no_writer_can_type_the_reason_around_the_move(demo):
    decision = demo.records.get("decision", seed.DECISION_ID)
    with pytest.raises(ValidationError, match="outside_session_reason record what the Governing Body decided"):
        demo.records.save("decision", dict(decision.data, outside_session_reason="typed"), why=WHY,
                          base_version=decision.version)


def test_the_cli_move_takes_the_reason(tmp_path, capsys):
    db = str(tmp_path / "db")
    assert main(["--db", db, "demo"]) == 0
    args = ["--db", db, "decision", "move", seed.DECISION_ID, "--to", "adopted", "--on", "2012-12-03",
            "--why", WHY]
    assert main(args) == 2
    assert "outside the 316th Session" in capsys.readouterr().err
    assert main([*args, "--outside-session-reason", "Adopted at the resumed sitting."]) == 0


# -- a paper's status follows its decision points -------------------------------------------------
def test_a_papers_status_follows_its_decision_points(session):
    services, ids = session
    status = {key: services.records.get("paper", ids[key]).data["status"]
              for key in ("strategy", "amended", "deferred", "withdrawn", "debate")}
    assert status == {"strategy": "decided", "amended": "decided", "deferred": "deferred",
                      "withdrawn": "withdrawn", "debate": "issued"}
    # the paper's new version is in the move's unit: same author, its reason names the move
    latest = services.records.get("paper", ids["strategy"])
    assert latest.author == TESTER.label and latest.why.startswith("Paper decided")
    # submitted again at the later session: the paper is back to issued
    decision = services.records.get("decision", ids["deferred_decision"])
    services.decisions.move(decision.id, "submitted", why=WHY, base_version=decision.version)
    assert services.records.get("paper", ids["deferred"]).data["status"] == "issued"


def test_a_plain_save_cannot_set_a_papers_outcome(session):
    services, ids = session
    latest = services.records.get("paper", ids["debate"])
    with pytest.raises(ValidationError, match="follows its decision points"):
        services.papers.update(ids["debate"], dict(latest.data, status="decided"), why=WHY,
                               base_version=latest.version)


def test_the_overview_shows_each_sessions_progress(session):
    services, _ = session
    rows = {row["session"]: row for row in services.overview.session_progress()}
    assert rows[347]["papers"] == {"issued": 1, "decided": 2, "deferred": 1, "withdrawn": 1}
    assert (rows[347]["adopted"], rows[347]["pending"], rows[347]["deferred"], rows[347]["withdrawn"]) == (2, 0, 1, 1)


# -- the documents --------------------------------------------------------------------------------
def test_the_record_of_decisions_in_agenda_order(session):
    services, ids = session
    entries = services.sessions.record_of_decisions(347).entries
    assert [(e.section, e.symbol) for e in entries] == [
        ("INS", "GB.347/INS/5/Decision"), ("INS", "GB.347/INS/6/Decision"), ("POL", "GB.347/POL/2/Decision"),
        ("POL", "GB.347/POL/3/1/Decision"), ("POL", "")]
    strategy = entries[2]
    assert strategy.heading == "Decision on the second item on the agenda: Strategy on decent work in supply chains"
    assert strategy.lines == (("", "The Governing Body:"), ("(a)", "approved the strategy; and"),
                              ("(b)", "requested the Office to report in 2025."))
    assert strategy.citation == "(GB.347/POL/2, paragraph 6.)"
    amended = entries[3]
    assert amended.heading == "Decision concerning Follow-up to the resolution on social dialogue"
    assert amended.citation == "(GB.347/POL/3/1(Rev.1), paragraph 6, as amended by the Governing Body.)"
    assert amended.lines == (("", "The Governing Body requested the Director-General to take the plan fully into "
                                  "account."),)
    assert entries[4].heading.startswith("Outcome of the discussion on the fourth item on the agenda")
    zh = services.sessions.record_of_decisions(347, "zh").entries
    assert zh[2].heading == "关于议程第二项的决定：Strategy on decent work in supply chains"


@needs_libreoffice
def test_libreoffice_renders_the_record_of_decisions(session, tmp_path):
    services, _ = session
    english, _ = services.sessions.record_of_decisions_docx(347, "en")
    chinese, _ = services.sessions.record_of_decisions_docx(347, "zh")
    toc, _ = services.sessions.minutes_toc_docx(347, "en")
    text = rendered(tmp_path, {"record": english, "record_zh": chinese, "toc": toc})
    page = text["record"]
    assert "Record of decisions" in page and "347th Session, Geneva, 13–23 March 2023" in page
    assert "Institutional Section" in page and "Policy Development Section" in page
    assert "Employment and Social Protection Segment" in page
    assert "GB.347/POL/2/Decision" in page
    assert "Decision on the second item on the agenda: Strategy on decent work in supply chains" in page
    assert "(a) approved the strategy; and (b) requested the Office to report in 2025." in page   # past tense
    assert "(GB.347/POL/2, paragraph 6.)" in page                                   # full stop inside
    assert "(GB.347/POL/3/1(Rev.1), paragraph 6, as amended by the Governing Body.)" in page
    assert "Decision concerning Follow-up to the resolution on social dialogue" in page
    assert ("Outcome of the discussion on the fourth item on the agenda: Update on the Global Coalition for "
            "Social Justice") in page
    assert "The Governing Body took note of the update and provided guidance." in page
    assert "deferred consideration of this item to its 349th Session" in page
    assert "The draft decision was withdrawn" in page
    assert "approves" not in page
    assert "决定记录" in text["record_zh"] and "关于议程第二项的决定" in text["record_zh"]
    contents = text["toc"]
    assert "Item No. Document No. Title Page Decision paragraph No." in contents
    assert "2 GB.347/POL/2 Strategy on decent work in supply chains 6" in contents   # the Page column empty
    assert "Follow-up to the resolution on social dialogue 6 4 GB.347/POL/4 Update on the Global" in contents
    assert "5 GB.347/INS/5 Proposals for a new meeting structure" in contents


def test_the_record_of_decisions_as_wordprocessingml(session):
    """Read back from the XML: parts hang on a real tab, the Chinese text sits in the East Asian font
    slot, and the file names the version of every record it was built from."""
    services, ids = session
    data = Docx(services.sessions.record_of_decisions_docx(347, "en")[0])
    parts = [p for p in paragraphs(data.document) if paragraph_text(p).startswith(("(a)", "(b)"))]
    assert [paragraph_text(p) for p in parts] == ["(a)\tapproved the strategy; and",
                                                  "(b)\trequested the Office to report in 2025."]
    for p in parts:
        runs = p.findall(q("w:r"))
        assert runs[1].find(q("w:tab")) is not None
        indent = paragraph_property(data, p, "w:ind")
        assert int(indent.get(q("w:hanging"))) > 0
    custom = data.custom_properties()
    assert custom["sstc.session"] == "347"
    assert custom[f"sstc.source:decision:{ids['strategy_decision']}"] == str(
        services.records.get("decision", ids["strategy_decision"]).version)
    assert custom["sstc.source:session:347"] == "1"
    chinese = Docx(services.sessions.record_of_decisions_docx(347, "zh")[0])
    fonts = chinese.styles().find(f".//{q('w:docDefaults')}//{q('w:rFonts')}")
    assert fonts is not None and fonts.get(q("w:eastAsia"))
    assert any("决定" in paragraph_text(p) for p in paragraphs(chinese.document))


@needs_libreoffice
def test_libreoffice_renders_every_paper_of_the_session_pack(session, tmp_path):
    services, _ = session
    counted = []
    data, name = services.sessions.pack(347, progress=lambda done, total, symbol: counted.append((done, total, symbol)))
    assert name == "GB.347-papers.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names == ["GB.347-INS-5.docx", "GB.347-INS-6.docx", "GB.347-POL-2.docx", "GB.347-POL-3-1(Rev.1).docx",
                     "GB.347-POL-4.docx"]
    assert [c[:2] for c in counted] == [(n, 5) for n in range(1, 6)]
    text = rendered(tmp_path, {n[:-5]: archive.read(n) for n in names})
    symbols = ["GB.347/INS/5", "GB.347/INS/6", "GB.347/POL/2", "GB.347/POL/3/1(Rev.1)", "GB.347/POL/4"]
    for file, symbol in zip(names, symbols):
        page = text[file[:-5]]
        assert symbol in page and "347th Session, Geneva, 13–23 March 2023" in page, file


def test_the_minutes_table_of_contents(session):
    services, _ = session
    data, name = services.sessions.minutes_toc_docx(347)
    assert name == "GB.347-minutes-contents.docx"
    document = python_docx.Document(io.BytesIO(data))
    ins, pol = document.tables
    rows = [[cell.text for cell in row.cells] for row in pol.rows]
    assert rows[0] == ["Item No.", "Document No.", "Title", "Page", "Decision paragraph No."]
    assert rows[1:] == [["2", "GB.347/POL/2", "Strategy on decent work in supply chains", "", "6"],
                        ["3/1", "GB.347/POL/3/1(Rev.1)", "Follow-up to the resolution on social dialogue", "", "6"],
                        ["4", "GB.347/POL/4", "Update on the Global Coalition for Social Justice", "", ""]]
    assert [[c.text for c in row.cells][1] for row in ins.rows][1:] == ["GB.347/INS/5", "GB.347/INS/6"]


# -- the command line -----------------------------------------------------------------------------
def test_the_session_kind_round_trips_through_cli_get_and_put(tmp_path, capsys):
    db = str(tmp_path / "db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "get", "session", "316"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["kind"] == "session" and printed["version"] == 1
    printed["place"] = "Geneva (Palais des Nations)"
    (tmp_path / "s.json").write_text(json.dumps(printed), encoding="utf-8")
    assert main(["--db", db, "put", str(tmp_path / "s.json"), "--why", WHY]) == 0
    assert capsys.readouterr().out.strip() == "2"
    assert main(["--db", db, "session", "get", "316"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["place"] == "Geneva (Palais des Nations)" and again["version"] == 2
    assert {k: v for k, v in again.items() if k not in ("version", "_meta")} == \
        {k: v for k, v in printed.items() if k not in ("version", "_meta")}
    (tmp_path / "s.json").write_text(json.dumps(again), encoding="utf-8")
    assert main(["--db", db, "session", "put", str(tmp_path / "s.json"), "--why", WHY]) == 0
    assert "no change" in capsys.readouterr().err


def test_the_cli_edits_the_agenda_and_writes_the_documents(tmp_path, capsys):
    db = str(tmp_path / "db")
    services = open_services(tmp_path / "db").acting_as(TESTER)
    try:
        services.load_demo()
        paper(services, "GB.316/POL/6", "Another policy paper", 2)
        extra = paper(services, "GB.316/INS/3/1", "Report of the Director-General", 2)
        decide(services, extra, "The Governing Body takes note of the report.", [], "adopted", adopted_on="2012-11-02")
    finally:
        services.close()
    base = ["--db", db]
    assert main([*base, "session", "agenda", "316", "--add-paper", "GB.316/POL/6", "--why", WHY]) == 0
    assert main([*base, "session", "agenda", "316", "--add-paper", "GB.316/INS/3/1", "--title",
                 "Reports of the Director-General", "--why", WHY]) == 0
    capsys.readouterr()
    assert main([*base, "session", "get", "316"]) == 0
    sections = json.loads(capsys.readouterr().out)["sections"]
    assert [(s["code"], [(i["number"], i["sub_item"], i["papers"]) for i in s["items"]]) for s in sections] == [
        ("INS", [(3, 1, ["GB.316/INS/3/1"])]), ("POL", [(5, None, ["GB.316/POL/5"]), (6, None, ["GB.316/POL/6"])])]
    assert main([*base, "record-of-decisions", "316", "--out", str(tmp_path / "r.docx")]) == 0
    assert main([*base, "minutes-toc", "316", "--out", str(tmp_path / "t.docx"), "--language", "zh"]) == 0
    capsys.readouterr()
    assert main([*base, "session-pack", "316", "--out", str(tmp_path / "p.zip")]) == 0
    err = capsys.readouterr().err
    assert "1/3 GB.316/INS/3/1" in err and "3/3 GB.316/POL/6" in err
    assert len(zipfile.ZipFile(tmp_path / "p.zip").namelist()) == 3
    record = python_docx.Document(str(tmp_path / "r.docx"))
    text = "\n".join(p.text for p in record.paragraphs)
    assert "Decision concerning Reports of the Director-General" in text
    assert "The Governing Body took note of the report." in text
    assert main([*base, "session-pack", "316", "--out", str(tmp_path / "p.docx")]) == 2


def test_a_paper_version_prints_the_session_as_it_stood(session):
    """A session is a part the paper pins: a draft paper follows a change of its session with a
    version of its own; an issued one, and every earlier version, prints the dates it printed."""
    services, ids = session
    draft = paper(services, "GB.347/POL/9", "A late paper", 1)
    current = services.sessions.get(347)
    services.sessions.save(dict(current.data, closing="2023-03-24"), why="Extended by a day",
                           base_version=current.version)
    followed = services.records.get("paper", draft)
    assert followed.version == 2 and followed.why == "Part changed (session 347): Extended by a day"
    assert services.papers.bundle(draft).paper["session_dates"] == "13–24 March 2023"
    assert services.papers.bundle(draft, 1).paper["session_dates"] == "13–23 March 2023"
    assert services.papers.bundle(ids["strategy"]).paper["session_dates"] == "13–23 March 2023"


def test_a_session_is_found_by_search(demo):
    hits = demo.search.search("South–South triangular", kind="session")
    assert [hit.record_id for hit in hits] == ["316"]
