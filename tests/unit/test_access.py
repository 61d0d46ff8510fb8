"""API keys bound to tenants, over every /v1 route: who gets in, as whom, and what leaks."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from service.cli import main
from service.keys import KeyStore
from service.server import check_exposure
from tests.conftest import client_of, fake_runtime

SECRET_TEXT = ("The harbour board approved the Lantern Quay expansion on Monday. "
               "Work on the new quay starts in March and will cost 40 million euros.")
SECRET_WORDS = ("harbour board", "40 million")  # words no request carries


def cited_reply(messages) -> str:
    return "Work on the new quay starts in March [1]." if "Lantern" in messages[-1]["content"] else "NOT IN SOURCES"


@pytest.fixture
def keyed(settings):
    """A service with keys for tenants `newsroom-a` and `newsroom-b`, and an admin; tenant A holds one article."""
    runtime, _ = fake_runtime(settings, reply=cited_reply)
    keys = KeyStore(runtime.settings.keys_path)
    _, key_a = keys.add("newsroom-a")
    _, key_b = keys.add("newsroom-b")
    _, admin = keys.add("ops", admin=True)
    client = client_of(runtime)
    created = client.post("/v1/articles", json={"id": "quay", "title": "Lantern Quay", "text": SECRET_TEXT},
                          headers=bearer(key_a))
    assert created.status_code == 201, created.json
    return client, keys, {"a": key_a, "b": key_b, "admin": admin}


def bearer(key: str, tenant: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if tenant is not None:
        headers["X-Sourced-Tenant"] = tenant
    return headers


# Every /v1 route, with a body that would succeed for tenant A's key.
ROUTES = [
    ("get", "/v1/articles", None),
    ("get", "/v1/articles/quay", None),
    ("post", "/v1/ask", {"question": "When does work on Lantern Quay start?"}),
    ("post", "/v1/ask", {"question": "When does work on Lantern Quay start?", "mode": "extractive"}),
    ("post", "/v1/summarize", {"article_id": "quay"}),
    ("post", "/v1/articles", {"id": "intruder", "text": "Someone else writes about the quay plans today."}),
    ("delete", "/v1/articles/quay", None),
]


def call(client, method, path, body, headers):
    return getattr(client, method)(path, json=body, headers=headers)


def assert_nothing_of_tenant_a(response):
    for word in SECRET_WORDS:
        assert word not in response.text, (response.status_code, response.text)


@pytest.mark.parametrize("method,path,body", ROUTES)
def test_without_a_valid_key_every_route_is_401_and_reveals_nothing(keyed, method, path, body):
    client, keys, key = keyed
    revoked_record, revoked = keys.add("newsroom-a")
    assert keys.revoke(revoked_record.key_id)
    for headers in ({}, {"X-Sourced-Tenant": "newsroom-a"}, bearer("sourced_0000_wrong"), bearer(key["a"] + "x"),
                    bearer(revoked), {"Authorization": key["a"]}, {"Authorization": f"Basic {key['a']}"}):
        response = call(client, method, path, body, headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.mimetype == "application/problem+json" and response.json["type"] == "/problems/unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert_nothing_of_tenant_a(response)
    assert client.get("/v1/articles/quay", headers=bearer(key["a"])).status_code == 200  # nothing was deleted


@pytest.mark.parametrize("method,path,body", ROUTES)
def test_another_tenants_key_sees_none_of_its_data_and_cannot_spoof_the_header(keyed, method, path, body):
    client, _, key = keyed
    spoofed = call(client, method, path, body, bearer(key["b"], tenant="newsroom-a"))
    assert spoofed.status_code == 403 and spoofed.json["type"] == "/problems/forbidden"
    assert_nothing_of_tenant_a(spoofed)

    own = call(client, method, path, body, bearer(key["b"]))
    assert own.status_code in {200, 201, 404}, own.text
    assert_nothing_of_tenant_a(own)
    if path == "/v1/ask":
        assert own.json["found"] is False and own.json["citations"] == []
    if path == "/v1/articles" and method == "get":
        assert own.json["total"] == 0

    survived = client.get("/v1/articles/quay", headers=bearer(key["a"]))
    assert survived.status_code == 200 and "Lantern" in survived.text
    assert client.get("/v1/articles/intruder", headers=bearer(key["a"])).status_code == 404


def test_the_keys_own_tenant_and_an_admin_naming_any_tenant(keyed):
    client, _, key = keyed
    answer = client.post("/v1/ask", json={"question": "When does work on Lantern Quay start?"}, headers=bearer(key["a"]))
    assert answer.status_code == 200 and answer.json["found"] and answer.json["citations"]
    assert client.get("/v1/articles", headers=bearer(key["a"], tenant="newsroom-a")).json["total"] == 1
    assert client.get("/v1/articles", headers=bearer(key["admin"], tenant="newsroom-a")).json["total"] == 1
    assert client.get("/v1/articles", headers=bearer(key["admin"])).json["total"] == 0  # the admin's own tenant


def test_health_readiness_and_the_api_document_stay_open(keyed):
    client, _, _ = keyed
    for path in ("/healthz", "/readyz", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_a_key_revoked_while_the_server_runs_is_refused_at_its_next_request(keyed):
    client, keys, _ = keyed
    record, key = keys.add("newsroom-c")
    assert client.get("/v1/articles", headers=bearer(key)).status_code == 200
    KeyStore(keys.path).revoke(record.key_id)  # as `sourced keys revoke` would, from another process
    assert client.get("/v1/articles", headers=bearer(key)).status_code == 401


def test_without_keys_the_header_names_the_tenant(settings):
    runtime, _ = fake_runtime(settings)
    client = client_of(runtime)
    client.post("/v1/articles", json={"id": "t", "text": SECRET_TEXT}, headers={"X-Sourced-Tenant": "newsroom-a"})
    assert client.get("/v1/articles/t", headers={"X-Sourced-Tenant": "newsroom-a"}).status_code == 200
    assert client.get("/v1/articles/t", headers={"X-Sourced-Tenant": "newsroom-b"}).status_code == 404


def test_the_keys_file_holds_hashes_only_and_is_private(settings, monkeypatch):
    monkeypatch.setenv("SOURCED_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    added = runner.invoke(main, ["keys", "add", "newsroom-a"])
    assert added.exit_code == 0, added.output
    key = added.stdout.strip().splitlines()[-1]
    assert key.startswith("sourced_") and len(key.split("_", 2)[2]) >= 43  # 32 random bytes, url-safe
    path = settings.keys_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = path.read_text()
    assert key not in stored and key.split("_", 2)[2] not in stored
    record = json.loads(stored)[0]
    assert record["tenant"] == "newsroom-a" and record["created_at"] and record["key_id"]

    listed = runner.invoke(main, ["keys", "list"])
    assert record["key_id"] in listed.output and key not in listed.output
    assert runner.invoke(main, ["keys", "revoke", record["key_id"]]).exit_code == 0
    assert runner.invoke(main, ["keys", "revoke", record["key_id"]]).exit_code != 0
    assert KeyStore(path).authenticate(key) is None
    assert runner.invoke(main, ["keys", "add", "Not A Tenant"]).exit_code != 0


def test_serving_beyond_loopback_needs_a_key_or_an_explicit_override(settings, caplog):
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        check_exposure(settings.model_copy(update={"host": host}))
    for host in ("0.0.0.0", "::", "10.0.0.5", "example.org"):
        with pytest.raises(ValueError, match="SOURCED_ALLOW_OPEN"):
            check_exposure(settings.model_copy(update={"host": host}))
    check_exposure(settings.model_copy(update={"host": "0.0.0.0", "allow_open": True}))
    assert "no API key" in caplog.text
    KeyStore(settings.keys_path).add("newsroom-a")
    check_exposure(settings.model_copy(update={"host": "0.0.0.0"}))


def test_requests_over_the_per_minute_limit_are_429_with_retry_after(settings):
    runtime, _ = fake_runtime(settings, reply=cited_reply, rate_requests_per_minute=3)
    keys = KeyStore(runtime.settings.keys_path)
    _, key_a = keys.add("newsroom-a")
    _, key_b = keys.add("newsroom-b")
    client = client_of(runtime)
    statuses = [client.get("/v1/articles", headers=bearer(key_a)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/v1/articles", headers=bearer(key_a))
    assert limited.mimetype == "application/problem+json" and limited.json["type"] == "/problems/rate-limited"
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/v1/articles", headers=bearer(key_b)).status_code == 200  # per key
    assert client.get("/healthz").status_code == 200


def test_generative_requests_have_their_own_smaller_limit(settings):
    runtime, _ = fake_runtime(settings, reply=cited_reply, rate_generative_per_minute=1)
    client = client_of(runtime)
    client.post("/v1/articles", json={"id": "quay", "text": SECRET_TEXT})
    question = {"question": "When does work on Lantern Quay start?"}
    assert client.post("/v1/ask", json=question).status_code == 200
    assert client.post("/v1/ask", json=question).status_code == 429
    assert client.post("/v1/summarize", json={"article_id": "quay"}).status_code == 429
    assert client.post("/v1/ask", json={**question, "mode": "extractive"}).status_code == 200
    assert client.get("/v1/articles").status_code == 200


def test_revoking_every_key_shuts_everyone_out_and_never_opens_the_service(keyed):
    client, keys, key = keyed
    for record in keys.records():
        keys.revoke(record.key_id)
    for headers in ({}, {"X-Sourced-Tenant": "newsroom-a"}, bearer(key["a"]), bearer(key["admin"], "newsroom-a")):
        response = client.get("/v1/articles", headers=headers)
        assert response.status_code == 401 and "harbour board" not in response.text
    keys.path.unlink()  # the volume holding the keys file is gone: the running server stays shut
    assert client.get("/v1/articles", headers={"X-Sourced-Tenant": "newsroom-a"}).status_code == 401


def test_local_mode_on_loopback_answers_loopback_host_names_only(settings):
    """A page in the operator's browser can rebind its own name to 127.0.0.1; its Host stays its name."""
    client = client_of(fake_runtime(settings)[0])
    for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert client.get("/v1/articles", headers={"Host": host}).status_code == 200, host
    for host in ("attacker.example", "attacker.example:8000", "127.0.0.1.nip.io"):
        assert client.get("/v1/articles", headers={"Host": host}).status_code == 403, host
    opened = client_of(fake_runtime(settings, host="0.0.0.0", allow_open=True)[0])
    assert opened.get("/v1/articles", headers={"Host": "sourced.intranet"}).status_code == 200
