"""A real browser against a live server: Debian's Chromium driven by Playwright.

Playwright cannot download its own browser here, so it drives the system
Chromium. Without Chromium these tests are skipped with instructions.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's synchronous API keeps an event loop running in the test
# thread; the test's own database calls are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "e2e-screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOW_TO_RUN = (
    "Chromium is not installed, so the browser tests (marker e2e) are skipped. "
    "To run them: `apt-get install -y chromium`, then `make test` (or `make test PYTEST_ARGS='-m e2e'`)."
)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip(HOW_TO_RUN)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPage:
    """A page plus what the browser complained about and a numbered screenshot per step."""

    def __init__(self, page, folder):
        self.page = page
        self.folder = folder
        self.problems = []
        self._step = 0
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _on_console(self, message):
        # An expected HTTP error status (403, 429) is logged as a failed
        # resource load, and so is the browser's own favicon request (the
        # register has no icon); everything else at error level is a real
        # problem, Content Security Policy violations included.
        if message.type != "error" or re.search(r"status of (403|429)", message.text):
            return
        if (message.location or {}).get("url", "").endswith("/favicon.ico"):
            return
        self.problems.append(message.text)

    def screenshot(self, name):
        self._step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.folder / f"{self._step:02d}-{name}.png"), full_page=True)


@pytest.fixture
def browser_page(browser, live_server, request, settings):
    # The live server speaks plain HTTP, so cookies must not require HTTPS here.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield BrowserPage(page, SCREENSHOTS / request.node.name)
    context.close()
