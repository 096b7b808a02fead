"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, never a download.

Without /usr/bin/chromium the browser tests skip with one line saying so; under CI (CI=true)
a missing browser is a failure instead, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import build_world

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# database calls the live server's fixtures make next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# The office screen the pages are made for.
VIEWPORT = {"width": 1366, "height": 768}


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _keep_serialized_contents(start):
    """Start Playwright keeping what the test databases serialized at set-up.

    Starting Playwright's sync API leaves this thread in a fresh context, where Django hands
    out new connection objects without the copy of the migrated data (business lines) that
    `serialized_rollback` restores after each flush; carry it over.
    """
    from django.db import connections

    saved = {c.alias: getattr(c, "_test_serialized_contents", None) for c in connections.all()}
    started = start()
    for connection in connections.all():
        if saved.get(connection.alias) is not None:
            connection._test_serialized_contents = saved[connection.alias]
    return started


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    playwright = _keep_serialized_contents(sync_playwright().start)
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db):
    """The test world, committed so the live server's thread sees it. The serialized
    rollback puts back what migrations seeded (the business lines) after each test's flush,
    so the tests after this one still find them."""
    return build_world()


class Console:
    """Errors the page reported: console errors (CSP violations among them), uncaught
    exceptions, and requests that failed."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)

    def _add(self, text: str) -> None:
        self.errors.append(f"{self.page.url}: {text}")

    def _failed(self, request) -> None:
        # A request the browser itself cancelled because the page moved on (the language
        # switch navigates while the favicon is still loading) is no fault of the page.
        if request.failure != "net::ERR_ABORTED":
            self._add(f"failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            self._add(f"console: {message.text}")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.console = Console(page)
    yield page
    context.close()


@pytest.fixture
def shoot():
    """Save a full-page screenshot under test-artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": hiding the caret would inject an inline style the CSP refuses.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return save
