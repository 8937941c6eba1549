"""Alibaba.com (ICBU, the Vietnam Pavilion's B2B export marketplace) for listsync.

Importing this module is cheap: the channel and the sandbox are imported when asked for.
"""

from __future__ import annotations

from listsync.channel.contract import ChannelPlugin, lazy_channel, lazy_sandbox
from listsync_alibaba.settings import AlibabaSettings

# Alibaba publishes no per-second limit for ICBU (UNCONFIRMED; an app's "flow limit" is a
# daily quota, 1,000,000 calls in one integrator's console): a co-op needs few calls.
DEFAULT_RATE = 5.0

plugin = ChannelPlugin(
    name="alibaba",
    title="Alibaba.com",
    settings_model=AlibabaSettings,
    factory=lazy_channel("listsync_alibaba.channel:AlibabaChannel", AlibabaSettings),
    sandbox=lazy_sandbox("listsync_alibaba.sandbox.app:AlibabaSandbox"),
    default_rate=DEFAULT_RATE,
    notes=(
        "Alibaba.com Open Platform (B2B export): app_key/app_secret and `listsync auth "
        "alibaba`; English listings with USD price tiers, reviewed by Alibaba; stock by deltas."
    ),
)

__all__ = ["AlibabaSettings", "plugin"]
