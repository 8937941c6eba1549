"""One HTTP client for every adapter: sessions, timeouts, retries, rate limits, redaction.

What is retried follows one rule (docs/reliability.md, rule 6): only transient failures, and only
for calls that are safe to repeat. A read or an absolute "set stock to 17" is repeated;
a create is not — if its answer is lost it becomes :class:`UnknownOutcome`, and the
engine looks the SKU up before anything is sent again. A request is rebuilt for every
attempt, because marketplaces sign a timestamp.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from listsync.clock import Clock, SystemClock
from listsync.errors import (
    ChannelError,
    RateLimited,
    TransientError,
    UnknownOutcome,
)
from listsync.i18n import _
from listsync.redact import redact_text, redact_url, register_secrets

T = TypeVar("T")
log = logging.getLogger("listsync.http")

_BAN = re.compile(r"ban will last (\d+)(?: more)? seconds?", re.I)
SNIPPET = 200


def server_time(header: str | None) -> datetime | None:
    """The time in an HTTP ``Date`` header (RFC 9110), in UTC; ``None`` if absent or bad."""
    if not header:
        return None
    try:
        parsed = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ban_seconds(message: str) -> float | None:
    """Seconds from a 'this ban will last N seconds' message, as marketplaces word it."""
    match = _BAN.search(message)
    return float(match.group(1)) if match else None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    longest_wait: float = 120.0  # a longer ban or quota reset ends the channel's run instead
    budget: int = 100  # retries a client may spend in one run, across all calls


@dataclass(frozen=True)
class CallRecord:
    """One attempt of one call, for counters and the ledger's call log. Holds no secret."""

    channel: str
    call: str
    method: str
    path: str  # the URL, secrets redacted
    status: int | None
    elapsed_ms: int
    attempt: int
    at: datetime
    error: str = ""
    server_time: datetime | None = None  # the marketplace's own clock (its Date header)


CallObserver = Callable[[CallRecord], None]


@dataclass
class RequestSpec:
    """Everything needed to send one attempt; built afresh each attempt by the adapter."""

    method: str
    path: str
    params: Mapping[str, Any] | list[tuple[str, Any]] | None = None
    data: Mapping[str, Any] | None = None
    json: Any = None
    files: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    base_url: str | None = None


class RateLimiter:
    """A token bucket per channel, on an injectable clock, that can also be told to pause.

    Without a burst the calls are evenly spaced, so a gateway that counts calls over a
    sliding second never sees more than the rate.
    """

    def __init__(self, rate_per_second: float, clock: Clock, burst: float | None = None):
        self.rate = rate_per_second
        self.capacity = burst if burst is not None else 1.0  # evenly paced: no burst
        self.clock = clock
        self._tokens = self.capacity
        self._last = clock.monotonic()
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the marketplace asked us to back off)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self.clock.monotonic() + seconds)

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self.clock.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                wait = self._paused_until - now
                if wait <= 0 and self._tokens >= 1 - 1e-9:
                    self._tokens -= 1
                    return
                if wait <= 0:
                    wait = max((1 - self._tokens) / self.rate, 1e-6)
            self.clock.sleep(wait)


class MalformedReply(TransientError):
    """The marketplace answered with something that is not the JSON it promised."""


