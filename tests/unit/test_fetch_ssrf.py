"""The fetch's address, port and scheme checks (SSRF), its single deadline and its error texts,
over an httpx.MockTransport and a fake DNS: no request leaves the test."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from service.ingest.extract import ExtractionError
from service.ingest.fetch import FetchLimits, fetch_url
from service.ingest.pipeline import Failed, parse_item
from service.records import ArticleFields
from tests.conftest import client_of

NEWS_IP = "93.184.215.14"  # any globally routable address: the fake DNS's answer for news.example
ARTICLE = ("<html><head><title>Harbour</title></head><body><article><h1>Harbour expansion approved</h1>"
           "<p>The port authority approved the harbour expansion on Monday, its chairman said.</p>"
           "<p>Work will begin in March and should take two years, officials said.</p></article></body></html>")
REFUSED_PRIVATE = "the URL was refused: it points at a non-public address"

# Every way we know to write loopback, private, link-local and other non-public addresses
# as a URL's host, numeric (read by the fetch itself, the DNS is never asked) ...
NUMERIC_HOSTS = [
    "127.0.0.1", "127.1", "127.0.1", "127.255.255.254", "2130706433", "0x7f000001", "0x7f.0.0.1", "0x7f.1",
    "0177.0.0.1", "0.0.0.0", "0", "[::1]", "[0:0:0:0:0:0:0:1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
    "[::127.0.0.1]", "10.0.0.1", "012.0.0.1", "167772161", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "0xc0a80101", "169.254.169.254", "0xa9fea9fe", "100.64.0.1", "100.127.255.254", "198.18.0.1", "192.0.2.1",
    "240.0.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255", "[fe80::1]", "[fc00::1]", "[fd00:ec2::254]",
    "[fec0::1]", "[ff02::1]", "[ff0e::1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]", "[64:ff9b::7f00:1]",
    "[64:ff9b::a9fe:a9fe]", "[64:ff9b:1::a00:1]", "[2002:7f00:1::1]", "[2002:a00:1::1]",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "[2001:db8::1]",
]
# ... and names the DNS answers with such addresses, alone or among public ones.
DNS = {
    "news.example": [NEWS_IP],
    "other.example": ["2606:4700::1111"],
    "localhost": ["127.0.0.1", "::1"],
    "localhost.": ["127.0.0.1"],
    "metadata.internal": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
    "public-and-private.example": [NEWS_IP, "192.168.1.1"],
    "private-and-public.example": ["fd00::1", "2606:4700::1111"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "nat64.example": ["64:ff9b::7f00:1"],
}
PRIVATE_NAMES = [name for name in DNS if name not in ("news.example", "other.example")]
# Octal spellings httpx itself will not parse: refused as URLs, an unusable redirect at a hop.
UNPARSED_BY_HTTPX = {"0177.0.0.1", "012.0.0.1"}


class FakeDns:
    def __init__(self, answers: dict[str, list[str]] = DNS):
        self.answers = answers
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]


class Site:
    """A MockTransport that records every request reaching it; `handler` answers them."""

    def __init__(self, handler=None):
        self.requests: list[httpx.Request] = []
        self.handler = handler or (lambda request: article())
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def article() -> httpx.Response:
    return httpx.Response(200, text=ARTICLE, headers={"Content-Type": "text/html; charset=utf-8"})


def redirect_to(location: str):
    return lambda request: httpx.Response(302, headers={"Location": location}) \
        if request.url.path == "/go" else article()


def fetch(url: str, site: Site, dns: FakeDns | None = None, **limits):
    return fetch_url(url, ArticleFields(), FetchLimits(**limits), site.transport, dns or FakeDns())


def refusal(url: str, site: Site, dns: FakeDns | None = None, **limits) -> str:
    with pytest.raises(ExtractionError) as caught:
        fetch(url, site, dns, **limits)
    return str(caught.value)


def assert_reveals_nothing(message: str, host: str, *addresses: str) -> None:
    """The message names neither the host nor any address nor a port."""
    assert message.startswith(("the URL was refused", "the URL could not be fetched")), message
    for secret in (host.strip("[]"), *addresses):
        assert secret not in message
    assert not any(ch.isdigit() for ch in message), message


@pytest.mark.parametrize("host", NUMERIC_HOSTS)
def test_numeric_non_public_hosts_are_refused_before_any_request_or_lookup(host):
    site, dns = Site(), FakeDns()
    message = refusal(f"http://{host}/secret", site, dns)
    assert message.startswith("the URL was refused"), message
    assert_reveals_nothing(message, host)
    assert site.requests == [] and dns.lookups == []


@pytest.mark.parametrize("name", PRIVATE_NAMES)
def test_names_resolving_to_any_non_public_address_are_refused_before_any_request(name):
    site = Site()
    message = refusal(f"https://{name}/secret", site)
    # Worded as a name that does not resolve, so a caller cannot list which internal names exist.
    assert message == refusal("https://no-such-name.example/secret", Site()) == "the URL could not be fetched"
    assert_reveals_nothing(message, name, *DNS[name])
    assert site.requests == []


@pytest.mark.parametrize("host", NUMERIC_HOSTS + PRIVATE_NAMES)
def test_a_public_page_redirecting_to_a_non_public_host_is_refused_at_the_hop(host):
    site = Site(redirect_to(f"http://{host}/secret"))
    message = refusal("https://news.example/go", site)
    refused_as_number = host not in UNPARSED_BY_HTTPX and host not in PRIVATE_NAMES
    expected = "the URL was refused" if refused_as_number else "the URL could not be fetched"
    assert message.startswith(expected), message
    assert_reveals_nothing(message, host, *DNS.get(host, []))
    assert [request.url.path for request in site.requests] == ["/go"]


def test_the_request_goes_to_the_checked_address_with_the_urls_host_name():
    site = Site()
    fetch("https://news.example/harbour?page=1", site)
    [request] = site.requests
    assert str(request.url) == f"https://{NEWS_IP}/harbour?page=1"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"  # TLS is verified against the name


def test_an_ipv6_address_and_a_named_port_keep_the_urls_host_header():
    site = Site()
    fetch("http://other.example:8080/harbour", site, ports=(8080,))
    [request] = site.requests
    assert str(request.url) == "http://[2606:4700::1111]:8080/harbour"
    assert request.headers["host"] == "other.example:8080"
    assert "sni_hostname" not in request.extensions  # plain http has no TLS


def test_a_second_dns_answer_cannot_change_the_address_a_hop_goes_to():
    """DNS rebinding: the name is looked up once per hop and the request sent where that answer said."""
    answers = iter([[NEWS_IP], ["127.0.0.1"]])
    site, lookups = Site(), []
    fetch_url("http://rebind.example/", ArticleFields(), FetchLimits(), site.transport,
              lambda host, port: lookups.append(host) or next(answers))
    assert [request.url.host for request in site.requests] == [NEWS_IP]
    assert lookups == ["rebind.example"]


def test_each_redirect_hop_is_resolved_and_pinned_on_its_own():
    site = Site(redirect_to("https://other.example/harbour"))
    dns = FakeDns()
    fetch("http://news.example/go", site, dns)
    assert [(str(r.url), r.headers["host"]) for r in site.requests] == [
        (f"http://{NEWS_IP}/go", "news.example"), ("https://[2606:4700::1111]/harbour", "other.example")]
    assert dns.lookups == ["news.example", "other.example"]


def test_a_host_whose_first_address_refuses_connections_is_reached_at_the_next():
    def handler(request):
        if request.url.host == NEWS_IP:
            raise httpx.ConnectError("connection refused")
        return article()

    site = Site(handler)
    fetch("https://dual.example/", site, FakeDns({"dual.example": [NEWS_IP, "2606:4700::1111"]}))
    assert [request.url.host for request in site.requests] == [NEWS_IP, "2606:4700::1111"]


@pytest.mark.parametrize("url, ports", [
    ("http://news.example:8080/", (80, 443)),
    ("http://news.example:22/", (80, 443)),
    ("https://news.example:80/", (443,)),
    ("http://news.example/", (443,)),  # the implicit port is 80
    ("https://news.example/", (80,)),  # and here 443
])
def test_ports_outside_the_allowed_ones_are_refused(url, ports):
    site, dns = Site(), FakeDns()
    message = refusal(url, site, dns, ports=ports)
    assert message == "the URL was refused: its port is not allowed (SOURCED_FETCH_PORTS)"
    assert site.requests == [] and dns.lookups == []


def test_an_allowed_port_is_fetched_and_a_redirect_to_another_port_is_refused():
    site = Site(redirect_to("http://news.example:6379/"))
    assert fetch("http://news.example:8080/harbour", site, ports=(80, 443, 8080)).title
    message = refusal("http://news.example:8080/go", site, ports=(80, 443, 8080))
    assert "port is not allowed" in message and "6379" not in message
    assert [r.url.port for r in site.requests] == [8080, 8080]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://news.example/article", "gopher://news.example:70/", "javascript:alert(1)",
    "data:text/html,<p>hi</p>", "dict://news.example:11211/stats", "news.example/article", "//news.example/a",
])
def test_only_http_and_https_urls_are_fetched(url):
    site, dns = Site(), FakeDns()
    assert refusal(url, site, dns).startswith("the URL was refused")
    assert site.requests == [] and dns.lookups == []


def test_a_redirect_to_another_scheme_is_refused():
    site = Site(redirect_to("file:///etc/passwd"))
    assert refusal("https://news.example/go", site) == \
        "the URL was refused: only http and https URLs can be fetched"
    assert len(site.requests) == 1


def test_allow_private_lets_intranet_addresses_through_but_ports_still_apply():
    site = Site()
    assert fetch("http://intranet.example/harbour", site, allow_private=True).title
    assert fetch("http://10.0.0.1/harbour", site, allow_private=True).title
    assert [r.url.host for r in site.requests] == ["10.1.2.3", "10.0.0.1"]
    assert "port is not allowed" in refusal("http://10.0.0.1:8080/", site, allow_private=True)
    assert len(site.requests) == 2


def test_network_failures_read_the_same_whatever_the_cause():
    """Refused, timed out, reset or unresolvable: a caller cannot tell them apart (nor map the network)."""
    def failing(exc):
        def handler(request):
            raise exc
        return Site(handler)

    messages = {
        refusal("https://news.example/", failing(httpx.ConnectError("[Errno 111] Connection refused"))),
        refusal("https://news.example/", failing(httpx.ConnectTimeout("timed out"))),
        refusal("https://news.example/", failing(httpx.ReadTimeout("timed out"))),
        refusal("https://news.example/", failing(httpx.RemoteProtocolError("Server disconnected"))),
        refusal("https://unknown.example/", Site()),
    }
    assert messages == {"the URL could not be fetched"}


def test_http_errors_report_only_their_status():
    site = Site(lambda request: httpx.Response(404, text="not here"))
    assert refusal("https://news.example/gone", site) == "the URL could not be fetched (HTTP 404)"


def test_redirects_are_bounded():
    site = Site(lambda request: httpx.Response(302, headers={"Location": f"{request.url.path}x"}))
    assert refusal("https://news.example/loop", site, max_redirects=3) == "the URL redirects more than 3 times"
    assert len(site.requests) == 4


class SlowBody(httpx.SyncByteStream):
    """A page that never ends: a little more HTML every `pause` seconds."""

    def __init__(self, pause: float, blocks: int = 100):
        self.pause, self.blocks, self.sent = pause, blocks, 0

    def __iter__(self):
        yield b"<html><body><article>"
        for _ in range(self.blocks):
            time.sleep(self.pause)
            self.sent += 1
            yield b"<p>The port authority approved the harbour expansion.</p>"


def test_the_deadline_covers_a_slow_body():
    body = SlowBody(pause=0.05)
    site = Site(lambda request: httpx.Response(200, headers={"Content-Type": "text/html"}, stream=body))
    started = time.monotonic()
    assert refusal("https://news.example/slow", site, timeout_s=0.5) == "the URL could not be fetched"
    assert time.monotonic() - started < 1.5
    assert body.sent < body.blocks


def test_the_deadline_covers_a_name_server_that_never_answers():
    released = threading.Event()

    def hanging_dns(host: str, port: int) -> list[str]:
        released.wait(5)
        return [NEWS_IP]

    site = Site()
    started = time.monotonic()
    try:
        assert refusal("https://news.example/slow", site, hanging_dns, timeout_s=0.3) == "the URL could not be fetched"
        assert time.monotonic() - started < 1.0 and site.requests == []
    finally:
        released.set()


def test_pages_are_asked_for_uncompressed():
    """A compressed body would only be measured against max_bytes once inflated in memory."""
    site = Site()
    fetch("https://news.example/a", site)
    assert site.requests[0].headers["Accept-Encoding"] == "identity"


def test_the_deadline_covers_all_redirect_hops_together():
    def slow_redirect(request):
        time.sleep(0.2)
        return httpx.Response(302, headers={"Location": f"{request.url.path}x"})

    site = Site(slow_redirect)
    started = time.monotonic()
    assert refusal("https://news.example/a", site, timeout_s=0.5, max_redirects=20) == \
        "the URL could not be fetched"
    assert time.monotonic() - started < 1.5
    assert len(site.requests) <= 4


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
                                 "ftp://news.example/a", "//news.example/a", "news.example/a"])
def test_an_articles_url_must_be_http_or_https_even_with_a_body(url):
    item = parse_item({"url": url, "text": "The council approved the harbour plan on Monday, the mayor said."})
    assert isinstance(item, Failed) and item.error == "url: must be an absolute http or https URL"


def test_the_api_refuses_a_non_http_article_url_and_stores_nothing(runtime):
    client = client_of(runtime)
    response = client.post("/v1/articles", json={
        "url": "javascript:alert(1)", "text": "The council approved the harbour plan on Monday, the mayor said."})
    assert response.status_code == 422 and "http or https" in response.json["detail"]
    assert client.get("/v1/articles").json["total"] == 0
