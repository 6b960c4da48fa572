"""Services over a real store: rules that need the previous version, cascades, as at a date."""

from __future__ import annotations

import copy

import pytest

from people import person
from revisions import start_revision
from sstc_docs import demo as seed
from sstc_docs.domain.rights import Forbidden
from sstc_docs.errors import ConflictError, ValidationError
from sstc_docs.services.papers import blank_paper


def _versions(services, kind, record_id):
    return len(services.records.history(kind, record_id))


def test_save_needs_a_reason_and_an_account_and_writes_nothing_without(demo):
    paper = demo.records.get("paper", seed.PAPER_ID)
    with pytest.raises(ValidationError) as error:
        demo.papers.update(seed.PAPER_ID, paper.data, why=" ", base_version=paper.version)
    assert {p.field for p in error.value.problems} == {"why"}
    with pytest.raises(Forbidden, match="Sign in first"):
        demo.acting_as(None).papers.update(seed.PAPER_ID, paper.data, why="a reason", base_version=paper.version)
    assert _versions(demo, "paper", seed.PAPER_ID) == 1


def test_stale_save_raises_conflict_with_both_versions(demo):
    first = start_revision(demo)
    mine, theirs = copy.deepcopy(first.data), copy.deepcopy(first.data)
    theirs["body"][2]["text"] = "Their wording."
    demo.acting_as(person("ana", "Ana")).papers.update(seed.PAPER_ID, theirs, why="clarify", base_version=2)
    mine["body"][2]["text"] = "My wording."
    with pytest.raises(ConflictError) as error:
        demo.papers.update(seed.PAPER_ID, mine, why="shorten", base_version=2)
    assert error.value.current.version == 3 and error.value.current.author == "Ana (ana)"
    assert error.value.current.data["body"][2]["text"] == "Their wording."
    assert error.value.attempted["body"][2]["text"] == "My wording."
    assert demo.records.get("paper", seed.PAPER_ID).data["body"][2]["text"] == "Their wording."


def test_paper_found_by_its_current_symbol_and_cannot_change_item(demo):
    paper = demo.records.get("paper", seed.PAPER_ID)
    revised = dict(copy.deepcopy(paper.data), symbol="GB.316/POL/5(Rev.)")
    demo.papers.update(seed.PAPER_ID, revised, why="revised paper", base_version=1)
    assert demo.records.get("paper", "GB.316/POL/5(Rev.)").id == seed.PAPER_ID
    moved = dict(copy.deepcopy(revised), symbol="GB.316/POL/6")
    with pytest.raises(ValidationError, match="keeps its item"):
        demo.papers.update(seed.PAPER_ID, moved, why="oops", base_version=2)


def test_new_paper_from_blank_and_bad_symbol_refused(services):
    saved = services.papers.create(blank_paper("GB.317/INS/4", "Programme review"), why="new item")
    assert saved.id == "GB.317/INS/4" and saved.data["front_matter"]["purpose"] == ""
    with pytest.raises(ValidationError, match="unknown section"):
        services.papers.create(blank_paper("GB.317/INS/4", "x") | {"symbol": "GB.317/ABC/4"}, why="w")


def test_decision_lifecycle_refuses_a_skip_and_writes_nothing(services):
    services.papers.create(blank_paper("GB.317/INS/4", "Programme review"), why="new item")
    decision = services.decisions.create("GB.317/INS/4", text="The Governing Body approves X.", why="dp")
    with pytest.raises(ValidationError, match="cannot become adopted"):
        services.decisions.move(decision.id, "adopted", why="skip", base_version=1, adopted_on="2013-03-20")
    assert _versions(services, "decision", decision.id) == 1
    assert services.records.get("paper", "GB.317/INS/4").data["decision_ids"] == [decision.id]


def test_submitted_text_is_frozen(demo):
    with pytest.raises(ValidationError, match="cannot be edited"):
        demo.decisions.save_text(seed.DECISION_ID, text="Changed.", parts=[], why="edit", base_version=1)


def test_adoption_brings_the_authorised_revisions_into_force(demo):
    adopted = demo.decisions.move(seed.DECISION_ID, "adopted", why="GB.316 adopted it",
                                  base_version=1, adopted_on="2012-11-16")
    assert adopted.data["record"].endswith("（GB.316/POL/5，第 4 段。）")
    assert adopted.data["record"].startswith("理事会批准了")
    assert adopted.data["adopted_version"] == 1
    assert adopted.effective_from == "2012-11-16"
    assert demo.records.get("decision", seed.DECISION_ID, as_of="2012-12-01").data["status"] == "adopted"
    assert demo.records.get("decision", seed.DECISION_ID, as_of="2012-11-15").data["status"] == "submitted"
    statuses = {ind["id"]: rev["status"] for ind, rev in demo.frameworks.revisions_by_decision(seed.DECISION_ID)}
    assert statuses == {seed.IND_PROGRAMMES: "in_force", seed.IND_COUNTRIES: "in_force",
                        seed.IND_PARTNERSHIPS: "in_force"}
    before = demo.frameworks.framework(seed.STRATEGY_ID, as_of="2012-06-01")
    after = demo.frameworks.framework(seed.STRATEGY_ID, as_of="2012-12-01")
    assert [i["id"] for i in before["outcomes"][0]["indicators"]] == [seed.IND_MEETINGS]
    assert before["outcomes"][1]["indicators"][0]["text"] == seed.PARTNERSHIPS_ORIGINAL["text"]
    assert [i["in_force"] for i in after["outcomes"][0]["indicators"]] == [True, True, True]
    assert after["outcomes"][1]["indicators"][0]["target"] == seed.PARTNERSHIPS_REVISED["target"]["text"]


