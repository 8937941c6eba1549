"""A :class:`~listsync.report.model.Report` as one HTML file that works offline, on a phone too.

Everything is inside the file: the CSS and the chart (:mod:`listsync.report.chart`). No
script, no font and no picture is fetched from anywhere, so the file can be sent by Zalo
or e-mail and opened without a connection. On a narrow screen (a phone, 390 px) nothing
scrolls sideways: the cards and the chart fit the width and each table row becomes a card
of labelled figures; on paper the tables stay tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from listsync.channel.faults import fault_text
from listsync.format import date_text, money, number
from listsync.i18n import _, current_language
from listsync.report.chart import CSS as CHART_CSS
from listsync.report.chart import channel_names, chart_html, colour_of, swatch
from listsync.report.columns import (
    notes_of,
    order_columns,
    show,
    shown_order_values,
    stock_columns,
    stock_values,
    title_of,
    to_fix_title,
)
from listsync.report.model import VND, Figures, Report, local_time
from listsync.report.table import Column

# Below 720 px a table row becomes a card: every cell shows its column's title (data-label).
CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;
margin:24px auto;max-width:1120px;padding:0 16px;color:#1b1b1b;background:#fff;
line-height:1.4;overflow-wrap:break-word}
h1{font-size:1.5em;line-height:1.25;margin:0 0 4px}
h2{font-size:1.15em;margin:28px 0 8px;break-after:avoid}
h3{font-size:1em;margin:0 0 6px}
.meta{color:#555;margin:0 0 16px}
.cards{display:grid;gap:10px;margin:0 0 10px}
.counts{grid-template-columns:repeat(auto-fit,minmax(8em,1fr))}
.amounts{grid-template-columns:repeat(auto-fit,minmax(13em,1fr))}
.channels{grid-template-columns:repeat(auto-fill,minmax(15em,1fr))}
.card{border:1px solid #ddd;border-radius:8px;padding:8px 12px;break-inside:avoid}
.card>b{display:block;font-size:1.35em;font-variant-numeric:tabular-nums;white-space:nowrap}
.card>span{color:#555;font-size:.9em}
.card dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}
.card dt{color:#555}
.card dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}
td.key{white-space:nowrap}
td.name{min-width:14em}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
tfoot td{font-weight:bold;border-top:2px solid #999}
.notes{color:#444;font-size:.9em;padding-left:18px}
.to-fix{list-style:none;margin:0;padding:0}
.to-fix>li{border-left:4px solid #D55E00;background:#fdf3ec;border-radius:4px;padding:8px 12px;
margin:0 0 8px;overflow-wrap:anywhere;break-inside:avoid}
.to-fix ul{margin:4px 0 0;padding-left:1.2em}
footer{margin-top:32px;color:#777;font-size:.85em}
@media screen and (max-width:1000px){th,td{padding:4px 5px}td.name{min-width:10em}}
@media screen and (max-width:720px){
body{margin:12px auto;padding:0 12px}
h1{font-size:1.3em}
table,tbody,tfoot,td{display:block}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
tr{display:grid;grid-template-columns:1fr 1fr;column-gap:12px;border:1px solid #ddd;
border-radius:8px;padding:6px 12px;margin:0 0 10px;break-inside:avoid}
td{border:0;padding:3px 0;min-width:0}
td::before{content:attr(data-label);display:block;color:#555;font-size:.8em;font-weight:normal}
td:empty{display:none}
td.n{text-align:left}
td.key,td.name{grid-column:1/-1;white-space:normal}
td.key::before{display:inline;margin-right:.5em}
td[data-label=""]::before{display:none}
td.name{font-weight:600;min-width:0}
tfoot tr{border:2px solid #999}
tfoot td{border:0}
tr.quiet{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:.8em;padding:4px 12px;
margin:0 0 6px}
tr.quiet td.n{display:none}
tr.quiet::after{content:attr(data-quiet);color:#555}
}
@media print{body{margin:0;max-width:none;font-size:10pt}.scroll{overflow:visible}
th,td{padding:3px 5px}td.name{min-width:10em}tr{break-inside:avoid}}
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
    names = channel_names(report)
    # Messages stay out of f-strings: Babel does not extract them from there.
    per_day = escape(_("Orders per channel per day"))
    no_products = escape(_("No products yet."))
    made_by = escape(_("Made by listsync"))
    channels = escape(_("Channels"))
    orders_title = title_of(report)
    stock_title = _("Stock now, and what each channel was last given")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_language()}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}{CHART_CSS}</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(" · ".join(meta))}</p>',
        _total_cards(orders, total),
        f"<h2>{channels}</h2>" if names else "",
        _channel_cards(report, names),
        f"<h2>{per_day}</h2>",
        chart_html(report),
        f"<h2>{escape(orders_title)}</h2>",
        _table(
            orders_title,
            orders,
            rows,
            total,
            quiet=[row.figures.orders == 0 for row in report.rows],
        ),
        '<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in notes_of(report)),
        "</ul>",
        f"<h2>{escape(stock_title)}</h2>",
        _table(
            stock_title,
            stock_columns(report),
            [stock_values(report, row) for row in report.stock],
        )
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
    return "\n".join(part for part in parts if part) + "\n"


def shown(value: Any, kind: str) -> str:
    """A value as the page shows it: amounts with their currency (``1.250.000 ₫``)."""
    if value is None or kind in ("text", "count") or isinstance(value, str):
        return show(value, kind)
    return money(value, kind, unit=True)


def _to_fix(report: Report) -> str:
    if not report.to_fix:
        return ""
    heading = escape(to_fix_title())
    items = []
    for item in report.to_fix:
        where = _("{sku} on {channel}").format(sku=item.sku, channel=item.channel)
        fault = "" if item.fault is None else f" <i>{escape(fault_text(item.fault))}</i>"
        reasons = item.reasons or (_("no reason given"),)
        listed = "".join(f"<li>{escape(reason)}</li>" for reason in reasons)
        items.append(f"<li><b>{escape(where)}</b>{fault}<ul>{listed}</ul></li>")
    return f'<h2>{heading}</h2><ul class="to-fix">{"".join(items)}</ul>'


def _total_cards(columns: Sequence[Column], total: dict[str, Any]) -> str:
    def card(column: Column) -> str:
        return (
            f'<div class="card"><b>{escape(shown(total[column.key], column.kind))}</b>'
            f"<span>{escape(column.title)}</span></div>"
        )

    counts = "".join(card(column) for column in columns if column.kind == "count")
    amounts = "".join(
        card(column) for column in columns if column.numeric and column.kind != "count"
    )
    return f'<div class="cards counts">{counts}</div><div class="cards amounts">{amounts}</div>'


def _channel_cards(report: Report, names: Sequence[str]) -> str:
    """Each channel's orders, units and revenue in the period, under its colour in the chart."""
    orders, units, revenue = (escape(_("Orders")), escape(_("Units")), escape(_("Revenue")))
    cards = []
    for name in names:
        figures = report.by_channel.get(name) or Figures()
        currencies = sorted(figures.revenue, key=lambda currency: (currency != VND, currency))
        amounts = [money(figures.amount(c), c, unit=True) for c in currencies] or [
            money(0, VND, unit=True)
        ]
        cards.append(
            f'<div class="card"><h3>{swatch(colour_of(names, name))}{escape(name)}</h3><dl>'
            f"<dt>{orders}</dt><dd>{number(figures.orders)}</dd>"
            f"<dt>{units}</dt><dd>{number(figures.units)}</dd>"
            f"<dt>{revenue}</dt><dd>{'<br>'.join(escape(a) for a in amounts)}</dd>"
            "</dl></div>"
        )
    return f'<div class="cards channels">{"".join(cards)}</div>' if cards else ""


