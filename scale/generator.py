"""Finland-scale data for `make bench`: municipalities, organizations, people, referrals and
appointments over ten years, written in bulk (COPY on PostgreSQL).

At scale 1.0 it writes about 300 municipalities, 1,000 organizations, 20,000 professionals,
5,000 workers, 1,000,000 referrals and 5,000,000 appointments. Every row is what the services
would have left behind: each referral's audit events follow one of the registry's routes to
its state (`referrals.actions.ROUTES`, drawn by their weights; each action's model transition,
from the model's own transitions), the object permissions are those `referral_create` and the
actions' effects along that route leave (the referrer's `REFERRER_PERMS`; `ORGANIZATION_PERMS`
for the group of the organization holding it while no later effect took them away),
appointments sit on the slots of their worker's weekly shifts and never overlap, and personal
data of referrals closed past the retention period is erased.

A referral's whole life is drawn first (its eventual state and its route there, then a wait
before each action of the route; sessions realise scheduling, the start of service and what
ends it); what happens after "now" is cut off, so recent referrals are naturally open in every
state on the way and old ones are closed. The data is fictional and the same for the same seed.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import math
import queue
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, connections, transaction

from appointments.models import (
    Appointment,
    AppointmentEvent,
    NextStep,
    OutcomeReport,
    ServiceGiven,
    Shift,
    Slot,
)
from consent.models import Consent
from demo import data as demo_data
from directory.models import (
    Availability,
    Challenge,
    Language,
    Mode,
    ModeCode,
    Municipality,
    Organization,
    OutcomeTheme,
    ReceptionSite,
    Role,
    Service,
    ServiceLanguage,
    TargetGroup,
    Unit,
    User,
)
from referrals.actions import (
    CLOSE_POOL,
    END_SHARING,
    GRANT_ACCESS,
    OPEN_POOL,
    ORGANIZATION_PERMS,
    REFERRAL_ACTIONS,
    REVOKE_ACCESS,
    ROUTES,
)
from referrals.models import (
    TERMINAL_STATES,
    DeclineReason,
    Referral,
    ReferralChild,
    ReferralEvent,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    State,
)
from referrals.services import REFERRER_PERMS

HELSINKI = ZoneInfo("Europe/Helsinki")
HOUR = 3600
DAY = 86400
YEARS = 10
# Counts at scale 1.0.
FULL = {
    "municipalities": 300,
    "organizations": 1000,
    "professionals": 20000,
    "workers": 5000,
    "coordinators": 40,
    "referrals": 1_000_000,
}
MINIMUM = {
    "municipalities": 27,
    "organizations": 3,
    "professionals": 4,
    "workers": 6,
    "coordinators": 2,
    "referrals": 1,
}
RETENTION_DAYS = 730
WITHDRAWN_RETENTION_DAYS = 30
# A referral's eventual state and its weight (its life walks one of that state's registry
# routes, drawn by the routes' weights); what happens after now is cut off, so recent referrals
# stop anywhere on their route. A few stay in the pool, about as many as are open there at any
# time.
FATES = [
    ("completed", 78),
    ("cancelled", 12),
    ("withdrawn", 5),
    ("returned", 2),
    ("declined", 1),
    ("draft", 2),
    ("pooled", 0.03),
]
# The number of sessions of a route through appointments, by its state: ranges and weights.
SESSIONS = {
    "completed": (((1, 10), 70), ((12, 30), 5)),  # long services
    "withdrawn": (((1, 3), 1),),  # the family withdraws during the service
}
DEFAULT_SESSIONS = (((1, 10), 1),)
LANGUAGES = [("fi", 86), ("sv", 6), ("en", 4), ("other", 4)]
OTHER_LANGUAGES = ["arabia", "somali", "venäjä", "ukraina", "dari", "viro"]
FIRST_NAMES = [
    "Maija",
    "Anna",
    "Sari",
    "Jussi",
    "Mikko",
    "Laura",
    "Kaisa",
    "Eeva",
    "Timo",
    "Hanna",
    "Pekka",
    "Noora",
    "Elina",
    "Ville",
    "Kirsi",
    "Johanna",
    "Anders",
    "Stina",
]
LAST_NAMES = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lindholm",
    "Nyberg",
    "Salo",
]
DESCRIPTIONS = [
    "Perhe toivoo keskusteluapua arjen kuormitukseen ja iltojen riitoihin.",
    "Vanhemmat ovat väsyneitä vauvan univaikeuksien vuoksi ja toivovat tukea.",
    "Koululainen jää usein kotiin, perhe toivoo ohjausta ja vertaistukea.",
    "Eron jälkeinen arki on raskasta, vanhempi toivoo keskusteluapua.",
    "Familjen önskar samtalsstöd kring vardagen och barnets sömn.",
    "Nuori tarvitsee tukea kaverisuhteisiin ja vapaa-ajan toimintaan.",
]
TIMES = ["Arkisin aamupäivisin", "Iltapäivisin klo 14 jälkeen", "Tiistaisin ja torstaisin", ""]
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR"]
SESSION_OUTCOMES = [
    ("attended", 85),
    ("no_show", 7),
    ("cancel_by_family", 5),
    ("cancel_by_organization", 3),
]
OUTCOME_CHOICES = [
    (NextStep.NO_FURTHER_NEED, 55),
    (NextStep.MORE_SESSIONS, 10),
    (NextStep.MUNICIPAL_SERVICES, 25),
    (NextStep.NOT_REACHED, 10),
]
SLOTS_PER_DAY = 6  # 09:00-15:00, 45-minute sessions with 15-minute breaks
FREE_SLOT_DAYS = 56


@dataclass(frozen=True)
class Plan:
    """How many of each the data set holds at `scale` (1.0 = Finland)."""

    scale: float
    municipalities: int
    organizations: int
    professionals: int
    workers: int
    coordinators: int
    referrals: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        if scale <= 0:
            raise ValueError("scale must be positive")
        counts = {k: max(MINIMUM[k], round(v * scale)) for k, v in FULL.items()}
        return cls(scale=scale, **counts)


@dataclass
class Report:
    plan: Plan
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


# --- writing rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table and its columns, each with a kind: i (int), n (int or None), s (text),
    t (epoch seconds, or None), b (bool), d (a date as text), h (a time as text)."""

    model: type
    columns: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table


def _through(field_name: str, model: type) -> type:
    return model._meta.get_field(field_name).remote_field.through


