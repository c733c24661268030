"""The coordinator's report: one object for a period and a scope, rendered alike by the
dashboard page, its CSV, the PDF period report and the statistics API.

`build(period, scope)` reads the figures (`insight.snapshot`: stored for a while, else computed),
lays them out as tables and protects every published count in one step
(`insight.suppression.protect`): every table with its margins, and every table that shares a
total or a figure with another, is one linked system, so no hidden cell can be recomputed by
subtraction from anything shown anywhere in the report. Rates, means and waits are shown only
when the counts they come from are shown. Renderers only format what the report holds.

The report's key figures (the dashboard's tiles, the PDF's first page) are cells of the same
protected system: a count on a tile is the cell a table shows, and a rate or a wait is shown
only when the counts it comes from are, written as the active language writes numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appointments.models import NextStep, ServiceGiven
from directory.models import ModeCode
from perhelinja.routers import use_replica
from referrals.models import DeclineReason, FamilyLanguage, State, TimelinessFlag

from . import charts, evaluation, snapshot
from .figures import Throughput, Wait, rate
from .period import Period, Scope
from .suppression import NO_RATE
from .tables import Counted, Derived, Layout, Table, decimal_text, percent

TOTAL = ("in",)  # referrals submitted in the period: the total most tables share
COMPLETED = ("state", State.COMPLETED)
BACKLOG = ("backlog",)
# What the rates and the wait to the first appointment need shown (tables and tiles alike).
ACCEPTED_OF_ASSIGNED = (("accepted",), ("assigned",))
DECLINED_OF_ASSIGNED = (("declined",), ("assigned",))
NO_SHOWS_OF_SESSIONS = (("sessions", "no_show"), ("sessions", "all"))
FIRST_APPOINTMENT_WAITS = (("wait", "first_appointment"),)
# The tables shown open, with their charts; the rest fold under the headings of `sections`.
MAIN_TABLES = ("months", "funnel", "areas")


@dataclass(frozen=True)
class KeyFigure:
    """A tile: its label, its value as published (a number written for the active language, or
    a suppression marker) and a note."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # "" for the main tables, shown open
    tables: list[Table]


@dataclass
class Report:
    period: Period
    scope: Scope
    computed_at: datetime.datetime
    tables: list[Table]
    key_figures: list[KeyFigure] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def sections(self) -> list[Section]:
        """The tables in their order, in runs under a heading: the main tables first, then the
        secondary ones a page folds away; every table not named is feedback and outreach."""
        groups = {
            "decisions": (
                _("Decisions and waiting times"),
                ("states", "decisions", "decline_reasons", "waits"),
            ),
            "sessions": (_("Sessions and outcomes"), ("sessions", "outcomes", "services")),
            "referred": (_("Who was referred"), ("languages", "modes")),
            "now": (_("Open now and capacity"), ("backlog", "timeliness", "capacity")),
        }
        group_of = {key: name for name, (_title, keys) in groups.items() for key in keys}
        group_of.update(dict.fromkeys(MAIN_TABLES, "main"))
        titles = {name: title for name, (title, _keys) in groups.items()}
        titles.update(main="", evaluation=_("Feedback and outreach"))
        sections: list[Section] = []
        for table in self.tables:
            name = group_of.get(table.key, "evaluation")
            if not sections or sections[-1].key != name:
                sections.append(Section(name, titles[name], []))
            sections[-1].tables.append(table)
        return sections

    def csv_rows(self) -> list[list[str]]:
        """(table, figure, value) rows: the figure is the row's label, and the column's when
        the table has more than one."""
        rows = []
        for table in self.tables:
            for label, values in table.rows:
                for column, value in zip(table.columns, values, strict=True):
                    figure = label if len(table.columns) == 1 else f"{label}: {column}"
                    rows.append([table.title, figure, value])
        return rows

    def as_json(self) -> dict:
        return {
            "period": {"start": self.period.start, "end": self.period.end},
            "scope": self.scope.as_json(),
            "computed_at": self.computed_at,
            "tables": {
                t.key: {
                    "title": t.title,
                    "row_label": t.row_label,
                    "columns": t.columns,
                    "rows": [[label, *values] for label, values in t.rows],
                }
                for t in self.tables
            },
        }


