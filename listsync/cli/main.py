"""The ``listsync`` command: parse, call, print.

Only click is imported at the top, so ``listsync --help`` starts at once; each command
imports what it needs. An error a user can meet is printed as one line (exit 2 for bad
input or configuration, 1 for a failure) and never as a traceback unless ``--verbose``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from listsync import __version__
from listsync.i18n import _

if TYPE_CHECKING:
    from listsync.workspace import Workspace

EXIT_INTERRUPTED = 130


class State:
    def __init__(self, workspace: Path | None, verbose: bool):
        self.workspace_path = workspace
        self.verbose = verbose

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        from listsync.workspace import Workspace, require_workspace

        require_workspace(self.workspace_path)
        with Workspace.open(self.workspace_path) as workspace:
            yield workspace


pass_state = click.make_pass_decorator(State)


def echo_table(headers: list[str], rows: list[list[Any]]) -> None:
    from listsync.report.text_table import format_table

    click.echo(format_table(headers, rows))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="listsync")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LISTSYNC_WORKSPACE",
    help=_("Workspace folder (default: the current folder)."),
)
@click.option("-v", "--verbose", is_flag=True, help=_("Show details and tracebacks."))
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, verbose: bool) -> None:
    """listsync keeps one product catalog in step on every marketplace."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = State(workspace, verbose)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--force", is_flag=True, help=_("Overwrite listsync.toml and .env if present."))
def init(directory: Path, force: bool) -> None:
    """Make a workspace: listsync.toml, a private .env and a sample catalog."""
    from listsync.catalog.samples import copy_sample_catalog
    from listsync.settings import write_workspace_template

    written = write_workspace_template(directory, force=force)
    written += copy_sample_catalog(directory)
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    steps = "listsync catalog import && listsync stock show"
    if directory.resolve() != Path.cwd().resolve():
        steps = f"cd {directory} && {steps}"
    click.echo(_("Next: {steps}").format(steps=steps))


# -- catalog ------------------------------------------------------------------------------
@cli.group()
def catalog() -> None:
    """Check, import and list the product catalog."""


@catalog.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def catalog_validate(file: Path) -> None:
    """Check a catalog file (YAML, CSV or XLSX) and list every problem in it."""
    from listsync.catalog.files import load_catalog

    loaded = load_catalog(file)
    units = sum(len(list(product.units())) for product in loaded.products)
    click.echo(
        _("{file}: {products} products, {units} SKUs, no problems").format(
            file=file, products=len(loaded.products), units=units
        )
    )


@catalog.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--allow-removals", is_flag=True, help=_("Allow dropping over half the products."))
@click.option("--dry-run", is_flag=True, help=_("Show what would change; change nothing."))
@pass_state
def catalog_import(state: State, file: Path | None, allow_removals: bool, dry_run: bool) -> None:
    """Import a catalog file into the ledger (added, changed, unchanged, removed)."""
    from listsync.catalog.files import load_catalog

    with state.workspace() as ws:
        loaded = load_catalog(ws.catalog_path(file))
        summary = ws.import_catalog(loaded, allow_removals=allow_removals, dry_run=dry_run)
    click.echo(str(summary))


@catalog.command("list")
@pass_state
def catalog_list(state: State) -> None:
    """List the products in the ledger with their SKUs and prices."""
    with state.workspace() as ws:
        products = ws.ledger.products()
    rows = [
        [unit.sku, product.name.vi or product.name.en, f"{unit.price_vnd:,}".replace(",", ".")]
        for product in products
        for unit in product.units()
    ]
    echo_table([_("SKU"), _("Name"), _("Price (₫)")], rows)


# -- stock --------------------------------------------------------------------------------
@cli.group()
def stock() -> None:
    """Count, add and show stock on hand."""


@stock.command("set")
@click.argument("sku")
@click.argument("quantity", type=click.IntRange(min=0))
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@pass_state
def stock_set(state: State, sku: str, quantity: int, note: str) -> None:
    """Set on-hand stock of SKU to QUANTITY (after a count)."""
    with state.workspace() as ws:
        delta = ws.set_stock(sku, quantity, note)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=quantity, delta=delta)
    )


