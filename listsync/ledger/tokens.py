"""Shop tokens kept in the ledger, sealed, so a refreshed token outlives the run that got it.

People send their ledger to whoever helps them. A token in it would be live access to the
shop, so tokens are sealed (Fernet: AES in CBC mode with an HMAC, from ``cryptography``)
with a key that lives only in the workspace's private ``.env`` (``LISTSYNC_LEDGER_KEY``).
A ledger file on its own carries no live access. A ledger written before tokens were
sealed still reads; :meth:`LedgerTokenStore.seal_plain` seals what it holds.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from sqlalchemy import select

from listsync.channel.contract import Token
from listsync.errors import ConfigError
from listsync.i18n import _
from listsync.ledger.base import LedgerBase, upsert
from listsync.ledger.schema import TOKEN
from listsync.redact import register_secrets

SEALED = "fernet:"


def new_key() -> str:
    """A fresh key for ``LISTSYNC_LEDGER_KEY``."""
    return Fernet.generate_key().decode()


class LedgerTokenStore:
    """:class:`~listsync.channel.contract.TokenStore` on the ledger; ``save`` has committed."""

    def __init__(self, ledger: LedgerBase, key: SecretStr):
        self._ledger = ledger
        try:
            self._fernet = Fernet(key.get_secret_value().encode())
        except ValueError:
            raise ConfigError(
                _(
                    "LISTSYNC_LEDGER_KEY in .env is not a valid key; remove the line and run "
                    "listsync auth again for each shop"
                )
            ) from None

    def __repr__(self) -> str:
        return f"LedgerTokenStore({self._ledger!r})"

    def load(self, channel: str, shop_id: str) -> Token | None:
        query = select(TOKEN).where(TOKEN.c.channel == channel, TOKEN.c.shop_id == shop_id)
        with self._ledger.read() as session:
            row = session.connection().execute(query).mappings().first()
        if row is None:
            return None
        access = self._open(row["access_token"], channel)
        refresh = (
            None if row["refresh_token"] is None else self._open(row["refresh_token"], channel)
        )
        register_secrets(access, refresh or "")
        return Token(
            access_token=SecretStr(access),
            expires_at=row["expires_at"],
            refresh_token=None if refresh is None else SecretStr(refresh),
            refresh_expires_at=row["refresh_expires_at"],
            extra=row["extra"],
        )

    def save(self, channel: str, shop_id: str, token: Token) -> None:
        register_secrets(*token.secret_values())
        refresh = token.refresh_token
        row = {
            "channel": channel,
            "shop_id": shop_id,
            "access_token": self._seal(token.access_token.get_secret_value()),
            "refresh_token": None if refresh is None else self._seal(refresh.get_secret_value()),
            "expires_at": token.expires_at,
            "refresh_expires_at": token.refresh_expires_at,
            "extra": dict(token.extra),
            "updated_at": self._ledger.now(),
        }
        with self._ledger.write() as session:
            upsert(session.connection(), TOKEN, ("channel", "shop_id"), [row])

    def seal_plain(self) -> int:
        """Seal tokens a ledger from before sealing still holds in plain text; how many."""
        columns = (TOKEN.c.channel, TOKEN.c.shop_id, TOKEN.c.access_token, TOKEN.c.refresh_token)
        with self._ledger.write() as session:
            conn = session.connection()
            sealed = 0
            for channel, shop_id, access, refresh in conn.execute(select(*columns)).all():
                if access.startswith(SEALED) and (refresh is None or refresh.startswith(SEALED)):
                    continue
                values = {
                    "access_token": self._seal(access, again=False),
                    "refresh_token": None if refresh is None else self._seal(refresh, again=False),
                }
                conn.execute(
                    TOKEN.update()
                    .where(TOKEN.c.channel == channel, TOKEN.c.shop_id == shop_id)
                    .values(**values)
                )
                sealed += 1
        return sealed

    def _seal(self, text: str, *, again: bool = True) -> str:
        if not again and text.startswith(SEALED):
            return text
        return SEALED + self._fernet.encrypt(text.encode()).decode()

    def _open(self, stored: str, channel: str) -> str:
        if not stored.startswith(SEALED):
            return stored  # written before tokens were sealed
        try:
            return self._fernet.decrypt(stored[len(SEALED) :].encode()).decode()
        except InvalidToken:
            raise ConfigError(
                _(
                    "the {channel} tokens in this ledger were sealed with another key than "
                    "LISTSYNC_LEDGER_KEY in this workspace's .env; run listsync auth {channel} "
                    "to connect the shop again"
                ).format(channel=channel)
            ) from None
