"""Token stores, where a shop's access and refresh tokens live between calls and runs, and
the keeper an adapter's client asks for them."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import SecretStr

from listsync.channel.contract import Token, TokenStore
from listsync.clock import Clock
from listsync.errors import AuthError
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


class KeepsTokens(Protocol):
    """A client whose seller calls ask its ``keeper`` for the shop's access token."""

    keeper: Any


C = TypeVar("C", bound=KeepsTokens)


class TokenKeeperBase(ABC, Generic[C]):
    """One shop's tokens for an adapter's client: loaded from the store, refreshed under a
    lock when they have expired or were refused, a refreshed pair saved before it is used.

    A subclass names its ``channel``, says how a refresh is asked for (:meth:`_refresh`) and
    gives the messages a seller reads, each built by ``_()`` in the adapter at call time.
    """

    channel: ClassVar[str]

    def __init__(self, client: C, store: TokenStore, clock: Clock, shop_id: str):
        self.client = client
        self.store = store
        self.clock = clock
        self.shop_id = shop_id
        self._lock = threading.Lock()
        client.keeper = self

    @abstractmethod
    def not_connected(self) -> str:
        """The message when the store holds no token for the shop."""

    @abstractmethod
    def ended(self) -> str:
        """The message when the refresh token is missing or has expired."""

    @abstractmethod
    def refused_after_refresh(self) -> str:
        """The message when even a refreshed access token is refused."""

    @abstractmethod
    def _refresh(self, token: Token) -> Token:
        """A fresh token for ``token``, already saved in the store."""

    def _load(self) -> Token:
        token = self.store.load(self.channel, self.shop_id) if self.shop_id else None
        if token is None:
            raise AuthError(self.not_connected(), channel=self.channel)
        return token

    def access_token(self) -> str:
        with self._lock:
            token = self._load()
            if token.expired(self.clock.now()):
                token = self._refresh(token)
            return token.access_token.get_secret_value()

    def _renewed(self, refused: str | None = None) -> str:
        """A new access token; given the ``refused`` one, the stored token instead when it
        is no longer that one (another thread refreshed it meanwhile)."""
        with self._lock:
            token = self._load()
            if refused is not None and token.access_token.get_secret_value() != refused:
                return token.access_token.get_secret_value()
            return self._refresh(token).access_token.get_secret_value()

    def _refresh_token(self, token: Token, now: datetime) -> SecretStr:
        """``token``'s refresh token, unless there is none or it has expired by ``now``."""
        if token.refresh_token is None or (
            token.refresh_expires_at is not None and now >= token.refresh_expires_at
        ):
            raise AuthError(self.ended(), channel=self.channel, call="refresh_token")
        return token.refresh_token

    def give_up(self, cause: AuthError) -> AuthError:
        return AuthError(self.refused_after_refresh(), channel=self.channel, call=cause.call)
