"""The import page through AppTest: upload, review in place, tracked changes as checkboxes, save.

AppTest cannot drive a file uploader, so ``st.file_uploader`` is replaced for the test by one that
returns the file; everything after it is the page as it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from people import sign_in
from sstc_docs.ui.state import get_services

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_docs import EN, foreign_paper  # noqa: E402
from test_app_pages import shown  # noqa: E402

PAGE = str(Path(__file__).resolve().parent.parent / "sstc_docs" / "ui" / "pages" / "imports.py")


class Upload:
    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


@pytest.fixture
def uploaded(monkeypatch):
    holder = {}
    monkeypatch.setattr(streamlit, "file_uploader", lambda *a, **k: holder.get("file"))
    return holder


def frames(at) -> str:
    return "\n".join(df.value.to_string() for df in at.dataframe)


def test_the_review_shows_what_the_file_holds_and_keeps_file_text_out_of_markdown(empty_db, uploaded):
    uploaded["file"] = Upload("typed.docx", foreign_paper("en"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, "Ana Tester")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = frames(at)
    for text in (EN["title"], EN["paras"][0][:30], EN["rows"][0][1], "a drawing or picture", "Check this figure.",
                 "GB.320/POL/3:D1"):
        assert text in shown, text
    markdown = "\n".join(m.value for m in at.markdown)
    assert EN["title"] not in markdown and EN["paras"][0] not in markdown
    assert [c.label for c in at.checkbox] == ["Accept change 1", "Accept change 2"]
    assert "paper GB.320/POL/3" in shown and "new, version 1" in shown


def test_accepting_a_change_changes_the_text_reviewed(empty_db, uploaded):
    uploaded["file"] = Upload("typed.docx", foreign_paper("en"))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    body_before = at.dataframe[2].value["text"].tolist()
    at.checkbox[0].check().run()
    body_after = at.dataframe[2].value["text"].tolist()
    assert not any("Inserted words." in t for t in body_before)
    assert any("Inserted words." in t for t in body_after)


def test_a_refused_file_is_explained_and_its_name_is_not_read_as_markdown(empty_db, uploaded):
    uploaded["file"] = Upload("**[secret](http://x)**.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "OLE2 compound file" in error and "**[secret](http://x)**" in shown(error)
    assert "**[" not in error  # escaped: shown as typed, never as a link


def test_save_asks_why_and_records_everything(empty_db, uploaded):
    uploaded["file"] = Upload("typed.docx", foreign_paper("en"))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, "Ana Tester")
    at.run()
    at.button(key="imp:save").click().run()
    assert any("Give the reason" in e.value for e in at.error)
    assert not get_services().records.exists("paper", "GB.320/POL/3")
    at.text_input(key="imp:why").input("Paper received from PARDEV").run()
    at.button(key="imp:save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved: " in shown(s.value) and "paper GB.320/POL/3 version 1" in shown(s.value)
               for s in at.success)
    paper = get_services().records.get("paper", "GB.320/POL/3")
    assert paper.author == "Ana Tester (ana.tester)" and "Paper received from PARDEV" in paper.why
