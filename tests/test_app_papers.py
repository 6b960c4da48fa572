"""The Papers page through AppTest: create, edit with a reason, refusals, drafts, conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sstc_docs import demo as seed
from sstc_docs.errors import ValidationError
from sstc_docs.ui.widgets import changed_fields

from revisions import REVISED
from test_app_pages import PAPER_TABS, open_app, papers_tab, services, services_as, texts, versions

DRAFT = f"paper:{seed.PAPER_ID}"
COVER, PARAGRAPHS, DECISION, _, VERSIONS = PAPER_TABS[:5]


def _para2(at, draft=DRAFT):
    return at.text_area(key=f"{draft}:b:b1:text")


def _paragraphs(page: str = "papers", **who):
    """The Papers page on the demo's paper, its Paragraphs tab open."""
    return papers_tab(open_app(page, **who), PARAGRAPHS)


def _revising():
    """The Papers page on the demo's issued paper, its revision started (as a user must, to change
    it), on the Paragraphs tab."""
    at = open_app("papers")
    at.button(key=f"{DRAFT}:start:revision").click().run()
    assert at.text_input(key=f"{DRAFT}:symbol").value == REVISED
    return papers_tab(at, PARAGRAPHS)


def _theirs() -> dict:
    """The paper as someone else starts changing it: its revision too."""
    return dict(services().records.get("paper", seed.PAPER_ID).data, symbol=REVISED, status="draft")


def test_papers_lists_and_filters(demo_db):
    at = open_app("papers")
    assert list(at.dataframe[0].value["Symbol"]) == [seed.PAPER_ID]
    at.text_input(key="papers:f:text").input("南南合作").run()
    assert list(at.dataframe[0].value["Symbol"]) == [seed.PAPER_ID]
    at.text_input(key="papers:f:text").input("nothing like this").run()
    assert "No paper matches these filters" in texts(at.info)
    at.text_input(key="papers:f:text").input("").run()
    at.selectbox(key="papers:f:section").set_value("INS").run()
    assert "No paper matches these filters" in texts(at.info)


def test_the_open_paper_picker_names_papers_by_symbol_and_title_and_keeps_its_choice(demo_db):
    at = open_app("papers")
    title = services().records.get("paper", seed.PAPER_ID).data["title"]
    assert at.selectbox(key="papers:pick").options == [f"{seed.PAPER_ID} — {' '.join(title.split())}"]
    at.button(key=f"{DRAFT}:start:revision").click().run()
    at.text_area(key=f"{DRAFT}:title").input("A shorter title").run()
    at.text_input(key=f"{DRAFT}:why").input("Shorter title")
    at.button(key=f"{DRAFT}:save").click().run()
    assert at.selectbox(key="papers:pick").options == [f"{REVISED} — A shorter title"]
    assert at.header[0].value.startswith(f"{REVISED} · version 2")


def test_create_a_paper(demo_db):
    at = open_app("papers")
    at.text_input(key="papers:new:symbol").input("GB.316/INS/3").run()
    assert not at.error
    at.text_input(key="papers:new:title").input("Programme and budget follow-up")
    at.text_input(key="papers:new:why").input("New paper for the 316th Session")
    at.button(key="papers:new:create").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "Paper GB.316/INS/3 created" in texts(at.success)
    assert versions("paper", "GB.316/INS/3") == 1
    assert at.header[0].value.startswith("GB.316/INS/3 · version 1")


def test_bad_symbol_is_refused_under_the_field_and_nothing_saved(demo_db):
    at = open_app("papers")
    at.text_input(key="papers:new:symbol").input("GB316-POL-5").run()
    assert "is not a Governing Body document symbol" in texts(at.error)
    at.text_input(key="papers:new:title").input("A title")
    at.text_input(key="papers:new:why").input("Trying")
    at.button(key="papers:new:create").click().run()
    assert "Correct the symbol above first. Nothing was saved." in texts(at.error)
    assert [p["id"] for p in services().papers.list()] == [seed.PAPER_ID]


