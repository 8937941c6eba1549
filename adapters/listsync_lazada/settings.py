"""The ``[channels.lazada]`` section of listsync.toml.

Key names match the sandbox's JSON line (``listsync sandbox serve lazada --json``), so a
line can be pasted into a workspace as it is.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from listsync.channel.contract import ChannelSettings

PRODUCTION_API = "https://api.lazada.vn/rest"
PRODUCTION_AUTH = "https://auth.lazada.com/rest"
PRODUCTION_AUTHORIZE = "https://auth.lazada.com/oauth/authorize"


class LazadaSettings(ChannelSettings):
    base_url: str = PRODUCTION_API
    auth_url: str = PRODUCTION_AUTH
    authorize_url: str = PRODUCTION_AUTHORIZE
    app_key: str = Field(min_length=1)
    app_secret: SecretStr
    shop_id: str = ""  # Lazada's seller_id; `listsync auth lazada` tells it
    country: str = "vn"
    language: Literal["vi", "en"] = "vi"
    payload_format: Literal["json", "xml"] = "json"
    offer_batch: int = Field(default=20, ge=1, le=50)
    order_page_size: int = Field(default=100, ge=1, le=100)