TABLES = {
    "consent": Table(
        Consent,
        (
            ("id", "i"),
            ("given_by_role", "s"),
            ("given_by_name", "s"),
            ("method", "s"),
            ("given_at", "t"),
            ("valid_until", "t"),
            ("scope_share_referral", "b"),
            ("scope_contact_phone", "b"),
            ("scope_contact_sms", "b"),
            ("scope_contact_email", "b"),
            ("scope_return_outcome", "b"),
            ("recorded_by_id", "i"),
            ("recorded_at", "t"),
            ("withdrawn_at", "t"),
            ("withdrawal_reason", "s"),
            ("withdrawn_by_id", "n"),
            ("expiry_notified_at", "t"),
            ("erased_at", "t"),
        ),
    ),
    "referral": Table(
        Referral,
        (
            ("id", "i"),
            ("state", "s"),
            ("consent_id", "i"),
            ("referrer_id", "i"),
            ("referrer_unit", "s"),
            ("municipality_id", "i"),
            ("contact_name", "s"),
            ("contact_phone", "s"),
            ("contact_email", "s"),
            ("language", "s"),
            ("language_other", "s"),
            ("interpreter_needed", "b"),
            ("identity_code", "s"),
            ("target_group_id", "i"),
            ("description", "s"),
            ("preferred_times", "s"),
            ("organization_id", "n"),
            ("handler_id", "n"),
            ("created_at", "t"),
            ("updated_at", "t"),
            ("submitted_at", "t"),
            ("accepted_at", "t"),
            ("closed_at", "t"),
            ("state_changed_at", "t"),
            ("erased_at", "t"),
        ),
    ),
    "child": Table(ReferralChild, (("referral_id", "i"), ("birth_year", "i"))),
    "challenge": Table(
        _through("challenges", Referral), (("referral_id", "i"), ("challenge_id", "i"))
    ),
    "mode": Table(_through("preferred_modes", Referral), (("referral_id", "i"), ("mode_id", "s"))),
    "pool": Table(
        _through("pool_organizations", Referral), (("referral_id", "i"), ("organization_id", "i"))
    ),
    "user_perm": Table(
        ReferralUserObjectPermission,
        (
            ("permission_id", "i"),
            ("user_id", "i"),
            ("content_object_id", "i"),
        ),
    ),
    "group_perm": Table(
        ReferralGroupObjectPermission,
        (
            ("permission_id", "i"),
            ("group_id", "i"),
            ("content_object_id", "i"),
        ),
    ),
    "event": Table(
        ReferralEvent,
        (
            ("referral_id", "i"),
            ("actor_id", "n"),
            ("transition", "s"),
            ("from_state", "s"),
            ("to_state", "s"),
            ("reason", "s"),
            ("reason_code", "s"),
            ("organization_id", "n"),
            ("created_at", "t"),
        ),
    ),
    "shift": Table(
        Shift,
        (
            ("id", "i"),
            ("organization_id", "i"),
            ("worker_id", "i"),
            ("mode", "s"),
            ("site_id", "n"),
            ("first_day", "d"),
            ("start_time", "h"),
            ("end_time", "h"),
            ("rrule", "s"),
            ("repeat_until", "d"),
            ("slot_minutes", "i"),
            ("buffer_minutes", "i"),
            ("cancelled_at", "t"),
            ("cancel_reason", "s"),
            ("created_at", "t"),
        ),
    ),
    "slot": Table(
        Slot,
        (
            ("id", "i"),
            ("shift_id", "i"),
            ("worker_id", "i"),
            ("organization_id", "i"),
            ("starts_at", "t"),
            ("ends_at", "t"),
            ("cancelled", "b"),
        ),
    ),
    "appointment": Table(
        Appointment,
        (
            ("id", "i"),
            ("referral_id", "i"),
            ("slot_id", "i"),
            ("worker_id", "i"),
            ("organization_id", "i"),
            ("starts_at", "t"),
            ("ends_at", "t"),
            ("mode", "s"),
            ("site_id", "n"),
            ("state", "s"),
            ("needs_rebooking", "b"),
            ("reminder_sent_at", "t"),
            ("created_at", "t"),
        ),
    ),
    "appointment_event": Table(
        AppointmentEvent,
        (
            ("appointment_id", "i"),
            ("actor_id", "n"),
            ("via_family_link", "b"),
            ("transition", "s"),
            ("from_state", "s"),
            ("to_state", "s"),
            ("reason", "s"),
            ("created_at", "t"),
        ),
    ),
    "outcome": Table(
        OutcomeReport,
        (
            ("id", "i"),
            ("referral_id", "i"),
            ("service_given", "s"),
            ("sessions", "i"),
            ("next_step", "s"),
            ("summary_for_referrer", "s"),
            ("reported_by_id", "i"),
            ("created_at", "t"),
        ),
    ),
    "outcome_theme": Table(
        _through("themes", OutcomeReport), (("outcomereport_id", "i"), ("outcometheme_id", "i"))
    ),
}


def _timestamps(suffix: str) -> Callable[[int], str]:
    """Epoch seconds as timestamp text; the hour prefix is cached (millions of values)."""
    hours: dict[int, str] = {}

    def text(value: int) -> str:
        hour, rest = divmod(value, HOUR)
        prefix = hours.get(hour)
        if prefix is None:
            moment = datetime.datetime.fromtimestamp(hour * HOUR, datetime.UTC)
            prefix = hours[hour] = moment.strftime("%Y-%m-%d %H:")
        minute, second = divmod(rest, 60)
        return f"{prefix}{minute:02d}:{second:02d}{suffix}"

    return text


COPY_TIMESTAMP = _timestamps("+00")
NAIVE_TIMESTAMP = _timestamps("")


def _copy_formatter(table: Table) -> Callable[[tuple], str]:
    """A compiled function turning one row into a line of COPY text format."""
    parts = []
    for i, (_column, kind) in enumerate(table.columns):
        if kind in ("i", "s", "d", "h"):
            parts.append(f"{{r[{i}]}}")
        elif kind == "n":
            parts.append(f"{{NULL if r[{i}] is None else r[{i}]}}")
        elif kind == "t":
            parts.append(f"{{NULL if r[{i}] is None else ts(r[{i}])}}")
        elif kind == "b":
            parts.append(f"{{'t' if r[{i}] else 'f'}}")
    source = 'lambda r: f"' + "\\t".join(parts) + '\\n"'
    # Built above from the fixed column kinds only; no data goes into the source.
    return eval(source, {"ts": COPY_TIMESTAMP, "NULL": "\\N"})  # noqa: S307


# COPY's binary format carries a timestamp as microseconds since 2000-01-01 UTC in the eight
# bytes of a bigint, so epoch seconds go in with one subtraction and one multiplication instead
# of being written out as text and parsed back.
PG_EPOCH = 946684800
BINARY_TYPES = {
    "int2": "int2",
    "int4": "int4",
    "int8": "int8",
    "bool": "bool",
    "varchar": "text",
    "text": "text",
    "timestamptz": "int8",
}
BINARY_KINDS = {
    "i": ("int2", "int4", "int8"),
    "n": ("int2", "int4", "int8"),
    "s": ("varchar", "text"),
    "b": ("bool",),
    "t": ("timestamptz",),
}


def _binary_copy(
    table: Table, column_types: dict[str, str]
) -> tuple[list[str], Callable[[tuple], tuple] | None] | None:
    """The types and a compiled row converter for COPY in binary format (less Python work
    than formatting text, and less parsing for PostgreSQL), or None when a column has no
    binary form here (the shifts' dates and times go as text)."""
    types, parts, converted = [], [], False
    for i, (column, kind) in enumerate(table.columns):
        pg_type = column_types.get(column)
        if pg_type not in BINARY_KINDS.get(kind, ()):
            return None
        types.append(BINARY_TYPES[pg_type])
        if kind == "t":
            parts.append(f"None if r[{i}] is None else (r[{i}] - {PG_EPOCH}) * 1000000")
            converted = True
        else:
            parts.append(f"r[{i}]")
    # Built from the fixed column kinds only; no data goes into the source.
    convert = eval("lambda r: (" + ", ".join(parts) + ",)") if converted else None  # noqa: S307
    return types, convert


def _column_types() -> dict[str, dict[str, str]]:
    """Each loaded table's column types by column name, in one read of the catalogue."""
    found: dict[str, dict[str, str]] = {table.name: {} for table in TABLES.values()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, t.typname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE c.relname = ANY(%s) AND c.relkind = 'r' AND a.attnum > 0 "
            "AND NOT a.attisdropped AND pg_table_is_visible(c.oid)",
            [list(found)],
        )
        for table, column, type_name in cursor.fetchall():
            found[table][column] = type_name
    return found


