"""Revision views through AppTest: compare two versions (papers paragraph by paragraph, other records
field by field), as at a date (framework, paper, decision), the indicator revision report, and the
redline / report downloads."""

from __future__ import annotations

import copy
import datetime as dt


from revisions import REVISED
from sstc_docs import demo as seed
from sstc_docs.ui import diffview as dv

from test_app_pages import open_app, papers_tab, services, services_as, shown, texts

PAPER = seed.PAPER_ID
MARKER = "REVMARK-7"
REPORT = f"fw:report:{seed.STRATEGY_ID}:open"


def _edit_paper() -> int:
    """Version 2 of the demo paper, its revised paper (the issued one is fixed): paragraph 2
    rewritten in part, a new paragraph after it."""
    latest = services().records.get("paper", PAPER)
    data = dict(copy.deepcopy(latest.data), symbol=REVISED, status="draft")
    data["body"][1]["text"] = data["body"][1]["text"].replace("过去十年中", f"过去二十年中 {MARKER} ")
    data["body"].insert(2, {"type": "paragraph", "numbered": True, "text": f"A new paragraph {MARKER}.",
                            "footnotes": []})
    return services_as("Ana Tester").papers.update(PAPER, data, why="Tighten paragraph 2",
                                    base_version=latest.version).version


def _markdown(at) -> str:
    return "\n".join(shown(str(m.value)) for m in at.markdown)


def _downloads(at) -> list:
    return [e for e in at.get("download_button")]


def _adopt(on: str = "2012-11-16") -> None:
    decision = services().records.get("decision", seed.DECISION_ID)
    services_as("Ana Tester").decisions.move(seed.DECISION_ID, "adopted", why="Adopted at the 316th Session",
                              base_version=decision.version, adopted_on=on)


def _opened(page: str, **state):
    """The page with lazy parts opened (a tab or expander key set as the user's click would set it)."""
    at = open_app(page)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _as_at(at, day: dt.date):
    at.toggle(key="fw:use_date").set_value(True).run()
    at.date_input(key="fw:as_of").set_value(day).run()
    assert not at.exception
    return [df.value for df in at.dataframe[:2]]


# -- compare --------------------------------------------------------------------------------------
def test_compare_two_paper_versions_marks_the_edited_paragraph(demo_db):
    version = _edit_paper()
    at = papers_tab(open_app("papers"), "Compare versions")
    assert at.selectbox(key=dv.pair_key(f"papers:cmp:{PAPER}", version, "from")).value == 1
    shown = _markdown(at)
    assert "Paragraph 2" in shown and ":orange-badge[Edited]" in shown
    assert ":green-badge[Inserted]" in shown and "New paragraph 3" in shown
    assert "<ins" in shown and "<del" in shown and MARKER in shown
    assert "十年" in shown.split("<del", 1)[1]            # the deleted words are struck through
    assert "<sup>2</sup>" in shown                          # footnote marker raised, footnote follows
    labels = [str(getattr(d, "label", "") or d.proto.label) for d in _downloads(at)]
    assert any("redline" in label for label in labels), labels


def test_history_diff_button_opens_the_comparison_with_the_previous_version(demo_db):
    _edit_paper()
    at = open_app("history")
    at.button(key=f"hist:diff:paper:{PAPER}:2").click().run()
    assert not at.exception
    assert at.toggle(key="hist:cmp:on").value is True
    assert at.selectbox(key="hist:cmp:kind").value == "paper"
    shown = _markdown(at)
    assert f"**Paper {PAPER}**: version 1 → version 2" in shown
    assert "<ins" in shown and MARKER in shown
    assert at.button(key=f"hist:diff:paper:{PAPER}:1").disabled   # nothing before the first version


def test_opened_version_shows_what_changed_since_the_previous(demo_db):
    at = open_app("history")
    at.button(key=f"hist:open:indicator:{seed.IND_PARTNERSHIPS}:2").click().run()
    assert not at.exception
    shown = _markdown(at)
    assert "Revision R1" in shown and seed.DECISION_ID in shown
    old, new = seed.PARTNERSHIPS_ORIGINAL["target"]["text"], "每年签署并实施五个新的伙伴关系。"
    assert "<b>Target:</b>" in shown and old in shown and new in shown
    assert shown.index(old) < shown.index(" → ", shown.index("<b>Target:</b>")) < shown.index(new, shown.index(old))


def test_free_compare_of_an_indicator_shows_old_to_new_target(demo_db):
    _adopt()
    at = open_app("history")
    at.toggle(key="hist:cmp:on").set_value(True).run()
    at.selectbox(key="hist:cmp:kind").set_value("indicator").run()
    at.selectbox(key="hist:cmp:record:indicator").set_value(seed.IND_PARTNERSHIPS).run()
    key = f"hist:cmp:indicator:{seed.IND_PARTNERSHIPS}"
    assert at.selectbox(key=dv.pair_key(key, 3, "to")).value == 3
    at.selectbox(key=dv.pair_key(key, 3, "from")).set_value(1).run()
    assert not at.exception
    shown = _markdown(at)
    assert "version 1 → version 3" in shown
    assert "In force since 2012-11-16" in shown
    assert seed.PARTNERSHIPS_ORIGINAL["target"]["text"] in shown and "每年签署并实施五个新的伙伴关系。" in shown


