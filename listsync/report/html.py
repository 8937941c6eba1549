"""A :class:`~listsync.report.model.Report` as one HTML file that works offline.

Everything is inside the file: the CSS, and the chart of orders per channel per day as
SVG drawn here (grouped bars, or lines when the period is long). No script, no font and
no picture is fetched from anywhere, so the file can be mailed or opened on a laptop
without a connection.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from listsync.format import date_text, number
from listsync.i18n import _, current_language, ngettext
from listsync.report.columns import (
    notes_of,
    order_columns,
    show,
    shown_order_values,
    stock_columns,
    stock_values,
    title_of,
    to_fix_lines,
)
from listsync.report.model import Report, local_time
from listsync.report.table import Column

# Okabe–Ito: told apart by people with the common colour-blindnesses too
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999933", "#000000")
CHART_W, CHART_H = 1000, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 48, 64
BARS_UP_TO_DAYS = 62

CSS = """
body{font-family:"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;
margin:24px auto;max-width:1040px;padding:0 16px;color:#1b1b1b;background:#fff}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 8px}
.meta{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:1.35em;font-variant-numeric:tabular-nums}
.card span{color:#555;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}
td:first-child{white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{font-weight:bold;border-top:2px solid #999}
.notes{color:#444;font-size:.9em;padding-left:18px}
figure{margin:0}svg{width:100%;height:auto;max-width:1000px}
svg text{font-family:inherit;font-size:12px;fill:#333}
footer{margin-top:32px;color:#777;font-size:.85em}
@media print{th{position:static}}
"""


def render_html(report: Report) -> str:
    period = report.period
    title = _("Orders and stock, {start} to {end}").format(
        start=date_text(period.start), end=date_text(period.end)
    )
    meta = [
        _("Made {when} ({zone})").format(
            when=local_time(report.generated_at, period.tz), zone=period.zone
        ),
        _("Channels: {names}").format(names=", ".join(report.channels) or _("all")),
    ]
    if report.usd_vnd_rate is not None:
        meta.append(_("USD at {rate} ₫").format(rate=number(report.usd_vnd_rate)))
    orders = order_columns(report)
    rows = [shown_order_values(report, row) for row in report.rows]
    total = shown_order_values(report, None)
    total[orders[0].key] = _("Total")
    # Messages stay out of f-strings: Babel does not extract them from there.
    per_day = escape(_("Orders per channel per day"))
    no_products = escape(_("No products yet."))
    made_by = escape(_("Made by listsync"))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_language()}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(" · ".join(meta))}</p>',
        _cards(orders, total),
        f"<h2>{per_day}</h2>",
        f"<figure>{chart_svg(report)}</figure>",
        f"<h2>{escape(title_of(report))}</h2>",
        _table(orders, rows, total),
        '<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in notes_of(report)),
        "</ul>",
        "<h2>{}</h2>".format(escape(_("Stock now, and what each channel was last given"))),
        _table(stock_columns(report), [stock_values(report, row) for row in report.stock])
        if report.stock
        else f"<p>{no_products}</p>",
        '<ul class="notes"><li>{}</li></ul>'.format(
            escape(
                _(
                    "Available = on hand − reserved (open orders) − buffer. A channel column "
                    "is the stock that channel last accepted; — means never sent."
                )
            )
        ),
        _to_fix(report),
        f"<footer>{made_by}</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _to_fix(report: Report) -> str:
    if not report.to_fix:
        return ""
    heading = escape(_("To fix: listings the marketplaces turned down"))
    items = "".join(f"<li>{escape(line)}</li>" for line in to_fix_lines(report))
    return f'<h2>{heading}</h2><ul class="to-fix">{items}</ul>'


def _cards(columns: Sequence[Column], total: dict[str, Any]) -> str:
    cards = []
    for column in columns:
        if column.numeric:
            cards.append(
                f'<div class="card"><b>{escape(show(total[column.key], column.kind))}</b>'
                f"<span>{escape(column.title)}</span></div>"
            )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _table(
    columns: Sequence[Column], rows: Sequence[dict[str, Any]], total: dict[str, Any] | None = None
) -> str:
    def cells(values: dict[str, Any], tag: str) -> str:
        return "".join(
            f"<{tag}{' class=n' if c.numeric else ''}>{escape(show(values[c.key], c.kind))}</{tag}>"
            for c in columns
        )

    head = "".join(f"<th{' class=n' if c.numeric else ''}>{escape(c.title)}</th>" for c in columns)
    body = "".join(f"<tr>{cells(values, 'td')}</tr>" for values in rows)
    foot = f"<tfoot><tr>{cells(total, 'td')}</tr></tfoot>" if total is not None else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"


# -- the chart ------------------------------------------------------------------------------
def nice_step(peak: int, ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, …) giving at most ``ticks`` steps up to ``peak``."""
    step = 1
    while math.ceil(peak / step) > ticks:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if math.ceil(peak / step) <= ticks:
                break
    return step


def chart_svg(report: Report) -> str:
    """Orders placed per channel per local day: labelled axes, a legend, a tooltip per mark."""
    days = report.period.days()
    names = sorted(set(report.daily) | set(report.channels))
    counts = {name: [report.daily.get(name, {}).get(day, 0) for day in days] for name in names}
    peak = max([0, *(n for values in counts.values() for n in values)])
    step = nice_step(max(peak, 1))
    top = step * math.ceil(max(peak, 1) / step)
    plot_w, plot_h = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM
    slot = plot_w / len(days)

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    zone = report.period.zone
    per_day = escape(_("Orders per channel per day"))  # not in the f-strings: see render_html
    no_orders = escape(_("No orders in this period"))
    axis_x = escape(_("Day ({zone})").format(zone=zone))
    axis_y = escape(_("Orders"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {CHART_H}" '
        f'role="img" aria-label="{per_day}">',
        f'<rect x="0" y="0" width="{CHART_W}" height="{CHART_H}" fill="#fff"/>',
    ]
    for value in range(0, top + 1, step):
        out.append(
            f'<line x1="{LEFT}" x2="{CHART_W - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{"#888" if value == 0 else "#e2e2e2"}"/>'
            f'<text x="{LEFT - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{value}</text>'
        )
    every = max(1, math.ceil(len(days) / 15))
    for index, day in enumerate(days):
        if index % every == 0:
            x = LEFT + slot * (index + 0.5)
            out.append(
                f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{day:%d/%m}</text>'
            )
    if len(days) <= BARS_UP_TO_DAYS:
        out += _bars(names, counts, days, slot, y)
    else:
        out += _lines(names, counts, days, slot, y)
    if peak == 0:
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            f'font-size="16">{no_orders}</text>'
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{CHART_H - 12}" text-anchor="middle">'
        f"{axis_x}</text>"
        f'<text transform="translate(16 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{axis_y}</text>'
    )
    x = LEFT
    for index, name in enumerate(names):
        out.append(
            f'<rect x="{x}" y="14" width="14" height="14" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 20}" y="26">{escape(name)}</text>'
        )
        x += 40 + 8 * len(name)
    out.append("</svg>")
    return "".join(out)


def _bars(
    names: Sequence[str],
    counts: dict[str, list[int]],
    days: Sequence[date],
    slot: float,
    y: Any,
) -> list[str]:
    width = slot * 0.8 / max(1, len(names))
    out = []
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        for position, (day, value) in enumerate(zip(days, counts[name], strict=True)):
            if value:
                x = LEFT + slot * position + slot * 0.1 + width * index
                tip = ngettext("{channel}, {day}: {n} order", "{channel}, {day}: {n} orders", value)
                tip = tip.format(channel=name, day=date_text(day), n=number(value))
                out.append(
                    f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{max(width - 1, 1):.1f}" '
                    f'height="{y(0) - y(value):.1f}" fill="{colour}">'
                    f"<title>{escape(tip)}</title></rect>"
                )
    return out


def _lines(
    names: Sequence[str],
    counts: dict[str, list[int]],
    days: Sequence[date],
    slot: float,
    y: Any,
) -> list[str]:
    out = []
    for index, name in enumerate(names):
        points = " ".join(
            f"{LEFT + slot * (position + 0.5):.1f},{y(value):.1f}"
            for position, value in enumerate(counts[name])
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke-width="2" '
            f'stroke="{PALETTE[index % len(PALETTE)]}"><title>{escape(name)}</title></polyline>'
        )
    return out
