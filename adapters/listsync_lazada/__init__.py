"""Lazada (Open Platform, Vietnam venture) for listsync.

Importing this module is cheap: the channel and the sandbox are imported when asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from listsync.channel import ChannelPlugin
from listsync_lazada.settings import LazadaSettings

if TYPE_CHECKING:
    from listsync.channel import Channel, ChannelContext, ChannelSettings
    from listsync.sandbox import SandboxApp

DEFAULT_RATE = 20.0


def _factory(settings: ChannelSettings, context: ChannelContext) -> Channel:
    from listsync_lazada.channel import LazadaChannel

    if not isinstance(settings, LazadaSettings):
        settings = LazadaSettings.model_validate(settings.model_dump())
    return LazadaChannel(settings, context)


def _sandbox() -> SandboxApp:
    from listsync_lazada.sandbox import LazadaSandbox

    return LazadaSandbox()


plugin = ChannelPlugin(
    name="lazada",
    title="Lazada Việt Nam",
    settings_model=LazadaSettings,
    factory=_factory,
    sandbox=_sandbox,
    default_rate=DEFAULT_RATE,
    notes="Lazada Open Platform, Vietnam venture: app_key/app_secret and `listsync auth lazada`.",
)

__all__ = ["LazadaSettings", "plugin"]
