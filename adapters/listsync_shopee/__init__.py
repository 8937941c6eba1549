"""Shopee (Open Platform v2) for listsync: the channel adapter and its local sandbox.

Importing this module is cheap: the client, mapping and sandbox load only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from listsync.channel import ChannelPlugin
from listsync_shopee.settings import ShopeeSettings

if TYPE_CHECKING:
    from listsync.channel import Channel, ChannelContext, ChannelSettings
    from listsync.sandbox import SandboxApp

DEFAULT_RATE = 10.0


def _factory(settings: ChannelSettings, context: ChannelContext) -> Channel:
    from listsync_shopee.channel import ShopeeChannel

    if not isinstance(settings, ShopeeSettings):
        settings = ShopeeSettings.model_validate(settings.model_dump())
    return ShopeeChannel(settings, context)


def _sandbox() -> SandboxApp:
    from listsync_shopee.sandbox import ShopeeSandbox

    return ShopeeSandbox()


plugin = ChannelPlugin(
    name="shopee",
    title="Shopee",
    settings_model=ShopeeSettings,
    factory=_factory,
    sandbox=_sandbox,
    default_rate=DEFAULT_RATE,
    notes="Shopee Open Platform v2: one shop per app authorization, VND prices.",
)

__all__ = ["ShopeeSettings", "plugin"]
