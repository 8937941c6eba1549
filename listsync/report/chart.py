"""The HTML report's chart of orders per channel per day, at any width from a phone up.

The marks are SVG stretched to the width of the page (``preserveAspectRatio="none"``, one
user unit per day, lines that keep their pixel width); every word (legend, axis ticks,
axis names) is HTML around it, so the text keeps its size on a phone where a scaled
drawing would shrink it to nothing. Days stack their channels into one bar (lines when
the period is long); a phone shows fewer day ticks than a wide screen (:data:`CSS` hides
the ``wide`` ones). No script: each mark has an SVG title for its figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from html import escape

from listsync.format import date_text, number
from listsync.i18n import _, ngettext
from listsync.report.model import Report

# Okabe–Ito: told apart by people with the common colour-blindnesses too
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999933", "#000000")
BARS_UP_TO_DAYS = 62
WIDE_TICKS, NARROW_TICKS = 15, 8  # day labels at most, on a wide screen and on a phone
BAR = 0.7  # of a day's width

# Its look, for any page that shows it: the HTML report, and the web pages.
CSS = """
.swatch{width:.8em;height:.8em;margin-right:.4em;vertical-align:-.05em}
.chart{margin:0;break-inside:avoid}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0 0 8px;padding:0}
.axis-y,.axis-x{color:#555;font-size:.85em}
.axis-y{margin-bottom:.6em}
.axis-x{text-align:center}
.plot{display:grid;grid-template-columns:3.2em 1fr;grid-template-rows:clamp(170px,42vw,300px) 1.7em;
column-gap:6px;padding-right:1.2em}
.ticks{position:relative;font-size:.8em;color:#555}
.ticks span{position:absolute;right:0;transform:translateY(50%);line-height:1}
.area{position:relative;min-width:0}
.area svg{position:absolute;top:0;left:0;width:100%;height:100%;overflow:visible}
.days{grid-column:2;position:relative;font-size:.8em;color:#333}
.days span{position:absolute;top:.35em;transform:translateX(-50%);white-space:nowrap}
.empty{position:absolute;top:0;left:0;width:100%;height:100%;margin:0;display:flex;
align-items:center;justify-content:center;color:#555}
@media screen and (max-width:720px){.days .wide{display:none}}
"""

Scale = Callable[[float], float]


def nice_step(peak: int, ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, …) giving at most ``ticks`` steps up to ``peak``."""
    step = 1
    while math.ceil(peak / step) > ticks:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if math.ceil(peak / step) <= ticks:
                break
    return step


def channel_names(report: Report) -> list[str]:
    """The channels the chart and the channel cards show, in the order of their colours."""
    return sorted(set(report.daily) | set(report.by_channel) | set(report.channels))


def colour_of(names: Sequence[str], name: str) -> str:
    return PALETTE[names.index(name) % len(PALETTE)]


def swatch(colour: str) -> str:
    """A small square of ``colour``: SVG, so it prints (CSS backgrounds may not)."""
    return (
        '<svg class="swatch" viewBox="0 0 1 1" aria-hidden="true">'
        f'<rect width="1" height="1" fill="{colour}"/></svg>'
    )


def chart_html(report: Report) -> str:
    """Orders placed per channel per local day: a legend, labelled axes, a tooltip per mark."""
    days = report.period.days()
    names = channel_names(report)
    counts = {name: [report.daily.get(name, {}).get(day, 0) for day in days] for name in names}
    bars = len(days) <= BARS_UP_TO_DAYS
    if bars:
        peak = max([0, *(sum(values) for values in zip(*counts.values(), strict=True))])
    else:
        peak = max([0, *(n for values in counts.values() for n in values)])
    step = nice_step(max(peak, 1))
    top = step * math.ceil(max(peak, 1) / step)

    def y(value: float) -> float:
        return top - value

    per_day = escape(_("Orders per channel per day"))  # messages stay out of f-strings
    axis_x = escape(_("Day ({zone})").format(zone=report.period.zone))
    axis_y = escape(_("Orders"))
    marks = [
        f'<line x1="0" x2="{len(days)}" y1="{y(value)}" y2="{y(value)}" '
        f'stroke="{"#888" if value == 0 else "#e2e2e2"}" vector-effect="non-scaling-stroke"/>'
        for value in range(0, top + 1, step)
    ]
    marks += _bars(names, counts, days, y) if bars else _lines(names, counts, y)
    ticks = "".join(
        f'<span style="bottom:{value / top * 100:.2f}%">{number(value)}</span>'
        for value in range(0, top + 1, step)
    )
    legend = "".join(f"<li>{swatch(colour_of(names, name))}{escape(name)}</li>" for name in names)
    empty = ""
    if peak == 0:
        empty = '<p class="empty">{}</p>'.format(escape(_("No orders in this period")))
    return (
        '<figure class="chart">'
        f'<ul class="legend">{legend}</ul>'
        f'<div class="axis-y">{axis_y}</div>'
        '<div class="plot">'
        f'<div class="ticks" aria-hidden="true">{ticks}</div>'
        '<div class="area">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(days)} {top}" '
        f'preserveAspectRatio="none" role="img" aria-label="{per_day}">{"".join(marks)}</svg>'
        f"{empty}</div>"
        f'<div class="days" aria-hidden="true">{_day_ticks(days)}</div>'
        "</div>"
        f'<div class="axis-x">{axis_x}</div>'
        "</figure>"
    )


def _day_ticks(days: Sequence[date]) -> str:
    wide = max(1, math.ceil(len(days) / WIDE_TICKS))
    narrow = wide * max(1, math.ceil(len(days) / NARROW_TICKS / wide))
    out = []
    for index, day in enumerate(days):
        if index % wide == 0:
            where = (index + 0.5) / len(days) * 100
            kind = "" if index % narrow == 0 else ' class="wide"'
            out.append(f'<span{kind} style="left:{where:.2f}%">{day:%d/%m}</span>')
    return "".join(out)


def _bars(
    names: Sequence[str], counts: Mapping[str, Sequence[int]], days: Sequence[date], y: Scale
) -> list[str]:
    """One bar per day, its channels stacked in the legend's order from the bottom."""
    out = []
    for position, day in enumerate(days):
        below = 0
        for name in names:
            value = counts[name][position]
            if value:
                tip = ngettext("{channel}, {day}: {n} order", "{channel}, {day}: {n} orders", value)
                tip = tip.format(channel=name, day=date_text(day), n=number(value))
                out.append(
                    f'<rect x="{position + (1 - BAR) / 2:.2f}" y="{y(below + value)}" '
                    f'width="{BAR}" height="{value}" fill="{colour_of(names, name)}">'
                    f"<title>{escape(tip)}</title></rect>"
                )
                below += value
    return out


def _lines(names: Sequence[str], counts: Mapping[str, Sequence[int]], y: Scale) -> list[str]:
    out = []
    for name in names:
        points = " ".join(
            f"{position + 0.5},{y(value)}" for position, value in enumerate(counts[name])
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke-width="2" '
            f'stroke="{colour_of(names, name)}" vector-effect="non-scaling-stroke" '
            f'stroke-linejoin="round"><title>{escape(name)}</title></polyline>'
        )
    return out
