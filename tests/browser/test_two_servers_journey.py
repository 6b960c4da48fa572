"""Two app servers on one PostgreSQL database, as a secretariat runs them behind a load balancer.

Two `streamlit run` processes on their own loopback ports share a throwaway PostgreSQL database
(tests/pg_server.py, through conftest's ``postgres_server``) holding the demo. What one server saves
the other shows at its next rerun, without a restart: a new version of a record it has open, and a
new record in its listing (served from heads it caches, kept current by NOTIFY). Two people
editing the same paragraph on the two servers meet the same conflict panel as two browser tabs.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from paper_steps import PAPER, edit_paragraph_2, marker, open_paragraphs, two_people_edit_paragraph_2
from people import TESTER
from sstc_docs.services import open_services

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shared_database(postgres_server) -> str:
    """A PostgreSQL database with the demo loaded, for both servers."""
    url = postgres_server.create_database("browser")
    services = open_services(url).acting_as(TESTER)
    services.load_demo()
    services.close()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(scope="module")
def two_servers(serve, shared_database, tmp_path_factory) -> tuple[str, str]:
    """The addresses of two app servers on ``shared_database``, each its own process and port."""
    with serve(shared_database, tmp_path_factory.mktemp("server-a")) as a, \
            serve(shared_database, tmp_path_factory.mktemp("server-b")) as b:
        yield a, b


@pytest.fixture
def apps(app_at, two_servers, shared_database):
    return tuple(app_at(base, shared_database) for base in two_servers)


def test_a_save_on_one_server_shows_on_the_other(apps):
    on_a, on_b = apps
    assert on_a.base != on_b.base
    ana = on_a.new_page("Ana Lopez", "Papers")
    bo = on_b.new_page("Bo Chen", "Papers")
    before = on_b.latest("paper", PAPER)
    seen = before.version
    expect(bo.get_by_role("heading", name=f"{before.data['symbol']} · version {seen}")).to_be_visible()

    text = f"Paragraph two as saved on server A {marker('A')}.[^2]"
    saved = edit_paragraph_2(on_a, ana, text, "Two servers: saved on A")
    assert saved == seen + 1
    on_b.go(bo, "Overview")                     # Bo moves on in his session: a rerun, no restart
    on_b.go(bo, "Papers")
    symbol = on_a.latest("paper", PAPER).data["symbol"]   # the issued paper's revision, once edited
    expect(bo.get_by_role("heading", name=f"{symbol} · version {saved}")).to_be_visible()
    open_paragraphs(on_b, bo)
    expect(bo.get_by_label("Paragraph 2 text", exact=True)).to_have_value(text)
    on_b.shot(bo, "two-servers-save-seen-on-b")

    symbol = "GB.350/INS/7"                     # the database is this module's: no paper has it yet
    on_b.fill(bo, "Search by symbol or title", symbol)
    expect(bo.get_by_text("No paper matches these filters", exact=False)).to_be_visible()
    creator = on_a.new_page("Ana Lopez", "Papers")
    creator.get_by_text("Create a paper").click()
    on_a.fill(creator, "Symbol of the new paper", symbol)
    on_a.fill(creator, "Title of the new paper", "Created on server A")
    on_a.fill(creator, "Reason for creating it", "Two servers: a new paper on A")
    creator.get_by_role("button", name="Create paper").click()
    expect(creator.get_by_role("heading", name=f"{symbol} · version 1")).to_be_visible()
    on_b.go(bo, "Overview")
    on_b.go(bo, "Papers")                       # the search Bo typed is kept; the list is B's own cache
    expect(bo.get_by_text("1 of 2 paper(s)", exact=True)).to_be_visible()
    on_b.choose(bo, "Open paper", symbol)       # the paper he had open stays open until he picks another
    expect(bo.get_by_role("heading", name=f"{symbol} · version 1")).to_be_visible()
    expect(bo.get_by_label("Title", exact=True)).to_have_value("Created on server A")  # the cover, as A saved it
    on_b.shot(bo, "two-servers-new-paper-listed-on-b")


def test_two_people_on_two_servers_edit_the_same_paragraph(apps):
    on_a, on_b = apps
    two_people_edit_paragraph_2(on_a, on_b, "two-servers-conflict")
