"""The nightly run: the sync a scheduler starts while nobody watches.

``listsync nightly`` is ``listsync sync`` made to look after itself. It takes the run lock
first (a run already going means nothing to do: exit 75, nothing written), notices a
missed night and says so, warns about authorizations and OCOP certificates that end soon,
syncs every enabled channel, and prints one line a monitor can read — then the warnings.
Everything, with the full summary table and any traceback, goes to a rotating log file in
the workspace's ``log_dir``; the HTTP layer has already redacted what it logs, and nothing
here logs a setting.

Exit codes for monitors: 0 every channel ok (warnings or not), 3 every channel ok but
something needs a person (its "To fix" list: products that could not be listed, an expired
OCOP certificate; printed after the summary line), 1 a channel failed (the others
finished) or something unexpected, 2 bad settings (nothing was run), 75 another run holds
the ledger.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from logging.handlers import RotatingFileHandler
from pathlib import Path
from zoneinfo import ZoneInfo

from listsync.channel.registry import Registry
from listsync.clock import Clock, SystemClock
from listsync.errors import (
    EXIT_ATTENTION,
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_LOCKED,
    ConfigError,
    ListsyncError,
    LockedError,
)
from listsync.i18n import _, ngettext
from listsync.ledger.backups import prune
from listsync.redact import RedactingFilter
from listsync.report.progress import PlainProgress
from listsync.report.summary import render_summary
from listsync.schedule.checks import DAY, local
from listsync.schedule.status import warnings_ahead
from listsync.settings import CONFIG_NAME, ENV_PREFIX, Settings, load_settings
from listsync.sync.engine import RunResult
from listsync.sync.runlock import run_lock
from listsync.workspace import Workspace

EXIT_OK = 0
LOG_FILE = "nightly.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
DEFAULT_ZONE = str(Settings.model_fields["timezone"].default)  # when the settings are unreadable

log = logging.getLogger("listsync.schedule.nightly")


@dataclass(frozen=True)
class NightlyOptions:
    every: timedelta = DAY  # how often the schedule starts a run: what "missed" means
    token_days: int = 7  # warn this many days before a shop's authorization ends
    ocop_days: int = 30  # warn this many days before an OCOP certificate expires
    log_bytes: int = LOG_BYTES
    log_backups: int = LOG_BACKUPS
    backups_kept: int = 7  # copies of the ledger, one made before each run


@dataclass
class NightlyResult:
    exit_code: int
    summary: str  # the one line
    warnings: list[str] = field(default_factory=list)
    details: str = ""  # the full summary table, for the log
    log_file: Path | None = None
    run_id: int | None = None
    to_fix: list[str] = field(default_factory=list)  # the sync's "To fix": what needs a person

    @property
    def lines(self) -> list[str]:
        """What is printed: the summary line, one line per warning, one per thing to fix."""
        return [
            self.summary,
            *(_("warning: {text}").format(text=w) for w in self.warnings),
            *(_("to fix: {text}").format(text=t) for t in self.to_fix),
        ]


def run_nightly(
    workspace: Path | None = None,
    options: NightlyOptions | None = None,
    *,
    clock: Clock | None = None,
    registry: Registry | None = None,
) -> NightlyResult:
    """One unattended run on ``workspace``; every error ends in the result, never raised."""
    options = options or NightlyOptions()
    clock = clock or SystemClock()
    started = clock.now()
    try:
        settings = load_settings(workspace)
    except ListsyncError as exc:
        folder = _fallback_log_dir(workspace)
        with nightly_log(folder, ZoneInfo(DEFAULT_ZONE), options) as log_file:
            stamp = local(started, ZoneInfo(DEFAULT_ZONE))
            return _logged(_refused(stamp, exc, log_file))
    with nightly_log(settings.log_dir, settings.tz, options) as log_file:
        log.info(_("nightly run started in {folder}").format(folder=settings.workspace))
        return _logged(_run(settings, options, clock, registry, started, log_file))


def _logged(result: NightlyResult) -> NightlyResult:
    levels = {EXIT_OK: logging.INFO, EXIT_ATTENTION: logging.WARNING, EXIT_LOCKED: logging.WARNING}
    log.log(levels.get(result.exit_code) or logging.ERROR, "%s", result.summary)
    for item in result.to_fix:
        log.warning("%s", _("to fix: {text}").format(text=item))
    if result.details:
        log.info("%s\n%s", _("details:"), result.details)
    return result


def _run(
    settings: Settings,
    options: NightlyOptions,
    clock: Clock,
    registry: Registry | None,
    started: datetime,
    log_file: Path | None,
) -> NightlyResult:
    stamp = local(started, settings.tz)
    warnings: list[str] = []
    try:
        with Workspace(settings, registry, clock) as ws:
            names = ws.enabled_channels()
            if not names:
                raise ConfigError(
                    _("no channel is enabled: set enabled = true in a [channels.…] section")
                )
            with run_lock(settings.ledger_path, "nightly", clock, settings.tz):
                _safeguard(ws, options)
                warnings = _checks(ws, names, options, started)
                for warning in warnings:
                    log.warning("%s", warning)
                log.info(_("syncing {channels}").format(channels=", ".join(names)))
                progress = PlainProgress(lambda line: log.info("%s", line), clock)
                result = ws.sync_engine().run(names, command="nightly", progress=progress)
    except LockedError as exc:
        return NightlyResult(EXIT_LOCKED, _line(stamp, _("skipped"), str(exc)), [], "", log_file)
    except ListsyncError as exc:
        return _refused(stamp, exc, log_file, warnings)
    except Exception as exc:  # unattended: whatever happens ends in the log and the exit code
        log.exception(_("the nightly run stopped"))
        where = _("; details in {log}").format(log=log_file) if log_file else ""
        text = _("unexpected {kind}: {error}").format(kind=type(exc).__name__, error=exc)
        return NightlyResult(
            EXIT_FAILURE, _line(stamp, _("FAILED"), text + where), warnings, "", log_file
        )
    to_fix = result.to_fix
    warnings = [w for w in warnings if w not in to_fix]  # an expired certificate: to fix
    return NightlyResult(
        result.exit_code,
        _summary(stamp, result, len(warnings)),
        warnings,
        render_summary(result),
        log_file,
        result.run_id,
        to_fix,
    )


def _safeguard(ws: Workspace, options: NightlyOptions) -> None:
    """Check the whole ledger, then copy it: a damaged file is never synced into, and the
    newest copies (``backups_kept``) are the way back."""
    ws.ledger.verify()
    copy = ws.ledger.backup()
    prune(copy.parent, ws.settings.ledger_path.stem, options.backups_kept)
    log.info(_("the ledger is sound; copied to {path}").format(path=copy))


def _checks(ws: Workspace, names: list[str], options: NightlyOptions, now: datetime) -> list[str]:
    return warnings_ahead(
        ws,
        names,
        now,
        every=options.every,
        token_days=options.token_days,
        ocop_days=options.ocop_days,
    )


def _line(stamp: str, verdict: str, text: str) -> str:
    return _("{stamp} listsync nightly: {verdict} — {text}").format(
        stamp=stamp, verdict=verdict, text=text
    )


def _summary(stamp: str, result: RunResult, warnings: int) -> str:
    verdict = _("ok") if result.ok else _("FAILED")
    if result.exit_code == EXIT_ATTENTION:
        count = len(result.to_fix)
        verdict = _("needs attention ({n} to fix)").format(n=count)
    if warnings:
        verdict += ", " + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
    parts = []
    for name, outcome in result.outcomes.items():
        if outcome.error:
            reason = outcome.error.strip().splitlines()[0] if outcome.error.strip() else "?"
            for prefix in (f"{name}: ", f"{name} "):
                reason = reason.removeprefix(prefix)
            reason = reason if len(reason) <= 160 else reason[:159] + "…"
            parts.append(_("{channel} FAILED ({reason})").format(channel=name, reason=reason))
            continue
        new = outcome.tally.counts.get("orders_new", 0)
        facts = [ngettext("{n} new order", "{n} new orders", new).format(n=new)]
        if outcome.tally.problems:
            count = len(outcome.tally.problems)
            facts.append(ngettext("{n} to fix", "{n} to fix", count).format(n=count))
        parts.append(_("{channel} ok ({facts})").format(channel=name, facts=", ".join(facts)))
    return _line(stamp, verdict, ", ".join(parts))


def _refused(
    stamp: str, exc: ListsyncError, log_file: Path | None, warnings: list[str] | None = None
) -> NightlyResult:
    """Settings or the ledger stopped the run before any channel was synced."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    details = "" if text == first else text
    if details and log_file:
        first += _(" (all of it in {log})").format(log=log_file)
    code = EXIT_BAD_INPUT if exc.exit_code == EXIT_BAD_INPUT else EXIT_FAILURE
    verdict = _("not run") if code == EXIT_BAD_INPUT else _("FAILED")
    return NightlyResult(code, _line(stamp, verdict, first), warnings or [], details, log_file)


