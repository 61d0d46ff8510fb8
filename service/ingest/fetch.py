"""Fetching article URLs without letting a caller reach the service's own network (SSRF).

Every hop of a fetch, the first and each redirect, is checked before it is sent: http or https,
an allowed port, and a host whose every address is public. The request then goes to an address
that was checked, with the URL's own Host header and TLS server name, so a second DNS answer
cannot swap in another address. One deadline covers the whole fetch. A caller is told that a URL
was refused or could not be fetched, never what the network looked like: the details are logged.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from service.ingest.extract import (
    Extracted,
    ExtractionError,
    decode_body,
    from_html,
    from_page_text,
)
from service.records import ArticleFields

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # host name and port to the addresses it resolves to

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
TEXT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
# The well-known NAT64 prefix: a gateway translates it to the IPv4 address in its last 32 bits.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# A step left no time still gets a small positive timeout (0 would make the socket non-blocking).
MIN_STEP_S = 0.001

COULD_NOT_FETCH = "the URL could not be fetched"


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3
    ports: tuple[int, ...] = (80, 443)
    allow_private: bool = False


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver's addresses for `host`, IPv4 and IPv6, in its order of preference."""
    return list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def is_public(address: Address) -> bool:
    """Globally routable unicast. An IPv4-mapped or NAT64 address reaches the IPv4 address it
    carries, so it is judged by that one; a 6to4 or Teredo address must be public and so must
    the IPv4 address it tunnels to."""
    if isinstance(address, ipaddress.IPv6Address):
        translated = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None)
        if translated is not None:
            return is_public(translated)
    if not address.is_global or address.is_multicast or address.is_reserved:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    tunnelled = [address.sixtofour, *(address.teredo or ())]
    return not address.is_site_local and all(is_public(inner) for inner in tunnelled if inner is not None)


