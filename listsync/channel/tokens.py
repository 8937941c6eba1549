"""Token stores: where a shop's access and refresh tokens live between calls and runs."""

from __future__ import annotations

import threading

from listsync.channel.contract import Token
from listsync.redact import register_secrets


class MemoryTokenStore:
    """Tokens in memory: for tests and the demo's throwaway shops."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], Token] = {}
        self._lock = threading.Lock()
        self.saves = 0

    def load(self, channel: str, shop_id: str) -> Token | None:
        with self._lock:
            return self._tokens.get((channel, shop_id))

    def save(self, channel: str, shop_id: str, token: Token) -> None:
        register_secrets(*token.secret_values())
        with self._lock:
            self._tokens[(channel, shop_id)] = token
            self.saves += 1