def _param_converter(table: Table) -> Callable[[tuple], tuple]:
    """Rows as parameters for databases without COPY (SQLite in tests): naive UTC text."""
    converters = [
        (lambda v: None if v is None else NAIVE_TIMESTAMP(v))
        if kind == "t"
        else (lambda v: int(bool(v)))
        if kind == "b"
        else None
        for _c, kind in table.columns
    ]
    if not any(converters):
        return tuple
    return lambda row: tuple(
        c(v) if c is not None else v for c, v in zip(converters, row, strict=True)
    )


# Loading connections, each with the tables of one side, so that PostgreSQL parses, inserts
# and indexes while Python draws the next referrals. The appointments have one of their own:
# their exclusion constraint stays in place while they load (see `_drop_indexes`), and keeping
# it up is heavy enough to deserve a backend to itself.
GROUPS = (
    (
        "consent",
        "referral",
        "child",
        "challenge",
        "mode",
        "pool",
        "user_perm",
        "group_perm",
        "event",
        "outcome",
        "outcome_theme",
    ),
    ("shift", "slot", "appointment_event"),
    ("appointment",),
)


class Loader:
    """Buffers rows per table and writes them: COPY on PostgreSQL (from worker threads with
    their own connections when `threaded`), an INSERT per row elsewhere."""

    CHUNK = 20000

    def __init__(self, *, threaded: bool, rebuild_indexes: bool):
        self.postgresql = connection.vendor == "postgresql"
        self.threaded = threaded and self.postgresql
        self.rebuild_indexes = rebuild_indexes and self.threaded
        self.buffers: dict[str, list[tuple]] = {key: [] for key in TABLES}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.seconds: dict[str, float] = dict.fromkeys([*TABLES, "indexes"], 0.0)
        self.formatters = {
            key: (_copy_formatter(t) if self.postgresql else _param_converter(t))
            for key, t in TABLES.items()
        }
        self.binary = {}
        if self.postgresql:
            column_types = _column_types()
            for key, t in TABLES.items():
                if (binary := _binary_copy(t, column_types[t.name])) is not None:
                    self.binary[key] = binary
        self.queues = [queue.Queue(maxsize=4) for _group in GROUPS]
        self.queue_of = {key: self.queues[i] for i, group in enumerate(GROUPS) for key in group}
        self.error: BaseException | None = None
        self.aborted = False
        self.threads: list[threading.Thread] = []
        # Every loading connection commits only once all of them have loaded and indexed
        # their tables, so a failure anywhere leaves none of the rows behind.
        self.loaded = threading.Barrier(len(GROUPS))
        if self.threaded:
            for i, group in enumerate(GROUPS):
                thread = threading.Thread(
                    target=self._work,
                    args=(group, self.queues[i]),
                    name=f"scale-loader-{i}",
                    daemon=True,
                )
                thread.start()
                self.threads.append(thread)

    def add(self, key: str, row: tuple) -> None:
        self.buffers[key].append(row)

    def flush(self) -> None:
        """Send the tables whose buffers are full; called between referrals."""
        for key, rows in self.buffers.items():
            if len(rows) >= self.CHUNK:
                self._send(key)

    def _send(self, key: str) -> None:
        rows = self.buffers[key]
        if not rows:
            return
        self.buffers[key] = []
        self.counts[key] += len(rows)
        if self.threaded:
            if self.error is not None:
                raise RuntimeError("loading failed") from self.error
            self.queue_of[key].put((key, rows))
        else:
            self._write(connection, key, rows)

    def _write(self, conn, key: str, rows: list[tuple]) -> None:
        table = TABLES[key]
        columns = ", ".join(c for c, _k in table.columns)
        fmt = self.formatters[key]
        began = time.monotonic()
        with conn.cursor() as cursor:
            if key in self.binary:
                types, convert = self.binary[key]
                with cursor.copy(
                    f"COPY {table.name} ({columns}) FROM STDIN (FORMAT BINARY)"
                ) as copy:
                    copy.set_types(types)
                    write_row = copy.write_row
                    for row in rows if convert is None else map(convert, rows):
                        write_row(row)
            elif self.postgresql:
                with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    copy.write("".join(map(fmt, rows)))
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, [fmt(r) for r in rows])
        self.seconds[key] += time.monotonic() - began

    def _work(self, group: tuple[str, ...], jobs: queue.Queue) -> None:
        conn = connections["default"]  # this thread's own connection
        received_all = False
        try:
            with transaction.atomic(using="default"):
                with conn.cursor() as cursor:
                    # Rows are written consistent; skip per-row foreign-key triggers.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                tables = [TABLES[key].name for key in group]
                dropped = _drop_indexes(conn, tables) if self.rebuild_indexes else []
                while (item := jobs.get()) is not None:
                    self._write(conn, *item)
                received_all = True
                if not self.aborted:
                    began = time.monotonic()
                    _create_indexes(conn, dropped)
                    self.seconds["indexes"] += time.monotonic() - began
                self.loaded.wait()  # raises BrokenBarrierError when another one failed
                if self.aborted:
                    raise LoadAborted
        except BaseException as exc:  # surfaced to the generating thread
            if self.error is None and not isinstance(
                exc, (threading.BrokenBarrierError, LoadAborted)
            ):
                self.error = exc
            self.loaded.abort()
            while not received_all:  # unblock the producer
                with contextlib.suppress(queue.Empty):
                    received_all = jobs.get(timeout=0.05) is None
        finally:
            conn.close()

    def finish(self) -> None:
        """Send the last rows and wait until every connection has committed."""
        try:
            for key in TABLES:
                self._send(key)  # raises once a connection has failed
        except BaseException:
            self.abort()
            raise
        self._stop()
        if self.error is not None:
            raise RuntimeError("loading failed") from self.error

    def abort(self) -> None:
        """The rows stop coming (the producer failed): every connection rolls back."""
        self.aborted = True
        self._stop()

    def _stop(self) -> None:
        for jobs in self.queues:
            if self.threads:
                jobs.put(None)
        for thread in self.threads:
            thread.join()


class LoadAborted(Exception):
    """Raised inside a loading transaction to roll it back."""


def _drop_indexes(conn, tables: list[str]) -> list[str]:
    """Drop the secondary indexes and unique constraints of the loaded tables and return the
    statements that recreate them; building a B-tree once is faster than maintaining it row by
    row. Exclusion constraints stay: their GiST index has no sorted build, so building it at
    the end (and checking every row against it) keeps one core busy while the other waits;
    kept up during the load it uses the time the cores would idle while Python draws rows.
    Runs inside the loading transaction, so a failed load leaves every index in place."""
    recreate, drop = [], []
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            constraints = cursor.fetchall()
            for name, definition in constraints:
                drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                "AND c.conrelid = %s::regclass)",
                [table, table],
            )
            for name, definition in cursor.fetchall():
                drop.append(f'DROP INDEX "{name}"')
                recreate.append(definition)
        for statement in drop:
            cursor.execute(statement)
    return recreate


def _vacuum(group: tuple[str, ...]) -> None:
    conn = connections["default"]
    try:
        with conn.cursor() as cursor:
            for key in group:
                cursor.execute(f"VACUUM ANALYZE {TABLES[key].name}")
    finally:
        conn.close()


def _create_indexes(conn, statements: list[str]) -> None:
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- the world: places, organizations, people ------------------------------------------------


def _zipf_cumulative(n: int, exponent: float) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        out.append(total)
    return out


