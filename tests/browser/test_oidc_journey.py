"""Signing in through OpenID Connect: a real provider (the certified `oidc-provider` package, run
with Node.js from tests/oidc/) on loopback, Streamlit's own `st.login` configured through a
secrets file, and the browser going through the provider's sign-in and consent pages and back.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from people import TESTER
from sstc_docs.services import open_services

pytestmark = pytest.mark.browser

PROVIDER = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "sstc-docs", secrets.token_urlsafe(24)
#: The roles the provider sends, in its "roles" claim, for each login it signs in.
CLAIMED_ROLES = {"omar.oidc": ["drafter", "reviewer"]}


@contextmanager
def provider(port: int, redirect_uri: str, log_dir: Path, answering):
    """The OpenID Connect provider of tests/oidc/provider.mjs on 127.0.0.1:``port``."""
    if not (PROVIDER / "node_modules").is_dir():
        pytest.fail("the test provider is not installed: run `make test` (or `npm ci` in tests/oidc)")
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_REDIRECT_URI": redirect_uri, "OIDC_ROLES": json.dumps(CLAIMED_ROLES)}
    log_path = log_dir / "provider.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([shutil.which("node") or "node", "provider.mjs"], cwd=PROVIDER, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        answering(f"{issuer}/.well-known/openid-configuration", process, log_path, "the OIDC provider")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def oidc_app(serve, free_port, answering, tmp_path_factory):
    """`streamlit run` in oidc mode, its [auth] secrets pointing at the provider; (base, db)."""
    folder = tmp_path_factory.mktemp("oidc")
    db = folder / "db"
    services = open_services(db).acting_as(TESTER)
    services.load_demo()
    services.close()
    app_port, provider_port = free_port(), free_port()
    redirect_uri = f"http://127.0.0.1:{app_port}/oauth2callback"
    with provider(provider_port, redirect_uri, folder, answering) as issuer:
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            # Streamlit asks for prompt=select_account unless told otherwise; oidc-provider knows login.
            'client_kwargs = { scope = "openid profile email roles", prompt = "login" }\n', encoding="utf-8")
        env = {"SSTC_AUTH": "oidc", "SSTC_OIDC_ROLES_CLAIM": "roles"}
        with serve(db, folder, port=app_port, env=env, args=("--secrets.files", str(secrets_file))) as base:
            yield base, db


@pytest.fixture
def app(app_at, oidc_app):
    return app_at(*oidc_app)


def test_sign_in_through_the_organisation_with_roles_from_the_provider_and_sign_out(app):
    context = app.browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    app.contexts.append(context)
    tab = context.new_page()
    tab.goto(app.base)
    app.wait(tab)
    expect(tab.get_by_role("heading", name="Sign in to sstc-docs")).to_be_visible()
    tab.get_by_role("button", name="Sign in with your organisation's account").click()

    # The provider's own pages: its sign-in form, then its consent page.
    login = tab.locator("input[name=login]")
    expect(login).to_be_visible()
    login.fill("omar.oidc")
    tab.locator("input[name=password]").fill("any password: this is the test provider")
    tab.locator("button[type=submit]").click()
    expect(tab.locator("button[type=submit]", has_text="Continue")).to_be_visible()
    tab.locator("button[type=submit]", has_text="Continue").click()

    # Back in the app, signed in as the account the provider named, with the roles it sent.
    expect(tab.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    app.wait(tab)
    sidebar = tab.get_by_test_id("stSidebar")
    # (shown as text: an invisible word joiner after "@" keeps the address from becoming a link)
    expect(sidebar).to_contain_text(re.compile("Omar Oidc \\(omar\\.oidc@\u2060?example\\.org\\)"))
    expect(sidebar.get_by_text("Roles: Drafter, Reviewer")).to_be_visible()
    app.shot(tab, "oidc-signed-in")
    with app.services() as services:
        account = services.accounts.get("omar.oidc@example.org")
    assert account["roles"] == ["drafter", "reviewer"] and account["name"] == "Omar Oidc"

    # Signing out ends the provider's session too: its page asks to confirm, then back to the app.
    sidebar.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="Yes, sign me out").click()
    expect(tab.get_by_role("heading", name="Sign in to sstc-docs")).to_be_visible()
