"""The Sessions page through AppTest: the demo's session and its documents, a new session with an
agenda item and its paper picked, the session pack built with a progress bar; the Overview's
progress per session."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from people import TESTER
from test_app_pages import open_app, services, texts

from sstc_docs import demo as seed

PAGE = "sessions"


def _editing(**who):
    """The Sessions page on the demo's session, its form opened (it is built only while open)."""
    at = open_app(PAGE, **who)
    at.session_state["sessions:form:316:open"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_shows_the_demo_session_and_offers_its_documents(demo_db):
    at = open_app(PAGE)
    assert at.title[0].value == "Sessions"
    assert not at.error, texts(at.error)
    assert at.header[0].value == "316th Session, Geneva"
    assert "1–16 November 2012" in texts(at.caption)
    assert "Assumed" in texts(at.info)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Record of decisions (.docx)", "Minutes: table of contents (.docx)"]


def test_an_empty_database_says_what_to_do(empty_db):
    at = open_app(PAGE)
    assert not at.error, texts(at.error)
    assert "demo" in texts(at.info)


def test_the_session_pack_is_built_with_a_progress_bar(demo_db):
    at = open_app(PAGE)
    at.button(key="sessions:pack:316:build").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert at.get("progress")[0].value == 100
    pack = at.session_state["sessions:pack:316"]
    assert pack[1] == "GB.316-papers.zip"
    assert zipfile.ZipFile(io.BytesIO(pack[0])).namelist() == ["GB.316-POL-5.docx"]
    assert "Download GB.316-papers.zip" in [b.label for b in at.get("download_button")]


def test_create_a_session_with_an_item_and_its_paper(demo_db):
    created = services().acting_as(TESTER).papers.create({"symbol": "GB.317/POL/2", "title": "Youth employment"},
                                                          why="A paper for the next session")
    at = open_app(PAGE)
    at.selectbox(key="sessions:pick").set_value("new").run()
    key = "session:new"
    at.number_input(key=f"{key}:number").set_value(317).run()
    at.date_input(key=f"{key}:opening").set_value(dt.date(2013, 3, 14)).run()
    at.date_input(key=f"{key}:closing").set_value(dt.date(2013, 3, 28)).run()
    at.text_input(key=f"{key}:note").input("Dates from the *Governing Body* calendar [link](http://x)").run()
    at.button(key=f"{key}:POL:add").click().run()
    at.button(key=f"{key}:POL:add_item").click().run()
    at.text_input(key=f"{key}:POL:i0:title").input("Youth employment").run()
    at.number_input(key=f"{key}:POL:i0:number").set_value(2).run()
    at.multiselect(key=f"{key}:POL:i0:papers").select(created.id).run()
    at.text_input(key=f"{key}:why").input("The 317th Session's agenda").run()
    at.button(key=f"{key}:save").click().run()
    assert not at.exception and not at.error, texts(at.error)
    session = services().sessions.get(317)
    assert session.author == "Ana Tester (ana.tester)" and session.why == "The 317th Session's agenda"
    assert session.data["sections"][0]["items"][0] == {
        "number": 2, "sub_item": None, "title": "Youth employment", "segment": "", "papers": ["GB.317/POL/2"],
        "outcome": ""}
    assert at.header[0].value == "317th Session, Geneva"          # the saved session is opened
    assert "Dates from the *Governing Body* calendar [link](http://x)" in texts(at.info)   # shown as typed


def test_a_refused_session_says_why_and_saves_nothing(demo_db):
    at = open_app(PAGE)
    at.selectbox(key="sessions:pick").set_value("new").run()
    key = "session:new"
    at.number_input(key=f"{key}:number").set_value(318).run()
    at.date_input(key=f"{key}:opening").set_value(dt.date(2013, 6, 14)).run()
    at.date_input(key=f"{key}:closing").set_value(dt.date(2013, 6, 1)).run()
    at.text_input(key=f"{key}:why").input("Next session").run()
    at.button(key=f"{key}:save").click().run()
    assert "before it opens" in texts(at.error)
    assert not services().records.exists("session", "318")


def test_the_overview_shows_the_sessions_progress(demo_db):
    at = open_app("overview")
    table = next(d.value for d in at.dataframe if "Decisions adopted" in d.value.columns)
    row = table.iloc[0]
    assert (row["Session"], row["Papers"], row["Decisions adopted"], row["Pending"]) == (316, "Issued: 1", 0, 1)
    current = services().records.get("decision", seed.DECISION_ID)
    services().acting_as(TESTER).decisions.move(seed.DECISION_ID, "adopted", why="adopted",
                              base_version=current.version, adopted_on="2012-11-16")
    at = open_app("overview")
    row = next(d.value for d in at.dataframe if "Decisions adopted" in d.value.columns).iloc[0]
    assert (row["Papers"], row["Decisions adopted"], row["Pending"]) == ("Decided: 1", 1, 0)


def test_the_decisions_page_asks_for_a_reason_when_the_adoption_is_outside_the_session(demo_db):
    move = f"dec:move:{seed.DECISION_ID}"
    at = open_app("decisions")
    at.radio(key=f"{move}:to").set_value("adopted").run()
    at.date_input(key=f"{move}:adopted_on").set_value(dt.date(2012, 12, 3))
    at.text_input(key=f"{move}:why").input("Adopted")
    at.button(key=f"{move}:save").click().run()
    assert "outside the 316th Session" in texts(at.error)
    assert services().records.get("decision", seed.DECISION_ID).data["status"] == "submitted"
    at.text_input(key=f"{move}:outside_session_reason").input("Adopted by correspondence.")
    at.button(key=f"{move}:save").click().run()
    assert not at.exception and not at.error, texts(at.error)
    decision = services().records.get("decision", seed.DECISION_ID).data
    assert (decision["status"], decision["outside_session_reason"]) == ("adopted", "Adopted by correspondence.")


def test_the_form_follows_the_rights_of_who_is_signed_in(demo_db):
    """A reader gets the documents but no form, and is told which role editing needs; an approver
    may type an item's outcome but not change the agenda; a drafter the reverse."""
    key, item = "session:316", "session:316:POL:i0"
    reader = open_app(PAGE, user="Rita Reader", roles=("reader",))
    assert [b.label for b in reader.get("download_button")] == ["Record of decisions (.docx)",
                                                                "Minutes: table of contents (.docx)"]
    assert not [b for b in reader.button if b.key == f"{key}:save"]
    assert "needs the drafter role" in texts(reader.caption)
    approver = _editing(user="Abe Approver", roles=("approver",))
    assert approver.text_input(key=f"{item}:title").disabled and not approver.text_input(key=f"{item}:outcome").disabled
    approver.text_input(key=f"{item}:outcome").input("The Governing Body took note.").run()
    approver.text_input(key=f"{key}:why").input("What the Governing Body concluded").run()
    approver.button(key=f"{key}:save").click().run()
    assert not approver.exception and not approver.error, texts(approver.error)
    saved = services().sessions.get(316)
    assert saved.author == "Abe Approver (abe.approver)"
    assert saved.data["sections"][0]["items"][0]["outcome"] == "The Governing Body took note."
    drafter = _editing(user="Dora Drafter", roles=("drafter",))
    assert drafter.text_input(key=f"{item}:outcome").disabled
    assert not drafter.text_input(key=f"{item}:title").disabled
    assert "needs the approver role" in texts(drafter.caption)


def test_a_session_draft_kept_by_the_earlier_release_comes_back_and_the_page_works(demo_db):
    """Before drafts were keyed by record, a session's draft was kept as ``session:<n>:v<version>``
    and knew only its base version: it comes back under the session's key, with what was typed."""
    at = _editing()
    at.text_input(key="session:316:place").input("Turin").run()
    kept = services().drafts
    draft = {k: v for k, v in kept.all("ana.tester")["session:316"].items() if k not in ("base_data", "unsaved")}
    kept.drop("ana.tester", "session:316")
    kept.keep("ana.tester", "session:316:v1", dict(draft, key="session:316:v1"))
    again = _editing()
    assert not again.exception and not again.error, texts(again.error)
    assert again.text_input(key="session:316:place").value == "Turin"


def test_the_form_is_built_only_while_open_and_what_was_typed_comes_back(demo_db):
    at = open_app(PAGE)
    assert not [t for t in at.text_input if (t.key or "").startswith("session:316:")]   # closed: not built
    at.session_state["sessions:form:316:open"] = True
    at.run()
    at.text_input(key="session:316:place").input("Turin").run()
    at.session_state["sessions:form:316:open"] = False
    at.run()
    assert not [t for t in at.text_input if (t.key or "").startswith("session:316:")]
    at.session_state["sessions:form:316:open"] = True
    at.run()
    assert at.text_input(key="session:316:place").value == "Turin"
    at.text_input(key="session:316:why").input("Moved").run()
    at.button(key="session:316:save").click().run()
    assert not at.error, texts(at.error)
    assert services().sessions.get(316).data["place"] == "Turin"
    assert at.text_input(key="session:316:place").value == "Turin"   # the form stays open after the save
