"""A workspace: its settings, its ledger, and the channels configured in it.

This is where the core's pieces meet — the CLI asks a Workspace for what it needs, and
the Workspace builds adapters through the registry with the ledger as their token store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listsync.catalog.model import Catalog
from listsync.channel.contract import Channel, ChannelContext, ChannelSettings
from listsync.channel.registry import Registry, default_registry
from listsync.clock import Clock, SystemClock
from listsync.errors import ConfigError, InputError
from listsync.i18n import _
from listsync.ledger.backups import backups, check_backup, default_dir, restore
from listsync.ledger.database import Ledger
from listsync.ledger.records import ImportSummary, Movement, MovementReason
from listsync.ledger.tokens import LedgerTokenStore
from listsync.settings import Settings, channel_settings, ensure_ledger_key, load_settings
from listsync.sync.runlock import run_lock

if TYPE_CHECKING:
    from listsync.report.model import Report
    from listsync.sync.engine import SyncEngine

REMOVAL_GUARD = 0.5
CONFIG_NAME = "listsync.toml"


def require_workspace(path: Path | None) -> None:
    """Refuse to work in a folder that is not a workspace, instead of quietly making one."""
    import os

    root = path or Path(os.environ.get("LISTSYNC_WORKSPACE") or ".")
    if not (root / CONFIG_NAME).is_file():
        raise ConfigError(
            _(
                "{root} is not a listsync workspace (it has no {config}): run listsync init "
                "there, or point to one with -w FOLDER"
            ).format(root=root.resolve(), config=CONFIG_NAME)
        )


@dataclass(frozen=True)
class ChannelStatus:
    """One line of ``listsync channels``: installed, configured, enabled, authorized."""

    name: str
    title: str
    configured: bool
    enabled: bool
    token: str
    problem: str = ""


class Workspace:
    def __init__(
        self, settings: Settings, registry: Registry | None = None, clock: Clock | None = None
    ):
        self.settings = settings
        self.registry = registry or default_registry()
        self.clock = clock or SystemClock()

    @classmethod
    def open(cls, path: Path | None = None, **overrides: Any) -> Workspace:
        return cls(load_settings(path, **overrides))

    @property
    def root(self) -> Path:
        return self.settings.workspace

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger.open(self.settings.ledger_path, clock=self.clock)

    @cached_property
    def tokens(self) -> LedgerTokenStore:
        """The shops' tokens, sealed with the key in .env (made there on first use)."""
        store = LedgerTokenStore(self.ledger, ensure_ledger_key(self.settings))
        store.seal_plain()
        return store

    def close(self) -> None:
        if "ledger" in self.__dict__:
            self.ledger.close()

    # -- the way back -----------------------------------------------------------------
    def backups(self) -> list[Path]:
        """The ledger's backups, oldest first."""
        path = self.settings.ledger_path
        return backups(default_dir(path), path.stem)

    def restore(self, backup: Path | None = None) -> tuple[Path, Path | None]:
        """Put a backup (the newest, unless named) in place of the ledger, under the run
        lock; returns the backup used and where the replaced ledger went."""
        path = self.settings.ledger_path
        if backup is None:
            found = self.backups()
            if not found:
                raise InputError(
                    _("there is no backup in {folder} to restore").format(folder=default_dir(path))
                )
            backup = found[-1]
        backup = backup.expanduser().absolute()
        check_backup(backup)
        self.close()
        self.__dict__.pop("ledger", None)
        self.__dict__.pop("tokens", None)
        with run_lock(path, "restore", self.clock):
            moved = restore(path, backup, self.clock.now())
        return backup, moved

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- catalog ----------------------------------------------------------------------
    def catalog_path(self, given: Path | None) -> Path:
        path = given or self.settings.catalog
        if path is None:
            raise ConfigError(
                _('which catalog? Give a file, or set catalog = "…" in {config}').format(
                    config=self.root / "listsync.toml"
                )
            )
        return path

    def import_catalog(
        self, catalog: Catalog, *, allow_removals: bool = False, dry_run: bool = False
    ) -> ImportSummary:
        """Make the ledger's catalog equal ``catalog``, refusing to drop half of it by mistake."""
        catalog = catalog.rebased(self.root)
        plan = self.ledger.plan_import(catalog.products)
        if plan.removed_share > REMOVAL_GUARD and not allow_removals:
            raise InputError(
                _(
                    "{source} would remove {removed} of the {known} products in the ledger "
                    "(for example {examples}). If that is really meant, run again with "
                    "--allow-removals; otherwise check that the file is complete."
                ).format(
                    source=catalog.source or _("the catalog"),
                    removed=len(plan.removed),
                    known=plan.active_before,
                    examples=", ".join(plan.removed[:3]),
                )
            )
        if dry_run:
            return plan
        return self.ledger.upsert_products(catalog.products)

    # -- stock ------------------------------------------------------------------------
    def set_stock(self, sku: str, quantity: int, note: str = "") -> int:
        return self.ledger.set_stock(sku, quantity, note)

    def add_stock(self, sku: str, delta: int, note: str = "") -> int:
        if delta == 0:
            raise InputError(_("adding 0 changes nothing; give a positive or negative number"))
        movement = Movement(sku=sku, delta=delta, reason=MovementReason.MANUAL, note=note)
        self.ledger.add_movements([movement])
        return self.ledger.on_hand([sku])[sku]

    def stock_given(self, sku: str) -> list[str]:
        """How the stock figure each channel was last given for ``sku`` was reached, and the
        last drift set right there (what the marketplace showed, what was intended, when)."""
        from listsync.sync.stock_rules import Drift, StockFigure

        lines = []
        for name in sorted(self.settings.channels):
            for offer in self.ledger.offers_of(sku, name):
                inputs = dict(offer.explain)
                drift = Drift.from_dict(inputs.pop("drift", None))
                try:
                    explained = StockFigure(**inputs).explain()
                except TypeError:
                    explained = _("no explanation recorded")
                lines.append(
                    _("{channel}: given {stock}: {how}").format(
                        channel=name, stock=offer.stock, how=explained
                    )
                )
                if drift is not None:
                    lines.append(
                        _("{channel}: {drift}").format(
                            channel=name, drift=drift.explain(self.settings.tz)
                        )
                    )
        return lines

    def report(
        self,
        by: str = "day",
        start: date | None = None,
        end: date | None = None,
        tz: str | None = None,
        channels: Sequence[str] = (),
    ) -> Report:
        """The figures of ``listsync report``, with this workspace's settings."""
        from listsync.report.model import ReportOptions, build_report

        settings = self.settings
        options = ReportOptions(
            by=by,
            start=start,
            end=end,
            tz=tz or settings.timezone,
            channels=tuple(channels),
            usd_vnd_rate=settings.usd_vnd_rate,
            buffer=settings.stock.buffer,
            reserve_from=settings.sync.reserve_from,
            enabled=tuple(name for name, raw in settings.channels.items() if raw.get("enabled")),
            configured=tuple(settings.channels),
        )
        return build_report(self.ledger, options, self.clock.now())

    # -- channels ---------------------------------------------------------------------
    def channel_settings(self, name: str) -> ChannelSettings:
        plugin = self.registry.get(name)
        return channel_settings(self.settings, name, plugin.settings_model)

    def channel(self, name: str, *, on_call: Any = None) -> Channel:
        plugin = self.registry.get(name)
        context = ChannelContext(
            tokens=self.tokens,
            clock=self.clock,
            workspace=self.root,
            on_call=on_call,
        )
        return plugin.factory(self.channel_settings(name), context)

    def sync_engine(self) -> SyncEngine:
        from datetime import timedelta

        from listsync.sync.engine import SyncEngine, SyncOptions
        from listsync.sync.push import PushOptions

        sync, stock = self.settings.sync, self.settings.stock
        options = SyncOptions(
            overlap=timedelta(minutes=self.settings.overlap_minutes),
            backfill=timedelta(days=self.settings.backfill_days),
            reserve_from=sync.reserve_from,
            restock_returns=sync.restock_returns,
            workers=sync.workers,
            reconcile_every=sync.reconcile_every,
            push=PushOptions(
                buffer=stock.buffer,
                unknown_grace=timedelta(minutes=sync.unknown_grace_minutes),
                review_check=timedelta(minutes=sync.review_check_minutes),
                circuit_failures=sync.circuit_failures,
                mass_change_share=sync.mass_change_share,
            ),
            rules=dict(stock.channels),
        )
        return SyncEngine(
            self.ledger,
            lambda name, on_call: self.channel(name, on_call=on_call),
            options,
            self.clock,
        )

    def enabled_channels(self, only: Sequence[str] = ()) -> list[str]:
        names = list(only) or [
            name for name, section in self.settings.channels.items() if section.get("enabled")
        ]
        for name in names:
            if name not in self.settings.channels:
                raise ConfigError(
                    _(
                        "channel {name} is not configured: add a [channels.{name}] section to "
                        "listsync.toml (see config/listsync.example.toml)"
                    ).format(name=name)
                )
        return names

    def channel_statuses(self) -> list[ChannelStatus]:
        names = sorted(set(self.registry.names()) | set(self.settings.channels))
        statuses = []
        for name in names:
            section = self.settings.channels.get(name)
            try:
                plugin = self.registry.get(name)
            except ConfigError as exc:
                statuses.append(ChannelStatus(name, "?", section is not None, False, "", str(exc)))
                continue
            token, problem = "", ""
            if section is not None:
                try:
                    token = self._token_state(name, self.channel_settings(name))
                except ConfigError as exc:
                    problem = str(exc).splitlines()[0]
            statuses.append(
                ChannelStatus(
                    name,
                    plugin.title,
                    section is not None,
                    bool(section and section.get("enabled")),
                    token,
                    problem,
                )
            )
        return statuses

    def _token_state(self, name: str, settings: ChannelSettings) -> str:
        shop_id = str(getattr(settings, "shop_id", "") or "")
        token = self.tokens.load(name, shop_id) if shop_id else None
        if token is None:
            return _("not authorized")
        now = self.clock.now()
        if token.refresh_expires_at is not None and token.refresh_expires_at <= now:
            return _("expired: run listsync auth {name}").format(name=name)
        until = token.refresh_expires_at or token.expires_at
        return _("authorized until {date}").format(date=until.date().isoformat())
