"""Browser journeys: the app's server (`make run`'s) on a free port over a temp database with the demo loaded,
driven by Debian's Chromium through Playwright.

The server runs with the app's own settings (.streamlit/config.toml: loopback only, so it is
reached at 127.0.0.1) in accounts mode: every journey signs in through the form, as an account
the test makes (``App.new_page``). It is started once per test session (so once per xdist worker, each with its own port and
database); every test gets fresh browser contexts, i.e. fresh Streamlit sessions. Readiness follows
Streamlit's own e2e tests: poll /_stcore/health until 200, then wait until the app is connected and
no script is running. After an action, tests wait for its visible outcome with ``expect`` — never
for a fixed time.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from people import TESTER, login_of
from sstc_docs.domain.rights import ROLES
from sstc_docs.services import open_services

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
PAGE_PATHS = {"Overview": "", "Papers": "papers", "Frameworks": "frameworks", "Decisions": "decisions",
              "Evidence": "evidence", "History": "history"}

#: The password of every account the journeys make.
PASSWORD = "correct horse battery"

expect.set_options(timeout=20_000)

#: Counts, from now on, the changes of the script state Streamlit shows on its app element (see ``App.run_caused``).
_COUNT_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__sstcScriptStateWatch) window.__sstcScriptStateWatch.disconnect();
  window.__sstcScriptStateChanges = 0;
  window.__sstcFramesBefore = window.__sstcFrames || 0;
  window.__sstcScriptStateWatch = new MutationObserver(changes => { window.__sstcScriptStateChanges += changes.length; });
  window.__sstcScriptStateWatch.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""
# A run the action caused has been answered: the page showed it running, or the server sent
# messages since (a very short run can be drawn all at once, its state never seen to change).
_RUN_ANSWERED = "() => window.__sstcScriptStateChanges > 0 || (window.__sstcFrames || 0) > window.__sstcFramesBefore"
# Before any page script: count the messages the server sends on the app's websocket.
_COUNT_FRAMES = """(() => {
  const Native = window.WebSocket;
  window.__sstcFrames = 0;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener("message", () => { window.__sstcFrames += 1; }); }
  };
})();"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_answers(url: str, process: subprocess.Popen, log_path: Path, what: str) -> None:
    """Poll ``url`` until it answers 200; if ``process`` ends or a minute passes, fail with its log."""
    deadline = time.monotonic() + 60
    while not _healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)  # polling interval for the health endpoint, not a wait for the app


@pytest.fixture(scope="session")
def free_port():
    """A function giving a free port on 127.0.0.1."""
    return _free_port


@pytest.fixture(scope="session")
def answering():
    """``wait_until_answers`` for servers a test starts itself."""
    return wait_until_answers


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "db"
    services = open_services(path).acting_as(TESTER)
    services.load_demo()
    services.close()
    return path