def test_withdrawal_lets_revisions_lapse(demo):
    demo.decisions.move(seed.DECISION_ID, "withdrawn", why="withdrawn", base_version=1)
    assert {rev["status"] for _, rev in demo.frameworks.revisions_by_decision(seed.DECISION_ID)} == {"lapsed"}


def test_propose_revision_records_old_values_from_what_is_in_force(demo):
    indicator = demo.records.get("indicator", seed.IND_MEETINGS)
    saved = demo.frameworks.propose_revision(seed.IND_MEETINGS, kind="revised", new={"target": {"text": "十二次会议。", "value": 12}},
                                             reason="More meetings planned", decision_id=seed.DECISION_ID,
                                             why="raise target", base_version=indicator.version)
    revision = saved.data["revisions"][-1]
    assert revision["old"] == {"target": seed.INDICATOR_MEETINGS["target"]}
    assert revision["new"] == {"target": {"text": "十二次会议。", "value": 12}} and revision["status"] == "proposed"
    history = demo.frameworks.revision_history(seed.IND_MEETINGS)
    assert (history[-1]["old_target"], history[-1]["new_target"]) == ("在当前的两年期举行十次会议。", "十二次会议。")
    with pytest.raises(ValidationError, match="nothing would change"):
        demo.frameworks.propose_revision(seed.IND_PARTNERSHIPS, kind="revised",
                                         new={"baseline": seed.PARTNERSHIPS_ORIGINAL["baseline"]["text"]},
                                         reason="same wording", decision_id=seed.DECISION_ID, why="x",
                                         base_version=2)
    with pytest.raises(ValidationError, match="nothing would change"):
        demo.frameworks.propose_revision(seed.IND_MEETINGS, kind="revised", new={"target": seed.INDICATOR_MEETINGS["target"]},
                                         reason="same", decision_id=seed.DECISION_ID, why="x",
                                         base_version=saved.version)


def test_add_indicator_under_an_outcome_extends_the_strategy(demo):
    saved = demo.frameworks.add_indicator(seed.STRATEGY_ID, 2, {"text": "Number of SSTC publications.",
                                                                "baseline": 0, "target": 4}, why="new")
    assert saved.id == f"{seed.STRATEGY_ID}/O2/I2"
    assert demo.records.get("strategy", seed.STRATEGY_ID).data["outcomes"][1]["indicator_ids"][-1] == saved.id
    with pytest.raises(ValidationError, match="has no outcome 7"):
        demo.frameworks.add_indicator(seed.STRATEGY_ID, 7, {"text": "x", "baseline": 0, "target": 1}, why="w")


def test_evidence_links_must_point_at_existing_records(demo):
    with pytest.raises(ValidationError, match="there is no indicator 'NOPE'"):
        demo.records.save("evidence", {"id": "EV-X", "title": "t", "links": {"indicators": [{"id": "NOPE", "value": 1}]}},
                          why="w", base_version=None)
    assert not demo.records.exists("evidence", "EV-X")


def test_an_issued_paper_keeps_what_it_printed_when_its_decision_is_adopted_later(demo):
    printed = demo.papers.bundle(seed.PAPER_ID)
    demo.decisions.move(seed.DECISION_ID, "adopted", why="adopted", base_version=1, adopted_on="2012-11-16")
    assert demo.records.get("indicator", seed.IND_PARTNERSHIPS).version == 3  # the revision came into force
    bundle = demo.papers.bundle(seed.PAPER_ID)
    # the paper's status followed its decision (version 2, decided); what it prints did not
    assert (printed.paper_version, bundle.paper_version, bundle.paper["status"]) == (1, 2, "decided")
    assert dict(bundle.sources, **{f"paper:{seed.PAPER_ID}": 1}) == printed.sources
    assert bundle.sources[f"decision:{seed.DECISION_ID}"] == 1
    assert bundle.sources[f"indicator:{seed.IND_PARTNERSHIPS}"] == 2
    kinds = [row.kind for block in bundle.blocks if not isinstance(block, dict) for row in block.rows]
    assert kinds.count("new_indicator") == 2 and kinds.count("revised_target") == 1