def _wait_cells(layout: Layout, name: str, wait: Wait) -> tuple[Derived, Derived]:
    """A wait's median and 90th percentile, hidden with the count of waits behind them."""
    key = ("wait", name)
    layout.count(key, wait.count)
    return Derived(decimal_text(wait.median), (key,)), Derived(decimal_text(wait.p90), (key,))


# --- the tables -----------------------------------------------------------------------------


def _referral_tables(layout: Layout, t: Throughput, timeliness: dict, capacity: tuple) -> None:
    total = layout.count(TOTAL, t.referrals_in)
    completed_value = t.by_state.get(State.COMPLETED, 0)
    assigned = layout.count(("assigned",), t.assigned)
    accepted = layout.count(("accepted",), t.accepted)
    completed = layout.count(COMPLETED, completed_value)

    # Month by month, with the total row the state table also gives.
    months = []
    for year, month, arrived, done in t.monthly:
        months.append(
            (
                f"{month}/{year}",
                [
                    layout.count(("month", year, month, "in"), arrived),
                    layout.count(("month", year, month, "completed"), done),
                ],
            )
        )
    layout.sum(TOTAL, [cells[0].key for _label, cells in months])
    layout.sum(COMPLETED, [cells[1].key for _label, cells in months])
    months.append((_("Total"), [total, completed]))
    layout.add(
        Table("months", _("Referrals by month"), _("Month"), [_("Referrals in"), _("Completed")]),
        months,
    )

    funnel = [
        (_("Submitted"), [total]),
        (_("Assigned"), [assigned]),
        (_("Accepted"), [accepted]),
        (_("Completed"), [completed]),
    ]
    layout.add(
        Table("funnel", _("From submitted to completed"), _("Step"), [_("Referrals")]), funnel
    )

    # By area: every pilot area in the scope and the other municipalities together, so that
    # each column adds up to the total the other tables show.
    columns = ["referrals_in", "accepted", "declined", "completed"]
    totals = {
        "referrals_in": TOTAL,
        "accepted": ("accepted",),
        "declined": ("declined",),
        "completed": COMPLETED,
    }
    layout.count(("declined",), t.declined)
    areas = [
        (name, [layout.count(("area", name, c), getattr(fig, c)) for c in columns])
        for name, fig in t.by_area.items()
    ]
    others = {
        c: getattr(t.area_total, c) - sum(getattr(f, c) for f in t.by_area.values())
        for c in columns
    }
    if any(others.values()) or not t.scope.municipalities:
        areas.append(
            (_("Other municipalities"), [layout.count(("area", "", c), others[c]) for c in columns])
        )
    for index, c in enumerate(columns):
        layout.sum(totals[c], [cells[index].key for _name, cells in areas])
    areas.append((_("Total"), [Counted(totals[c]) for c in columns]))
    layout.add(
        Table(
            "areas",
            _("By area"),
            _("Area"),
            [_("Referrals in"), _("Accepted"), _("Declined"), _("Completed")],
        ),
        areas,
    )

    one = [_("Value")]
    layout.add(
        Table("states", _("Referrals in, by state now"), "", one),
        layout.one_way("state", t.by_state, dict(State.choices), TOTAL),
    )
    layout.add(
        Table("decisions", _("Acceptance and decline"), "", one),
        [
            (_("Assigned to an organization"), [assigned]),
            (
                _("Acceptance rate"),
                [Derived(percent(rate(t.accepted, t.assigned)), ACCEPTED_OF_ASSIGNED)],
            ),
            (
                _("Decline rate"),
                [Derived(percent(rate(t.declined, t.assigned)), DECLINED_OF_ASSIGNED)],
            ),
        ],
    )
    layout.add(
        Table("decline_reasons", _("Decline reasons"), "", one),
        layout.one_way(
            "decline_reason", t.decline_reasons, dict(DeclineReason.choices), ("declines",)
        ),
    )
    waits = []
    median_label, p90_label = _("median"), _("90th percentile")
    for name, label, wait in (
        ("accept", _("Submitted → accepted"), t.wait_to_accept),
        ("first_appointment", _("Submitted → first appointment"), t.wait_to_first_appointment),
    ):
        median, p90 = _wait_cells(layout, name, wait)
        waits += [
            (f"{label}: {median_label}", [median]),
            (f"{label}: {p90_label}", [p90]),
        ]
    layout.add(Table("waits", _("Waiting times (days)"), "", one), waits)

    held = layout.count(("sessions", "attended"), t.sessions_held)
    layout.count(("sessions", "no_show"), t.no_shows)
    layout.count(("sessions", "all"), t.sessions_held + t.no_shows)
    layout.sum(("sessions", "all"), [("sessions", "attended"), ("sessions", "no_show")])
    no_show_rate = Derived(percent(t.no_show_rate), NO_SHOWS_OF_SESSIONS)
    layout.add(
        Table("sessions", _("Sessions"), "", one),
        [(_("Sessions held"), [held]), (_("No-show rate"), [no_show_rate])],
    )
    layout.add(
        Table("outcomes", _("Outcomes"), "", one),
        layout.one_way("next_step", t.outcomes, dict(NextStep.choices), ("outcomes",)),
    )
    layout.add(
        Table("services", _("Service given"), "", one),
        layout.one_way(
            "service_given", t.services_given, dict(ServiceGiven.choices), ("outcomes",)
        ),
    )
    layout.add(
        Table("languages", _("Language mix"), "", one),
        layout.one_way("language", t.language_mix, dict(FamilyLanguage.choices), TOTAL),
    )
    layout.add(
        Table("modes", _("Preferred ways to meet"), "", one),
        layout.one_way("mode", t.mode_mix, dict(ModeCode.choices), ("modes",)),
    )
    backlog_labels = {k: v for k, v in State.choices if k in t.backlog_now}
    layout.add(
        Table("backlog", _("Backlog now"), "", one),
        layout.one_way("backlog", t.backlog_now, backlog_labels, BACKLOG),
    )
    layout.add(
        Table("timeliness", _("Timeliness breaches now"), "", one),
        layout.one_way(
            "timeliness", timeliness, dict(TimelinessFlag.Kind.choices), ("timeliness",)
        ),
    )
    booked, all_slots = capacity
    layout.sum(("slots", "all"), [("slots", "booked"), ("slots", "free")])
    layout.add(
        Table("capacity", _("Capacity in the period"), "", one),
        [
            (_("Booked times"), [layout.count(("slots", "booked"), booked)]),
            (_("Free times"), [layout.count(("slots", "free"), all_slots - booked)]),
            (_("All times"), [layout.count(("slots", "all"), all_slots)]),
            (
                _("Capacity use"),
                [
                    Derived(
                        percent(rate(booked, all_slots)), (("slots", "booked"), ("slots", "all"))
                    )
                ],
            ),
        ],
    )


