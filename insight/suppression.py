"""Small-cell suppression over linked tables: no published count of 1-4 can be worked out.

Every figure the report publishes is a *cell* named by a key. A cell that appears in several
tables (the same grand total under two tables, "completed" in the state table and in the
funnel) is one key, so it is shown or hidden alike everywhere. What a reader knows about how
the cells add up is declared as `Sum` relations (`one_way_sums` and `table_sums` build them for
a table with its margins). `protect` then decides, for all tables at once, which cells to hide.

Suppressing each table on its own can be undone by subtraction across tables, or by the
bounds the markers give away (two hidden cells summing to 2 are both 1; five hidden cells
summing to 20 are all 4). `protect` hides cells until neither works.

What a reader is assumed to know (the model every check here works with):

- every declared relation (`total == sum(parts)`, over every table together) and every shown
  value, exactly;
- that every count is a whole number, 0 or more;
- `SMALL` ("<5") is 1-4: primary suppression. Zeros are always shown (a 0 tells nothing about
  a family), so a hidden cell is never 0;
- `HIDDEN` ("x") is 5 or more (a count of 1-4 would be `SMALL`), with no upper bound other than
  what the relations give;
- an `unpublished` cell (a figure printed nowhere, e.g. a total no table shows, but tied to
  others by a relation) is 0 or more, nothing else.

Not modelled: reasoning about *which* cells the algorithm chose (that a `HIDDEN` cell was
the smallest candidate, hence at most the shown ones beside it), inequalities that are not
sums (a funnel's "accepted <= assigned"), and outside knowledge.

A hidden cell is *disclosed* when, under that model, it can take only one value. `protect`
checks that with
(a) exact elimination (rational, kept in whole numbers) over the hidden cells: a cell that a
    linear combination of the relations and the shown values gives is disclosed;
(b) interval reasoning over every relation, every combination the elimination produces and
    every relation's hidden-part sum that (a) can work out: a cell whose interval, from the
    bounds above, narrows to one value is disclosed (two hidden cells summing to 2);
(c) a witness for every other cell: a second assignment of the hidden cells that fits all of
    the above and gives the cell another value, found by a bounded search. A cell without
    one counts as disclosed, so that what is published as safe has been shown to be.
(a) and (b) find what they find for certain; (c) settles what they leave open, exactly for
single tables and for tables sharing totals, and on the safe side otherwise (see
`_Witness`). Rates and means computed from counts follow their counts (`protect_rate`,
`marker_for`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The same markers as `referrals.insight`, so that old and new tables read alike.
SMALL = "<5"  # a count of 1-4 (primary suppression)
HIDDEN = "x"  # a count of 5 or more, hidden so that no small one can be worked out
NO_RATE = "\u2013"  # an en dash: a rate without a denominator
SMALL_MAX = 4
RATE_PLACES = Decimal("0.0001")

Key = Hashable

# Interval reasoning only tightens bounds, so it ends by itself; the cap only bounds its cost
# (stopping early is still sound: it merely finds fewer pins).
_PROPAGATION_ROUNDS = 60
# Search steps for a witness per cell: a short try first, a longer one for the cells that
# interval reasoning does not pin (running out counts as pinned: more hidden, never less).
_QUICK_BUDGET = 30
_FULL_BUDGET = 2000
# Then steps of two, for links that are not totally unimodular (see `_Witness`).
_WIDE_BUDGET = 500


@dataclass(frozen=True)
class Sum:
    """One additive relation a reader knows: the cell `total` equals the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    def __post_init__(self) -> None:
        parts = tuple(self.parts)
        object.__setattr__(self, "parts", parts)
        if self.total in parts:
            raise ValueError(f"{self.total!r} cannot be a part of its own total")
        if len(set(parts)) != len(parts):
            raise ValueError(f"the parts of {self.total!r} repeat a cell: {parts!r}")


def one_way_sums(parts: Iterable[Key], total: Key) -> list[Sum]:
    """The relation of a one-way table: its total is the sum of its cells."""
    return [Sum(total, tuple(parts))]


