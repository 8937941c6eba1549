"""Shopee (Open Platform v2) for listsync: the channel adapter and its local sandbox.

Importing this module is cheap: the client, mapping and sandbox load only when used.
"""

from __future__ import annotations

from listsync.channel.contract import ChannelPlugin, lazy_channel, lazy_sandbox
from listsync_shopee.settings import ShopeeSettings

DEFAULT_RATE = 10.0

plugin = ChannelPlugin(
    name="shopee",
    title="Shopee",
    settings_model=ShopeeSettings,
    factory=lazy_channel("listsync_shopee.channel:ShopeeChannel", ShopeeSettings),
    sandbox=lazy_sandbox("listsync_shopee.sandbox.app:ShopeeSandbox"),
    default_rate=DEFAULT_RATE,
    notes="Shopee Open Platform v2: one shop per app authorization, VND prices.",
)

__all__ = ["ShopeeSettings", "plugin"]
