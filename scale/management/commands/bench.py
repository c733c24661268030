"""`make bench`: generate (or reuse) the Finland-scale data set and measure the pages."""

from __future__ import annotations

from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from psycopg import sql

from referrals.models import Referral
from scale import bench, growth
from scale.management.commands.generate_scale_data import read_marker


def ensure_database() -> None:
    """Create the benchmark's own PostgreSQL database when it does not exist yet."""
    db = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        raise CommandError("make bench measures PostgreSQL: set BENCH_DATABASE_URL to postgres://")
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if found.fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def ensure_data(scale: float, stdout) -> dict:
    """The benchmark's database, migrated and holding the data of `scale` (made once, reused
    while the scale stays the same); the generator's marker of it."""
    ensure_database()
    call_command("migrate", verbosity=0)
    marker = read_marker()
    if marker and marker.get("scale") == scale and Referral.objects.exists():
        stdout.write(f"reusing the data of scale {scale:g} ({marker['seconds']} s)")
        return marker
    stdout.write(f"generating scale {scale:g}")
    call_command("generate_scale_data", scale=scale, replace=True, stdout=stdout)
    return read_marker()


class Command(BaseCommand):
    help = "Measure the everyday pages at Finland scale (generating the data when needed)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--iterations", type=int, default=200)
        parser.add_argument("--output", default="bench/results.md")
        parser.add_argument(
            "--json",
            dest="json_path",
            metavar="PATH",
            help="also write the results as JSON there (read by `bench_growth`)",
        )

    def handle(self, *args, scale, iterations, output, json_path=None, **options):
        marker = ensure_data(scale, self.stdout)
        notes = bench.settings_for_measuring()
        try:
            results = bench.run(iterations, log=self.stdout.write)
        finally:
            bench.purge_broker()
        self.stdout.write("")
        for line in bench.table(results):
            self.stdout.write(line)
        notes += [
            "Users: the professional with the most referrals, a worker of the organization "
            "holding the most referrals (the one handling most), a coordinator.",
            f"The dashboard, the booking and the PDF: {max(5, iterations // 5)} requests each; "
            "every booking takes a fresh free slot; the bench removes what it wrote afterwards.",
            "The floor: a view of the bench's own (`scale.bench.floor`) requested through a "
            "handler with only Django's session and authentication middleware and "
            "`login_required`, as the professional; its ratio is what the site's own request "
            "path (middleware, second factor, roles, menu, templates) adds to Django's least.",
            "The machine is shared: other processes may have run at the same time (see the load "
            "average above).",
        ]
        bench.write_results(Path(output), results, scale=scale, generation=marker, notes=notes)
        self.stdout.write(f"written to {output}")
        if json_path:
            growth.write_json(
                Path(json_path),
                results,
                scale=scale,
                referrals=Referral.objects.count(),
                measured_at=timezone.localtime(),
            )
            self.stdout.write(f"written to {json_path}")
