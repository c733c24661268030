"""Reads that may come from a read-only streaming replica, and only those (issue 20).

When settings.DATABASE_REPLICA_URL is set, the database alias "replica" is a PostgreSQL hot
standby of "default" and this router sends to it the reads of the code that says so with
`use_replica()`: the period report (`insight.report.build`: the dashboard, its CSV, the PDF
period report and the statistics API), the statistics snapshot job, the coverage map and the
public service catalogue. Nothing else reads from it: a replica lags its primary by a moment,
which aggregates and the catalogue tolerate and a referral's page (or a report's progress)
does not. Writes always go to "default", so a `use_replica()` block that stores something (the
snapshot job storing its figures) writes to the primary.

Read-your-writes: after a person changed something (a POST, PUT, PATCH or DELETE that did not
fail), ReadYourWritesMiddleware keeps their requests on the primary for
settings.READ_YOUR_WRITES_SECONDS, through a signed cookie (no session write), so the person who
just changed something sees it even where the others read the replica. Inside a transaction on
the primary every read stays there too, so a write and the reads around it see one database.

Without DATABASE_REPLICA_URL nothing changes: `use_replica()` does nothing and every query uses
"default".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
COOKIE = "primary_reads"
COOKIE_SALT = "perhelinja.routers.read-your-writes"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# True inside use_replica(); True for the request of a person who has just written.
_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)
_primary_pinned: ContextVar[bool] = ContextVar("primary_pinned", default=False)


def replica_configured() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_URL", "")) and REPLICA in connections.settings


def read_alias() -> str:
    """The alias the reads here go to: "replica" inside use_replica() when one is configured,
    the person has not just written and no transaction on the primary is open; else default."""
    if (
        _replica_wanted.get()
        and not _primary_pinned.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def use_replica() -> Iterator[None]:
    """Let the reads of the block (or, as a decorator, of the function) come from the replica
    (see the module)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a standby takes its schema from the primary


class ReadYourWritesMiddleware:
    """Keeps the requests of a person who has just changed something on the primary."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.READ_YOUR_WRITES_SECONDS
        wrote_lately = request.get_signed_cookie(
            COOKIE, default=None, salt=COOKIE_SALT, max_age=seconds
        )
        token = _primary_pinned.set(wrote_lately is not None)
        try:
            response = self.get_response(request)
        finally:
            _primary_pinned.reset(token)
        if request.method in WRITE_METHODS and response.status_code < 400:
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=COOKIE_SALT,
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
