"""Frameworks and Decisions pages through AppTest: revise an indicator, adopt the decision."""

from __future__ import annotations

import datetime as dt

from sstc_docs import demo as seed
from sstc_docs.domain.lifecycle import allowed_next

from test_app_pages import frameworks_tab, open_app, services, services_as, texts, versions

REV = f"fw:rev:{seed.IND_PARTNERSHIPS}"
MOVE = f"dec:move:{seed.DECISION_ID}"


def _revise_target(at, target: str, reason: str):
    at.selectbox(key="fw:rev:indicator").set_value(seed.IND_PARTNERSHIPS).run()
    at.text_area(key=f"{REV}:target").input(target)
    at.text_area(key=f"{REV}:reason").input(reason)
    assert at.selectbox(key=f"{REV}:decision").value == seed.DECISION_ID
    at.button(key=f"{REV}:save").click().run()


def test_framework_table_shows_outcomes_and_indicators(demo_db):
    at = open_app("frameworks")
    tables = [df.value for df in at.dataframe]
    outcome_1, outcome_2 = tables[0], tables[1]
    assert list(outcome_1["Label"]) == ["", "(A)", "(B)"]
    assert list(outcome_1["Status"]) == ["In force", "Proposed (new)", "Proposed (new)"]
    assert "Revised · GB.316/POL/5:D1" in outcome_2["Proposed changes"][0]


def test_framework_as_at_a_date(demo_db):
    at = open_app("frameworks")
    at.toggle(key="fw:use_date").set_value(True).run()
    at.date_input(key="fw:as_of").set_value(dt.date(2012, 4, 1)).run()
    assert not at.exception
    assert "As at 2012-04-01" in texts(at.caption)
    assert len(at.dataframe[0].value) == 1   # only the indicator approved in March 2012


def test_revise_an_indicator_appears_as_proposed(demo_db):
    at = open_app("frameworks")
    _revise_target(at, "每年六个新的伙伴关系。", "Raise the target after the review")
    assert not at.exception and not at.error, texts(at.error)
    assert "Revision proposed" in texts(at.success)
    history = services().frameworks.revision_history(seed.IND_PARTNERSHIPS)
    assert history[-1]["status"] == "proposed" and history[-1]["new_target"] == "每年六个新的伙伴关系。"
    assert history[-1]["decision_id"] == seed.DECISION_ID
    frameworks_tab(at, "Revision history")
    table = next(df.value for df in at.dataframe if "New target" in df.value.columns)
    assert list(table["Status"]) == ["Proposed", "Proposed"]
    assert table["New target"].iloc[-1] == "每年六个新的伙伴关系。"
    assert table["Old target"].iloc[-1] == seed.PARTNERSHIPS_ORIGINAL["target"]["text"]


def test_revision_without_reason_is_refused(demo_db):
    at = open_app("frameworks")
    _revise_target(at, "Ten.", "")
    assert "give the reason for the revision" in texts(at.error).lower()
    assert versions("indicator", seed.IND_PARTNERSHIPS) == 2
    assert at.text_area(key=f"{REV}:target").value == "Ten."


def test_revision_that_changes_nothing_is_refused_in_plain_words(demo_db):
    at = open_app("frameworks")
    at.selectbox(key="fw:rev:indicator").set_value(seed.IND_PARTNERSHIPS).run()
    at.text_area(key=f"{REV}:text").input(seed.PARTNERSHIPS_ORIGINAL["text"])
    at.text_area(key=f"{REV}:reason").input("Same again")
    at.button(key=f"{REV}:save").click().run()
    assert "nothing would change" in texts(at.error).lower()
    assert versions("indicator", seed.IND_PARTNERSHIPS) == 2


def test_add_an_indicator(demo_db):
    at = frameworks_tab(open_app("frameworks"), "Add an indicator")
    key = f"fw:add:{seed.STRATEGY_ID}"
    at.selectbox(key=f"{key}:outcome").set_value(2).run()
    at.text_input(key=f"{key}:label").input("(C)")
    at.text_area(key=f"{key}:text").input("Number of South–South exchanges")
    at.text_input(key=f"{key}:baseline").input("0")
    at.text_input(key=f"{key}:target").input("four exchanges")
    at.selectbox(key=f"{key}:decision").set_value(seed.DECISION_ID)
    at.text_input(key=f"{key}:why").input("New indicator proposed")
    at.button(key=f"{key}:save").click().run()
    assert not at.error, texts(at.error)
    added = services().records.get("indicator", f"{seed.STRATEGY_ID}/O2/I2").data
    assert added["label"] == "(C)" and added["revisions"][0]["status"] == "proposed"


