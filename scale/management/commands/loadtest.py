"""`make loadtest`: the everyday pages under concurrent load, against gunicorn (see
scale/loadtest.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from scale import bench, loadtest
from scale.management.commands.bench import ensure_data


class Command(BaseCommand):
    help = "Load-test the production stack at Finland scale with locust (generating the data)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=120)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--ports", default="8101,8102")
        parser.add_argument("--output", default="bench/results.md")

    def handle(self, *args, scale, users, seconds, web_workers, ports, output, **options):
        ensure_data(scale, self.stdout)
        first, second = (int(port) for port in ports.split(","))
        summary = loadtest.run(
            users=users,
            seconds=seconds,
            ports=(first, second),
            web_workers=web_workers,
            log=self.stdout.write,
        )
        think = loadtest.think_seconds()
        lines = loadtest.section(
            summary,
            scale=scale,
            notes=loadtest.notes(web_workers=web_workers, think=think),
            think=think,
        )
        lines.insert(2, f"Machine: {bench.machine()['CPU']}, {bench.machine()['Cores']} cores.")
        lines.insert(3, "")
        for line in lines:
            self.stdout.write(line)
        loadtest.write_section(Path(output), lines)
        self.stdout.write(f"written to {output}")