class _Ids:
    """The next free primary key of each model, so rows can be written with their keys."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def take(self, model: type, count: int = 1) -> int:
        if model not in self.next:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next[model] = (last or 0) + 1
        first = self.next[model]
        self.next[model] = first + count
        return first


@dataclass
class Worker:
    pk: int
    organization: int  # index into World.organizations
    days: tuple[int, int]  # weekdays (0 = Monday) of the two weekly shifts
    shifts: dict[int, tuple[int, str, int | None]] = field(default_factory=dict)


@dataclass
class Org:
    pk: int
    group: int
    workers: list[int] = field(default_factory=list)  # indexes into World.workers


@dataclass
class World:
    sites: dict[int, int]  # organization pk → its reception site's pk
    municipalities: list[int]
    municipality_weights: list[float]
    pilot_codes: dict[int, str]
    professionals: list[tuple[int, int, str]]  # (pk, municipality pk, unit)
    professional_weights: list[float]
    organizations: list[Org]
    organization_weights: list[float]
    workers: list[Worker]
    coordinators: list[int]
    target_groups: list[int]
    challenges: list[int]
    themes: list[int]
    modes: list[str]
    perms: dict[str, int]


def _taxonomies() -> None:
    for model, rows in (
        (TargetGroup, demo_data.TARGET_GROUPS),
        (Challenge, demo_data.CHALLENGES),
        (OutcomeTheme, demo_data.OUTCOME_THEMES),
    ):
        for position, (slug, name_fi, name_sv, name_en) in enumerate(rows):
            model.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_fi": name_fi,
                    "name_sv": name_sv,
                    "name_en": name_en,
                    "position": position,
                },
            )
    for code in ModeCode.values:
        Mode.objects.get_or_create(code=code)


def _municipalities(plan: Plan, rnd: random.Random) -> None:
    """Up to `plan.municipalities`: Varsinais-Suomi's 27 come with the migrations; the rest
    of Finland gets fictional names under free three-digit codes."""
    existing = set(Municipality.objects.values_list("code", flat=True))
    missing = plan.municipalities - len(existing)
    free = [f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in existing]
    new = []
    for code in free[: max(0, missing)]:
        swedish = rnd.random() < 0.05
        new.append(
            Municipality(
                code=code,
                name_fi=f"Kunta {code}",
                name_sv=f"Kommun {code}",
                language=ServiceLanguage.BILINGUAL if swedish else ServiceLanguage.FINNISH,
                swedish_majority=swedish and rnd.random() < 0.3,
            )
        )
    Municipality.objects.bulk_create(new, batch_size=1000)


def _build_world(plan: Plan, rnd: random.Random, ids: _Ids, now: int) -> World:
    _taxonomies()
    _municipalities(plan, rnd)
    municipalities = list(Municipality.objects.order_by("pk").values_list("pk", "code"))
    # Population by rank (Zipf); the pilot areas keep realistic ranks (Turku is large).
    pilot_rank = {"853": 6, "895": 90, "400": 140, "322": 160}
    pilots = {pk: code for pk, code in municipalities if code in pilot_rank}
    municipality_order = [pk for pk, code in municipalities if code not in pilot_rank]
    rnd.shuffle(municipality_order)
    for pk, code in sorted(pilots.items(), key=lambda p: pilot_rank[p[1]]):
        municipality_order.insert(min(pilot_rank[code] - 1, len(municipality_order)), pk)
    municipality_weights = _zipf_cumulative(len(municipality_order), 1.0)

    modes = list(Mode.objects.values_list("code", flat=True))
    languages = list(Language.objects.all())
    target_groups = list(TargetGroup.objects.values_list("pk", flat=True))
    challenges = list(Challenge.objects.values_list("pk", flat=True))
    themes = list(OutcomeTheme.objects.values_list("pk", flat=True))

    # Organizations, each with its workers' group, one or two services and a reception site.
    first_org = ids.take(Organization, plan.organizations)
    first_group = ids.take(Group, plan.organizations)
    groups, orgs = [], []
    for i in range(plan.organizations):
        pk, group = first_org + i, first_group + i
        groups.append(Group(pk=group, name=f"organization:org-{pk}"))
        orgs.append(
            Organization(
                pk=pk,
                group_id=group,
                slug=f"org-{pk}",
                name=f"Perhetuki {pk} ry",
                name_sv=f"Familjestöd {pk} rf",
                description="Maksutonta keskusteluapua ja ohjausta lapsiperheille.",
                email=f"info@org-{pk}.example.org",
            )
        )
    Group.objects.bulk_create(groups, batch_size=2000)
    Organization.objects.bulk_create(orgs, batch_size=2000)
    services, sites = [], []
    first_site = ids.take(ReceptionSite, len(orgs))
    sites_by_org = {org.pk: first_site + i for i, org in enumerate(orgs)}
    for org in orgs:
        for n in range(rnd.choice((1, 2, 2))):
            local = rnd.random() < 0.4
            services.append(
                Service(
                    organization=org,
                    name_fi=f"Keskusteluapu {org.pk}-{n}",
                    name_sv=f"Samtalsstöd {org.pk}-{n}",
                    description_fi="Maksutonta apua.",
                    description_sv="Avgiftsfri hjälp.",
                    availability=Availability.MUNICIPALITIES if local else Availability.REGION,
                )
            )
        municipality = rnd.choices(municipality_order, cum_weights=municipality_weights)[0]
        sites.append(
            ReceptionSite(
                pk=sites_by_org[org.pk],
                municipality_id=municipality,
                name=f"Perhetuki {org.pk}: toimipiste",
                address=f"Kirjastokatu {org.pk % 90 + 1}",
            )
        )
    Service.objects.bulk_create(services, batch_size=2000)
    ReceptionSite.objects.bulk_create(sites, batch_size=2000)
    links = {name: [] for name in ("tg", "ch", "mun", "mode", "lang")}
    for service in Service.objects.filter(organization__in=orgs):
        for tg in rnd.sample(target_groups, min(3, len(target_groups))):
            links["tg"].append(
                Service.target_groups.through(service_id=service.pk, targetgroup_id=tg)
            )
        for ch in rnd.sample(challenges, min(4, len(challenges))):
            links["ch"].append(Service.challenges.through(service_id=service.pk, challenge_id=ch))
        for mode in rnd.sample(modes, 2):
            links["mode"].append(Service.modes.through(service_id=service.pk, mode_id=mode))
        links["lang"].append(Service.languages.through(service_id=service.pk, language_id="fi"))
        if rnd.random() < 0.1 and len(languages) > 1:
            links["lang"].append(Service.languages.through(service_id=service.pk, language_id="sv"))
        if service.availability == Availability.MUNICIPALITIES:
            for m in set(rnd.choices(municipality_order, cum_weights=municipality_weights, k=3)):
                links["mun"].append(
                    Service.municipalities.through(service_id=service.pk, municipality_id=m)
                )
    for rows in links.values():
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=5000)

    # People. Workers per organization follow its share of the referrals.
    org_weights = _zipf_cumulative(plan.organizations, 0.8)
    total = org_weights[-1]
    per_org = [
        max(1, round(plan.workers * (org_weights[i] - (org_weights[i - 1] if i else 0)) / total))
        for i in range(plan.organizations)
    ]
    roles = {role: Group.objects.get(name=role.value).pk for role in Role}
    n_users = plan.professionals + sum(per_org) + plan.coordinators
    first_user = ids.take(User, n_users)
    users, memberships = [], []
    professionals, workers, coordinators = [], [], []
    world_orgs = [Org(pk=o.pk, group=o.group_id) for o in orgs]
    pk = first_user
    unusable = "!" + "bench-no-login"
    for _ in range(plan.professionals):
        municipality = rnd.choices(municipality_order, cum_weights=municipality_weights)[0]
        unit = rnd.choice(UNIT_VALUES)
        users.append(
            User(
                pk=pk,
                username=f"pro{pk}",
                first_name=rnd.choice(FIRST_NAMES),
                last_name=rnd.choice(LAST_NAMES),
                password=unusable,
                municipality_id=municipality,
                unit=unit,
                date_joined=_dt(now),
            )
        )
        memberships.append((pk, roles[Role.PROFESSIONAL]))
        professionals.append((pk, municipality, unit))
        pk += 1
    for index, count in enumerate(per_org):
        org = world_orgs[index]
        for _ in range(count):
            users.append(
                User(
                    pk=pk,
                    username=f"worker{pk}",
                    first_name=rnd.choice(FIRST_NAMES),
                    last_name=rnd.choice(LAST_NAMES),
                    password=unusable,
                    organization_id=org.pk,
                    date_joined=_dt(now),
                )
            )
            memberships += [(pk, roles[Role.WORKER]), (pk, org.group)]
            days = tuple(sorted(rnd.sample(range(5), 2)))
            org.workers.append(len(workers))
            workers.append(Worker(pk=pk, organization=index, days=days))
            pk += 1
    for _ in range(plan.coordinators):
        users.append(
            User(
                pk=pk,
                username=f"coordinator{pk}",
                first_name=rnd.choice(FIRST_NAMES),
                last_name=rnd.choice(LAST_NAMES),
                password=unusable,
                is_staff=True,
                date_joined=_dt(now),
            )
        )
        memberships.append((pk, roles[Role.COORDINATOR]))
        coordinators.append(pk)
        pk += 1
    User.objects.bulk_create(users, batch_size=2000)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u, group_id=g) for u, g in memberships], batch_size=5000
    )
    rnd.shuffle(professionals)  # activity rank is independent of the municipality
    perms = {
        p.codename: p.pk
        for p in Permission.objects.filter(
            content_type__app_label="referrals",
            codename__in={*REFERRER_PERMS, *ORGANIZATION_PERMS},
        )
    }
    return World(
        sites=sites_by_org,
        municipalities=municipality_order,
        municipality_weights=municipality_weights,
        pilot_codes={pk: code for pk, code in pilots.items()},
        professionals=professionals,
        professional_weights=_zipf_cumulative(len(professionals), 0.3),
        organizations=world_orgs,
        organization_weights=org_weights,
        workers=workers,
        coordinators=coordinators,
        target_groups=target_groups,
        challenges=challenges,
        themes=themes,
        modes=modes,
        perms=perms,
    )


def _dt(epoch: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC)


# --- shifts and slots ------------------------------------------------------------------------


class Calendar:
    """Each worker's weekly grid of slots: two shift days a week, six sessions a day. A slot
    is handed out once, so a worker's appointments never overlap."""

    def __init__(
        self, world: World, loader: Loader, ids: _Ids, rnd: random.Random, start: int, now: int
    ):
        self.world, self.loader, self.ids, self.rnd = world, loader, ids, rnd
        self.used: dict[int, int] = {}  # worker index << 20 | local day → bitmask of slots
        self.offsets: dict[int, int] = {}
        self.now = now
        start_day = (start + 3 * HOUR) // DAY
        today = datetime.date.fromtimestamp(now)
        until = (today + datetime.timedelta(days=180)).isoformat()
        first_shift = ids.take(Shift, 2 * len(world.workers))
        modes = [ModeCode.RECEPTION, ModeCode.RECEPTION, ModeCode.PHONE, ModeCode.VIDEO]
        for w, worker in enumerate(world.workers):
            org = world.organizations[worker.organization]
            for k, weekday in enumerate(worker.days):
                pk = first_shift + 2 * w + k
                mode = rnd.choice(modes)
                site = world.sites[org.pk] if mode == ModeCode.RECEPTION else None
                first = start_day + (weekday - self.weekday(start_day)) % 7
                worker.shifts[weekday] = (pk, mode, site)
                loader.add(
                    "shift",
                    (
                        pk,
                        org.pk,
                        worker.pk,
                        mode,
                        site,
                        self.iso(first),
                        "09:00:00",
                        "15:00:00",
                        f"FREQ=WEEKLY;INTERVAL=1;BYDAY={WEEKDAY_CODES[weekday]}",
                        until,
                        45,
                        15,
                        None,
                        "",
                        start,
                    ),
                )

    @staticmethod
    def weekday(day: int) -> int:
        return (day + 3) % 7  # 1970-01-01 was a Thursday

    @staticmethod
    def iso(day: int) -> str:
        return datetime.date.fromordinal(day + 719163).isoformat()

    def offset(self, day: int) -> int:
        """Helsinki's UTC offset (seconds) on a local day, at noon."""
        found = self.offsets.get(day)
        if found is None:
            noon = datetime.datetime.fromordinal(day + 719163).replace(hour=12, tzinfo=HELSINKI)
            found = self.offsets[day] = int(noon.utcoffset().total_seconds())
        return found

    def slot_start(self, day: int, index: int) -> int:
        return day * DAY + (9 + index) * HOUR - self.offset(day)

    def take(self, w: int, after: int) -> tuple[int, int, str, int | None]:
        """The worker's first free slot starting after `after`: (slot pk, start, mode, site)."""
        worker = self.world.workers[w]
        day = (after + 3 * HOUR) // DAY
        rnd_start = self.rnd.randrange(SLOTS_PER_DAY)
        while True:
            weekday = self.weekday(day)
            if weekday in worker.shifts:
                key = (w << 20) | day
                mask = self.used.get(key, 0)
                for k in range(SLOTS_PER_DAY):
                    index = (rnd_start + k) % SLOTS_PER_DAY
                    if mask >> index & 1:
                        continue
                    start = self.slot_start(day, index)
                    if start <= after:
                        continue
                    self.used[key] = mask | (1 << index)
                    shift, mode, site = worker.shifts[weekday]
                    pk = self.ids.take(Slot)
                    org = self.world.organizations[worker.organization].pk
                    self.loader.add(
                        "slot", (pk, shift, worker.pk, org, start, start + 45 * 60, False)
                    )
                    return pk, start, mode, site
            day += 1

    def free_slots(self) -> None:
        """Every worker's still free slots of the coming weeks (what booking searches)."""
        today = (self.now + 3 * HOUR) // DAY
        for w, worker in enumerate(self.world.workers):
            org = self.world.organizations[worker.organization].pk
            for day in range(today, today + FREE_SLOT_DAYS):
                weekday = self.weekday(day)
                if weekday not in worker.shifts:
                    continue
                mask = self.used.get((w << 20) | day, 0)
                shift = worker.shifts[weekday][0]
                for index in range(SLOTS_PER_DAY):
                    start = self.slot_start(day, index)
                    if mask >> index & 1 or start <= self.now:
                        continue
                    self.loader.add(
                        "slot",
                        (self.ids.take(Slot), shift, worker.pk, org, start, start + 45 * 60, False),
                    )


