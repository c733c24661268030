"""The cells of the coordinator's report and the one step that protects them.

A table's rows hold `Counted`s (published counts, protected under a key: the same key in two
tables is one figure), `Derived` figures (rates, means, waits: shown only when the counts they
come from are) and `Plain` texts. `Layout` collects the tables of a report with the sums a
reader knows and publishes them all through `insight.suppression.protect` at once.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .suppression import HIDDEN, NO_RATE, SMALL, Sum, disclosed, protect

Key = Hashable
OMITTED = "·"  # a count left out: hiding it could not keep it from being worked out
OMIT_ROUNDS = 4
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counted:
    """A published count: its value goes through the protection step under `key`."""

    key: Key


@dataclass(frozen=True)
class Derived:
    """A figure computed from counts (a rate, a mean, a wait): shown only when every count it
    needs is shown, else with the marker of the first hidden one."""

    text: str
    needs: tuple[Key, ...] = ()


@dataclass(frozen=True)
class Plain:
    """A figure published as it is (outreach events are public and have no family behind)."""

    text: str


@dataclass
class Table:
    key: str
    title: str
    row_label: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    note: str = ""
    intro: str = ""  # said once before the table, for the first table of a part
    chart: SafeString | None = None
    chart_note: str = ""  # said instead of a chart with nothing to draw


class Layout:
    """Collects the tables' cells and the sums a reader knows, then protects them at once."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.sums: list[Sum] = []
        self.tables: list[tuple[Table, list[tuple[str, list]]]] = []
        self.shown: dict[Key, int | str] = {}
        self.exposed: set[Key] = set()

    def count(self, key: Key, value: int) -> Counted:
        known = self.values.setdefault(key, value)
        if known != value:  # one figure, two values: a programming error, never published
            raise ValueError(f"{key!r} is {known} and {value}")
        return Counted(key)

    def sum(self, total: Key, parts: Iterable[Key]) -> None:
        parts = tuple(parts)
        if parts:
            self.sums.append(Sum(total, parts))

    def one_way(self, name: str, counts: Mapping, labels: Mapping, total: Key) -> list:
        """Rows of a table of one column with its total; the total shares `total`'s key."""
        cells = {code: self.count((name, code), counts.get(code, 0)) for code in labels}
        whole = sum(counts.get(code, 0) for code in labels)
        if total in self.values and self.values[total] != whole:
            total = (name, "total")  # the counts do not add up to the shared total
        rows = [(str(labels[code]), [cells[code]]) for code in labels]
        rows.append((_("Total"), [self.count(total, whole)]))
        self.sum(total, [cell.key for cell in cells.values()])
        return rows

    def add(self, table: Table, rows: list[tuple[str, list]]) -> Table:
        self.tables.append((table, rows))
        return table

    def publish(self) -> list[Table]:
        """Every table with its protected values.

        Where hiding cannot help (four parts of 1 under a total of 4 are 1 each, however they
        are marked), the cells worked out are left out (`OMITTED`, a reader learns nothing of
        them, not even that they are not 0) and the rest protected again; a table whose cells
        still give something away after that is left out whole."""
        try:
            omitted: set[Key] = set()
            for _round in range(OMIT_ROUNDS):
                shown = protect(self.values, self.sums, unpublished=omitted)
                exposed = disclosed(self.values, self.sums, shown, unpublished=omitted)
                if not exposed:
                    break
                omitted |= exposed
            shown.update(dict.fromkeys(omitted, OMITTED))
        except ValueError:
            # Figures that do not add up (never from one `snapshot.compute`) cannot be
            # protected by reasoning: every count but zero is hidden.
            logger.warning("report figures do not add up; every non-zero count hidden")
            shown = {k: _marker(v) if v else 0 for k, v in self.values.items()}
            exposed = set()
        for table, rows in self.tables:
            keys = {
                cell.key for _label, cells in rows for cell in cells if isinstance(cell, Counted)
            }
            if keys & exposed:
                table.rows, table.chart = [], None
                table.note = _("Too few to show without pointing at families.")
                continue
            table.rows = [(label, [_shown(cell, shown) for cell in cells]) for label, cells in rows]
        self.shown, self.exposed = shown, exposed
        return [table for table, _rows in self.tables]

    def published(self, cell: Counted | Derived | Plain) -> int | str:
        """A cell as `publish` shows it wherever it stands (a count as its number or a marker,
        a derived figure as its text or the marker of a count it needs); left out when a table
        holding its counts was left out. Only after `publish`."""
        keys = (cell.key,) if isinstance(cell, Counted) else getattr(cell, "needs", ())
        if set(keys) & self.exposed:
            return OMITTED
        return self.shown[cell.key] if isinstance(cell, Counted) else _shown(cell, self.shown)


def _marker(value: int) -> str:
    return SMALL if 1 <= value <= 4 else HIDDEN


def _shown(cell, shown: Mapping[Key, int | str]) -> str:
    if isinstance(cell, Counted):
        return str(shown[cell.key])
    if isinstance(cell, Derived):
        for key in cell.needs:
            if shown[key] in (SMALL, HIDDEN, OMITTED):
                return str(shown[key])
        return cell.text
    return cell.text


# --- formatting -----------------------------------------------------------------------------


def percent(value: Decimal | None) -> str:
    if value is None:
        return NO_RATE
    return f"{(value * 100):.1f} %".replace(".", ",")


def decimal_text(value: float | Decimal | None, places: str = "0.1") -> str:
    if value is None:
        return NO_RATE
    return str(Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_UP)).replace(".", ",")
