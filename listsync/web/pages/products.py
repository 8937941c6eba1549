"""Sản phẩm: every product of the catalog, its stock, and its state on each channel (what
``listsync listings`` and ``listsync stock show`` work out)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listsync.report.runs import ListingLine, listing_lines, one_line, state_text
from listsync.web.pages.common import enabled_names
from listsync.web.render import page, workspace


def _cell(line: ListingLine | None) -> dict[str, Any] | None:
    if line is None:
        return None
    record = line.record
    reasons = [one_line(reason) for reason in record.reasons] if record else []
    if record is not None and record.last_error:
        reasons.append(one_line(record.last_error))
    refused = [one_line(o.last_error) for _unit, o in line.offers if o and o.last_error]
    return {
        "state": line.state,
        "text": state_text(line.state),
        "remote": record.remote_id if record else None,
        "reasons": reasons + refused,
    }


def products(request: Request) -> Response:
    with workspace(request) as ws:
        names = enabled_names(ws)
        lines = listing_lines(ws.ledger, names)
        report = ws.report("product")
        catalog = ws.ledger.products()
    channels = sorted({line.channel for line in lines} | set(names))
    cells: dict[str, dict[str, ListingLine]] = defaultdict(dict)
    for line in lines:
        cells[line.product][line.channel] = line
    units = defaultdict(list)
    for row in report.stock:
        units[row.product].append(row)
    rows = [
        {
            "sku": product.sku,
            "name": product.name.vi or product.name.en,
            "units": units.get(product.sku, []),
            "channels": [(name, _cell(cells[product.sku].get(name))) for name in channels],
        }
        for product in catalog
    ]
    return page(request, "products.html", rows=rows, channels=channels)


def routes() -> list[Route]:
    return [Route("/products", products, methods=["GET"])]