# --- referrals -------------------------------------------------------------------------------


def _cumulative(pairs: Iterable[tuple[object, float]]) -> tuple[list, list[float]]:
    values, cum, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


SESSION_VALUES, SESSION_CUM = _cumulative(SESSION_OUTCOMES)
NEXT_STEP_VALUES, NEXT_STEP_CUM = _cumulative(OUTCOME_CHOICES)
# Choice values drawn in the loops: `TextChoices.values` rebuilds its list on every call.
UNIT_VALUES = tuple(Unit.values)
DECLINE_VALUES = tuple(DeclineReason.values)
SERVICE_GIVEN_VALUES = tuple(ServiceGiven.values)


# --- the registry's routes, as the rows realise them -----------------------------------------


class Step(NamedTuple):
    """One action of a registry route (`ROUTES`), as the rows record it."""

    action: str  # the registry's name: how the generator realises it (`HOW`)
    transition: str  # the model's django-fsm method: the audit rows' `transition`
    source: str
    target: str
    # The transitions whose action grants access name the organization (assign, claim), those
    # whose action revokes it name none (decline, return); ending the sharing keeps the name.
    routes: bool  # GRANT_ACCESS: the referral names the organization it goes to
    elsewhere: bool  # it goes to another organization than its last: a later step routes it
    releases: bool  # REVOKE_ACCESS: the organization that held it lets go (none is named)
    holds: bool  # afterwards the named organization's group holds ORGANIZATION_PERMS
    opens_pool: bool  # OPEN_POOL: the matching organizations may claim it
    pooled: bool  # afterwards the pool is open (its rows exist)
    coded: bool  # the action records a reason code