# --- the key figures -------------------------------------------------------------------------


def _local_percent(value: Decimal | None) -> str:
    if value is None:
        return NO_RATE
    # Rounded as the tables round (`tables.percent`), then written for the language.
    return f"{number_format(Decimal(f'{value * 100:.1f}'), decimal_pos=1)}\N{NO-BREAK SPACE}%"


def _local_days(value: float | None) -> str:
    """Days to a tenth, the tenth left off a whole number: 80 or 80,5 in Finnish."""
    if value is None:
        return NO_RATE
    days = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if days == days.to_integral_value():
        days = days.quantize(Decimal(1))
    return number_format(days, force_grouping=True)


def _local(shown: int | str) -> str:
    """A published count with the active language's grouping, or its marker as it is."""
    return number_format(shown, force_grouping=True) if isinstance(shown, int) else str(shown)


def _key_figures(layout: Layout, t: Throughput) -> list[KeyFigure]:
    """The tiles, after `publish`: each is read from the protected cells through
    `Layout.published`, under the keys and with the needs the tables' cells have."""
    wait, waits = t.wait_to_first_appointment, FIRST_APPOINTMENT_WAITS
    shown = layout.published
    p90 = shown(Derived(_local_days(wait.p90), waits))
    declined = shown(Derived(_local_percent(t.decline_rate), DECLINED_OF_ASSIGNED))
    return [
        KeyFigure(_("Referrals submitted"), _local(shown(Counted(TOTAL)))),
        KeyFigure(
            _("Median wait to the first appointment (days)"),
            shown(Derived(_local_days(wait.median), waits)),
            _("From submission; 90th percentile: %(days)s") % {"days": p90},
        ),
        KeyFigure(
            _("Accepted, of those assigned"),
            shown(Derived(_local_percent(t.acceptance_rate), ACCEPTED_OF_ASSIGNED)),
            _("Declined: %(share)s") % {"share": declined},
        ),
        KeyFigure(
            _("No-show rate"), shown(Derived(_local_percent(t.no_show_rate), NO_SHOWS_OF_SESSIONS))
        ),
        KeyFigure(
            _("Completed"),
            _local(shown(Counted(COMPLETED))),
            _("Of the referrals submitted"),
        ),
        KeyFigure(
            _("Open now"),
            _local(shown(Counted(BACKLOG))),
            _("Waiting for routing or for an organization's answer"),
        ),
    ]


