"""Reads that run on every request of a page, with their SQL compiled by the ORM only once.

Compiling a UNION of annotated querysets costs more Python time than PostgreSQL needs to answer
it. `compiled_rows` builds the queryset once per shape with stand-in keys, keeps its SQL and
parameters, and afterwards only puts the real keys in the stand-ins' places.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model, QuerySet

_COMPILED: dict[tuple, tuple[str, list, dict[int, int]]] = {}
STAND_IN = -2_000_000_000  # a key no row has: marks where the keys go in the compiled SQL


def compiled_rows(
    name: str, build: Callable[[list[int]], QuerySet], keys: list[int], *, model: type[Model]
) -> list[dict]:
    """The rows of `build(keys)` as dictionaries by column name. `build` must use the keys
    only as plain query parameters, so that the SQL is the same whatever the keys are."""
    db = router.db_for_read(model)
    cache_key = (db, name, len(keys))
    if cache_key not in _COMPILED:
        queryset = build([STAND_IN - i for i in range(len(keys))])
        sql, params = queryset.query.get_compiler(using=db).as_sql()
        where = {
            at: STAND_IN - p for at, p in enumerate(params) if type(p) is int and p <= STAND_IN
        }
        if set(where.values()) != set(range(len(keys))):
            raise ValueError(f"{name}: every key must be a parameter of the SQL")
        _COMPILED[cache_key] = (sql, list(params), where)
    sql, params, where = _COMPILED[cache_key]
    params = [keys[where[at]] if at in where else p for at, p in enumerate(params)]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