def table_sums(
    rows: Iterable,
    cols: Iterable,
    cell_key: Callable[[object, object], Key] = lambda row, col: (row, col),
    row_total_key: Callable[[object], Key] | None = None,
    col_total_key: Callable[[object], Key] | None = None,
    total_key: Key | None = None,
) -> list[Sum]:
    """The relations of a two-way table with the margins it shows.

    `cell_key(row, col)` names a cell, `row_total_key(row)` a row's total (the column of row
    totals), `col_total_key(col)` a column's total (the row of column totals), `total_key` the
    grand total; leave out a margin the table does not show. The grand total is declared
    both as the sum of the row totals and of the column totals when both are shown: redundant
    relations are harmless, and a missing one would let a reader know more than `protect`
    thinks.
    """
    rows, cols = list(rows), list(cols)
    sums = []
    if row_total_key is not None:
        sums += [Sum(row_total_key(r), tuple(cell_key(r, c) for c in cols)) for r in rows]
    if col_total_key is not None:
        sums += [Sum(col_total_key(c), tuple(cell_key(r, c) for r in rows)) for c in cols]
    if total_key is not None:
        if row_total_key is not None:
            sums.append(Sum(total_key, tuple(row_total_key(r) for r in rows)))
        if col_total_key is not None:
            sums.append(Sum(total_key, tuple(col_total_key(c) for c in cols)))
        if row_total_key is None and col_total_key is None:
            sums.append(Sum(total_key, tuple(cell_key(r, c) for r in rows for c in cols)))
    return sums


def protect(
    values: Mapping[Key, int], sums: Iterable[Sum] = (), *, unpublished: Iterable[Key] = ()
) -> dict[Key, int | str]:
    """Every published cell (in the order of `values`) as its value or a marker.

    1. Primary suppression: a count of 1-4 is `SMALL`; 0 and 5 or more are shown.
    2. Complementary suppression, repeated while some hidden cell is disclosed (see the module
       docstring for the reader's model): a shown non-zero cell of a relation of the first
       disclosed cell (in the order of `values`) is hidden as `HIDDEN`. Preferred, in this
       order: an inner cell over a margin (a cell that is the total of some relation); one
       that leaves the disclosed cell more than one value in their common relation taken
       alone (a 5 beside a 1 under a known sum of 6 frees nothing); one in more relations
       whose hidden cells are all disclosed (closing a row and a column at once); the
       smaller value by order of magnitude (least information lost); one that gives a second
       hidden cell to more relations that have one; the smaller value; the earliest in
       `values`. When the disclosed cell's own relations have no such cell, those of the
       hidden cells around it are searched, outwards. Several disclosed cells get their
       complement in one round when they are plainly still disclosed.
    3. Then each `HIDDEN` cell, largest first, is shown again if nothing becomes disclosed:
       the greedy step 2 can hide more than in the end is needed.

    Deterministic (the same input gives the same output, whatever the order of `sums`), and
    it ends: each round hides one more cell or gives up on one. It gives up only where every
    non-zero cell around a disclosed cell is already hidden, which the markers' own meaning
    causes (four parts of 1 under a total of 4 are 1 each, however they are marked): then
    nothing that keeps the markers true can help, and `disclosed` reports such cells so that
    a caller can leave the whole table out.

    `unpublished` cells take part in the relations but are printed nowhere and left out of
    the result; they are never hidden as a complement, and one of 1-4 counts as disclosed
    when it can be worked out.
    """
    problem = _Problem(values, sums, unpublished)
    return problem.publish(problem.solve())