def _fallback_log_dir(workspace: Path | None) -> Path | None:
    """Where to log when the settings cannot be read: ``logs`` of a folder that holds a
    listsync.toml, else nowhere (never a stray folder in some other directory)."""
    chosen = workspace or os.environ.get(ENV_PREFIX + "WORKSPACE") or Path.cwd()
    folder = Path(chosen).expanduser()
    return folder / "logs" if (folder / CONFIG_NAME).is_file() else None


class _LocalTime(logging.Formatter):
    """Log times in the workspace's time zone, with the offset, so they read as local."""

    def __init__(self, tz: tzinfo):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.tz).isoformat(timespec="seconds")


@contextmanager
def nightly_log(log_dir: Path | None, tz: tzinfo, options: NightlyOptions) -> Iterator[Path | None]:
    """Send the ``listsync`` loggers to ``log_dir/nightly.log`` (rotating) while the run lasts.

    Their lines stay off the terminal — the run prints its own few lines — unless the root
    logger shows debug lines (``listsync -v``). Yields the log file, or ``None`` if the
    folder cannot be written (the run goes on; the printed lines say what happened).
    """
    logger = logging.getLogger("listsync")
    handler: logging.Handler | None = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                log_dir / LOG_FILE,
                maxBytes=options.log_bytes,
                backupCount=options.log_backups,
                encoding="utf-8",
            )
        except OSError:
            handler = None
    level, propagate = logger.level, logger.propagate
    if handler is not None:
        handler.setFormatter(_LocalTime(tz))
        handler.addFilter(RedactingFilter())
        handler.setLevel(logging.INFO)
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
    logger.propagate = logging.getLogger().isEnabledFor(logging.DEBUG)
    try:
        yield None if handler is None or log_dir is None else log_dir / LOG_FILE
    finally:
        logger.propagate = propagate
        logger.setLevel(level)
        if handler is not None:
            logger.removeHandler(handler)
            handler.close()
