"""The ``[channels.shopee]`` section: key names match ``listsync sandbox serve --json``."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator

from listsync.channel.contract import ChannelSettings
from listsync.i18n import _

PRODUCTION_URL = "https://partner.shopeemobile.com"


class ShopeeSettings(ChannelSettings):
    """Shopee Open Platform v2 credentials of one app, and the shop it sells for.

    ``partner_id`` and ``partner_key`` come from the Shopee Open Platform console (App
    List); ``shop_id`` is printed by ``listsync auth shopee`` after the seller approves.
    """

    base_url: str = PRODUCTION_URL
    partner_id: int = Field(gt=0)
    partner_key: SecretStr
    shop_id: str | None = None

    @field_validator("shop_id", mode="before")
    @classmethod
    def _shop_id_text(cls, value: Any) -> Any:
        """Shop ids are numbers on the wire; TOML and JSON may give either form."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("shop_id")
    @classmethod
    def _shop_id_digits(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().isdigit():
            raise ValueError(_("a Shopee shop_id is a number, e.g. 322300222"))
        return value.strip() if value is not None else None
