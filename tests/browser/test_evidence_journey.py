"""Evidence in a real browser: upload a file as evidence, link it to an outcome 1 indicator with value 1,
see the indicator's actual value rise, and download the file back byte for byte."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from sstc_docs import demo as seed

pytestmark = pytest.mark.browser

INDICATOR = seed.IND_MEETINGS  # SSTC-2012/O1/I1, a count of technical meetings


def centre(tab: Page, label: str) -> None:
    """Scroll a select box to the middle of the page first: when the click itself has to scroll the page,
    the scroll closes the select box's menu as soon as it opens."""
    tab.get_by_label(label, exact=True).evaluate("element => element.scrollIntoView({block: 'center'})")


def actual_in_database(app) -> int:
    with app.services() as services:
        progress = services.evidence.progress(seed.STRATEGY_ID)
    return next(row["actual"] for row in progress["indicators"] if row["id"] == INDICATOR)


def show_indicator_progress(app, tab: Page, expected_actual: int) -> None:
    tab.get_by_role("tab", name="Progress").click()  # the tabs track which is open: a rerun
    app.wait(tab)
    # the charts above render once the tab shows; wait for them so the page no longer shifts under the pointer
    expect(tab.get_by_role("tabpanel", name="Progress").get_by_role("img")).to_have_count(2)
    centre(tab, "Indicator")
    app.choose(tab, "Indicator", f"O1 {INDICATOR} — actual")
    metric = tab.get_by_test_id("stMetric").filter(has_text="Actual (count)")
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(str(expected_actual))


def test_upload_evidence_link_it_and_download_it_back(app, tmp_path):
    mark = uuid.uuid4().hex[:8]
    name = f"meeting-report-{mark}.pdf"
    content = b"%PDF-1.4\n" + os.urandom(20_000) + f"\n% technical meeting {mark}\n".encode()
    upload = tmp_path / name
    upload.write_bytes(content)
    before = actual_in_database(app)

    tab = app.new_page("Ana Lopez", "Evidence")
    show_indicator_progress(app, tab, before)

    # register: a title, the file, the indicator link with value 1, a reason
    tab.get_by_role("tab", name="Register evidence").click()
    app.wait(tab)
    panel = tab.get_by_role("tabpanel", name="Register evidence")
    expect(panel.get_by_text("up to 50 MB per file")).to_be_visible()
    app.fill(tab, "Title (required)", f"Technical meeting on SSTC {mark}")
    panel.get_by_label("Kind", exact=True).click()
    tab.get_by_role("option", name="Meeting held").click()
    panel.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(panel.get_by_role("button", name=f"Remove {name}")).to_be_visible()
    centre(tab, "Indicator it counts towards")
    app.choose(tab, "Indicator it counts towards", f"{INDICATOR} — ")
    expect(tab.get_by_label("Value it contributes", exact=True)).to_have_value("1.00")
    app.fill(tab, "Reason for this change", f"Journey: the meeting report {mark}")
    panel.get_by_role("button", name="Register evidence").click()
    expect(tab.get_by_text(re.compile(rf"^Registered EV-\d+ with {re.escape(name)}"))).to_be_visible()
    app.wait(tab)

    # stored as the user meant it
    with app.services() as services:
        found = services.evidence.search(mark)
        assert len(found) == 1
        record = services.evidence.get(found[0]["id"])
        assert record.author == "Ana Lopez (ana.lopez)"
        assert record.data["links"]["indicators"] == [{"id": INDICATOR, "value": 1, "period": ""}]
        assert record.data["attachment"]["name"] == name and record.data["attachment"]["size"] == len(content)
    assert actual_in_database(app) == before + 1

    # the actual value rises on the page, and the file behind the number downloads byte for byte
    show_indicator_progress(app, tab, before + 1)
    progress = tab.get_by_role("tabpanel", name="Progress")
    with tab.expect_download() as download:
        progress.get_by_role("button", name=f"Download {name} ({record.id})").click()
    assert download.value.suggested_filename == name
    assert download.value.path().read_bytes() == content
    app.shot(tab, "evidence")
    app.shot(tab, "evidence-progress")  # kept under its own name too: the all-pages journey also writes evidence.png
