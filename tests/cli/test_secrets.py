"""No token, key or signature in what a clerk sees or sends on.

Every command runs with ``-v`` (the README asks people to send that output to whoever
helps them) against both sandboxes; the output, the nightly log, the ledger's call log and
the ledger file itself are then searched for every secret value the test knows: the apps'
keys, and every token, refresh token, consent code and signature the marketplaces saw on
the wire.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import requests

from tests.sync.support import REDIRECT, listsync, sandbox_workspace

WIRE_SECRETS = re.compile(r"sign|token|code|secret|key", re.I)


def commands(redirects: dict[str, str]) -> list[tuple[str, ...]]:
    listed = [
        ("channels",),
        *(("auth", name, "--redirect-url", url) for name, url in redirects.items()),
        ("catalog", "validate", "catalog.yaml"),
        ("catalog", "import"),
        ("catalog", "list"),
        ("stock", "set", "TSTH-100", "30"),
        ("stock", "add", "TSTH-100", "-1"),
        ("stock", "show"),
        ("stock", "show", "TSTH-100"),
        ("sync", "--dry-run"),
        ("sync",),
        ("publish",),
        ("orders", "pull"),
        ("report",),
        ("report", "--format", "json"),
        ("runs",),
        ("listings",),
        ("nightly",),
    ]
    return [("-v", *command) for command in listed]


def consent(url: str) -> str:
    reply = requests.get(url, allow_redirects=False, timeout=10)
    return reply.headers["Location"]


def test_no_command_shows_a_secret_even_with_verbose(tmp_path: Path) -> None:
    with sandbox_workspace(tmp_path / "ws", ("shopee", "lazada")) as sw:
        redirects = {}
        for name in sw.names:
            channel = sw.ws.channel(name)
            try:
                redirects[name] = consent(channel.authorization_url(REDIRECT))
            finally:
                channel.close()
        seen: list[str] = []
        for command in commands(redirects):
            done = listsync(sw.root, *command, cwd=sw.root)
            seen += [done.stdout, done.stderr]
            if command[1] in ("sync", "nightly") and len(command) == 2:
                assert "DEBUG" in done.stderr, done.stderr  # verbose really was on
        # a refresh, then calls that fail with the full URL in the error
        for name in sw.names:
            sw.advance_sandbox(name, 5 * 3600)
        sw.fault("shopee", path="/api/v2/order/*", action="drop_before", times=None)
        sw.fault("lazada", path="/orders/get", action="drop_before", times=None)
        failed = listsync(sw.root, "-v", "orders", "pull", cwd=sw.root)
        assert failed.returncode != 0
        seen += [failed.stdout, failed.stderr]
        seen += [path.read_text(encoding="utf-8") for path in (sw.root / "logs").glob("*.log*")]
        connection = sqlite3.connect(sw.root / "listsync.sqlite3")
        try:
            calls = connection.execute("SELECT path, error FROM api_call").fetchall()
        finally:
            connection.close()
        seen += [f"{path} {error}" for path, error in calls]
        # and the ledger file itself: its tokens are sealed with the key in .env
        seen += [p.read_bytes().decode("latin-1") for p in sw.root.glob("listsync.sqlite3*")]

        known = {
            str(value)
            for settings in sw.ws.settings.channels.values()
            for key, value in settings.items()
            if key in ("partner_key", "app_secret")
        }
        for name in sw.names:
            for entry in sw.requests_log(name):
                known |= {v for k, v in entry["params"].items() if WIRE_SECRETS.search(k)}
        known = {value for value in known if len(value) >= 8}
        assert len(known) > 20  # keys, tokens, refresh tokens, codes and many signatures
        text = "\n".join(seen)
        assert len(calls) > 50 and "/api/v2/" in text
        leaked = sorted(value for value in known if value in text)
        assert leaked == []
