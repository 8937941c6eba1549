"""``listsync sandbox serve`` without ``--json`` shows what connecting takes, per marketplace:
its address, app credentials, secret and shop, as lines to copy into a workspace."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from listsync.channel.registry import default_registry
from listsync.settings import channel_settings, load_settings
from tests.cli.test_main import run
from tests.sync.support import LISTSYNC

LAST_LINE = "Serving; press Ctrl+C to stop."


def serve(*names: str) -> list[str]:
    """What ``listsync sandbox serve NAMES…`` prints before it waits, then it is stopped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTSYNC_")}
    server = subprocess.Popen(
        [*LISTSYNC, "sandbox", "serve", *names],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if line.strip() == LAST_LINE:
                break
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert lines and lines[-1] == LAST_LINE, lines
    return lines


def block(lines: list[str], title: str) -> list[str]:
    """The indented lines under ``title`` (``in listsync.toml:``), without their indent."""
    start = lines.index(f"  {title}") + 1
    found = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        found.append(line.strip())
    return found


def test_serve_shows_the_keys_to_connect_each_marketplace(tmp_path: Path) -> None:
    lines = serve("shopee", "lazada")
    shopee, lazada, *_rest = (part.splitlines() for part in "\n".join(lines).split("\n\n"))
    assert shopee[0].startswith("shopee: http://127.0.0.1:")
    assert lazada[0].startswith("lazada: http://127.0.0.1:")
    section = block(shopee, "in listsync.toml:")
    assert section[:2] == ["[channels.shopee]", "enabled = true"]
    keys = {line.split(" = ")[0] for line in section[1:]}
    assert keys >= {"base_url", "partner_id", "shop_id"}
    (secret,) = block(shopee, "in .env:")
    assert secret.startswith("LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=sandbox-")
    assert {line.split(" = ")[0] for line in block(lazada, "in listsync.toml:")} >= {
        "app_key",
        "shop_id",
        "base_url",
        "auth_url",
    }
    assert block(lazada, "in .env:")[0].startswith("LISTSYNC_CHANNELS__LAZADA__APP_SECRET=")
    assert "listsync auth <channel>" in "\n".join(lines)

    # copied as they are, they are a workspace's valid settings
    ws = tmp_path / "ws"
    assert run("init", str(ws)).exit_code == 0
    with (ws / "listsync.toml").open("a", encoding="utf-8") as config:
        for part in (shopee, lazada):
            config.write("\n" + "\n".join(block(part, "in listsync.toml:")) + "\n")
    with (ws / ".env").open("a", encoding="utf-8") as env:
        for part in (shopee, lazada):
            env.write("\n".join(block(part, "in .env:")) + "\n")
    assert set(tomllib.loads((ws / "listsync.toml").read_text("utf-8"))["channels"]) == {
        "shopee",
        "lazada",
    }
    settings = load_settings(ws)
    for name in ("shopee", "lazada"):
        channel_settings(settings, name, default_registry().get(name).settings_model)
