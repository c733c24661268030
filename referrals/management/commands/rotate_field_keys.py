from django.core.management.base import BaseCommand
from django.db import connection, transaction

from perhelinja.crypto import fernet


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored identity code with the first key of FIELD_ENCRYPTION_KEYS; "
        "afterwards the old keys can be removed."
    )

    def handle(self, *args, **options):
        table = connection.ops.quote_name("referrals_referral")
        rotated = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, identity_code FROM {table} WHERE identity_code <> ''")  # noqa: S608
            for pk, token in cursor.fetchall():
                new = fernet().rotate(token.encode()).decode()
                cursor.execute(f"UPDATE {table} SET identity_code = %s WHERE id = %s", [new, pk])  # noqa: S608
                rotated += 1
        self.stdout.write(f"re-encrypted {rotated} identity codes")
