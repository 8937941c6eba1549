"""Tiki (Tiki Open Platform, Vietnam) for listsync.

Importing this module is cheap: the channel and the sandbox are imported when asked for.
"""

from __future__ import annotations

from listsync.channel.contract import ChannelPlugin, lazy_channel, lazy_sandbox
from listsync_tiki.settings import TikiSettings

DEFAULT_RATE = 20.0  # Tiki allows 200 calls a second per seller; a co-op needs far fewer

plugin = ChannelPlugin(
    name="tiki",
    title="Tiki",
    settings_model=TikiSettings,
    factory=lazy_channel("listsync_tiki.channel:TikiChannel", TikiSettings),
    sandbox=lazy_sandbox("listsync_tiki.sandbox.app:TikiSandbox"),
    default_rate=DEFAULT_RATE,
    notes=(
        "Tiki Open Platform: a public app (`listsync auth tiki` opens Tiki's consent page) or "
        "an in-house app (client credentials, no browser); new products wait in Tiki's review."
    ),
)

__all__ = ["TikiSettings", "plugin"]