def test_edit_paragraph_with_reason_makes_a_new_version(demo_db):
    at = _revising()
    assert _para2(at).value.startswith("用于南南合作")
    _para2(at).input("第二段的新文字。[^2]").run()
    at.text_input(key=f"{DRAFT}:why").input("Shorter paragraph 2")
    at.button(key=f"{DRAFT}:save").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "Saved version 2" in texts(at.success)
    latest = services().records.get("paper", seed.PAPER_ID)
    assert latest.version == 2 and latest.author == "Ana Tester (ana.tester)" and latest.why == "Shorter paragraph 2"
    assert latest.data["body"][1]["text"] == "第二段的新文字。[^2]"
    assert _para2(at).value == "第二段的新文字。[^2]"
    table = next(df.value for df in papers_tab(at, VERSIONS).dataframe if "Version" in df.value.columns)
    assert list(table["Version"]) == [2, 1]


def test_empty_reason_is_refused_and_the_text_kept(demo_db):
    at = _paragraphs()
    _para2(at).input("Edited but not explained.").run()
    at.button(key=f"{DRAFT}:save").click().run()
    assert "Give the reason for this change" in texts(at.error)
    assert versions("paper", seed.PAPER_ID) == 1
    assert _para2(at).value == "Edited but not explained."


def test_nobody_signed_in_sees_the_sign_in_form_and_a_reader_no_save(demo_db):
    at = open_app("papers", user="")
    assert at.title[0].value == "Sign in to sstc-docs" and not at.text_area
    at = _paragraphs(user="Rae Reader", roles=("reader",))
    assert _para2(at).value and not [b for b in at.button if b.key == f"{DRAFT}:save"]
    assert "Rae Reader (rae.reader) may not draft papers" in texts(at.caption)
    assert "needs the drafter role" in texts(at.caption)
    assert versions("paper", seed.PAPER_ID) == 1


def test_unsaved_edits_survive_a_page_switch(demo_db):
    at = _paragraphs()
    _para2(at).input("Kept while I look elsewhere.").run()
    at.text_input(key=f"{DRAFT}:why").input("half-typed reason").run()
    at.switch_page("sstc_docs/ui/pages/overview.py").run()
    at.switch_page("sstc_docs/ui/pages/papers.py").run()
    assert _para2(papers_tab(at, PARAGRAPHS)).value == "Kept while I look elsewhere."
    assert at.text_input(key=f"{DRAFT}:why").value == "half-typed reason"


def test_validation_problem_shown_next_to_its_paragraph(demo_db):
    at = _paragraphs()
    _para2(at).input("A marker with no footnote [^9].").run()
    at.text_input(key=f"{DRAFT}:why").input("break it").run()
    at.button(key=f"{DRAFT}:save").click().run()
    errors = texts(at.error).lower()
    assert "not saved" in errors and "marker [^9] has no footnote" in errors
    assert versions("paper", seed.PAPER_ID) == 1


def test_reorder_add_and_delete_paragraphs_then_footnotes(demo_db):
    at = _revising()
    at.button(key=f"{DRAFT}:b:b2:up").click().run()          # paragraph 3 above paragraph 2
    at.button(key=f"{DRAFT}:add:paragraph").click().run()
    at.text_area(key=f"{DRAFT}:b:n6:text").input("A new closing paragraph.[^x]").run()
    at.text_area(key=f"{DRAFT}:b:n6:footnotes").input("x: A new note.").run()
    at.button(key=f"{DRAFT}:b:b3:delete").click().run()      # the heading
    at.text_input(key=f"{DRAFT}:why").input("Restructure").run()
    at.button(key=f"{DRAFT}:save").click().run()
    assert not at.error, texts(at.error)
    body = services().records.get("paper", seed.PAPER_ID).data["body"]
    assert body[1]["text"].startswith("成果 1 和成果 2") and body[2]["text"].startswith("用于南南合作")
    assert [b["type"] for b in body] == ["paragraph"] * 3 + ["framework"] * 2 + ["paragraph"]
    assert body[-1]["footnotes"] == [{"key": "x", "text": "A new note."}]


