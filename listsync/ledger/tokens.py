"""Shop tokens kept in the ledger, so a refreshed token outlives the run that got it."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy import select

from listsync.channel.contract import Token
from listsync.ledger.base import LedgerBase, upsert
from listsync.ledger.schema import TOKEN
from listsync.redact import register_secrets


class LedgerTokenStore:
    """:class:`~listsync.channel.contract.TokenStore` on the ledger; ``save`` has committed."""

    def __init__(self, ledger: LedgerBase):
        self._ledger = ledger

    def __repr__(self) -> str:
        return f"LedgerTokenStore({self._ledger!r})"

    def load(self, channel: str, shop_id: str) -> Token | None:
        query = select(TOKEN).where(TOKEN.c.channel == channel, TOKEN.c.shop_id == shop_id)
        with self._ledger.read() as session:
            row = session.connection().execute(query).mappings().first()
        if row is None:
            return None
        refresh = row["refresh_token"]
        register_secrets(row["access_token"], refresh or "")
        return Token(
            access_token=SecretStr(row["access_token"]),
            expires_at=row["expires_at"],
            refresh_token=None if refresh is None else SecretStr(refresh),
            refresh_expires_at=row["refresh_expires_at"],
            extra=row["extra"],
        )

    def save(self, channel: str, shop_id: str, token: Token) -> None:
        register_secrets(*token.secret_values())
        row = {
            "channel": channel,
            "shop_id": shop_id,
            "access_token": token.access_token.get_secret_value(),
            "refresh_token": (
                None if token.refresh_token is None else token.refresh_token.get_secret_value()
            ),
            "expires_at": token.expires_at,
            "refresh_expires_at": token.refresh_expires_at,
            "extra": dict(token.extra),
            "updated_at": self._ledger.now(),
        }
        with self._ledger.write() as session:
            upsert(session.connection(), TOKEN, ("channel", "shop_id"), [row])
