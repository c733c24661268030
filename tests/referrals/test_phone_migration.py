"""Migration 0010: numbers typed before the phone field are rewritten in E.164 when they parse,
and kept as typed when they do not (see its docstring)."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from referrals.models import Referral
from tests.factories import draft_referral

pytestmark = pytest.mark.django_db

migration = importlib.import_module("referrals.migrations.0010_contact_phone_e164")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 000 0101", "+358400000101"),
        ("(02) 123 4567", "+35821234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("=1+1", "=1+1"),
        ("soita iltaisin", "soita iltaisin"),
        ("123", "123"),
    ],
)
def test_old_rows_are_normalised_or_kept_as_typed(typed, stored):
    before = MigrationExecutor(connection).loader.project_state(
        ("referrals", "0009_access_record_fhir_channel")
    )
    old_referral = before.apps.get_model("referrals", "Referral")
    referral = draft_referral()
    old_referral.objects.filter(pk=referral.pk).update(contact_phone=typed)
    migration.normalise_phones(before.apps, None)
    assert old_referral.objects.get(pk=referral.pk).contact_phone == stored
    # ... and the phone field reads it back as it is, refusing the kept text once cleaned
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.contact_phone == stored
    errors = {}
    try:
        referral.full_clean(exclude=["state", "consent", "referrer"])
    except ValidationError as error:
        errors = error.message_dict
    assert ("contact_phone" in errors) == (not stored.startswith("+"))