class How(NamedTuple):
    """How the generator realises an action: who takes it and when."""

    actor: str  # "referrer", "coordinator", "either" of them, or "worker" (of its organization)
    wait: Callable[[random.Random], int] | None  # seconds after the step before; None: sessions
    reason: str = ""  # with a reason code, only for the code "other"
    handles: bool = False  # the worker becomes the referral's handler (the model's accept)


def _hours(lo: float, hi: float) -> Callable[[random.Random], int]:
    return lambda rnd: int(rnd.uniform(lo, hi) * HOUR)


def _routing_wait(rnd: random.Random) -> int:
    return int(rnd.expovariate(1 / (30 * HOUR))) + HOUR


# Each registry action the paths take, as people would: who and how long after the step before.
# Sessions realise three: booking the first schedules the referral, attending it starts its
# service, and the outcome report some days after the last completes it (`_sessions`).
SESSION_STEPS = ("schedule", "start_service")
HOW = {
    "submit": How("referrer", lambda rnd: int(min(rnd.expovariate(1 / (6 * HOUR)), 14 * DAY)) + 60),
    "assign": How("coordinator", _routing_wait),
    "open_pool": How("coordinator", _routing_wait),
    "claim": How("worker", _hours(1, 72)),
    "accept": How("worker", lambda rnd: int(rnd.expovariate(1 / (24 * HOUR))) + HOUR, handles=True),
    "decline": How("worker", _hours(2, 72), "Ei resursseja nyt."),
    "return": How("coordinator", _hours(2, 96), "Tarvitaan lisätietoja perheen tilanteesta."),
    "schedule": How("worker", None),
    "start_service": How("worker", None),
    "complete": How("worker", _hours(24, 480)),  # this wait only on routes without sessions
    "cancel": How("either", _hours(1, 240), "Perhe sai apua muualta."),
    "withdraw": How("referrer", _hours(24, 480), "Perhe perui suostumuksen."),
}


@cache
def routes() -> dict[str, tuple[tuple[float, tuple[Step, ...]], ...]]:
    """Each state's registry routes as steps, with their weights: each action's model
    transition and where it leads from the state before (django-fsm's own table of the model's
    transitions), and what the action's declared effects leave behind. Read once per process;
    refuses a route that the model's transitions do not walk to its state, or whose actions it
    cannot realise."""
    targets: dict[str, dict[str, str]] = defaultdict(dict)
    for found in Referral().get_all_state_transitions():
        targets[found.name][str(found.source)] = str(found.target)
    return {
        state: tuple((weight, _steps(state, path, targets)) for weight, path in alternatives)
        for state, alternatives in ROUTES.items()
    }


def _steps(
    state: str, path: tuple[str, ...], targets: dict[str, dict[str, str]]
) -> tuple[Step, ...]:
    """One route's actions as steps (see `routes`)."""
    steps, current, holds, pooled = [], State.DRAFT.value, False, False
    for i, name in enumerate(path):
        action = REFERRAL_ACTIONS[name]
        if name not in HOW or (HOW[name].wait is None) != (name in SESSION_STEPS):
            raise ImproperlyConfigured(f"The scale data cannot realise the action {name!r}.")
        leads = targets[action.transition]
        target = leads.get(current, leads.get("*"))
        if target is None:
            raise ImproperlyConfigured(
                f"The route {path} to {state!r}: {action.transition!r} does not leave {current!r}."
            )
        for effect in action.effects:
            if effect is GRANT_ACCESS:
                holds = True
            elif effect in (REVOKE_ACCESS, END_SHARING):
                holds = False
            if effect is OPEN_POOL:
                pooled = True
            elif effect in (CLOSE_POOL, END_SHARING):
                pooled = False
        routes = GRANT_ACCESS in action.effects
        steps.append(
            Step(
                action=name,
                transition=action.transition,
                source=current,
                target=target,
                routes=routes,
                elsewhere=routes
                and any(GRANT_ACCESS in REFERRAL_ACTIONS[later].effects for later in path[i + 1 :]),
                releases=REVOKE_ACCESS in action.effects,
                holds=holds,
                opens_pool=OPEN_POOL in action.effects,
                pooled=pooled,
                coded="reason_code" in action.fields,
            )
        )
        current = target
    if current != state:
        raise ImproperlyConfigured(f"The route {path} to {state!r} ends in {current!r}.")
    return tuple(steps)


def fates(
    routes: dict[str, tuple[tuple[float, tuple[Step, ...]], ...]],
) -> list[tuple[tuple[tuple[Step, ...], tuple[int, int] | None], float]]:
    """Every life a referral may have, drawn once for each: a route of its state (`FATES`)
    and, when the route goes through appointments, the range of its sessions (`SESSIONS`);
    each with its weight."""
    found = []
    for state, weight in FATES:
        alternatives = routes[state]
        total = sum(w for w, _steps in alternatives)
        for w, steps in alternatives:
            share = weight * w / total
            if not any(step.action == "schedule" for step in steps):
                found.append(((steps, None), share))
                continue
            rules = SESSIONS.get(state, DEFAULT_SESSIONS)
            rules_total = sum(r for _sessions, r in rules)
            found.extend(((steps, sessions), share * r / rules_total) for sessions, r in rules)
    return found


class Life:
    """One referral's events as (time, step, actor, organization after, handler after, reason,
    reason code), and its appointments."""

    __slots__ = ("appointments", "events", "outcome", "pool")

    def __init__(self):
        self.events: list[tuple] = []
        self.appointments: list[list] = []
        self.pool: list[int] = []
        self.outcome: tuple | None = None


