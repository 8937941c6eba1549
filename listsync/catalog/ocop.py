"""OCOP certificates that have expired or expire soon, for everything that warns about them.

A listing that shows an OCOP rating claims a certificate the product holds; once the
certificate has expired, the claim is no longer true. ``catalog validate``, ``catalog
import``, a sync, the nightly run and the web dashboard all ask :func:`certificates_due`.

A certificate is valid up to and including its expiry date, counted in the workspace's
time zone (``timezone`` in listsync.toml): it has expired once that local day has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from listsync.catalog.model import OcopRating, Product
from listsync.i18n import _

WARN_AHEAD = timedelta(days=30)  # how long before its end a certificate is warned about


@dataclass(frozen=True)
class CertificateDue:
    """One certificate (products sharing its number and date are one) that needs renewing."""

    certificate: str  # its number as the catalog writes it; "" when the catalog gives none
    expires: date
    skus: tuple[str, ...]
    today: date

    @property
    def expired(self) -> bool:
        return self.expires < self.today

    @property
    def days_left(self) -> int:
        """Days from today to the expiry date; negative once it has passed."""
        return (self.expires - self.today).days

    def __str__(self) -> str:
        skus = ", ".join(self.skus)
        what = (
            _("OCOP certificate {certificate} of {skus}").format(
                certificate=self.certificate, skus=skus
            )
            if self.certificate
            else _("the OCOP certificate of {skus}").format(skus=skus)
        )
        verb = _("expired on") if self.expired else _("expires on")
        return _("{what} {verb} {date}: renew it and update the catalog").format(
            what=what[:1].upper() + what[1:], verb=verb, date=self.expires.isoformat()
        )


def local_today(now: datetime, tz: tzinfo) -> date:
    """The day it is now where the workspace is: what an expiry date is compared with."""
    return now.astimezone(tz).date()


def has_expired(product: Product, today: date) -> bool:
    ocop = product.ocop
    return ocop is not None and ocop.expires is not None and ocop.expires < today


def certificates_due(
    products: Iterable[Product], today: date, within: timedelta = WARN_AHEAD
) -> list[CertificateDue]:
    """Every certificate of ``products`` that has expired or expires within ``within``,
    the soonest first; products that share a certificate number and date come as one."""
    return due_from(((p.sku, p.ocop) for p in products if p.ocop is not None), today, within)


def due_from(
    ratings: Iterable[tuple[str, OcopRating]], today: date, within: timedelta = WARN_AHEAD
) -> list[CertificateDue]:
    """:func:`certificates_due` from (product SKU, OCOP rating) pairs, for a caller that
    does not keep whole products (a catalog file checked as it is read)."""
    grouped: dict[tuple[str, date], list[str]] = {}
    for sku, ocop in ratings:
        if ocop.expires is None or (ocop.expires - today) > within:
            continue
        key = (ocop.certificate or f"\0{sku}", ocop.expires)
        grouped.setdefault(key, []).append(sku)
    return [
        CertificateDue("" if number.startswith("\0") else number, expires, tuple(skus), today)
        for (number, expires), skus in sorted(grouped.items(), key=lambda item: item[0][1])
    ]
