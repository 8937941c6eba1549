"""Connecting a Tiki shop, over real HTTP against the sandbox: public apps through the
consent page, in-house apps with client credentials (no browser), tokens renewed and
saved before they are used, and `listsync auth tiki` for both kinds of app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click
import pytest
import requests
from click.testing import CliRunner, Result
from listsync_tiki.sandbox.app import TikiSandbox
from listsync_tiki.sandbox.auth import CLIENT_ID

from listsync.channel.contract import Token
from listsync.channel.tokens import MemoryTokenStore
from listsync.cli.main import main
from listsync.clock import FakeClock
from listsync.errors import AuthError, SetupError
from listsync.sandbox.harness import SandboxServer
from tests.adapters.tiki.client_support import (
    REDIRECT,
    advance,
    channel_for,
    configure,
    connect,
    consent,
)
from tests.sync.support import write_workspace

TOKEN = "/sc/oauth2/token"
SHOP = "402871"


def grants(server: SandboxServer) -> list[str]:
    return [call["params"].get("grant_type", "") for call in server.calls("POST", TOKEN)]


class FailingStore(MemoryTokenStore):
    """A token store that cannot save any more (a full disk, a locked ledger)."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = False

    def save(self, channel: str, shop_id: str, token: Token) -> None:
        if self.broken:
            raise OSError("disk full")
        super().save(channel, shop_id, token)


def test_the_consent_link(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path)
    assert channel.needs_consent
    link = urlsplit(channel.authorization_url(REDIRECT))
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    assert f"{link.scheme}://{link.netloc}{link.path}" == server.root_url + "/sc/oauth2/auth"
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT
    assert query["scope"] == "offline product order inventory"
    assert len(query["state"]) >= 8


def test_a_public_app_connects_and_refreshes_before_expiry(
    server: SandboxServer, tmp_path: Path
) -> None:
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    channel = connect(server, tmp_path, clock=clock, tokens=tokens)
    assert channel.shop_id == SHOP
    first = tokens.load("tiki", SHOP)
    assert first is not None and first.refresh_token is not None
    assert abs(first.expires_at - (clock.now() + timedelta(hours=1))) < timedelta(seconds=5)
    assert channel.find_listing("NO-SUCH-SKU") is None
    clock.advance(3600 - 60)  # within five minutes of the end: renewed first
    assert channel.find_listing("NO-SUCH-SKU") is None
    second = tokens.load("tiki", SHOP)
    assert second is not None and second.refresh_token is not None
    assert second.refresh_token.get_secret_value() != first.refresh_token.get_secret_value()
    assert grants(server) == ["authorization_code", "refresh_token"]
    assert [call["status"] for call in server.calls("GET", "/integration/v2/products/*")] == [
        200,
        200,
    ]
    channel.close()


def test_a_refreshed_pair_is_saved_before_it_is_used(server: SandboxServer, tmp_path: Path) -> None:
    tokens = FailingStore()
    channel = connect(server, tmp_path, tokens=tokens)
    advance(server, 2 * 3600)  # Tiki refuses the access token now
    tokens.broken = True
    with pytest.raises(OSError, match="disk full"):
        channel.find_listing("NO-SUCH-SKU")
    log = [(call["method"], call["path"], call["status"]) for call in server.calls()]
    # refused, refreshed — and never used, since it could not be kept
    assert log[-2:] == [
        ("GET", "/integration/v2/products/findBy", 401),
        ("POST", TOKEN, 200),
    ]
    channel.close()


def test_an_ended_authorization_asks_for_listsync_auth(
    server: SandboxServer, tmp_path: Path
) -> None:
    channel = connect(server, tmp_path)
    advance(server, 31 * 86_400)  # past the refresh token's 720 hours
    with pytest.raises(AuthError, match="run `listsync auth tiki` again"):
        channel.find_listing("NO-SUCH-SKU")
    channel.close()


def test_a_refusal_on_the_consent_page(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path, scope="offline everything")
    with pytest.raises(AuthError, match="Tiki did not authorize the shop"):
        channel.authorize(consent(channel))
    with pytest.raises(AuthError, match="no \\?code="):
        channel.authorize(REDIRECT)