def test_conflict_shows_both_texts_and_reapplies_on_top(demo_db):
    at = _revising()
    _para2(at).input("My wording of paragraph 2.[^2]").run()
    at.text_input(key=f"{DRAFT}:why").input("My reason").run()
    theirs = _theirs()
    theirs["body"][1]["text"] = "Their wording of paragraph 2.[^2]"
    theirs["front_matter"]["author_unit"] = "PARDEV (their edit)"
    services_as("Other Person").papers.update(seed.PAPER_ID, theirs, why="Their reason", base_version=1)
    at.button(key=f"{DRAFT}:save").click().run()
    assert not at.exception
    warning = texts(at.warning)
    assert "someone else saved first" in warning and "Other Person" in warning and "Their reason" in warning
    shown = texts(at.text)
    assert "Their wording of paragraph 2.[^2]" in shown and "My wording of paragraph 2.[^2]" in shown
    assert _para2(at).value == "My wording of paragraph 2.[^2]"
    assert versions("paper", seed.PAPER_ID) == 2
    at.button(key=f"{DRAFT}:conflict:merge").click().run()          # the same words: it asks first
    assert "Choose, above, whose words to keep" in texts(at.error) and versions("paper", seed.PAPER_ID) == 2
    at.radio(key=f"{DRAFT}:conflict:choice:body[1].text").set_value("mine").run()
    at.button(key=f"{DRAFT}:conflict:merge").click().run()
    assert not at.error, texts(at.error)
    latest = services().records.get("paper", seed.PAPER_ID)
    assert latest.version == 3 and latest.why == "My reason" and latest.author == "Ana Tester (ana.tester)"
    assert latest.data["body"][1]["text"] == "My wording of paragraph 2.[^2]"
    assert latest.data["front_matter"]["author_unit"] == "PARDEV (their edit)"   # their change kept


def test_conflict_keep_editing_on_top(demo_db):
    at = _revising()
    _para2(at).input("Mine.[^2]").run()
    at.text_input(key=f"{DRAFT}:why").input("mine").run()
    theirs = _theirs()
    theirs["title"] = "Their title"
    services_as("Other").papers.update(seed.PAPER_ID, theirs, why="title", base_version=1)
    at.button(key=f"{DRAFT}:save").click().run()
    at.button(key=f"{DRAFT}:conflict:rebase").click().run()
    assert _para2(at).value == "Mine.[^2]"
    assert papers_tab(at, COVER).text_area(key=f"{DRAFT}:title").value == "Their title"


def test_versions_tab_offers_the_docx_of_a_version(demo_db):
    at = papers_tab(open_app("papers"), VERSIONS)
    assert at.selectbox(key=f"papers:dlv:{seed.PAPER_ID}:1").value == 1
    assert not at.exception


def test_draft_decision_can_be_added_to_a_new_paper(demo_db):
    at = open_app("papers")
    at.text_input(key="papers:new:symbol").input("GB.316/POL/6").run()
    at.text_input(key="papers:new:title").input("Another item")
    at.text_input(key="papers:new:why").input("new")
    at.button(key="papers:new:create").click().run()
    papers_tab(at, DECISION, "GB.316/POL/6")
    at.text_area(key="papers:newdec:GB.316/POL/6:text").input("The Governing Body requests the Office to report.")
    at.text_input(key="papers:newdec:GB.316/POL/6:why").input("Draft decision")
    at.button(key="papers:newdec:GB.316/POL/6:save").click().run()
    assert not at.error, texts(at.error)
    assert services().records.get("decision", "GB.316/POL/6:D1").data["status"] == "draft"
    key = "decision:GB.316/POL/6:D1"
    at.text_area(key=f"{key}:text").input("The Governing Body requests the Office to report in 2013.")
    at.text_input(key=f"{key}:why").input("Add the year")
    at.button(key=f"{key}:save").click().run()
    assert not at.error, texts(at.error)
    assert services().records.get("decision", "GB.316/POL/6:D1").data["text"].endswith("in 2013.")


def test_a_viewer_with_nothing_typed_sees_the_newer_version(demo_db):
    at = _paragraphs()
    theirs = _theirs()
    theirs["body"][1]["text"] = "Saved by someone else meanwhile.[^2]"
    services_as("Other").papers.update(seed.PAPER_ID, theirs, why="meanwhile", base_version=1)
    at.run()
    assert _para2(at).value == "Saved by someone else meanwhile.[^2]"
    assert not at.warning, [w.value for w in at.warning]


def test_changed_fields_name_each_leaf_that_differs():
    both = {"title": "T", "body": [{"text": "a"}, {"text": "their b"}]}
    mine = {"title": "T", "body": [{"text": "a"}, {"text": "mine"}]}
    assert changed_fields(both, mine) == [("body[1].text", "their b", "mine")]


# -- nothing typed is lost ----------------------------------------------------------------------
def _their_save(change) -> int:
    theirs = _theirs()
    change(theirs)
    return services_as("Other Person").papers.update(seed.PAPER_ID, theirs, why="Their reason",
                                    base_version=1).version


