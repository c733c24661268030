"""Coverage of the family-centre service network: which active services reach each
municipality, by family-centre service area or by challenge, and where the network has gaps and
overlaps.

A grid has a row per municipality of the region and a column per active service area (or
challenge). A cell counts the active services (of active organizations) of that column that
reach the municipality:

- *locally*: the service is available in listed municipalities, this one among them;
- *region-wide*: the service is available in the whole region;
- *digitally*: the service is digital, usable anywhere;

and, for each service language, how many of them are given in it. Its marks:

- `gap`: no service at all;
- `swedish_gap`: the municipality is bilingual and there are services, none of them in
  Swedish (a cell without any service is a `gap`, which says that too);
- `overlap`: at least `COVERAGE_OVERLAP_SERVICES` services and little use: fewer than
  `COVERAGE_LOW_USE` submitted referrals in the last twelve months (see `demand`).

Demand is the number of referrals of the municipality submitted in the last twelve months
(`Period.twelve_months`) that name the challenge (challenge grid), or that name at least one
challenge the column's services address anywhere in the region (service-area grid: a referral
names challenges, not areas). Only the challenge grid publishes it, each cell suppressed on its
own (`suppression.protect`, no margins published: a referral with two challenges is in two
cells, so the cells add up to nothing a reader could subtract from). The service-area grid uses
it only for the overlap mark; as `COVERAGE_LOW_USE` is never below five, the mark tells no more
than "<5" would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import (
    Availability,
    Challenge,
    LanguageCode,
    Municipality,
    Service,
    ServiceArea,
    ServiceLanguage,
)
from perhelinja.routers import use_replica
from referrals.models import Referral

from .period import Period
from .suppression import SMALL_MAX, protect

AREAS = "areas"
CHALLENGES = "challenges"
GRIDS = {
    AREAS: _("Family-centre service areas"),
    CHALLENGES: _("Challenges"),
}
REACHES = ("local", "region", "digital")
LANGUAGES = tuple(LanguageCode.values)


def overlap_services() -> int:
    """How many services of a cell make it a candidate overlap (setting, default 5)."""
    return max(2, settings.COVERAGE_OVERLAP_SERVICES)


def low_use() -> int:
    """Fewer submitted referrals than this in twelve months is little use (setting, default 5;
    never below 5, so that the overlap mark gives away no count of 1-4)."""
    return max(SMALL_MAX + 1, settings.COVERAGE_LOW_USE)


@dataclass
class Cell:
    municipality: Municipality
    column: ServiceArea | Challenge
    service_ids: list[int] = field(default_factory=list)
    reach: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REACHES, 0))
    languages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LANGUAGES, 0))
    referrals: int = 0  # submitted in the period; never published as is
    demand: int | str | None = None  # as published (challenge grid only), else None
    overlap: bool = False

    @property
    def services(self) -> int:
        return len(self.service_ids)

    @property
    def gap(self) -> bool:
        return not self.service_ids

    @property
    def swedish_gap(self) -> bool:
        return (
            self.municipality.language == ServiceLanguage.BILINGUAL
            and bool(self.service_ids)
            and not self.languages[LanguageCode.SWEDISH]
        )

    @property
    def marks(self) -> list[tuple[str, str]]:
        """(code, label) of each mark, in a fixed order: what the page, the CSV and the API
        say."""
        found = []
        if self.gap:
            found.append(("gap", str(_("Gap"))))
        if self.swedish_gap:
            found.append(("swedish_gap", str(_("No service in Swedish"))))
        if self.overlap:
            found.append(("overlap", str(_("Overlap"))))
        return found

    def as_json(self) -> dict:
        return {
            "column": self.column.slug,
            "services": self.services,
            "reach": dict(self.reach),
            "languages": dict(self.languages),
            "demand": self.demand,
            "gap": self.gap,
            "swedish_gap": self.swedish_gap,
            "overlap": self.overlap,
        }


@dataclass
class Row:
    municipality: Municipality
    cells: list[Cell]

    @property
    def bilingual(self) -> bool:
        return self.municipality.language == ServiceLanguage.BILINGUAL


@dataclass
class Grid:
    kind: str
    period: Period
    columns: list
    rows: list[Row]
    overlap_services: int
    low_use: int

    @property
    def title(self) -> str:
        return str(GRIDS[self.kind])

    @property
    def shows_demand(self) -> bool:
        return self.kind == CHALLENGES

    def cell(self, code: str, slug: str) -> Cell | None:
        for row in self.rows:
            if row.municipality.code == code:
                for cell in row.cells:
                    if cell.column.slug == slug:
                        return cell
        return None

    def csv_rows(self) -> list[list]:
        rows = []
        for row in self.rows:
            for cell in row.cells:
                rows.append(
                    [
                        row.municipality.code,
                        row.municipality.name,
                        _("yes") if row.bilingual else _("no"),
                        cell.column.name,
                        cell.services,
                        *(cell.reach[reach] for reach in REACHES),
                        *(cell.languages[code] for code in LANGUAGES),
                        "" if cell.demand is None else cell.demand,
                        ", ".join(label for _code, label in cell.marks),
                    ]
                )
        return rows

    @staticmethod
    def csv_header() -> list[str]:
        return [
            str(_("Municipality code")),
            str(_("Municipality")),
            str(_("Bilingual")),
            str(_("Column")),
            str(_("Services")),
            str(_("Local")),
            str(_("Region-wide")),
            str(_("Digital")),
            *(str(_("In %(language)s") % {"language": label}) for label in LanguageCode.labels),
            str(_("Referrals in 12 months")),
            str(_("Marks")),
        ]

    def as_json(self) -> dict:
        return {
            "grid": self.kind,
            "period": {"start": self.period.start, "end": self.period.end},
            "overlap_services": self.overlap_services,
            "low_use": self.low_use,
            "columns": [{"slug": c.slug, "name": c.name} for c in self.columns],
            "rows": [
                {
                    "municipality": row.municipality.code,
                    "name": row.municipality.name,
                    "bilingual": row.bilingual,
                    "cells": [cell.as_json() for cell in row.cells],
                }
                for row in self.rows
            ],
        }


def _reach(availability: str, listed: set[int], municipality_id: int) -> str | None:
    if availability == Availability.REGION:
        return "region"
    if availability == Availability.DIGITAL:
        return "digital"
    return "local" if municipality_id in listed else None


def _active_services() -> dict[int, str]:
    """{service id: availability} of the active services of active organizations."""
    return dict(
        Service.objects.filter(is_active=True, organization__is_active=True).values_list(
            "pk", "availability"
        )
    )


def _links(through, column: str, service_ids) -> dict[int, set]:
    """{service id: {ids of the other end}} of a many-to-many of Service, in one query."""
    found: dict[int, set] = defaultdict(set)
    for service_id, other in through.objects.filter(service_id__in=service_ids).values_list(
        "service_id", column
    ):
        found[service_id].add(other)
    return found


def _referrals(period: Period, wanted: dict[int, set[int]]) -> dict[tuple[int, int], int]:
    """{(municipality id, column id): referrals submitted in the period naming at least one of
    the column's `wanted` challenges}, counted by the database in one query."""
    counts = {
        f"c{column_id}": Count("pk", filter=Q(challenges__in=challenge_ids), distinct=True)
        for column_id, challenge_ids in wanted.items()
        if challenge_ids
    }
    if not counts:
        return {}
    rows = (
        Referral.objects.filter(
            submitted_at__gte=period.start_at, submitted_at__lt=period.end_before
        )
        .order_by()
        .values("municipality_id")
        .annotate(**counts)
    )
    return {(row["municipality_id"], int(name[1:])): row[name] for row in rows for name in counts}


@use_replica()  # every figure from the replica, when there is one (perhelinja/routers.py)
def build(kind: str = AREAS, *, period: Period | None = None) -> Grid:
    """The grid of `kind` (`AREAS` or `CHALLENGES`) over every municipality, in a fixed number
    of queries whatever the size of the catalogue."""
    if kind not in GRIDS:
        raise ValueError(f"unknown grid {kind!r}")
    period = period or Period.twelve_months(timezone.localdate())
    municipalities = list(Municipality.objects.all())
    model = ServiceArea if kind == AREAS else Challenge
    columns = list(model.objects.filter(is_active=True))
    services = _active_services()
    listed = _links(Service.municipalities.through, "municipality_id", services)
    spoken = _links(Service.languages.through, "language_id", services)
    if kind == AREAS:
        of_column = _links(Service.service_areas.through, "servicearea_id", services)
        # The challenges an area's services address, anywhere in the region: its demand.
        by_challenge = _links(Service.challenges.through, "challenge_id", services)
        wanted = defaultdict(set)
        for service_id, areas in of_column.items():
            for area_id in areas:
                wanted[area_id] |= by_challenge.get(service_id, set())
    else:
        of_column = _links(Service.challenges.through, "challenge_id", services)
        wanted = {column.pk: {column.pk} for column in columns}
    column_services: dict[int, list[int]] = defaultdict(list)
    for service_id in sorted(services):
        for column_id in of_column.get(service_id, ()):
            column_services[column_id].append(service_id)
    referrals = _referrals(period, {column.pk: wanted.get(column.pk, set()) for column in columns})

    rows = []
    for municipality in municipalities:
        cells = []
        for column in columns:
            cell = Cell(
                municipality, column, referrals=referrals.get((municipality.pk, column.pk), 0)
            )
            for service_id in column_services[column.pk]:
                reach = _reach(services[service_id], listed.get(service_id, set()), municipality.pk)
                if reach is None:
                    continue
                cell.service_ids.append(service_id)
                cell.reach[reach] += 1
                for code in spoken.get(service_id, ()):
                    cell.languages[code] += 1
            cell.overlap = cell.services >= overlap_services() and cell.referrals < low_use()
            cells.append(cell)
        rows.append(Row(municipality, cells))
    if kind == CHALLENGES:
        shown = protect({id(cell): cell.referrals for row in rows for cell in row.cells})
        for row in rows:
            for cell in row.cells:
                cell.demand = shown[id(cell)]
    return Grid(kind, period, columns, rows, overlap_services(), low_use())


def cell_services(grid: Grid, code: str, slug: str) -> tuple[Cell, list[tuple[Service, str]]]:
    """The services of one cell, with how each reaches the municipality, for the drill-down;
    LookupError when the grid has no such cell."""
    cell = grid.cell(code, slug)
    if cell is None:
        raise LookupError(f"no cell {code}/{slug}")
    services = (
        Service.objects.filter(pk__in=cell.service_ids)
        .select_related("organization")
        .prefetch_related("languages", "municipalities")
        .order_by("organization__name", "name_fi", "pk")
    )
    found = []
    for service in services:
        listed = {m.pk for m in service.municipalities.all()}
        found.append(
            (service, reach_label(_reach(service.availability, listed, cell.municipality.pk)))
        )
    return cell, found


def reach_label(reach: str) -> str:
    return str({"local": _("Local"), "region": _("Region-wide"), "digital": _("Digital")}[reach])
