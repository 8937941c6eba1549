"""``demo`` and ``sandbox serve``: the built-in marketplace sandboxes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from listsync.cli.help import examples
from listsync.i18n import _

DEMO_DAYS = 30  # the demo workspace's backfill_days: older orders would not be pulled


@click.command(
    help=_("Try everything against the built-in sandboxes: no marketplace account needed."),
    epilog=examples(
        ("listsync demo", _("Everything, in a new temporary folder")),
        ("listsync demo --dir demo --orders 50", _("In the folder demo, 50 orders a marketplace")),
    ),
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help=_("Where to make the demo workspace (default: a new temporary folder)."),
)
@click.option(
    "--orders",
    type=click.IntRange(min=0),
    default=24,
    show_default=True,
    help=_("Orders per marketplace."),
)
@click.option(
    "--days",
    type=click.IntRange(1, DEMO_DAYS),
    default=5,
    show_default=True,
    help=_("Spread over this many days (at most what a first sync reads, 30)."),
)
def demo(directory: Path | None, orders: int, days: int) -> None:
    import threading

    from listsync.demo.run import run_demo
    from listsync.demo.summary import render_demo

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
@click.group(
    help=_("Local imitations of the marketplaces, to try listsync without accounts."),
    epilog=examples(
        ("listsync sandbox serve shopee", _("A Shopee sandbox, and the settings to use it")),
    ),
)
def sandbox() -> None:
    pass


@sandbox.command(
    "serve",
    help=_("Serve marketplace sandboxes on 127.0.0.1 until interrupted."),
    epilog=examples(
        ("listsync sandbox serve", _("Every sandbox, and the settings to use each")),
        ("listsync sandbox serve lazada --port 8800 --json", _("Lazada's on port 8800, as JSON")),
    ),
)
@click.argument("channels", nargs=-1)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help=_("First port (default: free ports).")
)
@click.option("--json", "as_json", is_flag=True, help=_("One JSON line per channel."))
def sandbox_serve(channels: tuple[str, ...], port: int, as_json: bool) -> None:
    import threading

    from listsync.channel.registry import default_registry
    from listsync.demo.run import sandbox_settings
    from listsync.sandbox.harness import serve

    registry = default_registry()
    plugins = [registry.get(name) for name in channels] if channels else registry.load_all()
    apps = [plugin.sandbox() for plugin in plugins if plugin.sandbox is not None]
    if not apps:
        raise click.UsageError(_("no installed adapter ships a sandbox"))
    servers = serve(apps, port)
    by_name = {plugin.name: plugin for plugin in plugins}
    for server in servers:
        line = server.describe()
        if as_json:
            click.echo(json.dumps(line, ensure_ascii=False))
            continue
        section, secrets = sandbox_settings(by_name[line["channel"]], line)
        click.echo(f"{line['channel']}: {line['base_url']}")
        click.echo("  " + _("in listsync.toml:"))
        click.echo("\n".join(f"    {text}" for text in section))
        if secrets:
            click.echo("  " + _("in .env:"))
            click.echo("\n".join(f"    {text}" for text in secrets))
        click.echo("")
    if not as_json:
        click.echo(_("Copy these lines into your workspace, then: listsync auth <channel>"))
        click.echo(_("Serving; press Ctrl+C to stop."))
    sys.stdout.flush()
    try:
        threading.Event().wait()
    finally:
        for server in servers:
            server.stop()