@contextmanager
def streamlit_server(db: Path, log_dir: Path, *, port: int | None = None, env: dict | None = None,
                     args: tuple[str, ...] = ()):
    """The app's server as `make run` starts it (sstc_docs/ui/launch.py: `streamlit run`, warmed
    first) over ``db`` on ``port`` (default a free one), in accounts mode unless ``env`` says
    otherwise, with more ``args`` for Streamlit; yields its address once it answers."""
    port = port or _free_port()
    log_path = log_dir / "streamlit.log"
    env = {**os.environ, "SSTC_DB": str(db), "PYTHONPATH": str(ROOT), "SSTC_AUTH": "accounts", **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "sstc_docs.ui.launch", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/_stcore/health", process, log_path, "streamlit")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server(db_path, tmp_path_factory) -> str:
    with streamlit_server(db_path, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="session")
def serve():
    """A server over another database: ``with serve(db, log_dir) as base: …``."""
    return streamlit_server


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class App:
    """Opening pages, waiting for Streamlit, reading the database the server writes to."""

    def __init__(self, browser, base: str, db: Path):
        self.browser, self.base, self.db = browser, base, db
        self.contexts = []

    def account(self, user: str, *roles: str) -> str:
        """The account of ``user`` (login: lower case, dots for spaces) with ``roles`` (every role when
        none are given) and the password PASSWORD, made or brought to those roles; returns its login."""
        login = login_of(user)
        with self.services() as services:
            admin = services.acting_as(TESTER)
            wanted = list(roles or ROLES)
            if not admin.records.exists("account", login):
                admin.accounts.create(login, name=user, roles=wanted, why="Browser test account")
                admin.accounts.set_password(login, PASSWORD, why="Browser test account")
            elif admin.accounts.get(login)["roles"] != [r for r in ROLES if r in wanted]:
                admin.accounts.update(login, roles=wanted, why="Browser test roles")
        return login

    def new_page(self, user: str, page: str = "Overview", *roles: str) -> Page:
        """A fresh browser session on ``page``, signed in through the form as ``user`` (see
        ``account``); with no ``user``, left at the sign-in form."""
        context = self.browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
        context.add_init_script(_COUNT_FRAMES)
        self.contexts.append(context)
        tab = context.new_page()
        tab.goto(f"{self.base}/{PAGE_PATHS[page]}")
        self.wait(tab)
        if user:
            self.sign_in(tab, self.account(user, *roles))
            expect(tab.get_by_role("heading", name=page, exact=True)).to_be_visible()
        return tab

    def sign_in(self, tab: Page, login: str, password: str = PASSWORD) -> None:
        """Fill in and send the sign-in form."""
        expect(tab.get_by_role("heading", name="Sign in to sstc-docs")).to_be_visible()
        tab.get_by_label("Login", exact=True).fill(login)
        tab.get_by_label("Password", exact=True).fill(password)
        tab.get_by_role("button", name="Sign in", exact=True).click()
        self.wait(tab)

    @staticmethod
    def wait(tab: Page) -> None:
        """Connected, and no script running (as Streamlit's own e2e tests wait)."""
        expect(tab.get_by_test_id("stApp")).to_have_attribute("data-test-connection-state", "CONNECTED")
        expect(tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')).to_have_count(1)
        expect(tab.get_by_test_id("stMain")).to_be_visible()

    def go(self, tab: Page, page: str) -> None:
        """Switch page through the sidebar, keeping the session (and so the name and drafts)."""
        tab.get_by_test_id("stSidebarNav").get_by_role("link", name=page).click()
        expect(tab.get_by_role("heading", name=page, exact=True)).to_be_visible()
        self.wait(tab)

    def open_tab(self, tab: Page, name: str) -> None:
        """Select a tab once no script is running (a rerun in flight can re-render the tab bar). Tabs
        with a key (class ``st-key-…``) are the app's stateful ones: choosing one runs the script, and
        that run is waited for."""
        self.wait(tab)
        header = tab.get_by_role("tab", name=name, exact=True)
        if header.get_attribute("aria-selected") == "true":
            return
        tabs = header.locator("xpath=ancestor::*[@data-testid='stTabs'][1]")
        with self.run_caused(tab, seen=False) if "st-key-" in (tabs.get_attribute("class") or "") else nullcontext():
            header.click()
        expect(header).to_have_attribute("aria-selected", "true")

    def fill(self, tab: Page, label: str, text: str) -> None:
        """Type into a text input or area and commit it (Streamlit sends the value on blur), then wait
        for the run that value causes — unless nothing changed or the field is in a form, which sends
        its values only when submitted."""
        field = tab.get_by_label(label, exact=True)
        runs = field.input_value() != text and not field.locator("xpath=ancestor::*[@data-testid='stForm']").count()
        with self.run_caused(tab) if runs else nullcontext():
            field.fill(text)
            field.blur()
        expect(field).to_have_value(text)
        self.wait(tab)

    def click(self, tab: Page, button: str) -> None:
        """Click the button named ``button`` (exactly) and wait for the run the click causes."""
        with self.run_caused(tab):
            tab.get_by_role("button", name=button, exact=True).click()

    @contextmanager
    def run_caused(self, tab: Page, *, seen: bool = True):
        """Around an action that makes the script run: afterwards wait until that run has started and
        finished. "No script running" alone is true at once when the action's run has not begun yet,
        so the browser counts, from before the action, changes of the script state and the server's
        messages (a very short run can be drawn all at once, its state never seen to change). With
        ``seen=False`` an action the server never answered is let pass after a while, for actions
        whose outcome the caller checks anyway."""
        self.wait(tab)
        tab.evaluate(_COUNT_RUNS)
        yield
        try:
            tab.wait_for_function(_RUN_ANSWERED, timeout=20_000 if seen else 5_000)
        except PlaywrightTimeout:
            if seen:
                raise
        self.wait(tab)

    def choose(self, tab: Page, label: str, option: str) -> None:
        """Pick the option of a select box whose text contains ``option``, and wait for the run the
        choice causes: until it ends, elements of the previous run are still on the page (the paper
        open before, say, beside the one just picked)."""
        self.wait(tab)
        combo = tab.get_by_label(label, exact=True)
        combo.scroll_into_view_if_needed()  # a select box's menu closes when the page scrolls under it
        combo.click()
        choice = tab.get_by_role("option", name=option).first
        expect(choice).to_be_visible()
        with self.run_caused(tab, seen=False):  # the option already chosen causes no run
            choice.click()
        expect(combo).to_have_value(re.compile(re.escape(option)))
        self.wait(tab)

    def shot(self, tab: Page, name: str) -> Path:
        """A full-page screenshot: Streamlit scrolls inside its main element, so grow the viewport to it."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.wait(tab)
        height = tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        tab.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(height, 10_000))})
        path = SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        tab.set_viewport_size(VIEWPORT)
        return path

    @contextmanager
    def services(self):
        opened = open_services(self.db)
        try:
            yield opened
        finally:
            opened.close()

    def versions(self, kind: str, record_id: str) -> int:
        with self.services() as services:
            return len(services.records.history(kind, record_id))

    def latest(self, kind: str, record_id: str):
        with self.services() as services:
            return services.records.get(kind, record_id)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@contextmanager
def app_on(request, browser, base: str, db: Path):
    """An App on the server at ``base``; if the test fails, a screenshot of what each browser showed."""
    opened = App(browser, base, db)
    try:
        yield opened
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for i, context in enumerate(opened.contexts):
                for tab in context.pages:
                    tab.screenshot(path=str(SCREENSHOTS / f"failed-{request.node.name}-{i}.png"), full_page=True)
        opened.close()


@pytest.fixture
def app_at(request, browser):
    """Apps on any server, ``app_at(base, db)``, closed (with screenshots if the test failed) after the test."""
    with ExitStack() as stack:
        yield lambda base, db: stack.enter_context(app_on(request, browser, base, db))


@pytest.fixture
def app(app_at, server, db_path):
    return app_at(server, db_path)
