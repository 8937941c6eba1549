"""What a sync says when it ends, and what a dry run says it would do: text for people."""

from __future__ import annotations

from listsync.errors import EXIT_ATTENTION
from listsync.format import number
from listsync.i18n import _
from listsync.report.table import KEY_CAP, Column, fit_table
from listsync.report.text_table import format_table
from listsync.sync.engine import RunResult
from listsync.sync.push import (
    CREATE,
    NONE,
    PROBLEMS,
    REJECTED,
    REVIEW,
    UPDATE,
    VERIFY,
    WAIT_REVIEW,
    Plan,
)


def _action(action: str) -> str:
    """What a dry run would do with a listing, in words."""
    words = {
        CREATE: _("create"),
        VERIFY: _("verify"),
        UPDATE: _("update"),
        REVIEW: _("check review"),
        REJECTED: _("rejected"),
        WAIT_REVIEW: _("in review"),
    }
    return words.get(action, action)


COLUMNS = (
    "orders_new",
    "orders_updated",
    "listings_created",
    "listings_updated",
    "listings_unchanged",
    "listings_in_review",
    "listings_failed",
    "stock_sets",
    "price_sets",
    "drift",
    "api_calls",
)


def _titles() -> list[str]:
    """The headers of :data:`COLUMNS`, in the language spoken now."""
    return [
        _("New orders"),
        _("Changed"),
        _("Created"),
        _("Updated"),
        _("Same"),
        _("Review"),
        _("Failed"),
        _("Stock"),
        _("Price"),
        _("Drift"),
        _("Calls"),
    ]


def summary_table(result: RunResult) -> str:
    """A column per channel, a row per count, the verdict last: 80 columns hold four
    channels with big counts in any language (more channels go on in further blocks)."""
    outcomes = list(result.outcomes.values())
    columns = [
        Column("count", _("Channel")),
        *(Column(o.name, o.name, "count", cap=KEY_CAP) for o in outcomes),
    ]
    rows = [
        [title, *(number(o.tally.counts.get(key, 0)) for o in outcomes)]
        for key, title in zip(COLUMNS, _titles(), strict=True)
    ]
    rows.append([_("Result"), *(_("ok") if o.ok else _("FAILED") for o in outcomes)])
    return fit_table(columns, rows)


def render_summary(result: RunResult) -> str:
    lines = [summary_table(result)]
    for name, outcome in result.outcomes.items():
        if outcome.error:
            lines.append(_("{channel} failed: {error}").format(channel=name, error=outcome.error))
    problems = result.to_fix
    notes = sorted({*result.notes, *(n for o in result.outcomes.values() for n in o.tally.notes)})
    if problems:
        lines.append(_("To fix ({n}):").format(n=len(problems)))
        lines += [f"  - {problem}" for problem in problems]
    if notes:
        lines.append(_("Good to know:"))
        lines += [f"  - {note}" for note in notes]
    if result.exit_code == EXIT_ATTENTION:
        lines.append(_("Done, but something needs you: see To fix above."))
    if result.run_id is not None:
        lines.append(
            _("Run {id} recorded; see it again with listsync runs.").format(id=result.run_id)
        )
    return "\n".join(lines)


def render_plan(result: RunResult) -> str:
    lines = [_("Dry run: nothing was sent and nothing was recorded.")]
    for name, outcome in result.outcomes.items():
        if outcome.error:
            lines.append(
                _("{channel}: cannot plan: {error}").format(channel=name, error=outcome.error)
            )
    for name, plan in result.plans.items():
        lines += ["", _plan(name, plan)]
    if result.problems:  # the run's own, such as an expired OCOP certificate
        lines += ["", _("To fix ({n}):").format(n=len(result.problems))]
        lines += [f"  - {problem}" for problem in result.problems]
    return "\n".join(lines)


def _plan(name: str, plan: Plan) -> str:
    lines = [f"== {name} =="]
    rows = [
        [step.product.sku, _action(step.action)]
        for step in plan.listings
        if step.action not in (NONE, PROBLEMS)
    ]
    unchanged = sum(1 for step in plan.listings if step.action == NONE)
    if rows:
        lines.append(format_table([_("Product"), _("Would")], rows))
    lines.append(_("{n} listings unchanged").format(n=unchanged))
    offers = []
    for step in plan.offers:
        update, previous = step.update, step.previous
        before_stock = previous.stock if previous and previous.stock is not None else "—"
        before_price = previous.price if previous and previous.price is not None else "—"
        offers.append(
            [
                update.offer.sku,
                f"{before_stock} → {update.offer.stock}" if update.set_stock else "",
                f"{before_price} → {update.offer.price}" if update.set_price else "",
            ]
        )
    if offers:
        lines.append(format_table([_("SKU"), _("Stock"), _("Price")], offers))
    problems = [str(p) for step in plan.listings for p in step.draft.problems]
    if problems:
        lines.append(_("Cannot be listed until fixed:"))
        lines += [f"  - {problem}" for problem in problems]
    return "\n".join(lines)
