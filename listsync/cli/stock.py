"""``stock set | add | show | import | export``: stock on hand, by hand or from a count sheet,
and how each channel's figure is reached."""

from __future__ import annotations

from pathlib import Path

import click

from listsync.cli.help import examples
from listsync.cli.state import State, echo_table, pass_state
from listsync.i18n import _


@click.group(
    help=_("Count, add and show stock on hand."),
    epilog=examples(
        ("listsync stock set TSTH-100 40", _("After a count: 40 units of TSTH-100 on hand")),
        ("listsync stock show", _("Stock on hand of every SKU")),
    ),
)
def stock() -> None:
    pass


def _number(text: str) -> int:
    """A quantity as the catalog reads one: ``1.000`` is refused with how to write it."""
    from listsync.catalog.count_sheet import read_quantity
    from listsync.catalog.values import ValueProblem
    from listsync.errors import InputError

    try:
        return read_quantity(text)
    except ValueProblem as problem:
        raise InputError(_("stock not changed: {problems}").format(problems=problem)) from None


@stock.command(
    "set",
    context_settings={"ignore_unknown_options": True},
    help=_("Set on-hand stock of SKU to QUANTITY (after a count)."),
    epilog=examples(
        ("listsync stock set TSTH-100 40", _("After a count: 40 units of TSTH-100 on hand")),
    ),
)
@click.argument("sku")
@click.argument("quantity")
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@pass_state
def stock_set(state: State, sku: str, quantity: str, note: str) -> None:
    counted = _number(quantity)
    with state.workspace() as ws:
        delta = ws.set_stock(sku, counted, note)
        sku = ws.unit_sku(sku)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=counted, delta=delta)
    )


@stock.command(
    "add",
    context_settings={"ignore_unknown_options": True},
    help=_("Add DELTA units to SKU (negative to take away)."),
    epilog=examples(
        ("listsync stock add TSTH-100 20", _("20 more units came in")),
        ("listsync stock add TSTH-100 -3 --note broken", _("Take away 3 broken units")),
    ),
)
@click.argument("sku")
@click.argument("delta")
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@click.option(
    "--allow-negative",
    is_flag=True,
    help=_("Allow taking away more than is on hand (on hand below 0)."),
)
@pass_state
def stock_add(state: State, sku: str, delta: str, note: str, allow_negative: bool) -> None:
    units = _number(delta)
    with state.workspace() as ws:
        on_hand = ws.add_stock(sku, units, note, allow_negative=allow_negative)
        sku = ws.unit_sku(sku)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=on_hand, delta=units)
    )


@stock.command(
    "show",
    help=_("Show stock on hand, for every SKU or one."),
    epilog=examples(
        ("listsync stock show", _("Stock on hand of every SKU")),
        ("listsync stock show TSTH-100", _("One SKU: its movements, what each channel got")),
    ),
)
@click.argument("sku", required=False)
@pass_state
def stock_show(state: State, sku: str | None) -> None:
    from listsync.report.stock import movement_rows

    with state.workspace() as ws:
        if sku:
            sku = ws.unit_sku(sku)
        on_hand = ws.ledger.on_hand([sku] if sku else None)
        if sku:
            movements = ws.ledger.movements(sku)
            given = ws.stock_given(sku)
            zone = ws.settings.tz
    echo_table([_("SKU"), _("On hand")], [[key, value] for key, value in sorted(on_hand.items())])
    if not sku:
        return
    click.echo("")
    rows = movement_rows(movements, zone)
    echo_table([_("When"), _("Change"), _("Reason"), _("Order or note")], rows)
    for line in given:
        click.echo(line)


@stock.command(
    "import",
    short_help=_("Import a count sheet: many SKUs' stock at once."),
    help=_(
        "Import a count sheet (XLSX or CSV: a SKU column and a quantity column): set each "
        "SKU's on hand to the counted figure, or with --add add a delivery. Every mistake is "
        "listed and nothing changes until there is none."
    ),
    epilog=examples(
        ("listsync stock import kiem-kho.xlsx --dry-run", _("What a count would change")),
        ("listsync stock import hang-ve.csv --add", _("A delivery: add its quantities")),
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--add", is_flag=True, help=_("The quantities came in (a delivery): add them."))
@click.option("--dry-run", is_flag=True, help=_("Show what would change; change nothing."))
@click.option(
    "--note", default="", help=_("Why (kept with each movement; default: the file's name).")
)
@pass_state
def stock_import(state: State, file: Path, add: bool, dry_run: bool, note: str) -> None:
    with state.workspace() as ws:
        plan = ws.plan_stock_count(file, add=add)
        if not dry_run:
            plan = ws.apply_stock_count(plan, note)
    if plan.moved:
        echo_table(
            [_("SKU"), _("On hand"), _("New on hand"), _("Change")],
            [
                [change.sku, change.on_hand, change.new_on_hand, f"{change.delta:+d}"]
                for change in plan.moved
            ],
        )
    click.echo(plan.summary())


@stock.command(
    "export",
    short_help=_("Write a count sheet to fill in and import."),
    help=_(
        "Write a count sheet (.xlsx or .csv) of every SKU with its on hand and an empty "
        "counted column, to fill in and import with: listsync stock import FILE"
    ),
    epilog=examples(("listsync stock export kiem-kho.xlsx", _("A count sheet to fill in"))),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def stock_export(state: State, file: Path) -> None:
    from listsync.catalog.count_sheet import QUANTITY, sheet_header

    with state.workspace() as ws:
        count = ws.export_count_sheet(file)
    click.echo(
        _(
            "wrote {file}: {count} SKUs; fill in the column {column}, then run: "
            "listsync stock import {file}"
        ).format(file=file, count=count, column=sheet_header(QUANTITY))
    )
