"""Lazada (Open Platform, Vietnam venture) for listsync.

Importing this module is cheap: the channel and the sandbox are imported when asked for.
"""

from __future__ import annotations

from listsync.channel.contract import ChannelPlugin, lazy_channel, lazy_sandbox
from listsync_lazada.settings import LazadaSettings

DEFAULT_RATE = 20.0

plugin = ChannelPlugin(
    name="lazada",
    title="Lazada Việt Nam",
    settings_model=LazadaSettings,
    factory=lazy_channel("listsync_lazada.channel:LazadaChannel", LazadaSettings),
    sandbox=lazy_sandbox("listsync_lazada.sandbox.app:LazadaSandbox"),
    default_rate=DEFAULT_RATE,
    notes="Lazada Open Platform, Vietnam venture: app_key/app_secret and `listsync auth lazada`.",
)

__all__ = ["LazadaSettings", "plugin"]
