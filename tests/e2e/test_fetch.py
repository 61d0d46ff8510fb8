"""Fetching URLs from a real HTTP server on 127.0.0.1 (and ::1 where the machine has it): pages,
errors and the deadline with private addresses allowed; without, that very server refused."""

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from service.ingest.extract import ExtractionError
from service.ingest.fetch import FetchLimits, fetch_url, resolve_host
from service.records import ArticleFields
from tests.conftest import client_of, fake_runtime

ARTICLE = b"""<html><head><title>Harbour - Port News</title></head><body><nav>Home | Sport</nav>
<article><h1>Harbour expansion approved</h1><p>The port authority approved the harbour expansion on Monday,
its chairman said in a statement to reporters.</p><p>Work will begin in March and should take two years.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""
SECRET = b"""<html><body><article><p>The admin password of the internal dashboard is hunter2,
the operations team wrote in its runbook.</p></article></body></html>"""
NEWS_IP = "93.184.215.14"  # where the fake DNS puts news.example; PublicLooksLocal delivers it here
# Loopback spellings the C resolver (or the fetch itself) reads as this machine.
LOOPBACK_HOSTS = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0x7f.1", "0", "0.0.0.0", "localhost",
                  "[::1]", "[::ffff:127.0.0.1]"]
TLS_NAMES_ASKED: list[str | None] = []  # the server names clients of the HTTPS server sent


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar = {
        "/article": (200, "text/html; charset=utf-8", ARTICLE),
        "/secret": (200, "text/html; charset=utf-8", SECRET),
        "/image": (200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        "/big": (200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
        "/missing": (404, "text/html", b"not here"),
        "/plain": (200, "text/plain", (b"Menu\nThe port authority approved the harbour expansion on Monday, "
                                       b"officials said.\nMost Popular")),
    }
    hits: ClassVar[Counter] = Counter()
    release: ClassVar = threading.Event()  # set at teardown: stalled responses end

    def do_GET(self):
        path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
        self.hits[path] += 1
        if path.startswith("/loop"):
            self.redirect(302, f"/loop{len(self.path)}")
        elif path == "/redirect":
            self.redirect(301, "/article")
        elif path == "/go":
            self.redirect(302, query["to"][0])
        elif path == "/late-headers-then-stall":
            time.sleep(1.5)
            self.start_page(10_000)
            self.wfile.write(b"<html><body>")
            self.wfile.flush()
            self.release.wait(10)
        elif path == "/drip":
            self.start_page(10_000)
            for _ in range(100):
                if self.release.wait(0.1):
                    break
                self.wfile.write(b"<p>The port authority approved the harbour expansion.</p>")
                self.wfile.flush()
        else:
            status, content_type, body = self.routes[path]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.end_headers()

    def start_page(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def handle(self):
        try:
            super().handle()
        except OSError:
            pass  # the fetch hung up on a stalled or dripping response, as it should

    def log_message(self, *args):
        pass


class IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def serve(server: ThreadingHTTPServer) -> ThreadingHTTPServer:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def port():
    """The port of a server on 127.0.0.1 and, if this machine has IPv6 loopback, on ::1 too."""
    servers = [serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))]
    port = servers[0].server_address[1]
    try:
        servers.append(serve(IPv6Server(("::1", port), Handler)))
    except OSError:
        pass  # no IPv6 here: the [::1] spellings are skipped
    yield port
    Handler.release.set()
    for server in servers:
        server.shutdown()


@pytest.fixture
def server(port):
    return f"http://127.0.0.1:{port}"


def local(port: int, **limits) -> FetchLimits:
    return FetchLimits(**{"ports": (port,), "allow_private": True, **limits})


def test_fetches_an_html_article_through_a_redirect(server, port):
    extracted = fetch_url(server + "/redirect", ArticleFields(), local(port))
    assert extracted.title == "Harbour expansion approved"
    assert extracted.text.startswith("The port authority approved")
    assert "Subscribe" not in extracted.text
    assert extracted.fields.url == server + "/redirect"


def test_plain_text_pages_are_trimmed(server, port):
    assert fetch_url(server + "/plain", ArticleFields(), local(port)).text.startswith("The port authority")


@pytest.mark.parametrize("path, reason", [
    ("/image", "image/png, not HTML"),
    ("/big", "larger than 100,000 bytes"),
    ("/missing", "HTTP 404"),
    ("/loop", "redirects more than 3 times"),
])
def test_bad_urls_give_clear_errors(server, port, path, reason):
    with pytest.raises(ExtractionError, match=reason):
        fetch_url(server + path, ArticleFields(), local(port, timeout_s=5, max_bytes=100_000, max_redirects=3))


def test_unreachable_and_non_http_urls(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(ExtractionError, match="^the URL could not be fetched$"):
        fetch_url(f"http://127.0.0.1:{closed_port}/", ArticleFields(), local(closed_port, timeout_s=2))
    with pytest.raises(ExtractionError, match="only http"):
        fetch_url("file:///etc/passwd", ArticleFields())


def test_the_deadline_cuts_a_body_that_stalls_after_late_headers(server, port):
    """Headers after 1.5 s, then nothing: the body gets only the 0.5 s left, not a fresh 2 s."""
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="^the URL could not be fetched$"):
        fetch_url(server + "/late-headers-then-stall", ArticleFields(), local(port, timeout_s=2))
    assert time.monotonic() - started < 3.0


def test_the_deadline_cuts_a_body_that_drips_forever(server, port):
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="^the URL could not be fetched$"):
        fetch_url(server + "/drip", ArticleFields(), local(port, timeout_s=1))
    assert time.monotonic() - started < 2.0


class PublicLooksLocal(httpx.HTTPTransport):
    """Plays a public web site: what is sent to NEWS_IP reaches the local server instead. Any
    other request goes where it is addressed, so a hop that escaped the check would hit the secret."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == NEWS_IP:
            request.url = request.url.copy_with(host="127.0.0.1")
        return super().handle_request(request)


