"""The project's only reads written as SQL: two reads that run on every referral page or list,
where building the same query through the ORM costs more Python time than PostgreSQL needs to
answer it (a UNION of annotated querysets takes the ORM milliseconds to compile).

Public API only: the SQL goes through `connection.cursor()` with every value a parameter; its
table and column names come from the models' documented `_meta` (`db_table`, `get_field`,
`column`), quoted by the connection. `tests/test_fastpath.py` checks each read against what the
plain ORM (and django-guardian) answer for the same data.

- `object_permission_codenames(user, obj)`: a person's own and their groups' object
  permissions on `obj`, in one query where guardian's `ObjectPermissionChecker` sends two.
- `referral_lists(keys, ...)`: the challenges, ways to meet, children's birth years and
  declines of some referrals, in one query where `prefetch_related` sends one per relation and
  builds a model instance per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connections, models, router
from guardian.core import ObjectPermissionChecker
from guardian.ctypes import get_content_type
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from directory.models import ModeCode, translated

# --- object permissions ---------------------------------------------------------------------


def _foreign_key_to(model: type[models.Model], target: type[models.Model]) -> models.Field:
    return next(
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and issubclass(target, f.related_model)
    )


@cache
def _permission_models(model: type[models.Model]) -> tuple | None:
    """guardian's user and group permission models of `model` when both hold direct foreign
    keys, else None (the generic tables store the object's key as text)."""
    found = get_user_obj_perms_model(model), get_group_obj_perms_model(model)
    return None if any(m.objects.is_generic() for m in found) else found


@cache
def _permission_sql(vendor: str, model: type[models.Model], user_model: type[models.Model]) -> str:
    own, grouped = _permission_models(model)
    memberships = user_model._meta.get_field("groups").remote_field.through
    q = connections[router.db_for_read(model)].ops.quote_name
    perm_table, perm_id = q(Permission._meta.db_table), q(Permission._meta.pk.column)
    codename = q(Permission._meta.get_field("codename").column)
    content_type = q(Permission._meta.get_field("content_type").column)

    def column(through: type[models.Model], name: str) -> str:
        return q(through._meta.get_field(name).column)

    # Quoted names from _meta; every value a parameter.
    return (
        f"SELECT p.{codename} FROM {perm_table} p"  # noqa: S608
        f" JOIN {q(own._meta.db_table)} o ON o.{column(own, 'permission')} = p.{perm_id}"
        f" WHERE p.{content_type} = %s AND o.{column(own, 'user')} = %s"
        f" AND o.{column(own, 'content_object')} = %s"
        " UNION "
        f"SELECT p.{codename} FROM {perm_table} p"
        f" JOIN {q(grouped._meta.db_table)} g ON g.{column(grouped, 'permission')} = p.{perm_id}"
        f" JOIN {q(memberships._meta.db_table)} m"
        f" ON m.{q(_foreign_key_to(memberships, Group).column)} = g.{column(grouped, 'group')}"
        f" WHERE p.{content_type} = %s AND m.{q(_foreign_key_to(memberships, user_model).column)}"
        f" = %s AND g.{column(grouped, 'content_object')} = %s"
    )


def object_permission_codenames(user: Any, obj: models.Model) -> set[str]:
    """The codenames of the object permissions `user` holds on `obj` through their own grants
    and their groups' (what `guardian.shortcuts.get_perms` gives an active non-superuser)."""
    model = type(obj)
    if _permission_models(model) is None:
        return set(ObjectPermissionChecker(user).get_perms(obj))
    connection = connections[router.db_for_read(model)]
    sql = _permission_sql(connection.vendor, model, get_user_model())
    content_type = get_content_type(obj).pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [content_type, user.pk, obj.pk] * 2)
        return {codename for (codename,) in cursor.fetchall()}


# --- a referral's lists ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeName:
    """A challenge as a referral's summary shows it (`str()` as `Challenge.__str__`)."""

    pk: int
    slug: str
    name_fi: str
    name_sv: str
    name_en: str

    def __str__(self) -> str:
        return translated(self, "name")


@dataclass(slots=True)
class ReferralLists:
    """What a referral's relations hold, each in its model's order: its challenges, the codes
    of its preferred ways to meet, its children's birth years and, oldest first, the reason
    codes of its declines (read only when asked for)."""

    challenges: list[ChallengeName] = field(default_factory=list)
    mode_codes: list[str] = field(default_factory=list)
    birth_years: list[int] = field(default_factory=list)
    decline_codes: list[str] = field(default_factory=list)

    @property
    def mode_labels(self) -> list[str]:
        """As `str(mode)` for each of `referral.preferred_modes.all()`."""
        return [str(ModeCode(code).label) for code in self.mode_codes]


CHALLENGES, MODES, CHILDREN, DECLINES = "challenges", "modes", "children", "declines"
LISTS = (CHALLENGES, MODES, CHILDREN, DECLINES)


