"""``stock set | add | show``: stock on hand, by hand, and how each channel's figure is reached."""

from __future__ import annotations

import click

from listsync.cli.state import State, echo_table, pass_state
from listsync.format import time_text
from listsync.i18n import _


def _reason(reason: str) -> str:
    """Why stock moved, as the ledger names it; in Vietnamese, in words."""
    words = {  # the English is the ledger's own code, as listsync has always shown it
        "manual": _("manual"),
        "set": _("set"),
        "order_reserve": _("order_reserve"),
        "order_sale": _("order_sale"),
        "order_release": _("order_release"),
        "order_return": _("order_return"),
    }
    return words.get(reason, reason)


@click.group(help=_("Count, add and show stock on hand."))
def stock() -> None:
    pass


@stock.command("set", help=_("Set on-hand stock of SKU to QUANTITY (after a count)."))
@click.argument("sku")
@click.argument("quantity", type=click.IntRange(min=0))
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@pass_state
def stock_set(state: State, sku: str, quantity: int, note: str) -> None:
    with state.workspace() as ws:
        delta = ws.set_stock(sku, quantity, note)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=quantity, delta=delta)
    )


@stock.command(
    "add",
    context_settings={"ignore_unknown_options": True},
    help=_("Add DELTA units to SKU (negative to take away)."),
)
@click.argument("sku")
@click.argument("delta", type=int)
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@pass_state
def stock_add(state: State, sku: str, delta: int, note: str) -> None:
    with state.workspace() as ws:
        on_hand = ws.add_stock(sku, delta, note)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=on_hand, delta=delta)
    )


@stock.command("show", help=_("Show stock on hand, for every SKU or one."))
@click.argument("sku", required=False)
@pass_state
def stock_show(state: State, sku: str | None) -> None:
    with state.workspace() as ws:
        on_hand = ws.ledger.on_hand([sku] if sku else None)
        if sku:
            movements = ws.ledger.movements(sku)
            given = ws.stock_given(sku)
            zone = ws.settings.tz
    echo_table([_("SKU"), _("On hand")], [[key, value] for key, value in sorted(on_hand.items())])
    if not sku:
        return
    click.echo("")
    rows = [
        [
            time_text(m.created_at.astimezone(zone)) if m.created_at else "",
            f"{m.delta:+d}",
            _reason(m.reason),
            m.reference or m.note,
        ]
        for m in movements
    ]
    echo_table([_("When"), _("Change"), _("Reason"), _("Order or note")], rows)
    for line in given:
        click.echo(line)