@stock.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("sku")
@click.argument("delta", type=int)
@click.option("--note", default="", help=_("Why (kept with the movement)."))
@pass_state
def stock_add(state: State, sku: str, delta: int, note: str) -> None:
    """Add DELTA units to SKU (negative to take away)."""
    with state.workspace() as ws:
        on_hand = ws.add_stock(sku, delta, note)
    click.echo(
        _("{sku}: on hand {quantity} ({delta:+d})").format(sku=sku, quantity=on_hand, delta=delta)
    )


@stock.command("show")
@click.argument("sku", required=False)
@pass_state
def stock_show(state: State, sku: str | None) -> None:
    """Show stock on hand, for every SKU or one."""
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
            f"{m.created_at.astimezone(zone):%Y-%m-%d %H:%M}" if m.created_at else "",
            f"{m.delta:+d}",
            m.reason,
            m.reference or m.note,
        ]
        for m in movements
    ]
    echo_table([_("When"), _("Change"), _("Reason"), _("Order or note")], rows)
    for line in given:
        click.echo(line)


# -- channels -----------------------------------------------------------------------------
@cli.command()
@pass_state
def channels(state: State) -> None:
    """List installed marketplace adapters, configured or not, and their authorization."""
    with state.workspace() as ws:
        statuses = ws.channel_statuses()
    rows = [
        [
            s.name,
            s.title,
            _("yes") if s.configured else _("no"),
            _("yes") if s.enabled else _("no"),
            s.problem or s.token,
        ]
        for s in statuses
    ]
    echo_table([_("Channel"), _("Marketplace"), _("Configured"), _("Enabled"), _("State")], rows)


@cli.command()
@click.argument("channel")
@click.option("--redirect-url", help=_("The address the browser was sent back to."))
@click.option(
    "--callback",
    default="http://127.0.0.1:8765/listsync/callback",
    show_default=True,
    help=_("The redirect address registered for your app."),
)
@pass_state
def auth(state: State, channel: str, redirect_url: str | None, callback: str) -> None:
    """Connect a shop: open the consent link, then give back the address you land on."""
    with state.workspace() as ws:
        connection = ws.channel(channel)
        try:
            if not redirect_url:
                click.echo(_("1. Open this link, log in as the shop owner and approve:"))
                click.echo("   " + connection.authorization_url(callback))
                click.echo(
                    _("2. The browser then goes to an address starting with {cb}").format(
                        cb=callback
                    )
                )
                redirect_url = click.prompt(_("   Paste that whole address here"))
            shop_id = connection.authorize(redirect_url)
        finally:
            connection.close()
        configured = str(getattr(ws.channel_settings(channel), "shop_id", "") or "")
    click.echo(_("{channel}: shop {shop} is connected.").format(channel=channel, shop=shop_id))
    if configured != shop_id:
        click.echo(
            _('Add shop_id = "{shop}" to [channels.{channel}] in listsync.toml.').format(
                shop=shop_id, channel=channel
            )
        )


# -- sync ---------------------------------------------------------------------------------
def sync_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--channel", "channels", multiple=True, help=_("Only this channel (repeatable).")
    )(command)
    command = click.option(
        "--dry-run", is_flag=True, help=_("Show the plan; send and record nothing.")
    )(command)
    return click.option(
        "--force", is_flag=True, help=_("Allow setting stock to 0 on most listings at once.")
    )(command)


def run_sync(
    state: State,
    channels: tuple[str, ...],
    dry_run: bool,
    force: bool,
    *,
    pull: bool,
    push: bool,
    command: str,
) -> None:
    from listsync.errors import ConfigError
    from listsync.report.summary import render_plan, render_summary
    from listsync.sync.runlock import run_lock

    with state.workspace() as ws:
        names = ws.enabled_channels(channels)
        if not names:
            raise ConfigError(
                _(
                    "no marketplace is switched on: add a [channels.<name>] section with "
                    "enabled = true to listsync.toml (listsync channels lists them; "
                    "listsync demo shows a sync against the built-in sandboxes)"
                )
            )
        engine = ws.sync_engine()
        if dry_run:
            click.echo(render_plan(engine.plan(names, force=force)))
            return
        with run_lock(ws.settings.ledger_path, command):
            result = engine.run(names, pull=pull, push=push, force=force, command=command)
    click.echo(render_summary(result))
    if not result.ok:
        sys.exit(result.exit_code)