def test_typing_while_another_save_lands_keeps_the_text_and_merges_theirs(demo_db):
    at = _revising()
    _para2(at).input("My new paragraph two.[^2]")           # typed; their save lands before it reaches us
    _their_save(lambda d: d["front_matter"].__setitem__("author_unit", "PARDEV (theirs)"))
    at.run()
    assert _para2(at).value == "My new paragraph two.[^2]"
    assert "Other Person (other.person) saved version 2 while you were typing" in texts(at.info)
    assert papers_tab(at, COVER).text_area(key=f"{DRAFT}:fm:author_unit").value == "PARDEV (theirs)"


def test_a_merge_keeps_every_box_under_its_key_so_the_browser_keeps_what_is_being_typed(demo_db):
    """The boxes of a draft are keyed by paper and block, not by version: a save landing while one
    types moves the draft to the newer version without the browser drawing new, empty boxes. Their
    new paragraph, inserted before mine, gets a box of its own; mine stays under its key."""
    at = _revising()
    keys_before = {e.key for e in at.text_area if e.key.startswith(DRAFT)}
    _para2(at).input("My new paragraph two.[^2]")
    _their_save(lambda d: d["body"].insert(0, {"type": "paragraph", "numbered": True, "text": "Their new first.",
                                               "footnotes": []}))
    at.run()
    assert "saved version 2 while you were typing" in texts(at.info)
    assert _para2(at).value == "My new paragraph two.[^2]"        # still b1, now the third block
    assert keys_before < {e.key for e in at.text_area if e.key.startswith(DRAFT)}
    texts_now = [e.value for e in at.text_area if e.key.startswith(f"{DRAFT}:b:") and e.key.endswith(":text")]
    assert texts_now[0] == "Their new first." and texts_now[2] == "My new paragraph two.[^2]"


def _tab_open(at) -> str:
    """The label of the tab the Papers editor shows as open."""
    def containers(node):
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if type(proto).__name__ == "Block" and proto.HasField("tab_container"):
                yield proto.tab_container.default_tab_index, [tab.label for tab in child.children.values()]
            yield from containers(child)
    (index, labels), = containers(at._tree)
    return labels[index]


def test_the_editor_stays_on_its_tab_when_another_save_lands_and_after_a_save(demo_db):
    at = _paragraphs()
    _para2(at).input("Mine, while theirs lands.[^2]")
    _their_save(lambda d: d["front_matter"].__setitem__("author_unit", "PARDEV (theirs)"))
    at.run()
    assert "while you were typing" in texts(at.info) and _tab_open(at) == "Paragraphs and framework"
    at.text_input(key=f"{DRAFT}:why").input("Paragraph 2 after theirs")
    at.button(key=f"{DRAFT}:save").click().run()
    assert "Saved version 3" in texts(at.success) and _tab_open(at) == "Paragraphs and framework"


def test_different_words_of_the_same_paragraph_merge_without_asking(demo_db):
    at = _revising()
    original = _para2(at).value
    _para2(at).input("【mine】" + original).run()
    _their_save(lambda d: d["body"][1].__setitem__("text", d["body"][1]["text"].replace("[^2]", "【theirs】[^2]")))
    at.run()
    merged = _para2(at).value
    assert merged.startswith("【mine】") and "【theirs】[^2]" in merged and not at.warning


def test_the_same_words_changed_by_both_ask_and_lose_nothing(demo_db):
    at = _revising()
    _para2(at).input("Mine.[^2]").run()
    _their_save(lambda d: d["body"][1].__setitem__("text", "Theirs.[^2]"))
    at.run()
    assert "Someone else saved this record while you were typing" in texts(at.warning)
    assert _para2(at).value == "Mine.[^2]"
    at.radio(key=f"{DRAFT}:conflict:choice:body[1].text").set_value("theirs").run()
    assert "Your words there are replaced by theirs" in texts(at.caption)
    at.button(key=f"{DRAFT}:conflict:rebase").click().run()
    assert _para2(at).value == "Theirs.[^2]"


