"""The reading view and every past view, through AppTest: a paper version reads as its Word file
(the same Flow, labels in the paper's language), and no past view offers anything to edit."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from sstc_docs import demo as seed
from sstc_docs.services import open_services
from sstc_docs.ui.reading import flow_html
from sstc_docs.word.layout import paper_flow

from test_app_pages import open_app, papers_tab, texts

EDIT_WIDGETS = ("text_input", "text_area", "number_input", "checkbox", "radio", "multiselect")


def _html(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _read_only(at) -> None:
    for kind in EDIT_WIDGETS:
        assert not list(getattr(at, kind)), f"a past view offers a {kind}"


def test_the_flow_as_html_has_the_papers_own_labels_and_numbering(demo_db):
    services = open_services(demo_db)
    try:
        html = flow_html(paper_flow(services.papers.bundle(seed.PAPER_ID)))
    finally:
        services.close()
    assert "第五项议程" in html and "决定草案" in html and "供决定" in html and "无" in html
    assert '<span style="flex:none">4.</span>' in html   # the draft decision takes the next paragraph number
    assert "\n" not in html                      # one HTML block: a blank line would end it early


def test_the_reading_view_alone_draws_no_control(demo_db):
    def app():
        from sstc_docs import demo
        from sstc_docs.ui import reading
        from sstc_docs.ui.state import get_services
        reading.show_paper(get_services().papers.bundle(demo.PAPER_ID, 1))

    at = AppTest.from_function(app, default_timeout=60).run()
    assert not at.exception
    _read_only(at)
    assert not list(at.button) and not list(at.selectbox)
    assert "第五项议程" in _html(at) and "决定草案" in _html(at)


def test_the_papers_read_tab_shows_the_chinese_demo_paper(demo_db):
    at = papers_tab(open_app("papers"), "Read")
    assert at.selectbox(key=f"papers:read:{seed.PAPER_ID}:1").value == 1
    assert "第五项议程" in _html(at) and "决定草案" in _html(at)
    assert "Version 1 as saved, read-only" in texts(at.caption)


def test_papers_versions_do_not_claim_a_date_in_force(demo_db):
    at = papers_tab(open_app("papers"), "Versions and download")
    table = next(df.value for df in at.dataframe if "Version" in df.value.columns)
    assert "In force from" not in table.columns


def test_history_reads_a_paper_version_and_offers_no_edit(demo_db):
    at = open_app("history")
    at.button(key=f"hist:open:paper:{seed.PAPER_ID}:1").click().run()
    assert not at.exception
    assert f"Paper {seed.PAPER_ID} · version 1" in texts(at.subheader)
    assert "第五项议程" in _html(at)
    assert "In force from" not in _html(at)
    assert not list(at.text_area) and not [b for b in at.button if "save" in (b.key or "")]


def test_frameworks_as_at_a_date_is_read_only(demo_db):
    at = open_app("frameworks")
    at.toggle(key="fw:use_date").set_value(True).run()
    at.date_input(key="fw:as_of").set_value(dt.date(2012, 4, 1)).run()
    assert not at.exception
    assert "read-only" in texts(at.caption)
    assert "In force now" not in _html(at)
    assert not list(at.text_area) and not [b for b in at.button if (b.key or "").startswith("fw:")]
