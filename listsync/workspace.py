"""A workspace: its settings, its ledger, and the channels configured in it.

This is where the core's pieces meet — the CLI asks a Workspace for what it needs, and
the Workspace builds adapters through the registry with the ledger as their token store.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listsync.catalog.model import Catalog, Product
from listsync.catalog.ocop import WARN_AHEAD, CertificateDue, certificates_due, local_today
from listsync.catalog.sku_index import SkuProblem
from listsync.channel.contract import Channel, ChannelContext, ChannelSettings
from listsync.channel.registry import Registry, default_registry
from listsync.clock import Clock, SystemClock
from listsync.errors import ConfigError, CountSheetError, InputError
from listsync.i18n import _
from listsync.ledger.backups import backups, check_backup, default_dir, restore
from listsync.ledger.database import Ledger
from listsync.ledger.records import ImportSummary
from listsync.ledger.stock_counts import Count, StockCountPlan, negative_message
from listsync.ledger.tokens import LedgerTokenStore
from listsync.settings import (
    Settings,
    channel_settings,
    ensure_ledger_key,
    load_settings,
    not_configured,
    set_channel_key,
    set_outside_file,
)
from listsync.sync.runlock import run_lock

if TYPE_CHECKING:
    from listsync.report.model import Report
    from listsync.sync.engine import SyncEngine

REMOVAL_GUARD = 0.5
LISTED_PROBLEMS = 1000
"""A count sheet's problems beyond this many (in row order) are counted, not listed."""
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
        with run_lock(path, "restore", self.clock, self.settings.tz):
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
        if dry_run and "ledger" not in self.__dict__ and not self.settings.ledger_path.exists():
            return _planned_against_nothing(catalog, self.clock)  # a dry run makes no ledger
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

    def certificates_due(
        self, products: Sequence[Product] | None = None, within: timedelta = WARN_AHEAD
    ) -> list[CertificateDue]:
        """The OCOP certificates that have expired, or expire within ``within``, as of
        today here (``timezone``): of ``products``, else of the catalog in the ledger."""
        products = self.ledger.products() if products is None else products
        return certificates_due(products, local_today(self.clock.now(), self.settings.tz), within)

    # -- stock ------------------------------------------------------------------------
    def set_stock(self, sku: str, quantity: int, note: str = "") -> int:
        """Record a count of one SKU; returns the change."""
        if quantity < 0:
            raise InputError(
                _("stock not changed: {problems}").format(
                    problems=_(
                        "a count cannot be negative (got {value}); to take units away, use: "
                        "listsync stock add {sku} {value}"
                    ).format(value=quantity, sku=sku)
                )
            )
        return self.ledger.set_stock(sku, quantity, note)

    def add_stock(
        self, sku: str, delta: int, note: str = "", *, allow_negative: bool = False
    ) -> int:
        """Add (or take away) units of one SKU; returns the new on hand. Taking away more
        than there is is refused (:class:`NegativeStock`) unless ``allow_negative``."""
        if delta == 0:
            raise InputError(_("adding 0 changes nothing; give a positive or negative number"))
        counts = [Count(sku, delta)]
        changes = self.ledger.count_stock(
            counts, add=True, note=note, allow_negative=allow_negative
        )
        return changes[0].new_on_hand

    def unit_sku(self, sku: str) -> str:
        """``sku`` as the catalog spells it (any unit ever imported), or an InputError saying
        what was probably meant, or which variants a product with variants has."""
        try:
            return self.ledger.sku_index(include_inactive=True).resolve(sku)
        except SkuProblem as problem:
            raise InputError(str(problem)) from None

    def plan_stock_count(self, path: Path, *, add: bool = False) -> StockCountPlan:
        """Read a count sheet and work out every SKU's change, writing nothing.

        Every mistake in the sheet (and, with ``add``, every SKU it would take below 0)
        is raised at once as a :class:`CountSheetError`.
        """
        from listsync.catalog.count_sheet import read_count_sheet

        sheet = read_count_sheet(path, self.ledger.sku_index(), add=add)
        counts = tuple(
            Count(line.sku, line.quantity, line.row)
            for line in sheet.lines
            if line.quantity is not None
        )
        changes = self.ledger.count_stock(counts, add=add, dry_run=True, allow_negative=True)
        for change in changes:
            if change.goes_negative:
                sheet.report(change.row, negative_message(change))
        if sheet.reading.problems:
            problems = sheet.reading.sorted_problems()
            raise CountSheetError(problems[:LISTED_PROBLEMS], total=len(problems))
        return StockCountPlan(sheet.source, add, counts, changes, tuple(sheet.skipped))

    def apply_stock_count(self, plan: StockCountPlan, note: str = "") -> StockCountPlan:
        """Record a planned count in one transaction; the plan comes back with the changes
        as made (a count is set against on hand as it is now, whatever sold since the
        plan). The note defaults to the sheet's file name."""
        note = note or Path(plan.source).name
        changes = self.ledger.count_stock(plan.counts, add=plan.add, note=note)
        return plan.done(changes, note)

    def export_count_sheet(self, path: Path) -> int:
        """Write a count sheet of every SKU with its on hand; returns how many rows."""
        from listsync.catalog.count_sheet import SheetRow, write_count_sheet

        on_hand = self.ledger.on_hand()
        rows = [
            SheetRow(
                unit.sku,
                product.name.vi or product.name.en,
                ", ".join(f"{name}: {value}" for name, value in unit.options.items()),
                on_hand.get(unit.sku, 0),
            )
            for product in self.ledger.products()
            for unit in product.units()
        ]
        write_count_sheet(path, rows)
        return len(rows)

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

    def remember_shop(self, channel: str, shop_id: str) -> str:
        """What to tell the clerk once ``shop_id`` is connected on ``channel``, having first
        saved it as the channel's ``shop_id`` in listsync.toml, so that the next sync uses
        the shop whose tokens were just stored (another shop named there is replaced).

        When the shop_id is set in .env or the environment (which win over the file), or
        the file cannot be written, a second line says what to change instead. The CLI's
        ``auth`` and the web app's Shops page both say this.
        """
        connected = _("{channel}: shop {shop} is connected.").format(channel=channel, shop=shop_id)
        section = self.settings.channels.get(channel) or {}
        configured = str(section.get("shop_id") or "").strip()
        if configured == shop_id:
            return connected
        where = set_outside_file(self.settings, ("channels", channel, "shop_id"))
        if where is not None:
            advice = _("{label} names shop {old} and wins over listsync.toml: set it to {shop}.")
            return connected + "\n" + advice.format(label=where, old=configured, shop=shop_id)
        path = self.settings.config_file
        try:
            before = set_channel_key(path, channel, "shop_id", shop_id)
        except (OSError, ValueError):
            advice = _('Add shop_id = "{shop}" to [channels.{channel}] in listsync.toml.')
            return connected + "\n" + advice.format(shop=shop_id, channel=channel)
        self.settings.channels[channel] = {**section, "shop_id": shop_id}
        was = str(before or "").strip()
        if was and was != shop_id:
            return _(
                "{channel}: shop {shop} is connected; its shop_id is saved in {path}"
                " (it was {old})."
            ).format(channel=channel, shop=shop_id, path=path, old=was)
        return _("{channel}: shop {shop} is connected; its shop_id is saved in {path}.").format(
            channel=channel, shop=shop_id, path=path
        )

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
                publish_expired_ocop=sync.publish_expired_ocop,
                tz=self.settings.tz,
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
                raise self._unknown_channel(name)
        return names

    def _unknown_channel(self, name: str) -> ConfigError:
        """A channel the settings do not have: the one meant, when the name is a typo of a
        known one; where to add it, when its adapter is installed; else what there is."""
        import difflib

        configured, installed = list(self.settings.channels), self.registry.names()
        if name not in installed:
            known = list(dict.fromkeys([*configured, *installed]))
            close = difflib.get_close_matches(name, known, n=1)
            if close:
                return ConfigError(
                    _("there is no channel {name}; did you mean {close}?").format(
                        name=name, close=close[0]
                    )
                )
            return ConfigError(
                _(
                    "there is no channel {name} (configured: {configured}; installed: {installed})"
                ).format(
                    name=name,
                    configured=", ".join(configured) or _("none"),
                    installed=", ".join(installed) or _("none"),
                )
            )
        return ConfigError(not_configured(name, self.settings.config_file))

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
                    problem = str(exc)
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


def _planned_against_nothing(catalog: Catalog, clock: Clock) -> ImportSummary:
    """What importing ``catalog`` into a workspace with no ledger yet would do, planned
    against an empty ledger made apart for the purpose and thrown away."""
    with tempfile.TemporaryDirectory() as folder:
        empty = Ledger.open(Path(folder) / "plan.sqlite3", clock=clock)
        try:
            return empty.plan_import(catalog.products)
        finally:
            empty.close()
