"""`listsync init --force` loses nothing: settings, secrets and the ledger key stay, and the
old files are saved beside the new ones (the .env's copy private), the output naming them."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

import pytest

from listsync.settings import init_workspace_files, load_settings
from listsync.workspace import Workspace
from tests.cli.test_main import run
from tests.sync.support import ok, sandbox_workspace

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")

SHOP = """
# our shop on Shopee
[channels.shopee]
enabled = true
partner_id = "1000001"
shop_id = "2000001"

[sync]
workers = 2
"""


def backups(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f"{name}.bak-*"))


def backup_named(output: str, path: Path) -> Path:
    found = re.search(rf"{re.escape(str(path))}\.bak-\S+", output)
    assert found, output
    return Path(found[0])


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace a clerk has set up: a shop, a secret, settings of their own."""
    workspace = tmp_path / "htx"
    assert run("init", str(workspace)).exit_code == 0
    config = workspace / "listsync.toml"
    text = config.read_text(encoding="utf-8").replace(
        'catalog = "catalog.yaml"', 'catalog = "sp.xlsx"'
    )
    config.write_text(text.replace("timezone", "backfill_days = 7\ntimezone") + SHOP, "utf-8")
    with (workspace / ".env").open("a", encoding="utf-8") as env:
        env.write("LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=partner-secret-1234\n")
    return workspace


@posix_only
def test_force_keeps_settings_and_secrets_and_saves_the_old_files(ws: Path, tmp_path: Path) -> None:
    config, env = ws / "listsync.toml", ws / ".env"
    before = {path: path.read_bytes() for path in (config, env)}
    settings = load_settings(ws)
    key = settings.ledger_key

    result = run("init", "--force", str(ws))

    assert result.exit_code == 0, result.output
    for path in (config, env):
        backup = backup_named(result.output, path)
        assert f"refreshed {path}" in result.output
        assert backups(ws, path.name) == [backup]
        assert backup.read_bytes() == before[path]
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    after = load_settings(ws)
    assert after.ledger_key == key and key is not None
    assert after.channels["shopee"]["partner_key"] == "partner-secret-1234"
    assert after.channels == settings.channels
    assert (after.backfill_days, after.sync.workers) == (7, 2)
    assert after.catalog == settings.catalog
    text = config.read_text(encoding="utf-8")
    assert "# our shop on Shopee\n[channels.shopee]" in text  # the sections as written
    fresh = tmp_path / "fresh"
    init_workspace_files(fresh)
    head = (fresh / "listsync.toml").read_text(encoding="utf-8").split("\n\n")[0]
    assert text.startswith(head)  # the template's explanations, fresh
    assert tomllib.loads(text) == tomllib.loads(before[config].decode())


def test_force_again_changes_nothing(ws: Path) -> None:
    assert run("init", "--force", str(ws)).exit_code == 0
    files = {path: path.read_bytes() for path in (ws / "listsync.toml", ws / ".env")}
    again = run("init", "--force", str(ws))
    assert again.exit_code == 0, again.output
    assert f"kept {ws / 'listsync.toml'} as it was" in again.output
    assert f"kept {ws / '.env'} as it was" in again.output
    assert {path: path.read_bytes() for path in files} == files
    assert len(backups(ws, "listsync.toml")) == len(backups(ws, ".env")) == 1


def test_an_unreadable_listsync_toml_is_saved_then_made_anew(ws: Path) -> None:
    config = ws / "listsync.toml"
    config.write_text("[channels.shopee\nenabled = true\n", encoding="utf-8")
    result = run("init", "--force", str(ws))
    assert result.exit_code == 0, result.output
    assert f"{config} could not be read, so a fresh one was written" in result.output
    backup = backup_named(result.output, config)
    assert backup.read_text(encoding="utf-8") == "[channels.shopee\nenabled = true\n"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["catalog"] == "catalog.yaml"
    assert "partner-secret-1234" in (ws / ".env").read_text(encoding="utf-8")


def test_settings_that_cannot_be_carried_exactly_are_left_alone(tmp_path: Path) -> None:
    """A dotted key that a fresh file could not hold beside the tables: kept as it is."""
    text = "channels.tiki = { enabled = true }\n\n[channels.shopee]\nenabled = true\n"
    (tmp_path / "listsync.toml").write_text(text, encoding="utf-8")
    made = init_workspace_files(tmp_path, force=True)
    assert [(m.path.name, m.how, m.backup) for m in made] == [
        ("listsync.toml", "kept", None),
        (".env", "new", None),
    ]
    assert (tmp_path / "listsync.toml").read_text(encoding="utf-8") == text


def test_without_force_nothing_is_written(ws: Path) -> None:
    before = (ws / ".env").read_bytes()
    result = run("init", str(ws))
    assert result.exit_code == 2
    assert "not overwriting" in result.output and "--force" in result.output
    assert (ws / ".env").read_bytes() == before and backups(ws, ".env") == []


def test_the_shops_tokens_still_open_after_force(tmp_path: Path) -> None:
    """The ledger key in .env seals the shops' tokens: a fresh key would lock them away."""
    with sandbox_workspace(tmp_path / "ws", ("shopee",)) as sw:
        shop = sw.shop("shopee")
        assert sw.ws.tokens.load("shopee", shop) is not None
        result = run("init", "--force", str(sw.root))
        assert result.exit_code == 0, result.output
        with Workspace(Workspace.open(sw.root).settings, clock=sw.clock) as again:
            assert again.tokens.load("shopee", shop) is not None
            ok(again.sync_engine().run(["shopee"]))
        listed = run("-w", str(sw.root), "channels")
        assert "authorized until" in listed.output, listed.output
