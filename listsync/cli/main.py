"""The ``listsync`` command: parse, call, print.

Only click is imported at the top, so ``listsync --help`` starts at once; each command
imports what it needs. An error a user can meet is printed as one line (exit 2 for bad
input or configuration, 1 for a failure) and never as a traceback unless ``--verbose``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import NoReturn

import click

from listsync import __version__
from listsync.cli.catalog import catalog
from listsync.cli.demo import demo, sandbox
from listsync.cli.help import examples, full_short_help
from listsync.cli.ledger import backup, restore
from listsync.cli.report import listings_cmd, report_cmd, runs_cmd
from listsync.cli.schedule import nightly, schedule
from listsync.cli.start import configured_language, use_language
from listsync.cli.state import State
from listsync.cli.stock import stock
from listsync.cli.sync import orders, publish, sync
from listsync.cli.web import web
from listsync.cli.workspace import auth, channels, init
from listsync.i18n import _

EXIT_INTERRUPTED = 130


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_("listsync keeps one product catalog in step on every marketplace."),
    epilog=examples(
        ("listsync demo", _("Try everything against the built-in sandboxes")),
        ("listsync -w htx sync", _("Sync the workspace in the folder htx")),
    ),
)
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
    from listsync.redact import RedactingFilter

    # `listsync.cli.start` did this before the commands were built; again here for callers
    # that run the group directly (tests, `cli.main`)
    use_language(configured_language(workspace))

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    ctx.obj = State(workspace, verbose)


for command in (
    init,
    channels,
    auth,
    catalog,
    stock,
    sync,
    publish,
    orders,
    demo,
    sandbox,
    backup,
    restore,
    report_cmd,
    runs_cmd,
    listings_cmd,
    schedule,
    nightly,
    web,
):
    cli.add_command(command)


def _words() -> dict[str, str]:
    """The placeholders click writes in usage lines, in the interface language."""
    return {
        "channel": _("CHANNEL"),
        "channels": _("CHANNELS"),
        "delta": _("DELTA"),
        "directory": _("DIRECTORY"),
        "file": _("FILE"),
        "quantity": _("QUANTITY"),
        "integer": _("INTEGER"),
        "integer range": _("INTEGER RANGE"),
        "text": _("TEXT"),
        "NAME": _("NAME"),
        "STATE": _("STATE"),
        "DATE": _("DATE"),
        "DAYS": _("DAYS"),
        "PERIOD": _("PERIOD"),
        "ZONE": _("ZONE"),
    }


def speak_placeholders(command: click.Command, words: dict[str, str]) -> None:
    """Click writes ``[OPTIONS]``, ``COMMAND [ARGS]...``, argument names and type names as
    they are; give each the interface language's word, in the shape click gives it."""
    command.options_metavar = _("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in command.commands.values():
            speak_placeholders(sub, words)
    for param in command.params:
        if param.metavar is not None:
            param.metavar = words.get(param.metavar, param.metavar)
            continue
        if isinstance(param.type, click.Choice):
            continue
        if isinstance(param, click.Argument) and param.name in words:
            word = words[param.name]
            word = word if param.required else f"[{word}]"
            param.metavar = word + ("..." if param.nargs != 1 else "")
        elif isinstance(param, click.Option) and not param.is_flag and param.type.name in words:
            word = words[param.type.name]
            param.metavar = word + ("..." if param.nargs != 1 else "")


speak_placeholders(cli, _words())
full_short_help(cli)


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
        if verbose:  # the traceback goes through the logging filter: no secret in it
            logging.getLogger("listsync").exception("details")
        fail(
            _("unexpected {kind}: {exc} (run again with --verbose for details)").format(
                kind=type(exc).__name__, exc=exc
            ),
            1,
        )