@cli.command()
@sync_options
@pass_state
def sync(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    """Pull orders, settle stock, then publish listings, stock and prices."""
    run_sync(state, channels, dry_run, force, pull=True, push=True, command="sync")


@cli.command()
@sync_options
@pass_state
def publish(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    """Create and update listings, stock and prices (no order pull)."""
    run_sync(state, channels, dry_run, force, pull=False, push=True, command="publish")


@cli.group()
def orders() -> None:
    """Orders from the marketplaces."""


@orders.command("pull")
@sync_options
@pass_state
def orders_pull(state: State, channels: tuple[str, ...], dry_run: bool, force: bool) -> None:
    """Pull new and changed orders into the ledger and settle stock."""
    run_sync(state, channels, dry_run, force, pull=True, push=False, command="orders pull")


# -- demo ---------------------------------------------------------------------------------
@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Where to make the demo workspace (default: a new temporary folder)."),
)
@click.option("--orders", default=24, show_default=True, help=_("Orders per marketplace."))
@click.option("--days", default=5, show_default=True, help=_("Spread over this many days."))
def demo(directory: Path | None, orders: int, days: int) -> None:
    """Try everything against the built-in sandboxes: no marketplace account needed."""
    import threading

    from listsync.demo.run import run_demo
    from listsync.report.summary import render_demo

    lock = threading.Lock()

    @contextmanager
    def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
        with click.progressbar(length=total, label=label, show_pos=True) as bar:

            def advance(n: int) -> None:
                with lock:
                    bar.update(n)

            yield advance

    result = run_demo(directory, say=click.echo, progress=progress, orders=orders, days=days)
    click.echo(render_demo(result))


# -- sandbox ------------------------------------------------------------------------------
@cli.group()
def sandbox() -> None:
    """Local imitations of the marketplaces, to try listsync without accounts."""


@sandbox.command("serve")
@click.argument("channels", nargs=-1)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help=_("First port (default: free ports).")
)
@click.option("--json", "as_json", is_flag=True, help=_("One JSON line per channel."))
def sandbox_serve(channels: tuple[str, ...], port: int, as_json: bool) -> None:
    """Serve marketplace sandboxes on 127.0.0.1 until interrupted."""
    import threading

    from listsync.channel.registry import default_registry
    from listsync.sandbox.harness import serve

    registry = default_registry()
    plugins = [registry.get(name) for name in channels] if channels else registry.load_all()
    apps = [plugin.sandbox() for plugin in plugins if plugin.sandbox is not None]
    if not apps:
        raise click.UsageError(_("no installed adapter ships a sandbox"))
    servers = serve(apps, port)
    for server in servers:
        line = server.describe()
        if as_json:
            click.echo(json.dumps(line, ensure_ascii=False))
        else:
            click.echo(f"{line['channel']}: {line['base_url']}")
    if not as_json:
        click.echo(_("Serving; press Ctrl+C to stop."))
    sys.stdout.flush()
    try:
        threading.Event().wait()
    finally:
        for server in servers:
            server.stop()


def _register() -> None:
    """Commands that live in modules of their own (each imports only click at the top)."""
    from listsync.cli.report import listings_cmd, report_cmd, runs_cmd
    from listsync.cli.schedule import nightly, schedule

    for command in (report_cmd, runs_cmd, listings_cmd, schedule, nightly):
        cli.add_command(command)


_register()


def fail(message: str, code: int) -> NoReturn:
    click.echo(_("error: {message}").format(message=message), err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns every error a user can meet into one line and an exit code."""
    from listsync.errors import ListsyncError  # light: no third-party imports

    verbose = "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv)
    try:
        cli.main(args=argv, prog_name="listsync", standalone_mode=False)
    except click.exceptions.Abort:
        fail(_("interrupted"), EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ListsyncError as exc:
        if verbose:
            logging.getLogger("listsync").exception("details")
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail(_("interrupted"), EXIT_INTERRUPTED)
    except Exception as exc:
        if verbose:
            raise
        fail(
            _("unexpected {kind}: {exc} (run again with --verbose for details)").format(
                kind=type(exc).__name__, exc=exc
            ),
            1,
        )