class HttpClient:
    """requests + tenacity for one channel: a session per thread, retries, a rate limit."""

    def __init__(
        self,
        *,
        channel: str,
        base_url: str,
        timeout: float = 30.0,
        rate_per_second: float = 10.0,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        on_call: CallObserver | None = None,
        secrets: tuple[str, ...] = (),
    ):
        self.channel = channel
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.clock = clock or SystemClock()
        self.limiter = RateLimiter(rate_per_second, self.clock)
        self.on_call = on_call
        self.secrets = secrets
        register_secrets(*secrets)
        self.calls = 0
        self.retries = 0
        self._local = threading.local()
        self._counter_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.mount("http://", HTTPAdapter(pool_maxsize=4, max_retries=0))
            session.mount("https://", HTTPAdapter(pool_maxsize=4, max_retries=0))
            session.headers["User-Agent"] = "listsync"
            self._local.session = session
        return session

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    def call(
        self,
        call: str,
        build: Callable[[], RequestSpec],
        check: Callable[[requests.Response], T],
        *,
        idempotent: bool,
    ) -> T:
        """Send ``build()`` and return ``check(response)``, retrying what is safe to retry.

        ``check`` parses the body and raises the channel's typed errors; a RateLimited or
        TransientError it raises is retried like a 429 or a 5xx.
        """
        attempt_no = 0

        def attempt() -> T:
            nonlocal attempt_no
            attempt_no += 1
            return self._attempt(call, build(), check, attempt_no, idempotent)

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: self._retryable(exc, idempotent)),
            sleep=self.clock.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        return retrying(attempt)

    def _attempt(
        self,
        call: str,
        spec: RequestSpec,
        check: Callable[[requests.Response], T],
        attempt: int,
        idempotent: bool,
    ) -> T:
        self.limiter.acquire()
        url = (spec.base_url or self.base_url).rstrip("/") + spec.path
        started = time.perf_counter()
        status: int | None = None
        server: datetime | None = None
        try:
            response = self.session.request(
                spec.method,
                url,
                params=spec.params,
                data=spec.data,
                json=spec.json,
                files=spec.files,
                headers=dict(spec.headers),
                timeout=(min(10.0, self.timeout), self.timeout),
            )
            status = response.status_code
            url = response.url
            server = server_time(response.headers.get("Date"))
            result = self._interpret(call, response, check)
        except requests.RequestException as exc:
            error = self._network_error(call, exc, idempotent)
            self._record(call, spec.method, url, status, started, attempt, error, server)
            raise error from None
        except ChannelError as exc:
            ambiguous = not idempotent and self._ambiguous(exc, status)
            error = self._unknown(call, exc) if ambiguous else exc
            self._record(call, spec.method, url, status, started, attempt, error, server)
            raise error from None
        self._record(call, spec.method, url, status, started, attempt, None, server)
        return result

    def _interpret(
        self, call: str, response: requests.Response, check: Callable[[requests.Response], T]
    ) -> T:
        if response.status_code == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None:
                wait = ban_seconds(response.text[:1000])
            raise RateLimited(
                _("the marketplace asked us to slow down (HTTP 429)"),
                channel=self.channel,
                call=call,
                retry_after=wait,
            )
        if response.status_code >= 500:
            raise TransientError(
                _("the marketplace had a server error (HTTP {status}): {body}").format(
                    status=response.status_code, body=self.snippet(response.text)
                ),
                channel=self.channel,
                call=call,
            )
        return check(response)

    def _network_error(
        self, call: str, exc: requests.RequestException, idempotent: bool
    ) -> ChannelError:
        if isinstance(exc, requests.ConnectTimeout | requests.exceptions.InvalidURL):
            never_sent = True
        elif isinstance(exc, requests.ConnectionError):
            never_sent = "NewConnectionError" in repr(exc) or "Connection refused" in str(exc)
        else:
            never_sent = False
        if isinstance(exc, requests.Timeout):
            message = _("no answer within {seconds:g} s").format(seconds=self.timeout)
        elif never_sent:
            message = _("could not connect to {host}").format(host=urlsplit(self.base_url).netloc)
        else:
            message = _("the connection broke before the answer arrived")
        error = TransientError(message, channel=self.channel, call=call)
        return error if idempotent or never_sent else self._unknown(call, error)

    @staticmethod
    def _ambiguous(exc: ChannelError, status: int | None) -> bool:
        """Whether a failed write may have been carried out all the same.

        A refusal is not; a throttling code in the body of a normal reply is the gateway
        turning the call away unseen, so it is not either. A 429, a 5xx, a broken or
        malformed reply may come after the work was done (docs/reliability.md #13, #14).
        """
        if isinstance(exc, RateLimited) and status != 429:
            return False
        return isinstance(exc, TransientError)

    def _unknown(self, call: str, cause: ChannelError) -> UnknownOutcome:
        return UnknownOutcome(
            _(
                "sent, but the result is not known ({cause}); it will be checked before resending"
            ).format(cause=cause.detail),
            channel=self.channel,
            call=call,
        )

    def _retryable(self, exc: BaseException, idempotent: bool) -> bool:
        if not isinstance(exc, TransientError) or isinstance(exc, UnknownOutcome):
            return False
        if isinstance(exc, RateLimited):
            if exc.quota_exhausted:
                return False
            if exc.retry_after is not None and exc.retry_after > self.policy.longest_wait:
                exc.quota_exhausted = True
                return False
        with self._counter_lock:
            if self.retries >= self.policy.budget:
                return False
        return True

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after
        jitter = wait_random_exponential(
            multiplier=self.policy.base_delay, max=self.policy.max_delay
        )
        return float(jitter(state))

    def _before_sleep(self, state: RetryCallState) -> None:
        with self._counter_lock:
            self.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        wait = state.upcoming_sleep
        if isinstance(exc, RateLimited):
            self.limiter.pause(wait)
        log.info("%s: retrying in %.1f s after: %s", self.channel, wait, exc)

    def _record(
        self,
        call: str,
        method: str,
        url: str,
        status: int | None,
        started: float,
        attempt: int,
        error: ChannelError | None,
        server: datetime | None = None,
    ) -> None:
        with self._counter_lock:
            self.calls += 1
        record = CallRecord(
            channel=self.channel,
            call=call,
            method=method,
            path=redact_text(redact_url(url), self.secrets),
            status=status,
            elapsed_ms=int((time.perf_counter() - started) * 1000),
            attempt=attempt,
            at=self.clock.now(),
            error=redact_text(error.detail, self.secrets) if error else "",
            server_time=server,
        )
        log.debug(
            "%s %s %s -> %s (%d ms)", self.channel, method, record.path, status, record.elapsed_ms
        )
        if self.on_call is not None:
            self.on_call(record)

    def snippet(self, text: str) -> str:
        """A short, secret-free piece of a reply, for messages and logs."""
        flat = " ".join(text.split())
        return redact_text(flat[:SNIPPET] + ("…" if len(flat) > SNIPPET else ""), self.secrets)

    def json(self, response: requests.Response, call: str) -> Any:
        """The reply's JSON body, or MalformedReply naming the call and showing a snippet."""
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise MalformedReply(
                _("the reply was not valid JSON (HTTP {status}): {body!r}").format(
                    status=response.status_code, body=self.snippet(response.text)
                ),
                channel=self.channel,
                call=call,
            ) from None