# --- the charts -------------------------------------------------------------------------------


def _number(shown: str) -> float | None:
    return float(shown) if shown.isdigit() else None


def _chart(table: Table, values: list[float | None], draw) -> None:
    """The table's chart, or one line where it would draw nothing: no data, or only counts
    too small to show."""
    if any(values):
        table.chart = draw()
    elif None in values:
        table.chart_note = _("Too few to draw a chart.")
    else:
        table.chart_note = _("No data for this period.")


def _draw(report: Report) -> None:
    """The charts draw exactly the protected numbers of the tables they stand beside (none
    beside a table left out)."""
    table = report.table("months")
    if months := table.rows[:-1]:
        arrived = [_number(v[0]) for _label, v in months]
        completed = [_number(v[1]) for _label, v in months]
        _chart(
            table,
            arrived + completed,
            lambda: charts.line_chart(
                _("Referrals by month"),
                [label for label, _values in months],
                [
                    charts.Series(_("Referrals in"), arrived),
                    charts.Series(_("Completed"), completed),
                ],
            ),
        )
    table = report.table("funnel")
    if funnel := table.rows:
        steps = [_number(v[0]) for _label, v in funnel]
        _chart(
            table,
            steps,
            lambda: charts.bar_chart(
                _("From submitted to completed"), [label for label, _v in funnel], steps
            ),
        )
    table = report.table("areas")
    if areas := table.rows[:-1]:
        arrived_in = [_number(v[0]) for _name, v in areas]
        _chart(
            table,
            arrived_in,
            lambda: charts.bar_chart(
                _("Referrals in by area"), [name for name, _v in areas], arrived_in
            ),
        )


def assemble(figures: snapshot.Figures, evaluation_figures: evaluation.Figures) -> Report:
    """The report of stored or computed figures, in the active language."""
    t = figures.throughput
    layout = Layout()
    _referral_tables(layout, t, figures.timeliness, figures.capacity)
    evaluation.tables(layout, evaluation_figures)
    report = Report(t.period, t.scope, figures.computed_at, layout.publish())
    report.key_figures = _key_figures(layout, t)
    _draw(report)
    return report


@use_replica()  # every figure from the replica, when there is one (perhelinja/routers.py)
def build(period: Period, scope: Scope) -> Report:
    """The one report of a period and a scope: what every rendering shows.

    Built once per stored snapshot and language, then kept in the cache as long as the
    snapshot is fresh: its feedback and outreach figures, its protection step and its charts
    cost most of a dashboard view (issue 20), and the whole report then shows one moment, the
    snapshot's `computed_at`. Live figures (INSIGHT_SNAPSHOT_SECONDS = 0) are never kept.
    """
    figures = snapshot.figures(period, scope)
    seconds = settings.INSIGHT_SNAPSHOT_SECONDS
    if seconds <= 0:
        return assemble(figures, evaluation.figures(period, scope))
    moment = figures.computed_at.isoformat()
    key = f"insight:report:{snapshot.key_of(period, scope)}:{get_language()}:{moment}"
    report = cache.get(key)
    if report is None:
        report = assemble(figures, evaluation.figures(period, scope))
        cache.set(key, report, seconds)
    return report


# --- CSV for Finnish Excel -------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    text = str(value)
    # A text cell beginning with a formula character would run as a formula in Excel.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(rows: list[list], *, header: list[str]) -> bytes:
    """UTF-8 with a BOM, ";" between cells, decimal comma, CRLF line ends: what Excel opens
    directly in Finnish locale. Text beginning with =, +, -, @ is prefixed with ' so that it is
    never run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
