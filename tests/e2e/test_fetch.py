"""Fetching URLs from a real HTTP server on 127.0.0.1."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.records import ArticleFields
from service.ingest.extract import ExtractionError, FetchLimits, fetch_url

ARTICLE = b"""<html><head><title>Harbour - Port News</title></head><body><nav>Home | Sport</nav>
<article><h1>Harbour expansion approved</h1><p>The port authority approved the harbour expansion on Monday,
its chairman said in a statement to reporters.</p><p>Work will begin in March and should take two years.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/article": (200, "text/html; charset=utf-8", ARTICLE),
        "/image": (200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        "/big": (200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
        "/missing": (404, "text/html", b"not here"),
        "/plain": (200, "text/plain", b"Menu\nThe port authority approved the harbour expansion on Monday, "
                                      b"officials said.\nMost Popular"),
    }

    def do_GET(self):
        if self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", f"/loop{len(self.path)}")
            self.end_headers()
            return
        if self.path == "/redirect":
            self.send_response(301)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        status, content_type, body = self.routes[self.path]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetches_an_html_article_through_a_redirect(server):
    extracted = fetch_url(server + "/redirect", ArticleFields())
    assert extracted.title == "Harbour expansion approved"
    assert extracted.text.startswith("The port authority approved")
    assert "Subscribe" not in extracted.text
    assert extracted.fields.url == server + "/redirect"


def test_plain_text_pages_are_trimmed(server):
    assert fetch_url(server + "/plain", ArticleFields()).text.startswith("The port authority")


@pytest.mark.parametrize("path, reason", [
    ("/image", "image/png, not HTML"),
    ("/big", "larger than 100,000 bytes"),
    ("/missing", "HTTP 404"),
    ("/loop", "redirects more than 3 times"),
])
def test_bad_urls_give_clear_errors(server, path, reason):
    with pytest.raises(ExtractionError, match=reason):
        fetch_url(server + path, ArticleFields(), FetchLimits(timeout_s=5, max_bytes=100_000, max_redirects=3))


def test_unreachable_and_non_http_urls(server):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(ExtractionError, match="could not fetch"):
        fetch_url(f"http://127.0.0.1:{closed_port}/", ArticleFields(), FetchLimits(timeout_s=2))
    with pytest.raises(ExtractionError, match="only http"):
        fetch_url("file:///etc/passwd", ArticleFields())
