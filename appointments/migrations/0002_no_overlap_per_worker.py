"""On PostgreSQL, no worker has two active appointments whose times overlap.

An exclusion constraint over (worker, time range) needs btree_gist; SQLite has neither, so
there the booking service's check under the transaction stands alone (development only).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = """
ALTER TABLE appointments_appointment
ADD CONSTRAINT appointment_worker_no_overlap
EXCLUDE USING gist (worker_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
WHERE (state IN ('booked', 'confirmed', 'attended'))
"""
DROP = "ALTER TABLE appointments_appointment DROP CONSTRAINT appointment_worker_no_overlap"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(on_postgresql(CONSTRAINT), on_postgresql(DROP)),
    ]
