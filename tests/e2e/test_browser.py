"""The reading room at `/` in Debian's chromium, driven headless by Playwright, against a real
`sourced serve` with the embedded models: ask the seed question and watch the answer stream,
open citation [1] and check the highlight is a verbatim slice of the article, add an article
whose title is markup and check nothing runs, and read the page at phone width. A screenshot
of each step goes to the test's output directory (printed)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = ("The harbour board approved the quay expansion on Monday, its chairman said. "
                "<script>alert(2)</script> Work on the new quay starts in March.")


def test_ask_stream_open_a_citation_and_add_a_hostile_article(served, browser, tmp_path: Path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"screenshots: {shots}")
    # The page's policy would stop injected markup from running on its own; bypassed here, the
    # test shows that the page never inserts article text as markup in the first place.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    loaded = page.goto(served + "/")
    assert "script-src 'self'" in loaded.headers["content-security-policy"]
    assert page.is_hidden("#key-form"), "local mode needs no key"

    page.fill("#question", "Who is monitoring whom, and why?")
    page.press("#question", "Enter")
    # Tokens arrive before the checked answer replaces them.
    page.wait_for_function("document.querySelector('.draft')?.textContent.startsWith('Draft')", timeout=120_000)
    page.screenshot(path=shots / "1-streaming.png")
    page.wait_for_selector(".result .answer", timeout=240_000)
    assert page.locator(".draft").count() == 0
    answer = page.text_content(".result .answer")
    assert "Alibaba" in answer
    page.screenshot(path=shots / "2-answer.png")

    page.click(".result button.cite[data-n='1']")
    highlight = page.wait_for_selector("#highlight")
    quoted = highlight.text_content()
    start = page.evaluate("document.getElementById('highlight').previousSibling?.textContent.length ?? 0")
    article = httpx.get(served + "/v1/articles/seed").json()["text"]
    assert quoted and article[start:start + len(quoted)] == quoted
    assert page.text_content("#reader-text") == article
    assert page.text_content(".sources li[value='1'] q") == quoted
    assert page.evaluate("document.activeElement.id") == "highlight"
    page.screenshot(path=shots / "3-citation.png")

    page.click("#tab-add")
    page.fill("#add-title", HOSTILE_TITLE)
    page.fill("#add-source", "<b>Outlet</b>")
    page.fill("#add-text", HOSTILE_TEXT)
    page.click("#add-button")
    page.wait_for_function("document.getElementById('add-result').textContent.startsWith('Added')")
    page.click("#tab-articles")
    listed = page.get_by_role("button", name=HOSTILE_TITLE, exact=True)
    listed.wait_for()
    assert page.locator("#article-list img, #article-list b").count() == 0
    listed.click()
    page.wait_for_function(f"document.getElementById('reader-title').textContent === {HOSTILE_TITLE!r}")
    assert page.locator("#reader img, #reader script").count() == 0
    page.screenshot(path=shots / "4-articles.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#tab-ask")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways at phone width"
    page.screenshot(path=shots / "5-phone.png", full_page=True)

    assert dialogs == [], f"markup from an article ran: {dialogs}"
    assert errors == []
