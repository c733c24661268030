"""Keyset pages for the lists: a page is "the next N after this row", never "page 7 of 912".

Counting a million-row list and skipping to an offset both cost time that grows with the
data; a keyset page costs the same on any page: an index scan from the last row shown,
ordered by a timestamp and the primary key (which breaks ties). The cursor in the URL is that
last row's primary key, which carries no personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

# Rows on one page of a list: what a person reads at a glance, and what renders in a few
# milliseconds (rendering the rows is most of a list's cost once the query uses its index).
PAGE_SIZE = 25


@dataclass
class Page:
    items: list
    next_cursor: int | None  # the pk to continue after, when there is more

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def cursor_from(value: str | None) -> int | None:
    try:
        pk = int(value or "")
    except ValueError:
        return None
    return pk if pk > 0 else None


def keyset_page(
    queryset: QuerySet,
    field: str,
    *,
    after: int | None,
    newest_first: bool,
    size: int | None = None,
    columns: tuple[str, ...] = (),
    rows: Callable[[list[dict]], list] | None = None,
) -> Page:
    """The `size` rows of `queryset` (ordered by `field` then pk) that follow row `after`.

    The cursor row is looked up inside `queryset`, so a cursor the reader may not see (or one
    that left the list) starts the list from the top instead of revealing anything.
    With `columns`, only those are read (as `values()`, "pk" among them) and `rows` turns
    the page's dictionaries into what the template shows.
    """
    size = size or PAGE_SIZE
    order = (f"-{field}", "-pk") if newest_first else (field, "pk")
    queryset = queryset.order_by(*order)
    if after is not None:
        mark = queryset.filter(pk=after).values_list(field, flat=True).first()
        if mark is not None:
            if newest_first:
                queryset = queryset.filter(**{f"{field}__lte": mark}).exclude(
                    **{field: mark, "pk__gte": after}
                )
            else:
                queryset = queryset.filter(**{f"{field}__gte": mark}).exclude(
                    **{field: mark, "pk__lte": after}
                )
    if columns:
        queryset = queryset.values(*columns)
    found = list(queryset[: size + 1])
    more = len(found) > size
    found = found[:size]
    last = (found[-1]["pk"] if columns else found[-1].pk) if more else None
    return Page(rows(found) if rows else found, last)
