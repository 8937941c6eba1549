"""``catalog validate | import | list | template``: the product catalog."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click

from listsync.cli.help import examples
from listsync.cli.state import State, echo_table, pass_state
from listsync.i18n import _


@click.group(
    help=_("Check, import and list the product catalog."),
    epilog=examples(
        ("listsync catalog validate catalog.xlsx", _("Check a spreadsheet; list every mistake")),
        ("listsync catalog import", _("Import the workspace's catalog into the ledger")),
    ),
)
def catalog() -> None:
    pass


@catalog.command(
    "validate",
    help=_("Check a catalog file (YAML, CSV or XLSX) and list every problem in it."),
    epilog=examples(
        ("listsync catalog validate catalog.xlsx", _("Check a spreadsheet; list every mistake")),
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def catalog_validate(state: State, file: Path) -> None:
    from listsync.catalog.files import check_catalog
    from listsync.catalog.ocop import due_from, local_today
    from listsync.cli.progress import progress_display
    from listsync.clock import SystemClock
    from listsync.settings import settings_if_any, workspace_zone

    found = settings_if_any(state.workspace_path)  # its photo_dirs, as an import would
    with progress_display() as display:
        counts = check_catalog(file, found.photo_dirs if found else (), progress=display)
    click.echo(
        _("{file}: {products} products, {units} SKUs, no problems").format(
            file=file, products=counts.products, units=counts.units
        )
    )
    today = local_today(SystemClock().now(), workspace_zone(state.workspace_path))
    echo_warnings(str(due) for due in due_from(counts.ocop, today))


@catalog.command(
    "import",
    help=_("Import a catalog file into the ledger (added, changed, unchanged, removed)."),
    epilog=examples(
        ("listsync catalog import --dry-run", _("See what an import would change; change nothing")),
        ("listsync catalog import san-pham.xlsx", _("Import another file than the usual catalog")),
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--allow-removals", is_flag=True, help=_("Allow dropping over half the products."))
@click.option("--dry-run", is_flag=True, help=_("Show what would change; change nothing."))
@pass_state
def catalog_import(state: State, file: Path | None, allow_removals: bool, dry_run: bool) -> None:
    from listsync.catalog.files import load_catalog
    from listsync.cli.progress import progress_display

    with state.workspace() as ws:
        with progress_display() as display:
            loaded = load_catalog(ws.catalog_path(file), ws.settings.photo_dirs, display)
        summary = ws.import_catalog(loaded, allow_removals=allow_removals, dry_run=dry_run)
        due = ws.certificates_due(loaded.products)
    click.echo(str(summary))
    echo_warnings(str(certificate) for certificate in due)


def echo_warnings(warnings: Iterable[str]) -> None:
    """Each on its own line after what the command did: a warning changes no exit code."""
    for warning in warnings:
        click.echo(_("warning: {text}").format(text=warning))


@catalog.command(
    "list",
    help=_("List the products in the ledger with their SKUs and prices."),
    epilog=examples(("listsync catalog list", _("Every SKU in the ledger, with its price"))),
)
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
    epilog=examples(
        ("listsync catalog template san-pham.xlsx", _("Write an empty workbook to fill in")),
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
