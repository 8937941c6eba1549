"""Naming a channel: a mistyped name is answered with the one meant, ``listsync channels``
shows each problem whole, and every message points to a file the clerk has."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from listsync.channel.registry import default_registry
from tests.cli.test_main import run
from tests.test_i18n import source_messages

SHOPEE = '\n[channels.shopee]\nenabled = true\npartner_id = "1000001"\nshop_id = "2000001"\n'
SOURCE = Path(__file__).resolve().parents[2] / "listsync"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert run("init", str(workspace)).exit_code == 0
    with (workspace / "listsync.toml").open("a", encoding="utf-8") as config:
        config.write(SHOPEE)
    return workspace


@pytest.mark.parametrize("command", [("sync",), ("publish",), ("orders", "pull")])
def test_a_mistyped_channel_is_answered_with_the_one_meant(ws: Path, command: tuple[str]) -> None:
    result = run("-w", str(ws), *command, "--channel", "shope")
    assert result.exit_code == 2, result.output
    assert "did you mean shopee?" in result.output
    assert "[channels.shope]" not in result.output  # no section to add for a typo
    assert "Traceback" not in result.output


def test_a_mistyped_channel_is_matched_against_the_installed_adapters_too(ws: Path) -> None:
    result = run("-w", str(ws), "sync", "--channel", "lazda")
    assert result.exit_code == 2
    assert "did you mean lazada?" in result.output


def test_a_name_like_no_channel_lists_the_channels(ws: Path) -> None:
    result = run("-w", str(ws), "sync", "--channel", "ebay")
    assert result.exit_code == 2
    assert "did you mean" not in result.output and "[channels.ebay]" not in result.output
    for name in ("shopee", "lazada", "tiki", "alibaba"):
        assert name in result.output


def test_an_installed_channel_not_configured_points_to_the_workspace_file(ws: Path) -> None:
    result = run("-w", str(ws), "sync", "--channel", "tiki")
    assert result.exit_code == 2
    assert "did you mean" not in result.output
    assert "[channels.tiki]" in result.output
    assert str((ws / "listsync.toml").resolve()) in result.output


def test_a_mistyped_adapter_in_auth_is_answered_too(ws: Path) -> None:
    result = run("-w", str(ws), "auth", "shope")
    assert result.exit_code == 2
    assert "did you mean shopee?" in result.output


def test_no_message_names_a_file_that_pip_install_does_not_bring() -> None:
    """``config/`` is the source's: a clerk who ran ``pip install`` has none of it."""
    for path in SOURCE.rglob("*.py"):
        assert "listsync.example.toml" not in path.read_text(encoding="utf-8"), path
    for message, where in source_messages().items():
        texts = [message] if isinstance(message, str) else list(message)
        assert not any("config/" in text for text in texts), where


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_workspace_file_has_a_commented_example_of_every_channel(
    tmp_path: Path, language: str
) -> None:
    """What the messages point to: init's listsync.toml, each channel's section commented out;
    uncommented (and with its secret in .env), it is valid settings for that adapter."""
    from listsync.settings import channel_settings, load_settings, write_workspace_template

    write_workspace_template(tmp_path, language=language)
    text = (tmp_path / "listsync.toml").read_text(encoding="utf-8")
    opened = re.sub(r"^# (?=[a-z_]+ = |\[channels\.\w+\]$)", "", text, flags=re.M)
    sections = tomllib.loads(opened)["channels"]
    registry = default_registry()
    assert set(sections) == set(registry.names())
    secrets = {
        "shopee": "PARTNER_KEY",
        "lazada": "APP_SECRET",
        "tiki": "CLIENT_SECRET",
        "alibaba": "APP_SECRET",
    }
    with (tmp_path / ".env").open("a", encoding="utf-8") as env:
        for name, key in secrets.items():
            env.write(f"LISTSYNC_CHANNELS__{name.upper()}__{key}=s-0001\n")
    (tmp_path / "listsync.toml").write_text(opened, encoding="utf-8")
    settings = load_settings(tmp_path)
    for name in registry.names():
        assert sections[name]["enabled"] is True
        channel_settings(settings, name, registry.get(name).settings_model)


def test_channels_shows_every_problem_whole(ws: Path) -> None:
    with (ws / "listsync.toml").open("a", encoding="utf-8") as config:
        config.write('\n[channels.lazada]\nenabled = true\napp_key = "100001"\n')
    result = run("-w", str(ws), "channels")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    table = lines[: next(i for i, line in enumerate(lines) if not line.strip())]
    assert not any(line.rstrip().endswith(("…", "...")) for line in table)
    env = ws.resolve() / ".env"
    for name, key in (("shopee", "PARTNER_KEY"), ("lazada", "APP_SECRET")):
        whole = f"put it in {env} as LISTSYNC_CHANNELS__{name.upper()}__{key}=…"
        assert any(line.strip().endswith(whole) for line in lines), (name, result.output)
