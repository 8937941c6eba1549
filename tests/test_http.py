"""The retry policy over real HTTP, with faults injected by the sandbox and a fake clock."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests

from listsync.clock import FakeClock
from listsync.errors import ChannelError, RateLimited, TransientError, UnknownOutcome
from listsync.http import (
    HttpClient,
    MalformedReply,
    RateLimiter,
    RequestSpec,
    RetryPolicy,
    ban_seconds,
    retry_after_seconds,
)
from listsync.redact import redact_text, redact_url
from listsync.sandbox.harness import SandboxServer


def client(server: SandboxServer, clock: FakeClock, **kwargs: Any) -> HttpClient:
    return HttpClient(
        channel="items",
        base_url=server.root_url,
        timeout=kwargs.pop("timeout", 2.0),
        rate_per_second=kwargs.pop("rate", 1000.0),
        clock=clock,
        **kwargs,
    )


def get_item(http: HttpClient, sku: str = "A") -> Any:
    def check(response: requests.Response) -> Any:
        return http.json(response, "get_item")

    return http.call(
        "get_item", lambda: RequestSpec("GET", f"/items/{sku}"), check, idempotent=True
    )


def create_item(http: HttpClient, sku: str) -> Any:
    def check(response: requests.Response) -> Any:
        return http.json(response, "create_item")

    spec = RequestSpec("POST", "/items", json={"sku": sku})
    return http.call("create_item", lambda: spec, check, idempotent=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def seeded(items_server: SandboxServer) -> SandboxServer:
    items_server.app.items["A"] = {"sku": "A", "stock": 3}  # type: ignore[attr-defined]
    return items_server


def test_5xx_twice_then_ok_is_retried_with_jittered_backoff(
    seeded: SandboxServer, clock: FakeClock
) -> None:
    seeded.add_fault(action="status", path="/items/A", status=503, times=2)
    http = client(seeded, clock, policy=RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8))
    assert get_item(http) == {"sku": "A", "stock": 3}
    assert [entry["status"] for entry in seeded.calls()] == [503, 503, 200]
    # two backoff waits; a jitter draw shorter than the rate limiter's spacing is followed by
    # one pacing wait of the limiter as well
    assert 2 <= len(clock.sleeps) <= 4
    assert all(0 <= wait <= 8 for wait in clock.sleeps)
    assert http.calls == 3 and http.retries == 2


def test_retry_after_is_honoured_and_pauses_the_channel(
    seeded: SandboxServer, clock: FakeClock
) -> None:
    seeded.add_fault(action="status", path="/items/A", status=429, headers={"Retry-After": "7"})
    http = client(seeded, clock)
    assert get_item(http)["sku"] == "A"
    assert clock.sleeps[0] == 7.0
    assert clock.monotonic() >= 7.0


def test_ban_message_in_429_body_sets_the_wait(seeded: SandboxServer, clock: FakeClock) -> None:
    body = {"code": "ApiCallLimit", "message": "this ban will last 3 seconds"}
    seeded.add_fault(action="status", path="/items/A", status=429, body=body)
    assert get_item(client(seeded, clock))["sku"] == "A"
    assert clock.sleeps[0] == 3.0


def test_a_long_ban_stops_instead_of_waiting(seeded: SandboxServer, clock: FakeClock) -> None:
    seeded.add_fault(action="status", path="/items/A", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimited) as caught:
        get_item(client(seeded, clock))
    assert caught.value.quota_exhausted
    assert len(seeded.calls()) == 1 and clock.sleeps == []


def test_attempts_are_capped(seeded: SandboxServer, clock: FakeClock) -> None:
    seeded.add_fault(action="status", path="/items/A", status=500, times=None)
    with pytest.raises(TransientError, match="HTTP 500"):
        get_item(client(seeded, clock, policy=RetryPolicy(max_attempts=3)))
    assert len(seeded.calls()) == 3


def test_retry_budget_is_shared_across_calls(seeded: SandboxServer, clock: FakeClock) -> None:
    seeded.add_fault(action="status", path="/items/A", status=503, times=None)
    http = client(seeded, clock, policy=RetryPolicy(max_attempts=5, budget=3))
    for _ in range(3):
        with pytest.raises(TransientError):
            get_item(http)
    assert http.retries == 3
    assert len(seeded.calls()) == 3 + 3  # three first tries, three retries, then no more


def test_a_4xx_is_not_retried(seeded: SandboxServer, clock: FakeClock) -> None:
    def check(response: requests.Response) -> Any:
        if response.status_code == 404:
            raise ChannelError("no such item", channel="items", call="get_item")
        return response.json()

    http = client(seeded, clock)
    with pytest.raises(ChannelError, match="no such item"):
        http.call("get_item", lambda: RequestSpec("GET", "/items/B"), check, idempotent=True)
    assert len(seeded.calls()) == 1


def test_a_create_is_never_retried_blindly(items_server: SandboxServer, clock: FakeClock) -> None:
    items_server.add_fault(action="drop_after", method="POST", path="/items", nth=1)
    with pytest.raises(UnknownOutcome, match="checked before resending"):
        create_item(client(items_server, clock), "B")
    assert items_server.app.creates == 1  # type: ignore[attr-defined]
    assert len(items_server.calls("POST")) == 1


def test_a_create_answered_with_5xx_is_unknown(
    items_server: SandboxServer, clock: FakeClock
) -> None:
    items_server.add_fault(action="status", method="POST", path="/items", status=502)
    with pytest.raises(UnknownOutcome):
        create_item(client(items_server, clock), "B")
    assert len(items_server.calls("POST")) == 1


def test_a_create_to_a_closed_port_is_safe_to_retry(clock: FakeClock) -> None:
    http = HttpClient(
        channel="items",
        base_url="http://127.0.0.1:9",
        clock=clock,
        policy=RetryPolicy(max_attempts=2),
    )
    with pytest.raises(TransientError, match="could not connect") as caught:
        create_item(http, "B")
    assert not isinstance(caught.value, UnknownOutcome)
    assert http.calls == 2


def test_an_absolute_set_is_retried_after_a_timeout(
    seeded: SandboxServer, clock: FakeClock
) -> None:
    seeded.add_fault(action="hang", method="PUT", path="/items/A/stock", seconds=3)
    http = client(seeded, clock, timeout=0.5)

    def check(response: requests.Response) -> Any:
        return http.json(response, "set_stock")

    spec = RequestSpec("PUT", "/items/A/stock", json={"stock": 17})
    assert http.call("set_stock", lambda: spec, check, idempotent=True)["stock"] == 17
    assert seeded.app.items["A"]["stock"] == 17  # type: ignore[attr-defined]
    assert len(seeded.calls("PUT")) <= 3


@pytest.mark.parametrize("body", [None, "<html><body>Gateway error</body></html>"])
def test_malformed_reply_to_a_read_is_retried(
    seeded: SandboxServer, clock: FakeClock, body: str | None
) -> None:
    seeded.add_fault(action="malformed", path="/items/A", body=body)
    assert get_item(client(seeded, clock))["sku"] == "A"
    assert len(seeded.calls()) == 2


def test_malformed_reply_names_the_call_and_shows_a_snippet(
    seeded: SandboxServer, clock: FakeClock
) -> None:
    seeded.add_fault(action="malformed", path="/items/A", body="<html>oops</html>", times=None)
    with pytest.raises(MalformedReply) as caught:
        get_item(client(seeded, clock, policy=RetryPolicy(max_attempts=2)))
    assert str(caught.value).startswith("items get_item: the reply was not valid JSON")
    assert "<html>oops</html>" in str(caught.value)


def test_rate_limiter_spaces_calls_on_the_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=5, clock=clock, burst=1)
    for _ in range(11):
        limiter.acquire()
    assert clock.monotonic() == pytest.approx(2.0)


def test_rate_limiter_pause_holds_every_call() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate_per_second=100, clock=clock)
    limiter.pause(7)
    limiter.acquire()
    assert clock.monotonic() >= 7


def test_secrets_are_redacted_from_urls_messages_and_records(
    seeded: SandboxServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    records = []
    http = client(seeded, clock, on_call=records.append, secrets=("TOPSECRET",))

    def check(response: requests.Response) -> Any:
        raise ChannelError("refused TOPSECRET", channel="items", call="get")

    params = {"access_token": "TOPSECRET", "sign": "abc123", "shop_id": "42"}
    caplog.set_level(logging.DEBUG, logger="listsync")
    with pytest.raises(ChannelError):
        http.call(
            "get", lambda: RequestSpec("GET", "/items/A", params=params), check, idempotent=True
        )
    (record,) = records
    assert "TOPSECRET" not in repr(record) and "abc123" not in record.path
    assert "shop_id=42" in record.path
    assert "TOPSECRET" not in caplog.text and "abc123" not in caplog.text


def test_redaction_helpers() -> None:
    url = "https://x/api?partner_id=1&sign=deadbeef&access_token=tok&code=c0de"
    assert redact_url(url) == "https://x/api?partner_id=1&sign=***&access_token=***&code=***"
    assert "s3cr3t" not in redact_text('{"refresh_token": "s3cr3t", "shop_id": 5}')
    assert ban_seconds("Api access frequency exceeds the limit. this ban will last 1 seconds") == 1
    assert retry_after_seconds("12") == 12
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10


def test_a_create_turned_away_by_a_throttling_code_is_retried(
    items_server: SandboxServer, clock: FakeClock
) -> None:
    body = {"code": "ApiCallLimit", "message": "this ban will last 1 seconds"}
    items_server.add_fault(action="status", method="POST", path="/items", status=200, body=body)
    http = client(items_server, clock)

    def check(response: requests.Response) -> Any:
        data = http.json(response, "create_item")
        if data.get("code") == "ApiCallLimit":
            raise RateLimited(data["message"], retry_after=ban_seconds(data["message"]))
        return data

    spec = RequestSpec("POST", "/items", json={"sku": "T"})
    assert http.call("create_item", lambda: spec, check, idempotent=False) == {"sku": "T"}
    assert clock.sleeps == [1.0]
    assert items_server.app.creates == 1  # type: ignore[attr-defined]


def test_a_create_answered_with_429_is_unknown(
    items_server: SandboxServer, clock: FakeClock
) -> None:
    items_server.add_fault(action="status", method="POST", path="/items", status=429)
    with pytest.raises(UnknownOutcome):
        create_item(client(items_server, clock), "B")


def test_log_lines_and_tracebacks_lose_their_secrets() -> None:
    import logging

    from listsync.redact import RedactingFilter, register_secrets

    register_secrets("app-secret-4711")
    record = logging.LogRecord(
        "urllib3", logging.DEBUG, __file__, 1, '"GET /api?access_token=%s&sign=%s" 200', None, None
    )
    record.args = ("tok-123456", "ABCDEF0123")
    try:
        raise RuntimeError("refused: Authorization: Bearer abc.def-ghi, key app-secret-4711")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    line = logging.Formatter().format(record)
    for secret in ("tok-123456", "ABCDEF0123", "abc.def-ghi", "app-secret-4711"):
        assert secret not in line
    assert "access_token=***" in line and "Bearer ***" in line