@cache
def _list_parts(vendor: str) -> dict[str, tuple[str, list]]:
    """One SELECT per list, with its parameters before the referrals' keys (whose places
    `{keys}` marks). Every SELECT has the same eight columns: the referral, the list, two sort
    keys (the model's ordering), the row's key, then three texts."""
    referral = apps.get_model("referrals", "Referral")
    child = apps.get_model("referrals", "ReferralChild")
    event = apps.get_model("referrals", "ReferralEvent")
    challenge = apps.get_model("directory", "Challenge")
    mode = apps.get_model("directory", "Mode")
    q = connections[router.db_for_read(referral)].ops.quote_name

    def table(model: type[models.Model]) -> str:
        return q(model._meta.db_table)

    def col(model: type[models.Model], name: str) -> str:
        return q(model._meta.get_field(name).column)

    chosen = referral._meta.get_field("challenges").remote_field.through
    modes = referral._meta.get_field("preferred_modes").remote_field.through
    c_ref, c_key = q(_foreign_key_to(chosen, referral).column), _foreign_key_to(chosen, challenge)
    m_ref, m_key = q(_foreign_key_to(modes, referral).column), _foreign_key_to(modes, mode)
    c_id = col(challenge, "id")
    # Sort keys: Challenge (position, name_fi), Mode (code), ReferralChild (birth_year), the
    # declines oldest first (by key). Quoted names from _meta; every value a parameter.
    return {
        CHALLENGES: (
            f"SELECT r.{c_ref}, 0, c.{col(challenge, 'position')}, c.{col(challenge, 'name_fi')},"  # noqa: S608
            f" c.{c_id}, c.{col(challenge, 'slug')}, c.{col(challenge, 'name_sv')},"
            f" c.{col(challenge, 'name_en')} FROM {table(chosen)} r JOIN {table(challenge)} c"
            f" ON c.{c_id} = r.{q(c_key.column)} WHERE r.{c_ref} IN ({{keys}})",
            [],
        ),
        MODES: (
            f"SELECT {m_ref}, 1, 0, {q(m_key.column)}, 0, '', '', '' FROM {table(modes)}"  # noqa: S608
            f" WHERE {m_ref} IN ({{keys}})",
            [],
        ),
        CHILDREN: (
            f"SELECT {col(child, 'referral')}, 2, {col(child, 'birth_year')}, '',"  # noqa: S608
            f" {col(child, 'id')}, '', '', '' FROM {table(child)}"
            f" WHERE {col(child, 'referral')} IN ({{keys}})",
            [],
        ),
        DECLINES: (
            f"SELECT {col(event, 'referral')}, 3, 0, '', {col(event, 'id')},"  # noqa: S608
            f" {col(event, 'reason_code')}, '', '' FROM {table(event)}"
            f" WHERE {col(event, 'transition')} = %s AND {col(event, 'referral')} IN ({{keys}})",
            ["decline"],
        ),
    }


def referral_lists(keys: list[int], lists: tuple[str, ...] = LISTS) -> dict[int, ReferralLists]:
    """The `lists` (of `LISTS`) of the referrals `keys`, by key, in one query; a key with
    nothing in them maps to empty lists."""
    found = {key: ReferralLists() for key in keys}
    if not keys or not lists:
        return found
    referral = apps.get_model("referrals", "Referral")
    connection = connections[router.db_for_read(referral)]
    parts = [_list_parts(connection.vendor)[name] for name in lists]
    placeholders = ", ".join(["%s"] * len(keys))
    sql = " UNION ALL ".join(part.format(keys=placeholders) for part, _params in parts)
    params = [value for _part, before in parts for value in (*before, *keys)]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, 2, 3, 4, 5", params)
        rows = cursor.fetchall()
    for key, kind, number, text, pk, first, second, third in rows:
        into = found[key]
        if kind == 0:
            into.challenges.append(ChallengeName(pk, first, text, second, third))
        elif kind == 1:
            into.mode_codes.append(text)
        elif kind == 2:
            into.birth_years.append(number)
        else:
            into.decline_codes.append(first)
    return found


def referral_lists_of(referral_pk: int) -> ReferralLists:
    """Every list of one referral (its summary: challenges, ways to meet, children)."""
    return referral_lists([referral_pk], (CHALLENGES, MODES, CHILDREN))[referral_pk]


# --- many rows in one INSERT ------------------------------------------------------------------


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert `rows` (one value for each of `fields`, a foreign key given as its key) in one
    multi-row INSERT, as `bulk_create` of the same objects would store them, without building
    an object for each row; returns how many. Each value goes through its field's
    `get_db_prep_save`, once per distinct value of a column."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    q = connection.ops.quote_name
    concrete = [model._meta.get_field(name) for name in fields]
    prepared: list[dict] = [{} for _field in concrete]

    def prep(index: int, value: Any) -> Any:
        seen = prepared[index]
        if value not in seen:
            seen[value] = concrete[index].get_db_prep_save(value, connection)
        return seen[value]

    marks = "({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (quoted names; values bound)
        q(model._meta.db_table),
        ", ".join(q(f.column) for f in concrete),
        ", ".join([marks] * len(rows)),
    )
    params = [prep(index, value) for row in rows for index, value in enumerate(row)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(rows)
