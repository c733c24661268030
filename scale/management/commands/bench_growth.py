"""`make bench-growth`: `make bench` at several data sizes, each in a database of its own, and
the plot of how each page's ratio to the floor changes with the size (scale/growth.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scale import growth
from scale.generator import FULL


def url_for_scale(base: str, scale: float) -> str:
    """Scale 1 measures in the bench's own database (its million referrals are reused); any
    other scale in one named after its size, e.g. perhelinja_bench_10k for 0.01, so that no
    run regenerates another's data."""
    if scale == 1:
        return base
    parts = urlsplit(base)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or not name:
        raise CommandError(f"the bench needs a PostgreSQL database URL, not {base!r}")
    suffix = growth.size_label(round(scale * FULL["referrals"])).replace(".", "_")
    return urlunsplit(parts._replace(path=f"/{name}_{suffix}"))


def run_paths(directory: Path, scale: float) -> tuple[Path, Path]:
    """The Markdown report and the JSON of one scale's run."""
    stem = f"scale-{scale:g}"  # not Path.with_suffix: the scale's dot is no suffix
    return directory / f"{stem}.md", directory / f"{stem}.json"


class Command(BaseCommand):
    help = "Run the bench at several data sizes and plot each page's ratio to the floor."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scales", default="0.01,0.1,1", help="comma-separated, 1 = a million referrals"
        )
        parser.add_argument("--iterations", type=int, default=200)
        parser.add_argument(
            "--database-url",
            default=os.environ.get("DATABASE_URL", ""),
            help="the scale-1 database; the others are named after it (default: DATABASE_URL)",
        )
        parser.add_argument("--runs", default="bench/growth", help="each run's report and JSON")
        parser.add_argument("--svg", default="bench/growth.svg")
        parser.add_argument("--table", default="bench/growth.md")
        parser.add_argument(
            "--plot-only", action="store_true", help="redraw from the runs' existing JSON"
        )

    def handle(
        self, *args, scales, iterations, database_url, runs, svg, table, plot_only, **options
    ):
        try:
            scale_list = sorted({float(s) for s in scales.split(",") if s.strip()})
        except ValueError as error:
            raise CommandError(f"--scales: {error}") from error
        if not scale_list:
            raise CommandError("--scales names no scale")
        directory = Path(runs).resolve()
        if not plot_only:
            urls = {scale: url_for_scale(database_url, scale) for scale in scale_list}
            for scale in scale_list:
                self.measure(scale, iterations=iterations, url=urls[scale], directory=directory)
        json_paths = [run_paths(directory, scale)[1] for scale in scale_list]
        missing = [str(path) for path in json_paths if not path.exists()]
        if missing:
            raise CommandError(f"no run to plot: {', '.join(missing)}")
        measured = growth.read_runs(json_paths)
        growth.write_svg(Path(svg), measured)
        growth.write_table(Path(table), measured, svg_name=os.path.relpath(svg, Path(table).parent))
        self.stdout.write(f"written to {svg} and {table}")

    def measure(self, scale: float, *, iterations: int, url: str, directory: Path) -> None:
        """One `manage.py bench` in a process of its own: Django's settings read DATABASE_URL
        once, at start-up."""
        report, data = run_paths(directory, scale)
        name = urlsplit(url).path.lstrip("/")
        self.stdout.write(f"scale {scale:g} in database {name}")
        self.stdout.flush()
        argv = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "bench",
            "--scale",
            f"{scale:g}",
            "--iterations",
            str(iterations),
            "--output",
            str(report),
            "--json",
            str(data),
        ]
        env = {**os.environ, "DATABASE_URL": url}
        done = subprocess.run(argv, env=env, check=False)  # noqa: S603 (our own argv)
        if done.returncode:
            raise CommandError(f"the bench at scale {scale:g} failed ({done.returncode})")
