"""The ``[channels.tiki]`` section of listsync.toml.

Key names match the sandbox's JSON line (``listsync sandbox serve tiki --json``): ``base_url``,
``auth_url`` (the OAuth 2.0 server; its token endpoint is ``{auth_url}/token``),
``authorize_url`` (the seller's consent page), ``client_id``, ``client_secret``, ``shop_id``
(Tiki's seller id) and ``warehouse_id`` (the seller warehouse whose stock listsync sets), so
a line can be pasted into a workspace as it is. The rest are this adapter's own switches.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from listsync.channel.contract import ChannelSettings

PRODUCTION_API = "https://api.tiki.vn"
PRODUCTION_AUTH = "https://api.tiki.vn/sc/oauth2"
PRODUCTION_AUTHORIZE = "https://api.tiki.vn/sc/oauth2/auth"
DEFAULT_SCOPE = "offline product order inventory"


class TikiSettings(ChannelSettings):
    base_url: str = PRODUCTION_API
    auth_url: str = PRODUCTION_AUTH
    authorize_url: str = PRODUCTION_AUTHORIZE
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    shop_id: str = ""  # Tiki's seller id; `listsync auth tiki` tells it
    warehouse_id: int = Field(gt=0)  # the seller warehouse listsync sets stock in
    # "public": a seller connects through Tiki's consent page (authorization code);
    # "in_house": the app belongs to the seller and takes client credentials, no browser
    app_type: Literal["public", "in_house"] = "public"
    scope: str = DEFAULT_SCOPE
    # how the app proves itself at the token endpoint, as registered on open.tiki.vn:
    # "basic" = client_secret_basic (HTTP Basic header), "post" = client_secret_post (body)
    token_auth: Literal["basic", "post"] = "basic"
    activate_approved: bool = True  # turn products on as soon as Tiki approves them
    # where the co-op's photos are published on the web: base + the photo's path relative
    # to the workspace (Tiki takes photo addresses; it has no upload call)
    image_base_url: str | None = None
    inventory_type: str | None = None  # dropship, instock, backorder…; None: the contract's
    language: Literal["vi", "en"] = "vi"
    offer_batch: int = Field(default=50, ge=1, le=50)  # updateSkus: 50 (UNCONFIRMED)
    order_page_size: int = Field(default=50, ge=1, le=100)
    request_page_size: int = Field(default=50, ge=1, le=100)
