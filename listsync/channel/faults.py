"""Whose fault it is that a product could not be listed, read from the kind of error.

A product that could not be listed is shown with one of three faults, because each asks
something else of the person reading:

- ``CATALOG``, our check: something on this computer (the catalog, the mapping file, a
  photo, the OCOP certificate) keeps it from being sent; the marketplace never saw it. Fix
  the catalog.
- ``MARKETPLACE``: the marketplace refused it, with its reason. Change what it asks for.
- ``TEMPORARY``: the marketplace or the network failed on the way; nothing to fix, the next
  run tries again.

The core tells them apart by the error's type only (:class:`~listsync.errors.NotListable`,
:class:`~listsync.errors.RejectedError`, anything else), never by a marketplace's name.
"""

from __future__ import annotations

from enum import StrEnum

from listsync.errors import ChannelError, NotListable, RejectedError, TransientError
from listsync.i18n import _


class Fault(StrEnum):
    CATALOG = "catalog"
    MARKETPLACE = "marketplace"
    TEMPORARY = "temporary"


def fault_of(error: ChannelError) -> Fault:
    if isinstance(error, NotListable):
        return Fault.CATALOG
    if isinstance(error, RejectedError):
        return Fault.MARKETPLACE
    return Fault.TEMPORARY


def fault_text(fault: Fault) -> str:
    """Whose fault, and what it asks of the person, in a few words (for lists and tables)."""
    return {
        Fault.CATALOG: _("not sent, fix the catalog"),
        Fault.MARKETPLACE: _("rejected by the marketplace"),
        Fault.TEMPORARY: _("failed on the way, tried again next run"),
    }[fault]


def failure_line(channel: str, sku: str, fault: Fault, reason: str) -> str:
    """One product that could not be listed on one channel, whose fault, and why."""
    template = {
        Fault.CATALOG: _("{channel}: {sku} was not sent, fix the catalog: {reason}"),
        Fault.MARKETPLACE: _("{channel}: {sku} was rejected by the marketplace: {reason}"),
        Fault.TEMPORARY: _("{channel}: {sku} failed, tried again next run: {reason}"),
    }[fault]
    return template.format(channel=channel, sku=sku, reason=one_line(reason))


def one_line(text: str) -> str:
    return " ".join(text.split()) or _("no reason given")


def photo_error(
    message: str, error: Exception, *, channel: str, call: str, sku: str
) -> ChannelError:
    """The error for a catalog photo an adapter could not read before sending it: the
    catalog's fault for a file on this computer or a web address that answers it has no
    such photo (4xx); a passing one when the photo's web host failed on the way (retried
    next run)."""
    import requests  # only adapters that fetch photos from the web get here

    if isinstance(error, requests.RequestException):
        response = getattr(error, "response", None)
        status = response.status_code if response is not None else None
        if status is None or status >= 500 or status in (408, 429):
            return TransientError(message, channel=channel, call=call)
    return NotListable(message, channel=channel, call=call, sku=sku)
