"""Alibaba.com's request signatures, shared by the client and the sandbox.

The current Open Platform (IOP, docs/marketplaces/alibaba.md §4.2, from the official
Python SDK ``iop/base.py``): every parameter except ``sign`` and files, sorted by name and
written ``name`` + ``value`` with no separators; when the API name contains a ``/``
(path-style, ``/auth/token/create``) that path comes first, a TOP-style name
(``alibaba.icbu.product.list``) is not prefixed. Uppercase hex HMAC-SHA256 keyed with the
app secret; ``sign_method=sha256``. The vector of §4.2 is in the tests.

The legacy TOP router signed ``md5`` (MD5 of secret + string + secret) or ``hmac``
(HMAC-MD5), uppercase hex, never prefixed: :func:`sign_top`, for the sandbox and for the
vectors of §4.2. This client signs the IOP way only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGN_METHOD = "sha256"


def concatenated(params: Mapping[str, str]) -> str:
    return "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")


def string_to_sign(api: str, params: Mapping[str, str]) -> str:
    """What is signed: the API path first for path-style names, then the parameters."""
    prefix = api if "/" in api else ""
    return prefix + concatenated(params)


def sign(api: str, params: Mapping[str, str], secret: str) -> str:
    """The IOP signature (HMAC-SHA256, uppercase hex) of a call to ``api``."""
    message = string_to_sign(api, params).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest().upper()


def sign_top(params: Mapping[str, str], secret: str, method: str = "md5") -> str:
    """The legacy TOP signature: ``md5`` or ``hmac`` (HMAC-MD5), uppercase hex."""
    text = concatenated(params)
    if method == "md5":
        return hashlib.md5((secret + text + secret).encode("utf-8")).hexdigest().upper()
    if method == "hmac":
        return hmac.new(secret.encode(), text.encode("utf-8"), hashlib.md5).hexdigest().upper()
    raise KeyError(method)