def disclosed(
    values: Mapping[Key, int],
    sums: Iterable[Sum],
    published: Mapping[Key, int | str],
    *,
    unpublished: Iterable[Key] = (),
) -> set[Key]:
    """The cells of a publication (`protect`'s result, or any other) that a reader can work
    out: hidden cells pinned to one value, and unpublished cells of 1-4 pinned likewise."""
    problem = _Problem(values, sums, unpublished)
    hidden = set(problem.unpublished)
    for i, key in enumerate(problem.keys):
        if i in problem.unpublished:
            continue
        shown, value = published[key], problem.values[i]
        if shown in (SMALL, HIDDEN):
            # The reader's bounds hold only for markers that tell the truth.
            if (shown == SMALL) != (1 <= value <= SMALL_MAX) or value == 0:
                raise ValueError(f"{key!r} is {shown!r} but its value is {value}")
            hidden.add(i)
        elif shown != value:
            raise ValueError(f"{key!r} is shown as {shown!r} but its value is {value}")
    return {problem.keys[i] for i in problem.pinned(hidden)}


def marker_for(*shown: int | str) -> str | None:
    """The marker that hides a figure computed from these cells (as `protect` returned them),
    or None when all of them are shown. `SMALL` wins over `HIDDEN`: a rate of a group of 1-4
    reads like before."""
    if SMALL in shown:
        return SMALL
    if HIDDEN in shown:
        return HIDDEN
    return None


def protect_rate(
    numerator_shown: int | str, denominator_shown: int | str, numerator: int, denominator: int
) -> Decimal | str:
    """numerator / denominator to four places, or a marker when either count is hidden.

    A rate published beside its denominator publishes its numerator too (rate x denominator,
    exactly at four places below 10 000), and one beside its numerator gives the denominator
    back. So both counts must be cells of `protect` with the relations they are in (declare
    the numerator even when no table prints it, e.g. no-shows or "went where it should"),
    and the rate is hidden whenever one of them is. `NO_RATE` without a denominator.
    """
    for count, shown in ((numerator, numerator_shown), (denominator, denominator_shown)):
        if not isinstance(shown, str) and shown != count:
            raise ValueError(f"a count of {count} is shown as {shown!r}")
    marker = marker_for(numerator_shown, denominator_shown)
    if marker is not None:
        return marker
    if not denominator:
        return NO_RATE
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


# --- the algorithm -----------------------------------------------------------------------------

Row = dict[int, int]  # column (cell index) -> integer coefficient