def _table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    total: dict[str, Any] | None = None,
    *,
    quiet: Sequence[bool] = (),
) -> str:
    """A table that a phone shows as one card per row; ``quiet`` rows (no orders) shrink there
    to their key and a word."""

    def cells(values: dict[str, Any], tag: str, labelled: bool = True) -> str:
        out = []
        for column in columns:
            kind = "n" if column.numeric else "name" if column.flex else "key"
            label = escape(column.title) if labelled or column.numeric else ""
            text = escape(shown(values[column.key], column.kind))
            out.append(f'<{tag} class="{kind}" data-label="{label}">{text}</{tag}>')
        return "".join(out)

    nothing = escape(_("No orders"))
    head = "".join(f"<th{' class=n' if c.numeric else ''}>{escape(c.title)}</th>" for c in columns)
    body = "".join(
        f'<tr class="quiet" data-quiet="{nothing}">{cells(values, "td")}</tr>'
        if index < len(quiet) and quiet[index]
        else f"<tr>{cells(values, 'td')}</tr>"
        for index, values in enumerate(rows)
    )
    foot = f"<tfoot><tr>{cells(total, 'td', labelled=False)}</tr></tfoot>" if total else ""
    return (
        f'<div class="scroll" role="region" tabindex="0" aria-label="{escape(title)}">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table></div>"
    )
