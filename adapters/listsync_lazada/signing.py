"""Lazada's request signature, shared by the client and the sandbox.

The string signed is the API path followed by every parameter sorted by name, written as
``name`` + ``value`` with no separators and no URL encoding; ``sign`` itself and file
fields are left out. HMAC-SHA256 keyed with the app secret, uppercase hex. The official
vector is in shared/marketplaces/lazada.md and in the tests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def string_to_sign(api_path: str, params: Mapping[str, str]) -> str:
    return api_path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")


def sign(api_path: str, params: Mapping[str, str], secret: str) -> str:
    message = string_to_sign(api_path, params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()