class _Problem:
    """The cells as indices 0..n-1 in the order of `values`, and the relations as rows
    `total - parts = 0`."""

    def __init__(
        self, values: Mapping[Key, int], sums: Iterable[Sum], unpublished: Iterable[Key]
    ) -> None:
        self.keys = list(values)
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.values = [values[key] for key in self.keys]
        for key, value in zip(self.keys, self.values, strict=True):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key!r}: a count must be a whole number >= 0, not {value!r}")
        self.unpublished = {self._cell(key) for key in unpublished}
        # A set of rows, so that a relation declared twice (a grand total under two tables)
        # is one; sorted, so that nothing depends on the order of `sums`.
        relations: set[tuple[tuple[int, int], ...]] = set()
        self.margins: set[int] = set()
        for relation in sums:
            total = self._cell(relation.total)
            parts = [self._cell(part) for part in relation.parts]
            if self.values[total] != sum(self.values[p] for p in parts):
                raise ValueError(
                    f"{relation.total!r} = {self.values[total]} is not the sum of its parts"
                )
            self.margins.add(total)
            relations.add(tuple(sorted([(total, 1), *((p, -1) for p in parts)])))
        self.relations: list[Row] = [dict(row) for row in sorted(relations)]
        self.parts_of: list[list[int]] = [
            [j for j, c in row.items() if c < 0] for row in self.relations
        ]
        self.relations_of: list[list[int]] = [[] for _ in self.keys]
        for r, row in enumerate(self.relations):
            for j in row:
                self.relations_of[j].append(r)
        self._cache: dict[frozenset[int], frozenset[int]] = {}
        # Witnesses found so far (the cells each moves), by cell; see `_pinned`.
        self._moves_of: dict[int, list[frozenset[int]]] = {}

    def _cell(self, key: Key) -> int:
        try:
            return self.index[key]
        except KeyError:
            raise KeyError(f"{key!r} is in a relation but has no value") from None

    # --- what a reader knows ------------------------------------------------------------------

    def bounds(self, i: int) -> tuple[int, int | None]:
        """The bounds a reader knows of a hidden cell (None: no upper bound)."""
        if i in self.unpublished:
            return 0, None
        if self.values[i] <= SMALL_MAX:
            return 1, SMALL_MAX
        return SMALL_MAX + 1, None

    def sensitive(self, i: int) -> bool:
        """Whether working the cell out is a disclosure: every hidden published cell, and an
        unpublished one only when it is a small count."""
        return i not in self.unpublished or 1 <= self.values[i] <= SMALL_MAX

    def components(self, hidden: set[int]) -> list[frozenset[int]]:
        """The hidden cells grouped by the relations that tie them together (shown cells
        are known numbers, so they tie nothing)."""
        parent = {i: i for i in hidden}

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for r in {r for i in hidden for r in self.relations_of[i]}:
            cells = [j for j in self.relations[r] if j in hidden]
            for j in cells[1:]:
                parent[root(j)] = root(cells[0])
        groups: dict[int, set[int]] = {}
        for i in hidden:
            groups.setdefault(root(i), set()).add(i)
        return [frozenset(group) for group in groups.values()]

    def pinned(self, hidden: set[int]) -> set[int]:
        """The sensitive hidden cells a reader can work out."""
        found: set[int] = set()
        for component in self.components(hidden):
            if component not in self._cache:
                self._cache[component] = frozenset(self._pinned(component))
            found |= self._cache[component]
        return found

    def _pinned(self, component: frozenset[int]) -> set[int]:
        """(a), (b) and (c) of the module docstring; the cheap (c) first, as most cells
        have a witness at hand."""
        touching = sorted({r for i in component for r in self.relations_of[i]})
        rows = [{j: c for j, c in self.relations[r].items() if j in component} for r in touching]
        low, high = {}, {}
        for i in component:
            low[i], high[i] = self.bounds(i)
        # A cell is free when another assignment the reader cannot rule out moves it. Such a
        # witness stays one while more cells are hidden, so the witnesses found so far are
        # tried first, then a short search: most cells need nothing more.
        free = self._witnessed(component)
        todo = [i for i in sorted(component) if i not in free and self.sensitive(i)]
        # The usual pin is plain: the only hidden cell of a relation.
        alone = {j for row in rows if len(row) == 1 for j in row}
        pinned = {i for i in todo if i in alone}
        todo = [i for i in todo if i not in pinned]
        witness = _Witness(rows, self.values, low, high)
        for i in todo:
            if i not in free and (move := witness.find(i, budget=_QUICK_BUDGET)):
                free |= self._remember(move)
        todo = [i for i in todo if i not in free]
        if not todo:
            return pinned

        basis = _echelon(rows)
        equations = rows + list(basis.values())
        # A relation whose hidden total is worked out (or whose hidden parts add up to
        # something worked out another way) tells the sum of its hidden parts.
        for r in touching:
            parts = {j: 1 for j in self.parts_of[r] if j in component}
            total_hidden = len(parts) < sum(1 for j in self.relations[r] if j in component)
            if total_hidden and len(parts) > 1 and not _reduce(parts, basis):
                equations.append(parts)
        _propagate(
            [(row, sum(c * self.values[j] for j, c in row.items())) for row in equations],
            low,
            high,
        )
        pinned |= {i for i in todo if low[i] == high[i]}
        # What that reasoning leaves free must still be shown free: without a witness
        # (searched within the narrower bounds, with a larger budget) a cell counts as pinned,
        # so that an unproven cell is never published as safe.
        witness = _Witness(rows, self.values, low, high)
        for i in todo:
            if i not in pinned and i not in free:
                move = witness.find(i, budget=_FULL_BUDGET) or witness.find(
                    i, budget=_WIDE_BUDGET, max_step=2
                )
                if move is None:
                    pinned.add(i)
                else:
                    free |= self._remember(move)
        return pinned

    def _witnessed(self, component: frozenset[int]) -> set[int]:
        free: set[int] = set()
        for i in sorted(component):
            if i in free:
                continue
            for move in self._moves_of.get(i, ()):
                if move <= component:
                    free |= move
                    break
        return free

    def _remember(self, move: frozenset[int]) -> frozenset[int]:
        for i in move:
            self._moves_of.setdefault(i, []).append(move)
        return move

    # --- choosing what to hide ----------------------------------------------------------------

    def solve(self) -> set[int]:
        hidden = {i for i, v in enumerate(self.values) if 1 <= v <= SMALL_MAX}
        hidden |= self.unpublished
        given_up: set[int] = set()
        while True:
            open_ = self.pinned(hidden) - given_up
            if not open_:
                break
            # One complement for the first disclosed cell, and for each later one that is
            # still disclosed as far as can be seen without the full check (alone in a
            # relation, or none of its relations changed since): the full check then runs
            # once per round instead of once per cell. One chosen in vain is undone below.
            touched: set[int] = set()
            for target in sorted(open_):
                if touched and not (
                    self._alone(target, hidden) or touched.isdisjoint(self.relations_of[target])
                ):
                    continue
                chosen = self._complement(target, hidden, open_)
                if chosen is None:
                    given_up.add(target)
                else:
                    hidden.add(chosen)
                    touched.update(self.relations_of[chosen])
        residual = self.pinned(hidden)
        complements = [
            i for i in hidden if i not in self.unpublished and self.values[i] > SMALL_MAX
        ]
        for i in sorted(complements, key=lambda i: (-self.values[i], -i)):
            fewer = hidden - {i}
            # A relation of the cell that pins one of its hidden cells on its own rejects
            # the change at once; only then the full check.
            if not any(self._pins(r, fewer) for r in self.relations_of[i]) and (
                self.pinned(fewer) <= residual
            ):
                hidden = fewer
        return hidden

    def _alone(self, i: int, hidden: set[int]) -> bool:
        return any(
            all(j == i or j not in hidden for j in self.relations[r]) for r in self.relations_of[i]
        )

    def _complement(self, target: int, hidden: set[int], open_: set[int]) -> int | None:
        """The shown cell to hide so that `target` (and the cells pinned with it) may become
        free; None when no shown non-zero cell is anywhere near."""
        hidden_in = [sum(1 for j in row if j in hidden) for row in self.relations]
        exposed = [
            all(j in open_ for j in row if j in hidden) and hidden_in[r] > 0
            for r, row in enumerate(self.relations)
        ]
        seen_cells, seen_relations = {target}, set()
        frontier = [target]
        while frontier:
            relations = sorted({r for i in frontier for r in self.relations_of[i]} - seen_relations)
            seen_relations.update(relations)
            candidates = {
                j
                for r in relations
                for j in self.relations[r]
                if j not in hidden and self.values[j] > 0
            }
            if candidates:

                def preference(j: int) -> tuple:
                    mine = self.relations_of[j]
                    return (
                        j in self.margins,
                        not self._frees(target, j, hidden),
                        -sum(1 for r in mine if exposed[r]),
                        self.values[j].bit_length(),
                        -sum(1 for r in mine if hidden_in[r] == 1),
                        self.values[j],
                        j,
                    )

                return min(candidates, key=preference)
            frontier = sorted(
                {j for r in relations for j in self.relations[r] if j in hidden} - seen_cells
            )
            seen_cells.update(frontier)
        return None

    def _alone_bounds(self, r: int, hidden: set[int], also: int = -1) -> tuple[dict, dict]:
        """The bounds of the hidden cells (and `also`) of relation r given r alone."""
        cells = {j: c for j, c in self.relations[r].items() if j in hidden or j == also}
        low, high = {}, {}
        for j in cells:
            low[j], high[j] = self.bounds(j)
        _propagate([(cells, sum(c * self.values[j] for j, c in cells.items()))], low, high)
        return low, high

    def _pins(self, r: int, hidden: set[int]) -> bool:
        low, high = self._alone_bounds(r, hidden)
        return any(low[j] == high[j] and self.sensitive(j) for j in low)

    def _frees(self, target: int, candidate: int, hidden: set[int]) -> bool:
        """Whether hiding `candidate` leaves `target` more than one value in some relation
        holding both, taken alone (a 5 beside a 1 under a known sum of 6 frees nothing)."""
        for r in self.relations_of[target]:
            if candidate in self.relations[r]:
                low, high = self._alone_bounds(r, hidden, candidate)
                if low[target] != high[target]:
                    return True
        return False

    def publish(self, hidden: set[int]) -> dict[Key, int | str]:
        out: dict[Key, int | str] = {}
        for i, key in enumerate(self.keys):
            if i in self.unpublished:
                continue
            value = self.values[i]
            if i not in hidden:
                out[key] = value
            else:
                out[key] = SMALL if value <= SMALL_MAX else HIDDEN
        return out