def test_a_record_with_one_version_says_there_is_nothing_to_compare(demo_db):
    at = papers_tab(open_app("papers"), "Compare versions")
    assert "only one version so far" in texts(at.info)


# -- as at a date ---------------------------------------------------------------------------------
def test_framework_as_at_demo_dates_before_and_after_adoption(demo_db):
    at = open_app("frameworks")
    outcome_1, outcome_2 = _as_at(at, dt.date(2012, 6, 1))
    assert list(outcome_1["Label"]) == [""]                        # no (A)/(B) yet
    assert outcome_2["Indicator"][0] == seed.PARTNERSHIPS_ORIGINAL["text"]  # the March 2012 indicator
    _adopt()
    at = open_app("frameworks")
    outcome_1, outcome_2 = _as_at(at, dt.date(2012, 12, 1))
    assert list(outcome_1["Label"]) == ["", "(A)", "(B)"]
    assert list(outcome_1["Status"]) == ["In force"] * 3
    assert outcome_2["Indicator"][0] != seed.PARTNERSHIPS_ORIGINAL["text"]
    assert outcome_2["Target"][0] == "每年签署并实施五个新的伙伴关系。"
    outcome_1, outcome_2 = _as_at(at, dt.date(2012, 6, 1))       # the past is unchanged
    assert list(outcome_1["Label"]) == [""]
    assert outcome_2["Indicator"][0] == seed.PARTNERSHIPS_ORIGINAL["text"]


def test_paper_as_at_a_date(demo_db):
    at = papers_tab(open_app("papers"), "As at a date")
    assert f"{PAPER} · For decision" not in _markdown(at)          # nothing built before a date is picked
    at.date_input(key=f"papers:asof:{PAPER}").set_value(dt.date(2012, 11, 5)).run()
    assert not at.exception
    shown = _markdown(at)
    assert "<span style=\"flex:none\">2.</span>" in shown and "决定草案" in shown   # the Word layout's numbering
    assert any("as at 2012-11-05" in str(d.proto.label) for d in _downloads(at))
    at.date_input(key=f"papers:asof:{PAPER}").set_value(dt.date(2012, 1, 1)).run()
    assert f"{PAPER} did not exist yet on 2012-01-01" in texts(at.info)


def test_decision_as_at_a_date(demo_db):
    _adopt()
    key = f"dec:asof:{seed.DECISION_ID}"
    at = _opened("decisions", **{key + ":open": True})
    at.date_input(key=key).set_value(dt.date(2012, 11, 5)).run()
    assert "On 2012-11-05: **Submitted**" in _markdown(at)
    today = dt.date.today()
    at.date_input(key=key).set_value(today).run()
    assert f"On {today.isoformat()}: **Adopted**" in _markdown(at)
    assert "理事会批准了" in texts(at.success)                  # the record of decision, past tense
    at.date_input(key=key).set_value(dt.date(2012, 6, 1)).run()
    assert "did not exist yet on 2012-06-01" in texts(at.info)
    assert not at.exception


def test_decision_as_at_a_date_after_its_adoption_day(demo_db):
    _adopt("2012-11-16")
    at = _opened("decisions", **{f"dec:asof:{seed.DECISION_ID}:open": True})
    at.date_input(key=f"dec:asof:{seed.DECISION_ID}").set_value(dt.date(2012, 12, 1)).run()
    assert "On 2012-12-01: **Adopted**" in _markdown(at)


# -- the indicator revision report ----------------------------------------------------------------
def test_report_lists_every_demo_revision_with_its_decision(demo_db):
    assert "Authorised by" not in _markdown(open_app("frameworks"))   # built only when opened
    at = _opened("frameworks", **{"fw:tab": "Revision report", REPORT: True})
    shown = _markdown(at)
    report = services().exports.indicator_report(seed.STRATEGY_ID)
    assert len(report.revisions()) == 3
    for indicator, revision in report.revisions():
        assert indicator.id in shown
        assert revision.new_target in shown and revision.reason in shown
    assert shown.count("Authorised by GB.316/POL/5:D1 — GB.316/POL/5，第 4 段, Submitted") == 3
    assert "Never revised" in texts(at.caption)                 # the outcome 1 indicator
    assert any("report" in str(d.proto.label) for d in _downloads(at))


def test_report_shows_in_force_since_after_adoption(demo_db):
    _adopt()
    at = _opened("frameworks", **{"fw:tab": "Revision report", REPORT: True})
    assert _markdown(at).count("In force since 2012-11-16") >= 3
