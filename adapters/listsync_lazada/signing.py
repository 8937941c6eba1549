"""Lazada's request signature, shared by the client and the sandbox.

The string signed is the API path followed by every parameter sorted by name, written as
``name`` + ``value`` with no separators and no URL encoding; ``sign`` itself and file
fields are left out. Keyed with the app secret, uppercase hex. The official vector is in
docs/marketplaces/lazada.md §2.2 and in the tests.

``sign_method`` names the digest (Lazada signature guide, docId 108068, and its Java
sample): ``sha256`` is HMAC-SHA256, what the guide and every current SDK use and what
this client sends; ``hmac`` is the older HMAC-MD5 (the guide's "Reconfigure existing app"
sample request carries ``sign_method=hmac`` with a 32-hex-digit sign, and Lazada's Ruby
SDK changelog reads "change sign method from hmac-md5 to hmac-sha256"). The gateway
accepts both.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_METHOD = "sha256"
DIGESTS: dict[str, Callable[..., Any]] = {"sha256": hashlib.sha256, "hmac": hashlib.md5}


def string_to_sign(api_path: str, params: Mapping[str, str]) -> str:
    return api_path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")


def sign(
    api_path: str, params: Mapping[str, str], secret: str, method: str = DEFAULT_METHOD
) -> str:
    """The signature; ``method`` is a ``sign_method`` of :data:`DIGESTS` (KeyError if not)."""
    digest = DIGESTS[method.lower()]
    message = string_to_sign(api_path, params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, digest).hexdigest().upper()
