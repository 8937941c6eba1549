"""A harness for local marketplace imitations: route tables served on 127.0.0.1.

An adapter's ``sandbox/app.py`` subclasses :class:`SandboxApp` with its routes and store;
this module serves it with a controllable clock, a request log, fault injection and the
control API under ``/_sandbox/`` (docs/architecture.md, "Sandbox interface"). Nothing here names a
marketplace, and nothing under ``/_sandbox/`` exists on a real one.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

FAULT_ACTIONS = ("latency", "status", "drop_before", "drop_after", "malformed", "hang")


class BadRequest(Exception):
    """Raised by handlers for a request the imitated API would refuse as malformed."""


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class SandboxRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[UploadedFile]] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise BadRequest(f"body is not JSON: {exc}") from None

    def arg(self, name: str) -> str | None:
        """A parameter from the query string, else from the form body."""
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else None

    def params(self) -> dict[str, str]:
        """Every query and form parameter (first value of each), form winning on a clash."""
        merged = {key: values[0] for key, values in self.query.items() if values}
        merged.update({key: values[0] for key, values in self.form.items() if values})
        return merged

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass
class SandboxResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        data = json.dumps(self.body, ensure_ascii=False).encode()
        return data, "application/json; charset=utf-8"

    @classmethod
    def redirect(cls, location: str) -> SandboxResponse:
        return cls(status=302, body="", headers={"Location": location})


Handler = Callable[[SandboxRequest], SandboxResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # "/api/v2/item/{item_id}" — {name} matches one path segment
    handler: Handler

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern)) + "$"
        found = re.match(regex, path)
        return found.groupdict() if found else None


class SandboxClock:
    """Real time plus an offset the tests can move forward."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def timestamp(self) -> int:
        return int(self.now().timestamp())

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta()


class WindowLimiter:
    """Counts calls per key in a sliding one-second window, as a marketplace gateway does."""

    def __init__(self, rate: float, window: float = 1.0):
        self.rate = rate
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.rate:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


@dataclass
class FaultRule:
    action: str
    method: str = "*"
    path: str = "*"
    nth: int | None = None
    probability: float | None = None
    times: int | None = 1  # None: every matching call, for good
    seconds: float = 0.0
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.action not in FAULT_ACTIONS:
            raise BadRequest(f"unknown fault action {self.action!r}; use one of {FAULT_ACTIONS}")

    def matches(self, method: str, path: str, rng: random.Random) -> bool:
        if self.method not in ("*", method) or not fnmatchcase(path, self.path):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.seen += 1
        if self.nth is not None and self.seen < self.nth:
            return False
        if self.probability is not None and rng.random() >= self.probability:
            return False
        self.fired += 1
        return True


