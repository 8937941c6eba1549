"""The address a seller is sent back to after approving an app on a marketplace's consent
page: its code, or a sentence saying why there is none. Every OAuth-style adapter reads it
the same way (RFC 6749 §4.1.2: ``code`` and ``state``, or ``error``)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from listsync.errors import AuthError
from listsync.i18n import _


def consent_code(
    redirected_url: str, *, channel: str, marketplace: str, state: str | None = None
) -> str:
    """The authorization code in ``redirected_url``.

    ``state`` is the value sent with the consent link, when the adapter sent one: an address
    carrying another state belongs to another attempt and is refused.
    """
    query = parse_qs(urlsplit(redirected_url.strip()).query)
    if "error" in query:
        raise AuthError(
            _("{marketplace} did not authorize the shop: {error}").format(
                marketplace=marketplace,
                error=(query.get("error_description") or query["error"])[0],
            ),
            channel=channel,
            call="authorize",
        )
    codes = query.get("code")
    if not codes:
        raise AuthError(
            _(
                "the address has no ?code=… from {marketplace}; paste the whole address you "
                "landed on"
            ).format(marketplace=marketplace),
            channel=channel,
            call="authorize",
        )
    returned = query.get("state")
    if state is not None and returned and returned[0] != state:
        raise AuthError(
            _("the address belongs to another authorization attempt; start again"),
            channel=channel,
            call="authorize",
        )
    return codes[0]


def code_refused(marketplace: str, channel: str, said: str, *, call: str) -> AuthError:
    """The marketplace turned down the consent code when trading it for the shop's first
    tokens: the code was mistyped, already used or too old. Nothing was connected before,
    so this says how to get a new code, not that an authorization ended."""
    return AuthError(
        _(
            "{marketplace} refused the authorization code ({said}): a code works once, and"
            " only for a short while after approving; run `listsync auth {channel}` again"
            " and approve straight away"
        ).format(marketplace=marketplace, said=said, channel=channel),
        channel=channel,
        call=call,
    )


def link_state(link: str) -> str | None:
    """The ``state`` a consent link carries: what the address coming back must carry too
    (None for a marketplace whose consent page takes none)."""
    states = parse_qs(urlsplit(link).query).get("state")
    return states[0] if states else None


class Consent:
    """``listsync auth``: the consent link (with a ``state`` of its own), then the code in
    the address the seller came back to, handed to ``exchange`` (which returns the shop id)."""

    def __init__(
        self,
        authorize_url: str,
        client_id: str,
        exchange: Callable[[str], str],
        *,
        channel: str,
        marketplace: str,
        extra: Mapping[str, str] | None = None,
    ):
        self.authorize_url = authorize_url
        self.client_id = client_id
        self.exchange = exchange
        self.channel = channel
        self.marketplace = marketplace
        self.extra = dict(extra or {})
        self._state: str | None = None

    def link(self, redirect_url: str) -> str:
        self._state = secrets.token_urlsafe(12)
        query = {
            "response_type": "code",
            **self.extra,
            "redirect_uri": redirect_url,
            "client_id": self.client_id,
            "state": self._state,
        }
        return f"{self.authorize_url}?{urlencode(query)}"

    def complete(self, redirected_url: str) -> str:
        code = consent_code(
            redirected_url, channel=self.channel, marketplace=self.marketplace, state=self._state
        )
        return self.exchange(code)