# --- exact elimination and interval reasoning ------------------------------------------------


def _combine(row: Row, pivot_row: Row, col: int) -> Row:
    """row scaled minus pivot_row scaled, so that `col` cancels: exact rational elimination
    kept in whole numbers (each row divided by the gcd of its entries)."""
    a, b = pivot_row[col], row[col]
    g = math.gcd(a, b)
    a, b = a // g, b // g
    out = {j: c * a for j, c in row.items()}
    for j, c in pivot_row.items():
        out[j] = out.get(j, 0) - c * b
    out = {j: c for j, c in out.items() if c}
    if out:
        g = math.gcd(*out.values())
        if g > 1:
            out = {j: c // g for j, c in out.items()}
    return out


def _reduce(row: Row, basis: dict[int, Row]) -> Row:
    """What is left of `row` once every pivot column of `basis` is cancelled: empty exactly
    when the row is a linear combination of the basis."""
    for col in [j for j in row if j in basis]:
        if col in row:
            row = _combine(row, basis[col], col)
    return row


def _echelon(rows: Iterable[Row]) -> dict[int, Row]:
    """The reduced row echelon form of `rows` as {pivot column: row}: every row is zero on the
    other rows' pivot columns, so a cell is worked out exactly when its pivot row has no
    other entry."""
    basis: dict[int, Row] = {}
    for row in rows:
        row = _reduce(dict(row), basis)
        if not row:
            continue
        col = min(row)
        for other, other_row in list(basis.items()):
            if col in other_row:
                basis[other] = _combine(other_row, row, col)
        basis[col] = row
    return basis


def _propagate(
    equations: list[tuple[Row, int]], low: dict[int, int], high: dict[int, int | None]
) -> None:
    """Tighten `low`/`high` (None: unbounded) in place with each `sum(c * x) == rhs`: a cell is
    the rhs minus the others, whose range the current bounds give, divided by its
    coefficient; whole numbers, so bounds are rounded inwards."""
    for _ in range(_PROPAGATION_ROUNDS):
        changed = False
        for row, rhs in equations:
            # The range of each term c * x, and of the whole sum, with infinite ends counted.
            terms = []
            min_sum = max_sum = 0
            min_inf = max_inf = 0
            for j, c in row.items():
                lo, hi = low[j], high[j]
                if c > 0:
                    t_min, t_max = c * lo, (None if hi is None else c * hi)
                else:
                    t_min, t_max = (None if hi is None else c * hi), c * lo
                terms.append((j, c, t_min, t_max))
                if t_min is None:
                    min_inf += 1
                else:
                    min_sum += t_min
                if t_max is None:
                    max_inf += 1
                else:
                    max_sum += t_max
            for j, c, t_min, t_max in terms:
                # The rest of the sum: [rest_min, rest_max], None where unbounded.
                rest_min = (
                    None
                    if min_inf - (t_min is None) > 0
                    else min_sum - (0 if t_min is None else t_min)
                )
                rest_max = (
                    None
                    if max_inf - (t_max is None) > 0
                    else max_sum - (0 if t_max is None else t_max)
                )
                # c * x lies in [rhs - rest_max, rhs - rest_min].
                term_lo = None if rest_max is None else rhs - rest_max
                term_hi = None if rest_min is None else rhs - rest_min
                if c < 0:
                    term_lo, term_hi = term_hi, term_lo
                new_lo = None if term_lo is None else -(-term_lo // c)  # ceil
                new_hi = None if term_hi is None else term_hi // c  # floor
                if new_lo is not None and new_lo > low[j]:
                    low[j] = new_lo
                    changed = True
                if new_hi is not None and (high[j] is None or new_hi < high[j]):
                    high[j] = new_hi
                    changed = True
                if high[j] is not None and low[j] > high[j]:
                    raise RuntimeError("the true values break the relations: a bug")
        if not changed:
            return


class _OverBudget(Exception):
    pass


class _Witness:
    """A search for a second assignment of the hidden cells, as small steps (at most
    `max_step` either way) on some of them from the true values: every relation stays
    balanced and every cell within the bounds the reader knows. The cells it moves can each
    take two values, so none of them is disclosed.

    For a single one-way or two-way table (and tables linked by a shared total) the
    relations are totally unimodular: a step of one exists whenever any other assignment
    moves the cell, and the search decides exactly. For other links it may miss a larger
    step, or run out of budget, and call a free cell pinned: more is hidden than needed,
    never less.
    """

    MAX_DEPTH = 200  # moves in one search (a path that long counts as a dead end)

    def __init__(
        self, rows: list[Row], values: list[int], low: dict[int, int], high: dict[int, int | None]
    ) -> None:
        self.rows = rows
        self.values = values
        self.low, self.high = low, high
        self.rows_of: dict[int, list[int]] = {}
        for r, row in enumerate(rows):
            for j in row:
                self.rows_of.setdefault(j, []).append(r)

    def find(self, start: int, budget: int, max_step: int = 1) -> frozenset[int] | None:
        self.max_step = max_step
        for step in (1, -1):
            value = self.values[start] + step
            high = self.high[start]
            if value < self.low[start] or (high is not None and value > high):
                continue
            self.step: dict[int, int] = {}
            self.residual: dict[int, int] = {}  # the unbalanced relations only
            self.left = budget
            self.move(start, step)
            try:
                if self.search():
                    return frozenset(self.step)
            except _OverBudget:
                pass
        return None

    def move(self, j: int, delta: int) -> None:
        step = self.step.get(j, 0) + delta
        if step:
            self.step[j] = step
        else:
            del self.step[j]
        for r in self.rows_of.get(j, ()):
            value = self.residual.get(r, 0) + self.rows[r][j] * delta
            if value:
                self.residual[r] = value
            else:
                del self.residual[r]

    def options(self, r: int) -> list[tuple[int, int]]:
        """The moves by one that bring relation r nearer to balance (every coefficient is 1
        or -1), those that also balance the other relations of their cell first. A cell
        already moved may move further, never back to its value."""
        sign = 1 if self.residual[r] > 0 else -1
        rows, residual, values = self.rows, self.residual, self.values
        found = []
        for j, c in rows[r].items():
            delta = -sign * c
            step = self.step.get(j, 0) + delta
            if not step or abs(step) > self.max_step:
                continue
            value = values[j] + step
            if value < self.low[j] or (self.high[j] is not None and value > self.high[j]):
                continue
            worse = 0
            for q in self.rows_of[j]:
                if q != r:
                    before = residual.get(q, 0)
                    worse += abs(before + rows[q][j] * delta) - abs(before)
            found.append((worse, abs(step), j, delta))
        found.sort()
        return [(j, delta) for _worse, _size, j, delta in found]

    def search(self, depth: int = 0) -> bool:
        if not self.residual:
            return True
        if depth >= self.MAX_DEPTH:
            return False
        # The relation with the fewest ways out first: dead ends show early.
        best: list[tuple[int, int]] | None = None
        for r in sorted(self.residual):
            options = self.options(r)
            if not options:
                return False
            if best is None or len(options) < len(best):
                best = options
        for j, delta in best or ():
            self.left -= 1
            if self.left < 0:
                raise _OverBudget
            self.move(j, delta)
            if self.search(depth + 1):
                return True
            self.move(j, -delta)
        return False