def test_decisions_offer_only_allowed_moves(demo_db):
    at = open_app("decisions")
    assert list(at.radio(key=f"{MOVE}:to").options) == ["Adopted", "Adopted as amended", "Deferred", "Withdrawn"]
    assert len(at.radio(key=f"{MOVE}:to").options) == len(allowed_next("submitted"))


def test_adopting_the_decision_brings_its_revisions_into_force(demo_db):
    at = open_app("frameworks")
    _revise_target(at, "每年六个新的伙伴关系。", "Raise the target")
    at.switch_page("sstc_docs/ui/pages/decisions.py").run()
    at.radio(key=f"{MOVE}:to").set_value("adopted").run()
    assert at.date_input(key=f"{MOVE}:adopted_on").value is None      # never today by default
    assert "GB.316/POL/5，第 4 段" in texts(at.success)                # the record of decision, before adoption
    assert services().records.get("decision", seed.DECISION_ID).data["status"] == "submitted"
    at.date_input(key=f"{MOVE}:adopted_on").set_value(dt.date(2012, 11, 15))
    at.text_input(key=f"{MOVE}:why").input("Adopted by the Governing Body at its 316th Session")
    at.button(key=f"{MOVE}:save").click().run()
    assert not at.exception and not at.error, texts(at.error)
    decision = services().records.get("decision", seed.DECISION_ID).data
    assert decision["status"] == "adopted" and decision["adopted_on"] == "2012-11-15"
    assert "GB.316/POL/5，第 4 段" in texts(at.success)        # the record of decision, with citation
    revisions = next(df.value for df in at.dataframe if "In force from" in df.value.columns)
    assert set(revisions["Status"]) == {"In force"} and set(revisions["In force from"]) == {"2012-11-15"}
    assert "final" in texts(at.info)
    at.switch_page("sstc_docs/ui/pages/frameworks.py").run()
    outcome_1 = at.dataframe[0].value
    assert list(outcome_1["Status"]) == ["In force"] * 3


def test_adopting_as_amended_needs_the_amendment(demo_db):
    at = open_app("decisions")
    at.radio(key=f"{MOVE}:to").set_value("adopted_as_amended").run()
    at.date_input(key=f"{MOVE}:adopted_on").set_value(dt.date(2012, 11, 15))   # during the session
    at.text_input(key=f"{MOVE}:why").input("Adopted with an amendment")
    at.button(key=f"{MOVE}:save").click().run()
    assert "say what the amendment was" in texts(at.error).lower()
    assert versions("decision", seed.DECISION_ID) == 1
    at.text_area(key=f"{MOVE}:amendment").input("Add a request for a report in 2014.")
    at.button(key=f"{MOVE}:save").click().run()
    assert not at.error, texts(at.error)
    assert services().records.get("decision", seed.DECISION_ID).data["status"] == "adopted_as_amended"


def test_deferral_and_empty_reason(demo_db):
    at = open_app("decisions")
    at.radio(key=f"{MOVE}:to").set_value("deferred").run()
    assert at.number_input(key=f"{MOVE}:deferred_to").value == 317
    at.button(key=f"{MOVE}:save").click().run()
    assert "Give the reason for this change" in texts(at.error)
    assert versions("decision", seed.DECISION_ID) == 1
    at.text_input(key=f"{MOVE}:why").input("Deferred for lack of time")
    at.button(key=f"{MOVE}:save").click().run()
    assert services().records.get("decision", seed.DECISION_ID).data["deferred_to"] == 317
    assert "Deferred to the 317th Session" in texts(at.info)


def test_decision_status_filter(demo_db):
    at = open_app("decisions")
    at.selectbox(key="dec:f:status").set_value("adopted").run()
    assert "No decision point has this status" in texts(at.info)


def test_revision_typed_before_someone_elses_save_shows_the_conflict_and_keeps_the_input(demo_db):
    at = open_app("frameworks")
    at.selectbox(key="fw:rev:indicator").set_value(seed.IND_PARTNERSHIPS).run()
    at.text_area(key=f"{REV}:target").input("Mine: seven a year.").run()
    at.text_area(key=f"{REV}:reason").input("My reason").run()
    current = services().records.get("indicator", seed.IND_PARTNERSHIPS)
    services_as("Other").frameworks.propose_revision(seed.IND_PARTNERSHIPS, kind="revised", new={"baseline": "four"},
                                           reason="Theirs", decision_id=seed.DECISION_ID, why="Theirs", base_version=current.version)
    at.button(key=f"{REV}:save").click().run()
    assert "Other (other) changed this indicator" in texts(at.warning)
    assert at.text_area(key=f"{REV}:target").value == "Mine: seven a year."
    assert versions("indicator", seed.IND_PARTNERSHIPS) == 3
    at.button(key=f"{REV}:save").click().run()
    assert not at.error, texts(at.error)
    assert versions("indicator", seed.IND_PARTNERSHIPS) == 4
