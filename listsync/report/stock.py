"""What ``listsync stock show SKU`` lists: each movement of a SKU's on hand, in words."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from listsync.format import time_text
from listsync.i18n import _
from listsync.ledger.records import Movement


def reason_text(reason: str) -> str:
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


def movement_rows(movements: Iterable[Movement], tz: ZoneInfo) -> list[list[str]]:
    """When, change, reason, order or note: one row per movement, oldest first."""
    return [
        [
            time_text(m.created_at.astimezone(tz)) if m.created_at else "",
            f"{m.delta:+d}",
            reason_text(m.reason),
            m.reference or m.note,
        ]
        for m in movements
    ]
