"""Shopee v2 request signing (docs/marketplaces/shopee.md §1.2), kept apart to be checked alone.

The base string is a plain concatenation, no separators: ``partner_id + api_path +
timestamp`` for public calls, followed by ``access_token + shop_id`` for shop calls. The
digest is HMAC-SHA256 keyed with the partner key's UTF-8 bytes, as lowercase hex.
"""

from __future__ import annotations

import hashlib
import hmac

AUTH_PARTNER = "/api/v2/shop/auth_partner"
TOKEN_GET = "/api/v2/auth/token/get"
TOKEN_REFRESH = "/api/v2/auth/access_token/get"
UPLOAD_IMAGE = "/api/v2/media_space/upload_image"
PUBLIC_PATHS = frozenset({AUTH_PARTNER, TOKEN_GET, TOKEN_REFRESH, UPLOAD_IMAGE})


def is_public(path: str) -> bool:
    """Calls made without a shop: authorization, tokens, image upload, ``/api/v2/public/*``."""
    return path in PUBLIC_PATHS or path.startswith("/api/v2/public/")


def base_string(
    partner_id: int, path: str, timestamp: int, access_token: str = "", shop_id: str = ""
) -> str:
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def sign(
    partner_key: str,
    partner_id: int,
    path: str,
    timestamp: int,
    access_token: str = "",
    shop_id: str = "",
) -> str:
    message = base_string(partner_id, path, timestamp, access_token, shop_id)
    return hmac.new(partner_key.encode(), message.encode(), hashlib.sha256).hexdigest()
