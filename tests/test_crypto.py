import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from perhelinja import crypto
from referrals.models import Referral
from tests.factories import Cast, draft_referral

pytestmark = pytest.mark.django_db


def raw_identity_code(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT identity_code FROM referrals_referral WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_identity_codes_are_encrypted_at_rest_and_shown_masked():
    referral = draft_referral(referrer=Cast().referrer, identity_code="131052-308T")
    stored = raw_identity_code(referral.pk)
    assert "131052" not in stored and len(stored) > 50
    assert Referral.objects.get(pk=referral.pk).identity_code == "131052-308T"
    assert referral.masked_identity_code == "131052-****"


def test_no_identity_code_stays_empty():
    referral = draft_referral(referrer=Cast().referrer)
    assert raw_identity_code(referral.pk) == ""


def test_a_rotated_key_still_reads_old_values(settings):
    referral = draft_referral(referrer=Cast().referrer, identity_code="131052-308T")
    old = settings.FIELD_ENCRYPTION_KEYS
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old]
    assert Referral.objects.get(pk=referral.pk).identity_code == "131052-308T"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured):
        Referral.objects.get(pk=referral.pk)


def test_production_needs_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_rotating_the_keys_lets_the_old_key_go(settings):
    from io import StringIO

    from django.core.management import call_command

    referral = draft_referral(referrer=Cast().referrer, identity_code="131052-308T")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "re-encrypted 1" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Referral.objects.get(pk=referral.pk).identity_code == "131052-308T"
