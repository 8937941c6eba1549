"""Errors a user can meet: each carries a sentence for a person and an exit code.

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``; nothing else
about an error reaches the screen unless ``--verbose`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from listsync.i18n import _, ngettext

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_ATTENTION = 3  # the run finished, but something needs a person: its "To fix" list
EXIT_LOCKED = 75
EXIT_INTERRUPTED = 130  # stopped by Ctrl+C, as shells expect (128 + SIGINT)


class ListsyncError(Exception):
    """Base of every error meant for a person."""

    exit_code = EXIT_FAILURE


class InputError(ListsyncError):
    """Bad input or configuration: nothing was changed."""

    exit_code = EXIT_BAD_INPUT


class ConfigError(InputError):
    """A setting is missing or wrong."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located as precisely as we can.

    A spreadsheet's problem (``place="row"``) is shown where Excel shows it: the row, the
    column's letter and its header as written in the file (``catalog.xlsx, row 4, column F
    (Giá bán): ...``). A YAML file's (``place="line"``) keeps ``FILE:LINE: key: ...``.
    """

    source: str
    row: int | None
    field: str
    message: str
    place: Literal["row", "line"] = "line"
    column: str = ""
    """The spreadsheet column's letter (``F``), when the problem is in one column."""
    header: str = ""
    """The column's header as written in the file; the field's name when there is none."""

    def __str__(self) -> str:
        if self.place == "row" and self.row is not None:
            return self._in_table()
        where = f"{self.source}:{self.row}" if self.row is not None else self.source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def _in_table(self) -> str:
        header = self.header or self.field
        values = {
            "file": self.source,
            "row": self.row,
            "column": self.column,
            "header": header,
            "message": self.message,
        }
        if self.column and header:
            text = _("{file}, row {row}, column {column} ({header}): {message}")
        elif self.column:
            text = _("{file}, row {row}, column {column}: {message}")
        elif header:
            text = _("{file}, row {row} ({header}): {message}")
        else:
            text = _("{file}, row {row}: {message}")
        return text.format(**values)


class CatalogError(InputError):
    """A catalog file has problems; all of them are listed, not just the first.

    ``total`` counts them all when only the first ``problems`` were kept (a file wrong on
    every one of 200,000 rows); the message then says how many more there are.
    """

    def __init__(self, problems: Sequence[Problem], total: int | None = None):
        self.problems = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        count = self.total
        head = ngettext(
            "{count} problem in the catalog", "{count} problems in the catalog", count
        ).format(count=count)
        lines = [f"  {p}" for p in self.problems]
        more = count - len(self.problems)
        if more:
            lines.append(
                "  "
                + ngettext(
                    "… and {count} more problem: fix these first, then check the file again",
                    "… and {count} more problems: fix these first, then check the file again",
                    more,
                ).format(count=more)
            )
        super().__init__(head + ":\n" + "\n".join(lines))


class CountSheetError(InputError):
    """A count sheet has problems, and no stock was changed: all of them are listed, or the
    first ``problems`` of ``total`` (like :class:`CatalogError`)."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None):
        self.problems = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        head = ngettext(
            "{count} problem in the count sheet; no stock was changed",
            "{count} problems in the count sheet; no stock was changed",
            self.total,
        ).format(count=self.total)
        lines = [f"  {p}" for p in self.problems]
        more = self.total - len(self.problems)
        if more:
            lines.append(
                "  "
                + ngettext(
                    "… and {count} more problem: fix these first, then check the file again",
                    "… and {count} more problems: fix these first, then check the file again",
                    more,
                ).format(count=more)
            )
        super().__init__(head + ":\n" + "\n".join(lines))


class LockedError(ListsyncError):
    """Another run holds the ledger."""

    exit_code = EXIT_LOCKED


class ChannelError(ListsyncError):
    """A marketplace call failed. ``channel`` and ``call`` say where."""

    def __init__(self, message: str, *, channel: str = "", call: str = ""):
        self.channel = channel
        self.call = call
        self.detail = message
        super().__init__(message)

    def __str__(self) -> str:
        where = " ".join(part for part in (self.channel, self.call) if part)
        return f"{where}: {self.detail}" if where else self.detail


class TransientError(ChannelError):
    """Worth trying again later: a network fault, a 5xx, a malformed reply to a read."""


class RateLimited(TransientError):
    """The marketplace asked us to slow down; ``retry_after`` is in seconds when it said."""

    def __init__(
        self,
        message: str,
        *,
        channel: str = "",
        call: str = "",
        retry_after: float | None = None,
        quota_exhausted: bool = False,
    ):
        super().__init__(message, channel=channel, call=call)
        self.retry_after = retry_after
        self.quota_exhausted = quota_exhausted


class AuthError(ChannelError):
    """The shop's authorization is missing, expired or revoked: re-authorize."""


class SetupError(ChannelError):
    """The app's credentials or this computer's clock are wrong: fix them; retrying won't."""


class ClockSkewError(SetupError):
    """The marketplace refused a timestamp we had just taken: this computer's clock is off."""


class RejectedError(ChannelError):
    """The marketplace refused this item; retrying the same request will not help."""

    def __init__(self, message: str, *, channel: str = "", call: str = "", sku: str = ""):
        super().__init__(message, channel=channel, call=call)
        self.sku = sku


class NotListable(RejectedError):
    """This item cannot be sent as it stands, and the marketplace never saw it: a check on
    this computer (the catalog, the mapping file, a photo) found why. The person fixes the
    catalog; retrying as it is will not help. Adapters raise it for what they find before
    any call, so the core never reports it as the marketplace's refusal."""


class UnknownOutcome(ChannelError):
    """A write was sent but its result is not known: reconcile by reading before resending."""
