"""The ``[channels.alibaba]`` section of listsync.toml.

Key names match the sandbox's JSON line (``listsync sandbox serve alibaba --json``):
``base_url`` (the gateway, ``…/rest``), ``authorize_url`` (the seller's consent page,
``…/oauth/authorize``), ``app_key``, ``app_secret``, ``shop_id`` (Alibaba's seller id) and
``inventory_code`` (the warehouse whose stock listsync moves), so a line can be pasted into
a workspace as it is. The rest are this adapter's own switches.

Production hosts (UNCONFIRMED, docs/marketplaces/alibaba.md §4.1: no official page names
one canonical host): ``https://open-api.alibaba.com/rest`` with its consent page
``https://open-api.alibaba.com/oauth/authorize``. It is the host of the working integration
that calls the TOP-named product APIs on ``/sync`` and the token APIs on ``/rest`` of the
same gateway, which is how this client speaks (:mod:`listsync_alibaba.client`). The other
host seen in working code, ``https://openapi-api.alibaba.com/rest`` with
``https://openapi-auth.alibaba.com/oauth/authorize``, is two settings away.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from listsync.channel.contract import ChannelSettings

PRODUCTION_API = "https://open-api.alibaba.com/rest"
PRODUCTION_AUTHORIZE = "https://open-api.alibaba.com/oauth/authorize"


class AlibabaSettings(ChannelSettings):
    base_url: str = PRODUCTION_API
    authorize_url: str = PRODUCTION_AUTHORIZE
    app_key: str = Field(min_length=1)
    app_secret: SecretStr
    shop_id: str = ""  # Alibaba's seller id; `listsync auth alibaba` tells it
    # the warehouse code stock is moved in; empty: the one each product's inventory names
    inventory_code: str = ""
    # where TOP-named APIs (alibaba.icbu.product.add, …) are sent: "sync" posts them to the
    # gateway's /sync beside /rest (working integrations); "rest" posts them to base_url
    # itself with method=<name>, as the 2025 official SDK does
    top_gateway: Literal["sync", "rest"] = "sync"
    sync_url: str | None = None  # the /sync address, when it is not base_url's sibling
    # "wholesale": online orders (Trade Assurance) with stock and a price ladder;
    # "sourcing": an inquiry listing (FOB range, no online stock)
    product_type: Literal["wholesale", "sourcing"] = "wholesale"
    order_page_size: int = Field(default=50, ge=1, le=100)
    product_page_size: int = Field(default=30, ge=1, le=30)  # product.list: at most 30
    max_product_pages: int = Field(default=50, ge=1)  # a lookup by SKU reads at most these
