"""Write a Finland-scale data set (or a small one: `--scale 0.001`) into the database."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from referrals.models import Referral
from scale import generator

MARKER = "perhelinja-scale "


def read_marker() -> dict | None:
    """What `generate_scale_data` recorded on this PostgreSQL database, if anything."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    text = row[0] if row else None
    if not text or not text.startswith(MARKER):
        return None
    return json.loads(text[len(MARKER) :])


def write_marker(data: dict) -> None:
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    text = (MARKER + json.dumps(data)).replace("'", "''")
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")


class Command(BaseCommand):
    help = (
        "Generate fictional Finland-scale data (1.0 = 1,000,000 referrals, 5,000,000 "
        "appointments over ten years) with bulk COPY on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.001, help="1.0 = Finland")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--replace", action="store_true", help="Empty the database first (flush)."
        )
        parser.add_argument(
            "--single-thread",
            action="store_true",
            help="Generate and load in one thread and one transaction, indexes kept.",
        )

    def handle(self, *args, scale, seed, replace, single_thread, **options):
        if replace:
            call_command("flush", interactive=False, verbosity=0)
        elif Referral.objects.exists():
            raise CommandError("The database already has referrals: use --replace to start over.")
        threaded = not single_thread and connection.vendor == "postgresql"
        report = generator.generate(
            scale,
            seed=seed,
            threaded=threaded,
            rebuild_indexes=threaded,
            log=lambda line: self.stdout.write(line),
        )
        write_marker(
            {"scale": scale, "seed": seed, "seconds": round(report.seconds, 1), "rows": report.rows}
        )
        for table, count in sorted(report.rows.items()):
            self.stdout.write(f"{table:45} {count:>12,}")
        self.stdout.write(f"done in {report.seconds:.1f} s")