def news_example_or_real_dns(host: str, port: int) -> list[str]:
    return [NEWS_IP] if host == "news.example" else resolve_host(host, port)


def secret_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/secret"


def assert_says_nothing_of_the_target(message: str, host: str, port: int) -> None:
    # A name is refused in the words of a name that does not resolve (see fetch._checked_addresses).
    assert message.startswith("the URL could not be fetched" if host == "localhost" else "the URL was refused"), message
    for detail in (host.strip("[]"), str(port), "127.0.0.1", "::1", "localhost"):
        assert detail not in message


@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
def test_the_local_server_is_refused_directly_and_through_a_redirect(port, host):
    try:  # with private addresses allowed, the spelling reaches the secret (where the machine has it)
        reached = fetch_url(secret_url(host, port), ArticleFields(), local(port, timeout_s=2)).text
    except ExtractionError:
        pytest.skip(f"{host} does not reach the local server on this machine")
    assert "hunter2" in reached
    hits = Handler.hits["/secret"]
    limits = FetchLimits(timeout_s=2, ports=(port,))

    with pytest.raises(ExtractionError) as direct:
        fetch_url(secret_url(host, port), ArticleFields(), limits)
    assert_says_nothing_of_the_target(str(direct.value), host, port)

    redirects = Handler.hits["/go"]
    with pytest.raises(ExtractionError) as redirected:
        fetch_url(f"http://news.example:{port}/go?to={secret_url(host, port)}", ArticleFields(), limits,
                  PublicLooksLocal(), news_example_or_real_dns)
    assert_says_nothing_of_the_target(str(redirected.value), host, port)
    assert Handler.hits["/go"] == redirects + 1  # the public-looking first hop was fetched
    assert Handler.hits["/secret"] == hits  # the secret never was


def test_the_api_refuses_the_local_server_and_stores_nothing(settings, port):
    runtime, _ = fake_runtime(settings, fetch_ports=(port,))
    client = client_of(runtime)
    hits = Handler.hits["/secret"]
    response = client.post("/v1/articles", json={"url": secret_url("127.0.0.1", port)})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "refused" in body and str(port) not in body and "127.0.0.1" not in body
    assert Handler.hits["/secret"] == hits
    assert client.get("/v1/articles").json["total"] == 0


@pytest.fixture(scope="module")
def tls_port(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 with a certificate for news.example alone, from a test CA; it
    records the TLS server names clients ask for."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    (folder / "san.ext").write_text("subjectAltName=DNS:news.example\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for command in (["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Test CA"],
                    ["req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=news.example"],
                    ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "server.pem", "-days", "1", "-extfile", "san.ext"]):
        subprocess.run(["openssl", *command], cwd=folder, check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    context.sni_callback = lambda sock, name, ctx: TLS_NAMES_ASKED.append(name)  # None: go on
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    serve(server)
    yield server.server_address[1], str(folder / "ca.pem")
    server.shutdown()


def test_https_goes_to_the_checked_address_and_verifies_the_certificate_against_the_name(tls_port):
    port, ca = tls_port
    dns = {"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]}
    limits = local(port, timeout_s=5)
    TLS_NAMES_ASKED.clear()
    extracted = fetch_url(f"https://news.example:{port}/article", ArticleFields(), limits,
                          httpx.HTTPTransport(verify=ssl.create_default_context(cafile=ca)),
                          lambda host, _: dns[host])
    assert extracted.title == "Harbour expansion approved"
    assert TLS_NAMES_ASKED == ["news.example"]
    # Same address, a name the certificate does not cover: verification fails, nothing is fetched.
    with pytest.raises(ExtractionError, match="^the URL could not be fetched$"):
        fetch_url(f"https://other.example:{port}/article", ArticleFields(), limits,
                  httpx.HTTPTransport(verify=ssl.create_default_context(cafile=ca)), lambda host, _: dns[host])
