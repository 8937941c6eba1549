"""Products that could not be listed: whose fault, where it shows, what the run says.

Each failure is recorded on its listing row with its fault (our check, the marketplace's
refusal, a passing failure), listed in the summary's "To fix" in words that say so, found by
``listings --state failed``, and makes the run "done, but something needs you": status
"attention", exit code 3. OCOP certificates that have expired are to fix too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from listsync.catalog.model import LocalizedText, OcopRating, Product
from listsync.channel.contract import Draft, ListingState, RemoteListing
from listsync.channel.faults import Fault
from listsync.errors import (
    EXIT_ATTENTION,
    ChannelError,
    NotListable,
    RejectedError,
    TransientError,
)
from listsync.report.runs import listing_lines, render_listings
from listsync.report.summary import render_plan, render_summary
from listsync.sync.engine import ATTENTION
from listsync.sync.push import PushOptions
from tests.channel.memory_channel import MemoryChannel
from tests.sync.test_engine import World, product


class Failing(MemoryChannel):
    """A memory channel whose creates and updates of some products raise a given error."""

    def __init__(self, name: str):
        super().__init__(name)
        self.create_errors: dict[str, ChannelError] = {}
        self.update_errors: dict[str, ChannelError] = {}

    def create_listing(self, draft: Draft) -> RemoteListing:
        if draft.product_sku in self.create_errors:
            self._call("create")
            raise self.create_errors[draft.product_sku]
        return super().create_listing(draft)

    def update_listing(self, listing: RemoteListing, draft: Draft) -> RemoteListing:
        if listing.product_sku in self.update_errors:
            self._call("update")
            raise self.update_errors[listing.product_sku]
        return super().update_listing(listing, draft)


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    w.channels = {"alpha": Failing("alpha")}
    w.ledger.upsert_products([product("TSEN"), product("BUN", variants=0)])
    w.ledger.set_stock("TSEN-1", 20)
    w.ledger.set_stock("BUN", 12)
    return w


def alpha(world: World) -> Failing:
    channel = world.channels["alpha"]
    assert isinstance(channel, Failing)
    return channel


def failed(world: World) -> dict[str, tuple[ListingState, Fault | None, str | None]]:
    """What ``listsync listings --state failed`` finds: SKU -> state, fault, last error."""
    return {
        line.product: (line.record.state, line.record.fault, line.record.last_error)
        for line in listing_lines(world.ledger, ["alpha"], state="failed")
        if line.record is not None
    }


def test_a_product_the_mapping_refuses_is_our_checks_to_fix_and_the_run_needs_you(
    world: World,
) -> None:
    world.ledger.upsert_products(
        [product("TSEN"), product("BUN", variants=0), product("GOM", category="unmapped")]
    )
    result = world.sync()
    assert result.ok  # the channel itself went well...
    assert result.exit_code == EXIT_ATTENTION  # ...but something needs a person
    assert world.ledger.runs()[0].status == ATTENTION == "attention"
    summary = render_summary(result)
    assert "  - alpha: GOM was not sent, fix the catalog: category: no category mapping" in summary
    assert "Done, but something needs you: see To fix above." in summary
    assert failed(world) == {
        "GOM": (ListingState.FAILED, Fault.CATALOG, "category: no category mapping")
    }
    shown = render_listings(listing_lines(world.ledger, ["alpha"], state="failed"))
    assert "GOM on alpha: not sent, fix the catalog: category: no category mapping" in shown

    rerun = world.sync()  # nothing changed: said again, nothing rewritten
    assert rerun.exit_code == EXIT_ATTENTION and len(rerun.to_fix) == 1

    world.ledger.upsert_products([product("TSEN"), product("BUN", variants=0), product("GOM")])
    fixed = world.sync()
    assert fixed.exit_code == 0 and fixed.to_fix == []
    assert world.ledger.runs()[0].status == "ok"
    record = world.ledger.listing("GOM", "alpha", "shop-1")
    assert record is not None and (record.state, record.fault) == (ListingState.LIVE, None)
    assert failed(world) == {}


@pytest.mark.parametrize(
    ("error", "state", "fault", "said"),
    [
        (
            NotListable("photo images/gom.png does not exist", channel="alpha", call="upload"),
            ListingState.FAILED,
            Fault.CATALOG,
            "alpha: GOM was not sent, fix the catalog: photo images/gom.png does not exist",
        ),
        (
            RejectedError("the brand is not registered", channel="alpha", call="create"),
            ListingState.REJECTED,
            Fault.MARKETPLACE,
            "alpha: GOM was rejected by the marketplace: the brand is not registered",
        ),
        (
            TransientError("HTTP 503", channel="alpha", call="create"),
            ListingState.FAILED,
            Fault.TEMPORARY,
            "alpha: GOM failed, tried again next run: create: HTTP 503",
        ),
    ],
)
def test_whose_fault_is_read_from_the_error_of_the_create(
    world: World, error: ChannelError, state: ListingState, fault: Fault, said: str
) -> None:
    world.ledger.upsert_products([product("TSEN"), product("BUN", variants=0), product("GOM")])
    alpha(world).create_errors["GOM"] = error
    result = world.sync()
    assert result.ok and result.exit_code == EXIT_ATTENTION
    assert result.to_fix == [said]
    assert result.outcomes["alpha"].tally.counts["listings_failed"] == 1
    assert failed(world) == {"GOM": (state, fault, said.split(": ", 2)[2])}
    assert "GOM" not in alpha(world).items

    del alpha(world).create_errors["GOM"]
    again = world.sync()
    assert again.exit_code == 0 and failed(world) == {}
    assert "GOM" in alpha(world).items  # listed once, by the next run


def test_a_listed_product_whose_update_is_refused_stays_live_there_and_failed_here(
    world: World,
) -> None:
    """Its listing is still on the marketplace, as it was: its state says so, the fault says
    the last push failed, until a push succeeds or the catalog goes back to what the
    channel has; a product then dropped from the catalog still has its stock set to 0."""
    world.sync()
    world.ledger.upsert_products(
        [product("TSEN").model_copy(update={"weight_g": 900}), product("BUN", variants=0)]
    )
    alpha(world).update_errors["TSEN"] = NotListable("weight: too heavy", channel="alpha")
    first = world.sync()
    assert first.exit_code == EXIT_ATTENTION
    assert failed(world) == {"TSEN": (ListingState.LIVE, Fault.CATALOG, "weight: too heavy")}
    assert "  - alpha: TSEN was not sent, fix the catalog: weight: too heavy" in (
        render_summary(first)
    )

    world.ledger.upsert_products([product("TSEN"), product("BUN", variants=0)])  # put back
    del alpha(world).update_errors["TSEN"]
    world.ledger.set_stock("TSEN-1", 15)
    second = world.sync()
    assert second.exit_code == 0
    record = world.ledger.listing("TSEN", "alpha", "shop-1")
    assert record is not None and (record.state, record.fault) == (ListingState.LIVE, None)
    assert alpha(world).items["TSEN"].offers["TSEN-1"].stock == 15  # its stock moves again
    assert failed(world) == {}


def test_a_product_failed_here_then_dropped_from_the_catalog_goes_to_stock_0(
    world: World,
) -> None:
    world.sync()
    world.ledger.upsert_products([product("TSEN", category="unmapped"), product("BUN", variants=0)])
    assert world.sync().exit_code == EXIT_ATTENTION
    assert failed(world)["TSEN"][:2] == (ListingState.LIVE, Fault.CATALOG)
    world.ledger.upsert_products([product("BUN", variants=0)])  # TSEN is no longer sold
    world.sync()
    assert {o.stock for o in alpha(world).items["TSEN"].offers.values()} == {0}


def test_a_create_whose_outcome_is_unknown_is_still_looked_up_after_a_problem(
    world: World,
) -> None:
    """A lost create's answer: the product may be listed. A problem found meanwhile does not
    make listsync forget that: once fixed, it is looked up and adopted, never duplicated."""
    world.ledger.upsert_products([product("TSEN", variants=0)])
    alpha(world).lose_next_create = True
    world.sync()
    lost = world.ledger.listing("TSEN", "alpha", "shop-1")
    assert lost is not None and lost.state is ListingState.UNKNOWN
    world.ledger.upsert_products([product("TSEN", variants=0, category="unmapped")])
    world.sync()
    assert failed(world) == {
        "TSEN": (ListingState.UNKNOWN, Fault.CATALOG, "category: no category mapping")
    }
    world.ledger.upsert_products([product("TSEN", variants=0)])
    alpha(world).calls.clear()
    fixed = world.sync()
    assert fixed.outcomes["alpha"].tally.counts["listings_adopted"] == 1
    assert "create" not in alpha(world).calls and failed(world) == {}


def test_a_passing_failure_leaves_a_live_listing_live_and_says_it_is_retried(
    world: World,
) -> None:
    world.sync()
    world.ledger.upsert_products(
        [product("TSEN").model_copy(update={"weight_g": 900}), product("BUN", variants=0)]
    )
    alpha(world).update_errors["TSEN"] = TransientError("timed out", channel="alpha")
    result = world.sync()
    assert result.to_fix == ["alpha: TSEN failed, tried again next run: timed out"]
    assert failed(world) == {"TSEN": (ListingState.LIVE, Fault.TEMPORARY, "timed out")}
    del alpha(world).update_errors["TSEN"]
    assert world.sync().exit_code == 0 and failed(world) == {}


# -- OCOP certificates ------------------------------------------------------------------------
def certified(sku: str, expires: date, certificate: str = "") -> Product:
    return Product(
        sku=sku,
        name=LocalizedText(vi=f"Sản phẩm {sku}"),
        category="tea",
        weight_g=300,
        price_vnd=100_000,
        ocop=OcopRating(stars=4, certificate=certificate, expires=expires),
    )


def ocop_world(tmp_path: Path, now: datetime, **push: object) -> World:
    world = World(tmp_path, push=PushOptions(**push))  # type: ignore[arg-type]
    world.clock.advance((now - world.clock.now()).total_seconds())
    world.channels = {"alpha": Failing("alpha")}
    world.ledger.upsert_products(
        [
            certified("OLD", date(2026, 4, 20), "0456/QĐ-UBND"),
            certified("SOON", date(2026, 5, 20)),
            certified("LATER", date(2027, 5, 1)),
        ]
    )
    return world


T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
EXPIRED = (
    "OCOP certificate 0456/QĐ-UBND of OLD expired on 2026-04-20: renew it and update the catalog"
)
SOON = "The OCOP certificate of SOON expires on 2026-05-20: renew it and update the catalog"


def test_an_expired_certificate_is_to_fix_and_its_product_still_published(
    tmp_path: Path,
) -> None:
    world = ocop_world(tmp_path, T0)
    result = world.sync()
    assert result.ok and result.exit_code == EXIT_ATTENTION
    assert result.to_fix == [EXPIRED]
    assert SOON in result.notes and all("LATER" not in note for note in result.notes)
    assert any("publish_expired_ocop = false" in note for note in result.notes)
    assert set(alpha(world).items) == {"OLD", "SOON", "LATER"}
    assert world.ledger.runs()[0].status == ATTENTION
    summary = render_summary(result)
    assert f"To fix (1):\n  - {EXPIRED}" in summary and f"  - {SOON}" in summary


def test_publish_expired_ocop_false_holds_the_product_back_as_the_catalogs_to_fix(
    tmp_path: Path,
) -> None:
    world = ocop_world(tmp_path, T0, publish_expired_ocop=False)
    result = world.sync()
    assert result.exit_code == EXIT_ATTENTION
    assert set(alpha(world).items) == {"SOON", "LATER"}  # OLD is not sent at all
    reason = (
        "ocop.expires: its OCOP certificate expired on 2026-04-20, and publish_expired_ocop "
        "is false: renew it and update the catalog"
    )
    assert result.to_fix == [f"alpha: OLD was not sent, fix the catalog: {reason}"]
    assert failed(world) == {"OLD": (ListingState.FAILED, Fault.CATALOG, reason)}

    renewed = certified("OLD", date(2029, 4, 20), "0456/QĐ-UBND")
    world.ledger.upsert_products(
        [renewed, certified("SOON", date(2026, 5, 20)), certified("LATER", date(2027, 5, 1))]
    )
    again = world.sync()
    assert again.exit_code == 0 and "OLD" in alpha(world).items and failed(world) == {}


@pytest.mark.parametrize(
    ("now", "expired"),
    [
        # 23:00 on 1 May in Hà Nội: the last day it is valid
        (datetime(2026, 5, 1, 16, 0, tzinfo=UTC), False),
        # 00:30 on 2 May in Hà Nội, though still 1 May in UTC: it has expired
        (datetime(2026, 5, 1, 17, 30, tzinfo=UTC), True),
    ],
)
def test_the_day_a_certificate_ends_is_counted_where_the_workspace_is(
    tmp_path: Path, now: datetime, expired: bool
) -> None:
    world = World(tmp_path)
    world.clock.advance((now - world.clock.now()).total_seconds())
    world.channels = {"alpha": Failing("alpha")}
    world.ledger.upsert_products([certified("TSEN", date(2026, 5, 1))])
    result = world.sync()
    assert (result.exit_code == EXIT_ATTENTION) is expired
    assert bool(result.to_fix) is expired


def test_an_orders_pull_says_nothing_of_certificates(tmp_path: Path) -> None:
    world = ocop_world(tmp_path, T0)
    result = world.sync(push=False)
    assert result.exit_code == 0 and result.to_fix == [] and result.notes == []


def test_a_failed_channel_still_exits_1(world: World) -> None:
    world.ledger.upsert_products([product("TSEN"), product("GOM", category="unmapped")])
    alpha(world).down = True
    result = world.sync()
    assert result.exit_code == 1 and world.ledger.runs()[0].status == "failed"


def test_a_dry_run_names_the_expired_certificates_too(tmp_path: Path) -> None:
    world = ocop_world(tmp_path, T0)
    planned = world.engine().plan(["alpha"])
    assert planned.problems == [EXPIRED]
    assert render_plan(planned).endswith(f"To fix (1):\n  - {EXPIRED}")
    held = ocop_world(tmp_path / "held", T0, publish_expired_ocop=False).engine().plan(["alpha"])
    assert held.problems == [] and "Cannot be listed until fixed:" in render_plan(held)


def test_a_live_listing_whose_catalog_entry_has_a_problem_still_follows_the_stock(
    world: World,
) -> None:
    """Its content cannot be sent, but it is still on sale there: were its stock left as it
    was, the marketplace would sell what another channel already sold."""
    world.sync()
    world.ledger.upsert_products([product("TSEN", category="unmapped"), product("BUN", variants=0)])
    world.ledger.set_stock("TSEN-1", 5)
    assert world.sync().exit_code == EXIT_ATTENTION
    assert failed(world)["TSEN"][:2] == (ListingState.LIVE, Fault.CATALOG)
    assert alpha(world).items["TSEN"].offers["TSEN-1"].stock == 5


def test_a_live_listing_whose_update_is_refused_still_follows_the_stock(world: World) -> None:
    world.sync()
    world.ledger.upsert_products(
        [product("TSEN").model_copy(update={"weight_g": 900}), product("BUN", variants=0)]
    )
    alpha(world).update_errors["TSEN"] = RejectedError("weight: too heavy", channel="alpha")
    world.ledger.set_stock("TSEN-1", 3)
    assert world.sync().exit_code == EXIT_ATTENTION
    assert failed(world)["TSEN"][:2] == (ListingState.LIVE, Fault.MARKETPLACE)
    assert alpha(world).items["TSEN"].offers["TSEN-1"].stock == 3


def test_a_product_held_back_for_its_certificate_is_taken_off_sale_where_it_is_live(
    tmp_path: Path,
) -> None:
    world = ocop_world(tmp_path, T0)
    world.ledger.set_stock("OLD", 9)
    world.ledger.set_stock("SOON", 4)
    world.sync()  # published while publish_expired_ocop is true
    assert {o.stock for o in alpha(world).items["OLD"].offers.values()} != {0}
    world.options = replace(world.options, push=PushOptions(publish_expired_ocop=False))
    assert world.sync().exit_code == EXIT_ATTENTION
    assert {o.stock for o in alpha(world).items["OLD"].offers.values()} == {0}
    assert {o.stock for o in alpha(world).items["SOON"].offers.values()} != {0}
