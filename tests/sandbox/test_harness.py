"""The generic sandbox harness: routing, control API, request log, fault rules, clock."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from listsync.sandbox.harness import BadRequest, FaultRule, SandboxServer


def post(server: SandboxServer, path: str, /, **body: object) -> requests.Response:
    return requests.post(server.root_url + path, json=body, timeout=5)


def test_routes_path_params_and_not_found(items_server: SandboxServer) -> None:
    assert post(items_server, "/items", sku="X").status_code == 201
    assert requests.get(items_server.root_url + "/items/X", timeout=5).json()["sku"] == "X"
    missing = requests.get(items_server.root_url + "/nowhere", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_form_and_multipart_bodies_are_parsed(items_server: SandboxServer) -> None:
    url = items_server.root_url + "/upload"
    form = requests.post(url, data={"a": "1", "payload": "{}"}, timeout=5).json()
    assert form["form"] == {"a": "1", "payload": "{}"}
    files = {"image": ("tra-sen.png", b"\x89PNG" + b"0" * 100, "image/png")}
    multi = requests.post(url + "?x=2", data={"name": "Trà"}, files=files, timeout=5).json()
    assert multi["form"] == {"x": "2", "name": "Trà"}
    assert multi["files"] == {"image": [["tra-sen.png", 104]]}


def test_request_log_and_control_api(items_server: SandboxServer) -> None:
    post(items_server, "/items", sku="A")
    requests.get(items_server.root_url + "/items/A", timeout=5)
    log = requests.get(items_server.root_url + "/_sandbox/requests", timeout=5).json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/items", 201),
        ("GET", "/items/A", 200),
    ]
    assert requests.get(items_server.root_url + "/_sandbox/state", timeout=5).json() == {
        "items": ["A"]
    }
    assert post(items_server, "/_sandbox/reset").ok
    assert items_server.calls() == []
    assert requests.get(items_server.root_url + "/_sandbox/state", timeout=5).json() == {
        "items": []
    }


def test_clock_moves_forward(items_server: SandboxServer) -> None:
    before = items_server.app.clock.now()
    post(items_server, "/_sandbox/clock", advance_seconds=3600)
    assert (items_server.app.clock.now() - before).total_seconds() >= 3600


def test_status_fault_on_the_nth_call_only(items_server: SandboxServer) -> None:
    post(items_server, "/_sandbox/faults", action="status", path="/items/*", nth=2, status=503)
    post(items_server, "/items", sku="A")
    statuses = [
        requests.get(items_server.root_url + "/items/A", timeout=5).status_code for _ in range(3)
    ]
    assert statuses == [200, 503, 200]


def test_a_200_with_an_error_body(items_server: SandboxServer) -> None:
    body = {"error": "error_rate_limit", "message": "too many"}
    post(items_server, "/_sandbox/faults", action="status", status=200, body=body, times=1)
    response = requests.get(items_server.root_url + "/items/A", timeout=5)
    assert (response.status_code, response.json()) == (200, body)


def test_drop_before_does_not_apply_drop_after_does(items_server: SandboxServer) -> None:
    app = items_server.app
    items_server.add_fault(action="drop_before", method="POST", path="/items", nth=1)
    with pytest.raises(requests.ConnectionError):
        post(items_server, "/items", sku="A")
    assert app.items == {}  # type: ignore[attr-defined]
    items_server.add_fault(action="drop_after", method="POST", path="/items", nth=1)
    with pytest.raises(requests.ConnectionError):
        post(items_server, "/items", sku="B")
    assert list(app.items) == ["B"]  # type: ignore[attr-defined]


def test_malformed_truncates_after_applying(items_server: SandboxServer) -> None:
    items_server.add_fault(action="malformed", method="POST", path="/items")
    response = post(items_server, "/items", sku="C")
    with pytest.raises(ValueError):
        response.json()
    assert "C" in items_server.app.items  # type: ignore[attr-defined]


def test_hang_is_cut_by_the_client_timeout(items_server: SandboxServer) -> None:
    items_server.add_fault(action="hang", path="/items/*", seconds=5)
    with pytest.raises(requests.Timeout):
        requests.get(items_server.root_url + "/items/A", timeout=0.3)


def test_latency_delays_but_answers(items_server: SandboxServer) -> None:
    items_server.add_fault(action="latency", path="/items/*", seconds=0.2)
    response = requests.get(items_server.root_url + "/items/A", timeout=5)
    assert response.status_code == 404
    assert response.elapsed.total_seconds() >= 0.2


def test_probability_rules_are_seeded_and_bounded(items_server: SandboxServer) -> None:
    items_server.add_fault(action="status", path="/items/*", probability=0.5, times=3)
    codes = [
        requests.get(items_server.root_url + "/items/A", timeout=5).status_code for _ in range(30)
    ]
    assert codes.count(500) == 3


def test_bad_fault_rules_are_refused(items_server: SandboxServer) -> None:
    response = post(items_server, "/_sandbox/faults", action="explode")
    assert response.status_code == 400 and "unknown fault action" in response.json()["message"]
    with pytest.raises(BadRequest):
        FaultRule(action="nope")
    assert post(items_server, "/_sandbox/faults", action="status", colour="red").status_code == 400
    assert requests.delete(items_server.root_url + "/_sandbox/faults", timeout=5).ok


def test_apps_may_add_control_routes_of_their_own(items_server: SandboxServer) -> None:
    from listsync.sandbox.harness import Route, SandboxResponse

    items_server._routes.append(  # what an app's routes() would return
        Route("POST", "/_sandbox/settings", lambda request: SandboxResponse(200, request.json()))
    )
    assert post(items_server, "/_sandbox/settings", lag=5).json() == {"lag": 5}
    assert post(items_server, "/_sandbox/nothing").status_code == 404
    assert items_server.calls() == []


def test_32_parallel_clients_are_all_served_at_once(items_server: SandboxServer) -> None:
    """A gateway takes many connections at once: no reset, no SYN retried a second later
    (the listen backlog of socketserver's default, 5, did both from about 16 clients)."""
    post(items_server, "/items", sku="A")
    clients = 32
    ready = threading.Barrier(clients)
    outcomes: list[tuple[int, float]] = []
    failures: list[BaseException] = []

    def client() -> None:
        ready.wait()
        started = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", items_server_port(items_server))) as s:
                s.sendall(b"GET /items/A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                reply = b""
                while chunk := s.recv(4096):
                    reply += chunk
            outcomes.append((int(reply.split()[1]), time.perf_counter() - started))
        except OSError as exc:
            failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert failures == []
    assert [status for status, _ in outcomes] == [200] * clients
    assert max(seconds for _, seconds in outcomes) < 0.9  # a dropped SYN is retried after 1 s


def items_server_port(server: SandboxServer) -> int:
    return int(server.root_url.rsplit(":", 1)[1])