def numeric_address(host: str) -> Address | None:
    """The address a host written as a number names, in every spelling a resolver accepts:
    127.0.0.1, 127.1, 2130706433, 0x7f000001, 0 and the like, or an IPv6 address."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        # inet_aton is what the C resolver itself uses to read a numeric IPv4 host.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def fetch_url(url: str, fields: ArticleFields, limits: FetchLimits = FetchLimits(),
              transport: httpx.BaseTransport | None = None, resolve: Resolver | None = None) -> Extracted:
    """`transport` carries the requests (an httpx.MockTransport in tests) and `resolve` looks up
    host names (a fake DNS in tests); None is the network and the system resolver."""
    deadline = time.monotonic() + limits.timeout_s
    try:
        body, content_type = _fetch(_parse(url), limits, transport, resolve or resolve_host, deadline)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        log.warning("fetching %s failed: %s: %s", url, type(exc).__name__, exc)
        raise ExtractionError(COULD_NOT_FETCH) from None
    fields = fields.model_copy(update={"url": fields.url or url})
    return from_html(body, fields) if content_type != "text/plain" else from_page_text(body, fields)


def _fetch(url: httpx.URL, limits: FetchLimits, transport: httpx.BaseTransport | None, resolve: Resolver,
           deadline: float) -> tuple[str, str]:
    """The body and content type of the page `url` leads to, following redirects by hand so each hop is checked."""
    for _ in range(limits.max_redirects + 1):
        addresses = _checked_addresses(url, limits, resolve, deadline)
        _check_deadline(deadline, url, limits)
        # A fresh connection pool per hop: a TLS connection verified for one host name must
        # never carry a request for another name that resolved to the same address.
        with httpx.Client(transport=transport or httpx.HTTPTransport()) as client:
            response = _send(client, url, addresses, deadline)
            try:
                _check_deadline(deadline, url, limits)
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    url = url.join(response.headers["location"])
                    continue
                return _read_page(response, limits, deadline)
            finally:
                response.close()
    raise ExtractionError(f"the URL redirects more than {limits.max_redirects} times")


def _parse(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except httpx.InvalidURL:
        log.warning("fetch refused: %r is not a valid URL", url)
        raise ExtractionError("the URL was refused: it is not a valid URL") from None


def _checked_addresses(url: httpx.URL, limits: FetchLimits, resolve: Resolver, deadline: float) -> list[Address]:
    """The addresses this hop may connect to; refuses the hop unless every address of its host is allowed."""
    if url.scheme not in DEFAULT_PORTS:
        log.warning("fetch refused: %s is not http(s)", url)
        raise ExtractionError("the URL was refused: only http and https URLs can be fetched")
    port = url.port or DEFAULT_PORTS[url.scheme]
    if port not in limits.ports:
        log.warning("fetch refused: port %d of %s is not in SOURCED_FETCH_PORTS", port, url)
        raise ExtractionError("the URL was refused: its port is not allowed (SOURCED_FETCH_PORTS)")
    host = url.raw_host.decode("ascii")
    if not host:
        log.warning("fetch refused: %s names no host", url)
        raise ExtractionError("the URL was refused: it is not a valid URL")
    numeric = numeric_address(host)
    if numeric is not None:
        addresses = [numeric]
    else:
        try:
            addresses = [ipaddress.ip_address(found) for found in _resolve_in_time(resolve, host, port, deadline)]
        except (OSError, UnicodeError, ValueError, TimeoutError) as exc:
            log.warning("fetch failed: resolving %s: %s: %s", host, type(exc).__name__, exc)
            raise ExtractionError(COULD_NOT_FETCH) from None
        if not addresses:
            log.warning("fetch failed: %s resolved to no address", host)
            raise ExtractionError(COULD_NOT_FETCH)
    blocked = [address for address in addresses if not is_public(address)]
    if blocked and not limits.allow_private:
        log.warning("fetch refused: %s resolves to non-public %s", url, ", ".join(map(str, blocked)))
        # For a name, the same words as a name that does not resolve: which internal names
        # exist is itself a map of the network.
        raise ExtractionError("the URL was refused: it points at a non-public address" if numeric is not None
                              else COULD_NOT_FETCH)
    return addresses


def _resolve_in_time(resolve: Resolver, host: str, port: int, deadline: float) -> list[str]:
    """getaddrinfo has no timeout of its own; a slow name server must not stretch the deadline.
    A lookup that overruns is left to finish in its thread, unwaited."""
    lookup = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="resolve")
    try:
        return lookup.submit(resolve, host, port).result(timeout=_time_left(deadline))
    finally:
        lookup.shutdown(wait=False)


def _send(client: httpx.Client, url: httpx.URL, addresses: list[Address], deadline: float) -> httpx.Response:
    """Send the hop to the first of its checked addresses that accepts a connection."""
    *others, last = addresses
    for address in others:
        try:
            return client.send(_pinned_request(client, url, address, deadline), stream=True)
        except httpx.ConnectError as exc:
            log.info("fetch: connecting to %s for %s failed (%s); trying its next address", address, url, exc)
    return client.send(_pinned_request(client, url, last, deadline), stream=True)


def _pinned_request(client: httpx.Client, url: httpx.URL, address: Address, deadline: float) -> httpx.Request:
    """A GET of `url` sent to `address`; the Host header, TLS server name and certificate check keep the URL's host."""
    left = _time_left(deadline)
    timeouts = {"connect": left, "read": left, "write": left, "pool": left}

    def give_each_step_the_time_left(event: str, info: dict) -> None:
        # httpcore reads the request's timeouts afresh as it starts sending, receiving the
        # headers and receiving the body, and announces each start through this trace hook.
        if event.endswith(".started"):
            timeouts.update(dict.fromkeys(timeouts, _time_left(deadline)))

    extensions = {"timeout": timeouts, "trace": give_each_step_the_time_left}
    host = url.raw_host.decode("ascii")
    if url.scheme == "https" and numeric_address(host) is None:
        extensions["sni_hostname"] = host
    # identity: a compressed body would be counted against max_bytes only once inflated in memory
    request = client.build_request("GET", url, headers={"Accept": "text/html, text/plain;q=0.8",
                                                        "Accept-Encoding": "identity"},
                                   extensions=extensions)
    request.url = url.copy_with(host=str(address))  # the Host header was set from `url` when it was built
    return request


def _read_page(response: httpx.Response, limits: FetchLimits, deadline: float) -> tuple[str, str]:
    if response.status_code >= 400:
        raise ExtractionError(f"{COULD_NOT_FETCH} (HTTP {response.status_code})")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in TEXT_TYPES:
        raise ExtractionError(f"the page is {content_type or 'of no declared type'}, not HTML or text")
    raw = bytearray()
    for block in response.iter_bytes():
        raw += block
        if len(raw) > limits.max_bytes:
            raise ExtractionError(f"the page is larger than {limits.max_bytes:,} bytes")
        _check_deadline(deadline, response.request.url, limits)
    return decode_body(bytes(raw), response.charset_encoding), content_type


def _check_deadline(deadline: float, url: httpx.URL, limits: FetchLimits) -> None:
    if time.monotonic() > deadline:
        log.warning("fetch failed: %s: the fetch took longer than %s s", url, limits.timeout_s)
        raise ExtractionError(COULD_NOT_FETCH)


def _time_left(deadline: float) -> float:
    return max(deadline - time.monotonic(), MIN_STEP_S)
