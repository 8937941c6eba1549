"""``Workspace.remember_shop``: once a shop is connected (``listsync auth``, the Shops page),
its shop_id is saved in listsync.toml and the clerk is told so, in one sentence made here
for both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listsync.workspace import Workspace

SHOPEE = '[channels.shopee]\nenabled = true  # selling there\npartner_id = "1000001"\n{extra}\n'
posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("LISTSYNC_") and name != "LISTSYNC_LANG":
            monkeypatch.delenv(name)


def workspace(root: Path, extra: str = "", mode: int = 0o600) -> Path:
    root.mkdir(exist_ok=True)
    config = root / "listsync.toml"
    config.write_text('catalog = "catalog.yaml"\n\n' + SHOPEE.format(extra=extra), "utf-8")
    config.chmod(mode)
    env = root / ".env"
    env.write_text("LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY=sandbox-key\n", encoding="utf-8")
    env.chmod(0o600)
    return config


def shop_id_now(root: Path) -> object:
    """The shop_id a command run now would use: the settings read again."""
    with Workspace.open(root) as ws:
        return getattr(ws.channel_settings("shopee"), "shop_id", None)


def test_a_first_shop_is_saved_and_used_from_then_on(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    with Workspace.open(tmp_path) as ws:
        said = ws.remember_shop("shopee", "322300222")
        assert ws.channel_settings("shopee").model_dump()["shop_id"] == "322300222"
    assert said == (
        f"shopee: shop 322300222 is connected; its shop_id is saved in {config.resolve()}."
    )
    assert 'partner_id = "1000001"\nshop_id = "322300222"\n' in config.read_text("utf-8")
    assert "# selling there" in config.read_text("utf-8")
    assert shop_id_now(tmp_path) == "322300222"


def test_another_shop_in_the_file_is_replaced_and_named(tmp_path: Path) -> None:
    config = workspace(tmp_path, 'shop_id = "2000001"  # the example, left as it was')
    with Workspace.open(tmp_path) as ws:
        said = ws.remember_shop("shopee", "322300222")
    assert said.endswith(f"its shop_id is saved in {config.resolve()} (it was 2000001).")
    assert 'shop_id = "322300222"  # the example, left as it was' in config.read_text("utf-8")
    assert shop_id_now(tmp_path) == "322300222"


def test_the_shop_already_there_changes_nothing(tmp_path: Path) -> None:
    config = workspace(tmp_path, "shop_id = 322300222")
    os.utime(config, (1_000_000_000, 1_000_000_000))
    with Workspace.open(tmp_path) as ws:
        assert ws.remember_shop("shopee", "322300222") == "shopee: shop 322300222 is connected."
    assert config.stat().st_mtime == 1_000_000_000


@posix_only
def test_a_read_only_file_is_not_written_and_the_clerk_is_told_what_to_add(
    tmp_path: Path,
) -> None:
    config = workspace(tmp_path, mode=0o400)
    before = config.read_text("utf-8")
    with Workspace.open(tmp_path) as ws:
        said = ws.remember_shop("shopee", "322300222")
    assert said.splitlines() == [
        "shopee: shop 322300222 is connected.",
        'Add shop_id = "322300222" to [channels.shopee] in listsync.toml.',
    ]
    assert config.read_text("utf-8") == before


def test_a_file_that_cannot_be_written_gets_the_same_advice(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    (tmp_path / ".listsync.toml.partial").mkdir()  # in the way of the new file
    with Workspace.open(tmp_path) as ws:
        said = ws.remember_shop("shopee", "322300222")
    assert said.splitlines()[1].startswith('Add shop_id = "322300222" to [channels.shopee]')
    assert "322300222" not in config.read_text("utf-8")
    assert shop_id_now(tmp_path) is None


@pytest.mark.parametrize("where", ["env", "dotenv"])
def test_a_shop_id_set_where_it_wins_over_the_file_is_named_not_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    config = workspace(tmp_path)
    variable = "LISTSYNC_CHANNELS__SHOPEE__SHOP_ID"
    if where == "env":
        monkeypatch.setenv(variable, "2000001")
    else:
        with (tmp_path / ".env").open("a", encoding="utf-8") as env:
            env.write(f"{variable}=2000001\n")
    before = config.read_text("utf-8")
    with Workspace.open(tmp_path) as ws:
        said = ws.remember_shop("shopee", "322300222")
    label = variable if where == "env" else f"{tmp_path.resolve() / '.env'} {variable}"
    assert said.splitlines()[1] == (
        f"{label} names shop 2000001 and wins over listsync.toml: set it to 322300222."
    )
    assert config.read_text("utf-8") == before  # writing it there would change nothing


def test_a_channel_set_only_in_the_environment_gets_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "listsync.toml"
    tmp_path.joinpath(".env").write_text("", encoding="utf-8")
    tmp_path.joinpath(".env").chmod(0o600)
    config.write_text('catalog = "catalog.yaml"\n', encoding="utf-8")
    monkeypatch.setenv("LISTSYNC_CHANNELS__SHOPEE__PARTNER_ID", "1000001")
    monkeypatch.setenv("LISTSYNC_CHANNELS__SHOPEE__PARTNER_KEY", "sandbox-key")
    with Workspace.open(tmp_path) as ws:
        assert "is saved in" in ws.remember_shop("shopee", "5")
    assert config.read_text("utf-8").endswith('\n[channels.shopee]\nshop_id = "5"\n')
    assert shop_id_now(tmp_path) == "5"
