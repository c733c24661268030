"""The family's phone number becomes a phone field kept in E.164 (`E164PhoneField`); the
identity code's model check accepts a temporary number (the form and the API decide, with
their flag).

Rows from before hold whatever was typed. Each one that parses as a valid number (Finnish by
default, so "040 123 4567" and "+358 40 123 4567" alike) is rewritten in E.164. One that does
not ("=1+1", "soita iltaisin") is kept as it was, not blanked: blanking would lose the only way
to reach some families, and only the referrer can say what was meant. Kept text is harmless:
the column stays text (the field is a text field that normalises), it fails the field's
validation, `perhelinja.sms` sends nothing to it, and the referrer is asked for a valid number
the next time the draft or returned referral is edited. No flag column: an unparseable value
is its own flag (it does not start with "+"). Going back leaves the E.164 numbers as they are
(still text a person can read).
"""

import phonenumbers
from django.db import migrations

import perhelinja.crypto
import referrals.models
import referrals.validators

BATCH = 2000


def e164(raw: str) -> str:
    """`raw` in E.164 when it is a valid number (Finnish by default), else `raw` unchanged."""
    try:
        number = phonenumbers.parse(raw, "FI")
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phones(apps, schema_editor):
    referral = apps.get_model("referrals", "Referral")
    rows = referral.objects.exclude(contact_phone="").only("pk", "contact_phone").order_by("pk")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        normalised = e164(row.contact_phone)
        if normalised != row.contact_phone:
            row.contact_phone = normalised
            changed.append(row)
        if len(changed) >= BATCH:
            referral.objects.bulk_update(changed, ["contact_phone"])
            changed = []
    referral.objects.bulk_update(changed, ["contact_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0009_access_record_fhir_channel"),
    ]

    operations = [
        # While the column is still a plain text field in the migration state.
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="referral",
            name="contact_phone",
            field=referrals.models.E164PhoneField(blank=True, max_length=40, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="referral",
            name="identity_code",
            field=perhelinja.crypto.EncryptedCharField(
                blank=True,
                help_text=(
                    "Optional. Only when the receiving organization needs it. Stored encrypted."
                ),
                plain_max_length=11,
                validators=[referrals.validators.validate_stored_identity_code],
                verbose_name="personal identity code",
            ),
        ),
    ]