class SandboxApp:
    """A marketplace imitation: subclasses add routes, a store, and the control hooks.

    ``order_story`` tells, in the marketplace's own words, the statuses a new order goes
    through to become paid, shipped, completed or cancelled, so the demo and the tests can
    tell a story without knowing any marketplace's vocabulary.
    """

    name = "sandbox"
    order_story: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(self, seed: int = 0) -> None:
        self.clock = SandboxClock()
        self.lock = threading.RLock()
        self.rng = random.Random(seed)

    def routes(self) -> Iterable[Route]:
        return ()

    def describe(self, root_url: str) -> dict[str, Any]:
        """The JSON line of ``listsync sandbox serve --json``: base_url, credentials, ids."""
        return {"base_url": root_url}

    def state(self) -> dict[str, Any]:
        return {}

    def create_orders(self, spec: dict[str, Any]) -> list[str]:
        raise BadRequest("this sandbox cannot create orders")

    def set_order_status(self, order_id: str, status: str) -> None:
        raise BadRequest("this sandbox has no orders")

    def reset(self) -> None:
        self.clock.reset()

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        return SandboxResponse(404, {"error": "not_found", "message": f"no API at {request.path}"})

    def bad_request(self, request: SandboxRequest, message: str) -> SandboxResponse:
        return SandboxResponse(400, {"error": "bad_request", "message": message})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog. socketserver's default of 5 drops or resets connections as soon
    # as a dozen clients connect at once; a marketplace gateway takes them all.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-reply (killed, or timed out) is no server error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """Serves one :class:`SandboxApp` on 127.0.0.1 in a background thread."""

    def __init__(self, app: SandboxApp, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self.faults: list[FaultRule] = []
        self.requests: list[dict[str, Any]] = []
        self._routes = list(app.routes())
        self._stopping = threading.Event()
        self._httpd = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def describe(self) -> dict[str, Any]:
        return {"channel": self.app.name, **self.app.describe(self.root_url)}

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.app.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add_fault(self, **rule: Any) -> FaultRule:
        fault = FaultRule(**rule)
        with self.app.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.app.lock:
            self.faults.clear()

    def reset(self) -> None:
        with self.app.lock:
            self.faults.clear()
            self.requests.clear()
            self.app.reset()

    def calls(self, method: str | None = None, path: str = "*") -> list[dict[str, Any]]:
        """Logged requests to the imitated API (not the control API), optionally filtered."""
        with self.app.lock:
            return [
                entry
                for entry in self.requests
                if (method is None or entry["method"] == method)
                and fnmatchcase(entry["path"], path)
            ]

    # -- dispatch -----------------------------------------------------------------
    def fault_for(self, method: str, path: str) -> FaultRule | None:
        with self.app.lock:
            return next((f for f in self.faults if f.matches(method, path, self.app.rng)), None)

    def dispatch(self, request: SandboxRequest) -> SandboxResponse:
        if request.path.startswith("/_sandbox/"):
            handled = self._control(request)
            if handled is not None:
                return handled
        for route in self._routes:
            params = route.match(request.method, request.path)
            if params is not None:
                request.path_params = params
                with self.app.lock:
                    try:
                        return route.handler(request)
                    except BadRequest as exc:
                        return self.app.bad_request(request, str(exc))
        return self.app.not_found(request)

    def log(self, request: SandboxRequest, status: int | None, fault: str = "") -> None:
        if request.path.startswith("/_sandbox/"):
            return
        entry = {
            "method": request.method,
            "path": request.path,
            "params": request.params(),  # as sent: tests look for what must never leak
            "status": status,
            "time": self.app.clock.now().isoformat(),
            "fault": fault,
        }
        with self.app.lock:
            self.requests.append(entry)

    def wait(self, seconds: float) -> None:
        """Sleep that ends early when the server stops (so a 'hang' never outlives a test)."""
        self._stopping.wait(seconds)

    def _control(self, request: SandboxRequest) -> SandboxResponse | None:
        """The harness's control API; ``None`` for a path the app may add itself."""
        path, method, app = request.path, request.method, self.app
        try:
            if path == "/_sandbox/state" and method == "GET":
                with app.lock:
                    return SandboxResponse(200, app.state())
            if path == "/_sandbox/orders" and method == "POST":
                with app.lock:
                    return SandboxResponse(200, {"order_ids": app.create_orders(request.json())})
            found = re.fullmatch(r"/_sandbox/orders/([^/]+)/status", path)
            if found and method == "POST":
                body = request.json() or {}
                with app.lock:
                    app.set_order_status(found.group(1), str(body.get("status", "")))
                return SandboxResponse(200, {"ok": True})
            if path == "/_sandbox/requests" and method == "GET":
                return SandboxResponse(200, {"requests": self.calls()})
            if path == "/_sandbox/faults" and method == "POST":
                rule = self.add_fault(**(request.json() or {}))
                return SandboxResponse(200, {"ok": True, "rule": _public(rule)})
            if path == "/_sandbox/faults" and method == "DELETE":
                self.clear_faults()
                return SandboxResponse(200, {"ok": True})
            if path == "/_sandbox/clock" and method == "POST":
                app.clock.advance(float((request.json() or {}).get("advance_seconds", 0)))
                return SandboxResponse(200, {"now": app.clock.now().isoformat()})
            if path == "/_sandbox/reset" and method == "POST":
                self.reset()
                return SandboxResponse(200, {"ok": True})
        except (BadRequest, TypeError, ValueError, KeyError) as exc:
            return SandboxResponse(400, {"error": "bad_request", "message": str(exc)})
        return None


def _public(rule: FaultRule) -> dict[str, Any]:
    return {k: v for k, v in asdict(rule).items() if k not in ("seen", "fired")}


def parse_body(headers: Mapping[str, str], body: bytes) -> tuple[dict, dict]:
    """Form fields and files of a urlencoded or multipart body (JSON bodies have neither)."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True), {}
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    form: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True) or b""
        assert isinstance(payload, bytes)
        filename = part.get_filename()
        if filename is None:
            form.setdefault(name, []).append(payload.decode("utf-8", "replace"))
        else:
            upload = UploadedFile(filename, part.get_content_type(), payload)
            files.setdefault(name, []).append(upload)
    return form, files


def _handler_for(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The ``Date`` header tells the marketplace's time: the sandbox clock's."""
            return super().date_time_string(
                server.app.clock.now().timestamp() if timestamp is None else timestamp
            )

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_PUT(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            form, files = parse_body(headers, body)
            request = SandboxRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers=headers,
                body=body,
                form=form,
                files=files,
            )
            fault = None
            if not parts.path.startswith("/_sandbox/"):
                fault = server.fault_for(self.command, parts.path)
            self._respond(request, fault)

        def _respond(self, request: SandboxRequest, fault: FaultRule | None) -> None:
            action = fault.action if fault else ""
            if fault and action == "latency":
                server.wait(fault.seconds)
            if fault and action in ("drop_before", "hang"):
                if action == "hang":
                    server.wait(fault.seconds or 60.0)
                server.log(request, None, action)
                self._drop()
                return
            if fault and action == "status":
                response = SandboxResponse(fault.status, fault.body, dict(fault.headers))
            else:
                response = server.dispatch(request)
            server.log(request, response.status, action)
            if fault and action == "drop_after":
                self._drop()
                return
            data, content_type = response.encode()
            if fault and action == "malformed":
                data = (
                    fault.body.encode() if isinstance(fault.body, str) else data[: len(data) // 2]
                )
            self.send_response(response.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in response.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def serve(apps: Iterable[SandboxApp], port: int = 0) -> list[SandboxServer]:
    """Start one server per app, on ``port``, ``port + 1``, … (or free ports when 0)."""
    servers = []
    for offset, app in enumerate(apps):
        servers.append(SandboxServer(app, port=port + offset if port else 0).start())
    return servers
