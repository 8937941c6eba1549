"""``catalog validate | import | list | template``: the product catalog."""

from __future__ import annotations

from pathlib import Path

import click

from listsync.cli.state import State, echo_table, pass_state
from listsync.i18n import _


@click.group(help=_("Check, import and list the product catalog."))
def catalog() -> None:
    pass


@catalog.command(
    "validate", help=_("Check a catalog file (YAML, CSV or XLSX) and list every problem in it.")
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def catalog_validate(file: Path) -> None:
    from listsync.catalog.files import load_catalog

    loaded = load_catalog(file)
    units = sum(len(list(product.units())) for product in loaded.products)
    click.echo(
        _("{file}: {products} products, {units} SKUs, no problems").format(
            file=file, products=len(loaded.products), units=units
        )
    )


@catalog.command(
    "import", help=_("Import a catalog file into the ledger (added, changed, unchanged, removed).")
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--allow-removals", is_flag=True, help=_("Allow dropping over half the products."))
@click.option("--dry-run", is_flag=True, help=_("Show what would change; change nothing."))
@pass_state
def catalog_import(state: State, file: Path | None, allow_removals: bool, dry_run: bool) -> None:
    from listsync.catalog.files import load_catalog

    with state.workspace() as ws:
        loaded = load_catalog(ws.catalog_path(file), ws.settings.photo_dirs)
        summary = ws.import_catalog(loaded, allow_removals=allow_removals, dry_run=dry_run)
    click.echo(str(summary))


@catalog.command("list", help=_("List the products in the ledger with their SKUs and prices."))
@pass_state
def catalog_list(state: State) -> None:
    with state.workspace() as ws:
        products = ws.ledger.products()
    rows = [
        [unit.sku, product.name.vi or product.name.en, f"{unit.price_vnd:,}".replace(",", ".")]
        for product in products
        for unit in product.units()
    ]
    echo_table([_("SKU"), _("Name"), _("Price (₫)")], rows)


@catalog.command(
    "template",
    help=_(
        "Write an empty catalog workbook (.xlsx) to fill in, with a sheet that explains "
        "each column."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def catalog_template(file: Path) -> None:
    from listsync.catalog.files import known_channels
    from listsync.catalog.template import write_template

    write_template(file, known_channels())
    click.echo(
        _(
            "wrote {file}: fill in one row per product (one per variant), "
            "then check it with: listsync catalog validate {file}"
        ).format(file=file)
    )
