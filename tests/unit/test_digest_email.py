"""The digest's HTML as a mail client would show it: rendered in Debian's chromium at phone and
desktop width, from a digest over a real Chroma (LLM faked at the litellm seam). No script, no
horizontal scrolling, every quote readable without hovering, hostile titles shown as text. The
screenshots go to the test's output directory (printed)."""

from __future__ import annotations

import re
import threading
from datetime import date
from pathlib import Path

from werkzeug.serving import make_server

from service.app import create_app
from service.digest import SummaryCache, build_digest, keep_latest, render
from service.ingest.pipeline import Source, ingest
from tests.conftest import fake_runtime

LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-any-break-" * 6
STORIES = [
    Source(id="oman", title="Oman to open airspace", source="Gulf Wire", published=date(2023, 2, 23),
           url="https://example.org/oman",
           text="Oman announced that it will open its airspace to Israeli flights, officials said. "
                "The flight from Tel Aviv could take up to three hours less, one commentator said."),
    Source(id="flu", title="Bird flu death", source="Health Desk", published=date(2023, 2, 24), url=LONG_URL,
           text="An 11-year-old girl has died of bird flu in Cambodia, health officials said. "
                "It was the first known human case in the country since 2014."),
    Source(id="ev", title="<img src=x onerror=alert(1)>EV maker pauses", source="Motor News",
           text="The electric truck maker paused production of its pickup, code-named "
                "ENDURANCEPICKUPPRODUCTIONLINEPAUSEDUNTILFURTHERNOTICEBYTHECOMPANYBOARD, on Monday. "
                "The company said a supplier part had failed in testing."),
]


def faithful(messages):
    """Each numbered sentence of the prompt restated as itself, citing itself."""
    prompt = messages[-1]["content"]
    return " ".join(f"{text} [{n}]" for n, text in re.findall(r"^\[(\d+)\] (.*)$", prompt, flags=re.M)[:2])


def test_the_digest_reads_in_a_mail_client_at_phone_width(settings, browser, tmp_path: Path):
    runtime, _ = fake_runtime(settings, faithful, checker_judge="none")
    assert ingest(enumerate(STORIES), runtime.store, runtime.models.embedder, runtime.settings, "default").added == 3
    articles = [runtime.store.texts.get("default", story.id) for story in STORIES]
    digest = build_digest(articles, runtime.summarizer(), runtime.store,
                          SummaryCache(settings.data_dir / "cache"), "default", title="Morning brief")
    html = render(digest, "html")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"screenshots: {shots}")
    for name, width in (("phone", 375), ("desktop", 1024)):
        page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=True)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.set_content(html)
        assert page.evaluate("document.scripts.length") == 0 and dialogs == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"scrolls sideways at {width}px"
        body = page.inner_text("body")
        for item in digest.items:  # every quote is on the page, not in a tooltip
            for citation in item.summary.citations:
                assert f"[{citation.n}] “{' '.join(citation.quote.split())}”" in body
        assert "Gulf Wire · 23 February 2023" in body and "Motor News · date unknown" in body
        assert "2 of 3 articles dated, published 23 February 2023 to 24 February 2023. 1 undated: " in body
        assert "<img src=x onerror=alert(1)>EV maker pauses" in body  # the title, as text
        page.screenshot(path=shots / f"digest-{name}.png", full_page=True)
        page.close()


def test_the_reading_room_shows_the_latest_digest_as_text_with_its_archive_line(settings, browser):
    """The web page's digest tab, from a real server on 127.0.0.1: an archive issue says so
    before anything else, a hostile title stays text, and every quote is on the page."""
    runtime, _ = fake_runtime(settings, faithful, checker_judge="none")
    ingest(enumerate(STORIES), runtime.store, runtime.models.embedder, runtime.settings, "default")
    articles = [runtime.store.texts.get("default", story.id) for story in STORIES]
    digest = build_digest(articles, runtime.summarizer(), runtime.store, SummaryCache(settings.data_dir / "cache"),
                          "default", title="Morning brief", stories_until=date(2023, 2, 28))
    keep_latest(digest, runtime.settings.data_dir, "default")
    server = make_server("127.0.0.1", 0, create_app(runtime=runtime), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport={"width": 375, "height": 800}, bypass_csp=True)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        page.click("#tab-digest")
        page.click("#open-digest")
        page.wait_for_selector("#digest .digest")
        shown = page.inner_text("#digest")
        assert re.search(r"From the archive: stories up to (February 28, 2023|28 February 2023)\. Made", shown)
        assert "<img src=x onerror=alert(1)>EV maker pauses" in shown
        assert page.locator("#digest img").count() == 0 and dialogs == []
        for item in digest.items:
            for citation in item.summary.citations:
                assert " ".join(citation.quote.split()) in " ".join(shown.split())
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.close()
    finally:
        server.shutdown()