def test_a_public_app_that_is_not_connected_yet(server: SandboxServer, tmp_path: Path) -> None:
    channel = channel_for(server, tmp_path)
    with pytest.raises(AuthError, match="run `listsync auth tiki`"):
        channel.find_listing("TSTH")
    assert server.calls() == []


def test_an_in_house_app_needs_no_browser(server: SandboxServer, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    tokens = MemoryTokenStore()
    channel = channel_for(server, tmp_path, clock=clock, tokens=tokens, app_type="in_house")
    assert not channel.needs_consent and channel.authorization_url(REDIRECT) == ""
    assert channel.authorize("") == SHOP
    token = tokens.load("tiki", SHOP)
    assert token is not None and token.refresh_token is None
    assert token.extra["app_type"] == "in_house"
    clock.advance(3600)  # expired: simply asked again, there is nothing to refresh
    assert channel.find_listing("NO-SUCH-SKU") is None
    advance(server, 2 * 3600)  # refused by Tiki: asked again once more
    assert channel.find_listing("NO-SUCH-SKU") is None
    assert grants(server) == ["client_credentials"] * 3
    calls = server.calls("POST", TOKEN)
    assert all("client_secret" not in call["params"] for call in calls)  # HTTP Basic
    channel.close()


def test_an_in_house_app_fetches_its_token_by_itself(server: SandboxServer, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()
    channel = channel_for(server, tmp_path, tokens=tokens, app_type="in_house", shop_id="")
    assert channel.find_listing("NO-SUCH-SKU") is None
    assert channel.shop_id == SHOP and tokens.load("tiki", SHOP) is not None
    assert grants(server) == ["client_credentials"]
    channel.close()


def test_the_secret_in_the_body_when_the_app_says_so(server: SandboxServer, tmp_path: Path) -> None:
    configure(server, token_auth_method="post")
    channel = connect(server, tmp_path, token_auth="post")
    assert channel.find_listing("NO-SUCH-SKU") is None
    (call,) = server.calls("POST", TOKEN)
    assert call["params"]["client_id"] == CLIENT_ID and "client_secret" in call["params"]
    other = channel_for(server, tmp_path, app_type="in_house")
    with pytest.raises(SetupError, match="token_auth \\(basic or post\\)"):
        other.authorize("")


# -- `listsync auth tiki` ---------------------------------------------------------------------
def cli(*args: str, stdin: str | None = None) -> Result:
    """``listsync ARGS`` as a clerk types it (as tests/cli runs the entry point)."""

    def entry() -> None:
        main(list(args))

    command = click.Command("listsync", callback=entry)
    return CliRunner().invoke(command, [], input=stdin, catch_exceptions=False)


def workspace(tmp_path: Path, server: SandboxServer, **tiki: Any) -> Path:
    root = tmp_path / "ws"
    write_workspace(root, {"tiki": server}, channel_overrides={"tiki": tiki})
    return root


def test_listsync_auth_tiki_for_an_in_house_app(server: SandboxServer, tmp_path: Path) -> None:
    root = workspace(tmp_path, server, app_type="in_house")
    done = cli("-w", str(root), "auth", "tiki")
    assert done.exit_code == 0, done.output
    assert "no browser needed" in done.output
    assert "tiki: shop 402871 is connected." in done.output
    assert "Open this link" not in done.output
    assert grants(server) == ["client_credentials"]
    status = cli("-w", str(root), "channels")
    assert status.exit_code == 0 and "tiki" in status.output


def test_listsync_auth_tiki_for_a_public_app(
    server: SandboxServer, app: TikiSandbox, tmp_path: Path
) -> None:
    root = workspace(tmp_path, server)
    callback = "http://127.0.0.1:8765/listsync/callback"
    link = channel_for(server, tmp_path).authorization_url(callback)
    page = requests.get(link, allow_redirects=False, timeout=10)
    done = cli("-w", str(root), "auth", "tiki", "--redirect-url", page.headers["Location"])
    assert done.exit_code == 0, done.output
    assert "tiki: shop 402871 is connected." in done.output
    assert grants(server) == ["authorization_code"]
    asked = cli("-w", str(root), "auth", "tiki", stdin="http://127.0.0.1:8765/x?error=denied\n")
    assert "Open this link" in asked.output and "/sc/oauth2/auth?" in asked.output
    assert asked.exit_code != 0 and "did not authorize" in asked.output