def test_a_reload_brings_the_unsaved_text_back(demo_db):
    at = _paragraphs()
    _para2(at).input("Typed, never saved.[^2]").run()
    at.text_input(key=f"{DRAFT}:why").input("half-way").run()
    again = _paragraphs()                                      # a new session: a reload, another device
    assert _para2(again).value == "Typed, never saved.[^2]"
    assert again.text_input(key=f"{DRAFT}:why").value == "half-way"
    again.button(key=f"{DRAFT}:discard").click().run()
    assert _para2(_paragraphs()).value != "Typed, never saved.[^2]"
    assert not [key for key in services().drafts.all("ana.tester") if key.startswith("paper:")]


def test_a_draft_kept_under_an_earlier_release_s_versioned_key_comes_back(demo_db):
    """Before drafts were keyed by record, a draft was kept as ``paper:<id>:v<version>``: one
    still on the server is brought back under the paper's key, and the old key let go."""
    at = _paragraphs()
    _para2(at).input("Typed under the old key.[^2]").run()
    kept = services().drafts
    draft = kept.all("ana.tester")[DRAFT]
    kept.drop("ana.tester", DRAFT)
    kept.keep("ana.tester", f"{DRAFT}:v1", dict(draft, key=f"{DRAFT}:v1"))
    assert _para2(_paragraphs()).value == "Typed under the old key.[^2]"
    assert set(kept.all("ana.tester")) >= {DRAFT} and f"{DRAFT}:v1" not in kept.all("ana.tester")


def test_downloads_offer_the_house_template_or_an_uploaded_one(demo_db, tmp_path):
    at = papers_tab(open_app("papers"), VERSIONS)
    radio = at.radio(key=f"papers:dl:{seed.PAPER_ID}:template")
    assert radio.value == "house"
    house = (Path(__file__).resolve().parent.parent / "templates" / "house.docx").read_bytes()
    path = services().exports.uploaded_template(house)
    assert path.read_bytes() == house
    data, _ = services().exports.paper_docx(seed.PAPER_ID, template=path)
    assert data[:2] == b"PK"
    with pytest.raises(ValidationError, match="not a .docx file"):
        services().exports.uploaded_template(b"plain text, not Word")


# -- one tab drawn at a time ----------------------------------------------------------------------
def test_only_the_open_tab_is_drawn(demo_db):
    at = open_app("papers")
    cover_boxes = {e.key for e in at.text_area if e.key.startswith(DRAFT)}
    assert f"{DRAFT}:title" in cover_boxes and not [k for k in cover_boxes if k.startswith(f"{DRAFT}:b:")]
    assert not [b for b in at.selectbox if b.key.startswith("papers:dlv:")]   # the Versions tab's
    papers_tab(at, PARAGRAPHS)
    assert _para2(at).value and not [e for e in at.text_area if e.key == f"{DRAFT}:title"]


def test_what_is_typed_in_one_tab_is_saved_from_another(demo_db):
    """The draft holds what every tab's boxes were given: the cover typed, then the Paragraphs tab
    opened in the same rerun (as a click on a tab sends the box's text with it), its footnotes
    typed, then the save from the Versions tab, where neither is drawn — all of it is saved."""
    at = papers_tab(_revising(), COVER)
    at.text_area(key=f"{DRAFT}:title").input("A title typed on the cover")
    at.text_area(key=f"{DRAFT}:fm:author_unit").input("PARDEV (typed)")
    papers_tab(at, PARAGRAPHS)
    _para2(at).input("Paragraph two, typed.[^2][^5]").run()
    at.text_area(key=f"{DRAFT}:b:b1:footnotes").input("2: The source.\n5: A note typed here.")
    papers_tab(at, VERSIONS)
    assert not [e for e in at.text_area if e.key.startswith(DRAFT)]
    assert "you have unsaved changes" in texts(at.markdown)
    at.text_input(key=f"{DRAFT}:why").input("Typed across the tabs")
    at.button(key=f"{DRAFT}:save").click().run()
    assert not at.error, texts(at.error)
    saved = services().records.get("paper", seed.PAPER_ID)
    assert saved.version == 2 and saved.data["title"] == "A title typed on the cover"
    assert saved.data["front_matter"]["author_unit"] == "PARDEV (typed)"
    assert saved.data["body"][1]["text"] == "Paragraph two, typed.[^2][^5]"
    assert saved.data["body"][1]["footnotes"] == [{"key": "2", "text": "The source."},
                                                  {"key": "5", "text": "A note typed here."}]
    assert papers_tab(at, COVER).text_area(key=f"{DRAFT}:title").value == "A title typed on the cover"
