"""Secrets out of everything a person sees or sends on: logs, messages, the call log.

Light on purpose (the standard library only): the CLI installs :class:`RedactingFilter`
before anything else is imported.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_NAMES = re.compile(r"sign|token|secret|key|password|passwd|code|authorization", re.I)


def redact_url(url: str) -> str:
    """The URL with the value of every secret-looking query parameter replaced by ***."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [
        (name, "***" if SECRET_NAMES.search(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="*,[]")))


_NAMED_SECRET = re.compile(
    r"""(["']?[\w-]*(?:sign|token|secret|key|password|passwd)[\w-]*["']?\s*[:=]\s*["']?)"""
    r"""([^"'&\s,;}]+)""",
    re.I,
)
_BEARER = re.compile(r"(\b(?:Bearer|Basic)\s+)([\w.~+/=-]+)", re.I)
_KNOWN_SECRETS: set[str] = set()


def register_secrets(*values: str) -> None:
    """Remember secret values (app keys, tokens) so that no log line ever shows them."""
    _KNOWN_SECRETS.update(value for value in values if value and len(value) >= 6)


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with known secret values and ``name=value`` secrets masked."""
    for secret in sorted({*secrets, *_KNOWN_SECRETS}, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    text = _NAMED_SECRET.sub(r"\1***", text)
    return _BEARER.sub(r"\1***", text)


class RedactingFilter(logging.Filter):
    """Masks secrets in every record a handler writes, its traceback included.

    Attached to the handlers ``-v`` and the nightly log use, so that what a clerk sends to
    whoever helps them (the README asks them to) carries no token, key or signature, also
    from libraries that log whole URLs (urllib3 at DEBUG).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True
