"""URL ingestion through the fetch seams: an httpx.MockTransport stands in for the network and
a fake resolver for the DNS."""

import httpx
import pytest

from tests.conftest import client_of

NEWS_IP = "93.184.215.14"

ARTICLE = """<html><head><title>Harbour - Port News</title></head><body><nav>Home | Sport</nav>
<article><h1>Harbour expansion approved</h1><p>The port authority approved the harbour expansion on Monday,
its chairman said in a statement to reporters.</p><p>Work will begin in March and should take two years.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


@pytest.fixture(autouse=True)
def news_example_dns(monkeypatch):
    monkeypatch.setattr("service.ingest.fetch.resolve_host", lambda host, port: [NEWS_IP])


def news_site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/old-link":
        return httpx.Response(301, headers={"Location": "https://news.example/harbour"})
    if request.url.path == "/harbour":
        return httpx.Response(200, text=ARTICLE, headers={"Content-Type": "text/html; charset=utf-8"})
    return httpx.Response(404, text="not here")


def test_a_url_is_fetched_through_the_runtime_transport(runtime):
    seen = []
    runtime.fetch_transport = httpx.MockTransport(lambda request: seen.append((str(request.url),
                                                                               request.headers["host"]))
                                                  or news_site(request))
    client = client_of(runtime)
    response = client.post("/v1/articles", json={"url": "https://news.example/old-link", "source": "Port News"})
    assert response.status_code == 201, response.json
    [result] = response.json["results"]
    article = client.get(f"/v1/articles/{result['article_id']}").json
    assert article["title"] == "Harbour expansion approved"
    assert article["text"].startswith("The port authority approved") and "Subscribe" not in article["text"]
    assert article["url"] == "https://news.example/old-link"
    # Sent to the address the name was checked at, under the name itself.
    assert seen == [(f"https://{NEWS_IP}/old-link", "news.example"), (f"https://{NEWS_IP}/harbour", "news.example")]


def test_a_missing_page_fails_the_item_and_stores_nothing(runtime):
    runtime.fetch_transport = httpx.MockTransport(news_site)
    client = client_of(runtime)
    response = client.post("/v1/articles", json={"url": "https://news.example/gone"})
    assert response.status_code == 422 and "HTTP 404" in response.json["detail"]
    assert client.get("/v1/articles").json["total"] == 0