class Generator:
    def __init__(
        self,
        plan: Plan,
        *,
        seed: int,
        threaded: bool,
        rebuild_indexes: bool,
        now: datetime.datetime | None = None,
        log: Callable[[str], None] = print,
    ):
        self.plan = plan
        self.rnd = random.Random(seed)
        self.now = int((now or datetime.datetime.now(datetime.UTC)).timestamp())
        self.start = self.now - int(YEARS * 365.25 * DAY)
        self.threaded = threaded
        self.rebuild_indexes = rebuild_indexes
        self.log = log
        self.ids = _Ids()
        self.routes = routes()

    # The whole run ---------------------------------------------------------------------------

    def run(self) -> Report:
        began = time.monotonic()
        report = Report(self.plan)
        with transaction.atomic():
            world = _build_world(self.plan, self.rnd, self.ids, self.now)
        self.log(f"world ready: {len(world.workers)} workers ({time.monotonic() - began:.1f} s)")
        self.world = world
        # Reserve every key up front: the loader may write from another connection.
        for model in (Consent, Referral, Shift, Slot, Appointment, OutcomeReport):
            self.ids.take(model, 0)
        self.loader = Loader(threaded=self.threaded, rebuild_indexes=self.rebuild_indexes)
        # Unthreaded, the rows go in on this connection in one transaction: a table's chunk
        # may be written before the rows it refers to, checked at commit (deferred keys).
        with contextlib.nullcontext() if self.loader.threaded else transaction.atomic():
            try:
                self.calendar = Calendar(
                    world, self.loader, self.ids, self.rnd, self.start, self.now
                )
                self._referrals()
                self.calendar.free_slots()
            except BaseException:
                self.loader.abort()
                raise
            self.loader.finish()
        self.log(f"rows written ({time.monotonic() - began:.1f} s)")
        busy = ", ".join(f"{k} {v:.1f}" for k, v in self.loader.seconds.items() if v >= 0.05)
        self.log(f"loading seconds: {busy}")
        self._after_load()
        self.log(f"vacuumed and analysed ({time.monotonic() - began:.1f} s)")
        report.rows = {TABLES[k].name: v for k, v in self.loader.counts.items()}
        report.seconds = time.monotonic() - began
        return report

    def _after_load(self) -> None:
        models = [t.model for t in TABLES.values()] + [User, Group, Organization, Municipality]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        if connection.vendor == "postgresql" and self.threaded:
            # Visibility maps for index-only scans and fresh statistics, one side per thread.
            threads = [threading.Thread(target=_vacuum, args=(group,)) for group in GROUPS]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            # The world was written in bulk too; without fresh statistics every signed-in
            # request's group lookup is planned for a few hundred groups instead of 1,000.
            world = [
                User,
                User.groups.through,
                Group,
                Organization,
                Municipality,
                ReceptionSite,
                Service,
                *(f.remote_field.through for f in Service._meta.many_to_many),
            ]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in world))

    # Referrals -------------------------------------------------------------------------------

    def _referrals(self) -> None:
        plan, rnd, world = self.plan, self.rnd, self.world
        span = self.now - self.start
        # More referrals each year: half evenly spread, half growing linearly.
        created = sorted(
            self.start
            + int(span * (rnd.random() if rnd.random() < 0.5 else math.sqrt(rnd.random())))
            for _ in range(plan.referrals)
        )
        referrers = rnd.choices(
            world.professionals, cum_weights=world.professional_weights, k=plan.referrals
        )
        orgs = rnd.choices(
            range(len(world.organizations)),
            cum_weights=world.organization_weights,
            k=plan.referrals,
        )
        lives, life_cum = _cumulative(fates(self.routes))
        fate_of = rnd.choices(lives, cum_weights=life_cum, k=plan.referrals)
        languages, language_cum = _cumulative(LANGUAGES)
        first_consent = self.ids.take(Consent, plan.referrals)
        first_referral = self.ids.take(Referral, plan.referrals)
        first_outcome = self.ids.take(OutcomeReport, plan.referrals)
        self.next_outcome = first_outcome
        report_every = max(1, plan.referrals // 10)
        began = time.monotonic()
        for i in range(plan.referrals):
            self._one(
                first_referral + i,
                first_consent + i,
                created[i],
                referrers[i],
                orgs[i],
                fate_of[i],
                rnd.choices(languages, cum_weights=language_cum)[0],
            )
            if i % 1000 == 999:
                self.loader.flush()
            if (i + 1) % report_every == 0:
                self.log(f"{i + 1} referrals ({time.monotonic() - began:.0f} s)")

    def _worker_of(self, org: int) -> int:
        return self.rnd.choice(self.world.organizations[org].workers)

    def _other_org(self, org: int) -> int:
        n = len(self.world.organizations)
        weights = self.world.organization_weights
        other = bisect.bisect(weights, self.rnd.random() * weights[-1], 0, n - 1)
        return other if other != org or n == 1 else (org + 1) % n

    def _life(
        self,
        created: int,
        referrer: int,
        org: int,
        fate: tuple[tuple[Step, ...], tuple[int, int] | None],
    ) -> Life:
        """The referral's whole life along its registry route, also beyond now; `_one` cuts it
        at now. It ends with the organization `org`; one that declines it before goes to
        another."""
        rnd, world = self.rnd, self.world
        life = Life()
        steps, sessions = fate
        if not steps:
            return life
        events = life.events
        org_pk = world.organizations[org].pk
        worker_index = self._worker_of(org)
        worker = world.workers[worker_index].pk
        people = {
            "referrer": referrer,
            "coordinator": rnd.choice(world.coordinators),
            "worker": worker,  # of the organization holding it
        }
        t = created
        holder = handler = None
        attended = 0
        for step in steps:
            how = HOW[step.action]
            if step.action == "schedule":  # booking the first session
                t += int(rnd.uniform(1, 72) * HOUR)
                attended = self._sessions(
                    life, worker_index, t, rnd.randint(*(sessions or (1, 10)))
                )
            elif step.action == "start_service":  # attending the first
                t = life.appointments[0][8]
            elif life.appointments:  # completing or withdrawing: some days after the last
                t = max(t, life.appointments[-1][8]) + int(rnd.uniform(2, 168) * HOUR)
            else:
                t += how.wait(rnd)
            if step.routes:
                holder, handler, people["worker"] = org_pk, None, worker
                if step.elsewhere:
                    other = self._other_org(org)
                    holder = world.organizations[other].pk
                    people["worker"] = world.workers[self._worker_of(other)].pk
            elif step.releases:
                holder = handler = None
            if how.handles:
                handler = people["worker"]
            if step.opens_pool:
                others = (world.organizations[self._other_org(org)].pk for _ in range(2))
                life.pool = list(dict.fromkeys((org_pk, *others)))
            actor = (
                rnd.choice((people["referrer"], people["coordinator"]))
                if how.actor == "either" and step.source != State.DRAFT
                else people["referrer" if how.actor == "either" else how.actor]
            )
            code = rnd.choice(DECLINE_VALUES) if step.coded else ""
            reason = how.reason if not step.coded or code == "other" else ""
            events.append((t, step, actor, holder, handler, reason, code))
            if step.action == "complete":
                life.outcome = (t, handler, attended)
        return life

    def _sessions(self, life: Life, worker_index: int, booked_at: int, count: int) -> int:
        """Book `count` sessions with the worker, the first at `booked_at` and each next one
        after the one before ends; returns how many the family attends (the first always)."""
        rnd = self.rnd
        worker = self.world.workers[worker_index].pk
        after = booked_at + int(rnd.uniform(3, 21) * DAY)
        attended = 0
        for n in range(count):
            slot, starts, mode, site = self.calendar.take(worker_index, after)
            outcome = (
                "attended" if n == 0 else rnd.choices(SESSION_VALUES, cum_weights=SESSION_CUM)[0]
            )
            confirmed = booked_at + int(rnd.uniform(1, 48) * HOUR) if rnd.random() < 0.6 else None
            if confirmed is not None and confirmed >= starts:
                confirmed = None
            if outcome.startswith("cancel"):
                done = max(booked_at + 60, starts - int(rnd.uniform(2, 72) * HOUR))
                if confirmed is not None and confirmed >= done:
                    confirmed = None
            else:
                done = starts + 50 * 60
            life.appointments.append(
                [slot, starts, mode, site, worker, booked_at, confirmed, outcome, done]
            )
            if outcome == "attended":
                attended += 1
            booked_at = done + 600
            after = starts + int(rnd.uniform(6, 15) * DAY)
        return attended

    def _one(
        self,
        pk: int,
        consent: int,
        created: int,
        referrer: tuple,
        org: int,
        fate: tuple[tuple[Step, ...], tuple[int, int] | None],
        language: str,
    ) -> None:
        rnd, world, now = self.rnd, self.world, self.now
        buf = self.loader.buffers
        referrer_pk, home, unit = referrer
        municipality = (
            home
            if rnd.random() < 0.95
            else rnd.choices(world.municipalities, cum_weights=world.municipality_weights)[0]
        )
        life = self._life(created, referrer_pk, org, fate)
        events = [e for e in life.events if e[0] <= now]
        last: Step | None = events[-1][1] if events else None
        state = last.target if last else State.DRAFT.value
        org_pk = events[-1][3] if events else None
        handler = events[-1][4] if events else None
        submitted = accepted = closed = None
        withdrawn = None
        for e in events:
            step = e[1]
            if step.transition == "submit":
                submitted = e[0]
            elif step.transition == "accept":
                accepted = e[0]
            elif step.target in TERMINAL_STATES:
                closed = e[0]
                if step.target == State.WITHDRAWN:
                    withdrawn = e
        changed = events[-1][0] if events else created
        erased = None
        if closed is not None:
            keep = WITHDRAWN_RETENTION_DAYS if state == State.WITHDRAWN else RETENTION_DAYS
            if closed + keep * DAY + DAY <= now:
                erased = closed + keep * DAY + rnd.randint(0, DAY)
        personal = erased is None

        # The family's consent, recorded by the referrer just before the draft.
        given = created - rnd.randint(60, 2 * HOUR)
        share_outcome = rnd.random() < 0.75
        buf["consent"].append(
            (
                consent,
                "guardian" if rnd.random() < 0.9 else "young_person",
                f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}" if personal else "",
                "written" if rnd.random() < 0.6 else "verbal",
                given,
                given + 365 * DAY,
                True,
                True,
                rnd.random() < 0.5,
                rnd.random() < 0.4,
                share_outcome,
                referrer_pk,
                given,
                withdrawn[0] if withdrawn else None,
                withdrawn[5] if withdrawn and personal else "",
                withdrawn[2] if withdrawn else None,
                None,
                erased,
            ),
        )
        name = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
        buf["referral"].append(
            (
                pk,
                state,
                consent,
                referrer_pk,
                unit,
                municipality,
                name if personal else "",
                f"+35840{rnd.randrange(1000000, 9999999)}" if personal else "",  # E.164, as stored
                f"perhe{pk}@example.invalid" if personal and rnd.random() < 0.5 else "",
                language,
                rnd.choice(OTHER_LANGUAGES) if language == "other" and personal else "",
                language == "other" and rnd.random() < 0.5,
                "",
                rnd.choice(world.target_groups),
                rnd.choice(DESCRIPTIONS) if personal else "",
                rnd.choice(TIMES) if personal else "",
                org_pk,
                handler,
                created,
                changed,
                submitted,
                accepted,
                closed,
                changed,
                erased,
            ),
        )
        if personal:
            for _ in range(rnd.choice((1, 1, 2, 2, 3))):
                buf["child"].append(
                    (pk, datetime.date.fromtimestamp(created).year - rnd.randint(0, 17))
                )
        for challenge in rnd.sample(world.challenges, rnd.choice((1, 2, 2, 3))):
            buf["challenge"].append((pk, challenge))
        for mode in rnd.sample(world.modes, rnd.choice((1, 1, 2))):
            buf["mode"].append((pk, mode))
        if last is not None and last.pooled:
            for pool_org in life.pool:
                buf["pool"].append((pk, pool_org))

        # Object permissions exactly as the services grant them: the referrer's from the draft,
        # the organization's while the effects along the path leave them.
        perms = world.perms
        for codename in REFERRER_PERMS:
            buf["user_perm"].append((perms[codename], referrer_pk, pk))
        if last is not None and last.holds:
            group = world.organizations[self._org_index(org_pk)].group
            for codename in ORGANIZATION_PERMS:
                buf["group_perm"].append((perms[codename], group, pk))

        previous_org = None
        for t, step, actor, org_after, _h, reason, code in events:
            buf["event"].append(
                (
                    pk,
                    actor,
                    step.transition,
                    step.source,
                    step.target,
                    reason if personal else "",
                    code,
                    org_after or previous_org,
                    t,
                ),
            )
            previous_org = org_after

        org_for_appointments = (
            world.organizations[org].pk if life.appointments else None
        )  # the organization that accepted
        for slot, starts, mode, site, worker, booked, confirmed, outcome, done in life.appointments:
            if booked > now:
                break
            appointment = self.ids.take(Appointment)
            final = "booked"
            history = [(booked, worker, "book", "", "booked", "")]
            if confirmed is not None and confirmed <= now:
                history.append((confirmed, None, "confirm", final, "confirmed", ""))
                final = "confirmed"
            if done <= now:
                target = {
                    "attended": "attended",
                    "no_show": "no_show",
                    "cancel_by_family": "cancelled_by_family",
                    "cancel_by_organization": "cancelled_by_organization",
                }[outcome]
                reason = "Perhe ilmoitti esteestä." if outcome == "cancel_by_family" else ""
                name = {"attended": "attend"}.get(outcome, outcome)
                history.append((done, worker, name, final, target, reason if personal else ""))
                final = target
            buf["appointment"].append(
                (
                    appointment,
                    pk,
                    slot,
                    worker,
                    org_for_appointments,
                    starts,
                    starts + 45 * 60,
                    mode,
                    site,
                    final,
                    False,
                    starts - 24 * HOUR
                    if final in ("booked", "confirmed") and starts - 24 * HOUR <= now
                    else None,
                    booked,
                ),
            )
            for at, actor, name, source, target, reason in history:
                buf["appointment_event"].append(
                    (
                        appointment,
                        actor if name != "confirm" else None,
                        name == "confirm",
                        name,
                        source,
                        target,
                        reason,
                        at,
                    ),
                )
        if state == State.COMPLETED and life.outcome is not None:
            at, reporter, attended = life.outcome
            outcome_pk = self.next_outcome
            self.next_outcome += 1
            buf["outcome"].append(
                (
                    outcome_pk,
                    pk,
                    rnd.choice(SERVICE_GIVEN_VALUES),
                    attended,
                    rnd.choices(NEXT_STEP_VALUES, cum_weights=NEXT_STEP_CUM)[0],
                    "Perhe sai apua ja arki on helpottunut." if share_outcome and personal else "",
                    reporter,
                    at,
                ),
            )
            for theme in rnd.sample(world.themes, min(len(world.themes), rnd.choice((1, 2)))):
                buf["outcome_theme"].append((outcome_pk, theme))

    def _org_index(self, org_pk: int) -> int:
        return org_pk - self.world.organizations[0].pk


def generate(
    scale: float,
    *,
    seed: int = 2025,
    threaded: bool = False,
    rebuild_indexes: bool = False,
    now: datetime.datetime | None = None,
    log: Callable[[str], None] = print,
) -> Report:
    """Write a data set of `scale` (1.0 = Finland) next to whatever the database holds."""
    if settings.DEBUG:
        log("DEBUG is on: every query is kept in memory; prefer DEBUG=False for large scales")
    generator = Generator(
        Plan.at(scale),
        seed=seed,
        threaded=threaded,
        rebuild_indexes=rebuild_indexes,
        now=now,
        log=log,
    )
    return generator.run()
