"""Adapters are found through entry points, loaded lazily, and a broken one harms no other."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from listsync.channel.contract import ChannelPlugin
from listsync.channel.registry import GROUP, Registry, default_registry
from listsync.errors import ConfigError


def point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "listsync_broken.py").write_text("raise RuntimeError('half installed')\n")
    (tmp_path / "listsync_notaplugin.py").write_text("plugin = 42\n")
    (tmp_path / "listsync_counted.py").write_text(
        "import listsync_shopee\nLOADED = True\nplugin = listsync_shopee.plugin\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("listsync_broken", "listsync_notaplugin", "listsync_counted"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return tmp_path


def test_the_built_in_adapters_register_like_any_other() -> None:
    registry = default_registry()
    assert {"shopee", "lazada"} <= set(registry.names())
    assert all(isinstance(plugin, ChannelPlugin) for plugin in registry.load_all())


def test_adapters_load_only_when_asked(packages: Path) -> None:
    registry = Registry([point("counted", "listsync_counted:plugin")])
    assert registry.names() == ["counted"]
    assert "listsync_counted" not in sys.modules
    assert registry.get("counted").name == "shopee"
    assert "listsync_counted" in sys.modules


def test_a_broken_adapter_is_named_and_the_others_still_load(
    packages: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry = Registry(
        [
            point("broken", "listsync_broken:plugin"),
            point("odd", "listsync_notaplugin:plugin"),
            point("shopee", "listsync_shopee:plugin"),
        ]
    )
    loaded = registry.load_all()
    assert [plugin.name for plugin in loaded] == ["shopee"]
    assert set(registry.broken) == {"broken", "odd"}
    assert "package listsync_broken" in str(registry.broken["broken"])
    assert "half installed" in str(registry.broken["broken"])
    assert "not a ChannelPlugin" in str(registry.broken["odd"])
    assert "listsync_broken" in caplog.text
    with pytest.raises(ConfigError, match="listsync_broken"):
        registry.get("broken")


def test_an_unknown_channel_names_the_installed_ones() -> None:
    with pytest.raises(ConfigError, match="installed: lazada, shopee"):
        Registry(
            [point("lazada", "listsync_lazada:plugin"), point("shopee", "listsync_shopee:plugin")]
        ).get("tiki")
