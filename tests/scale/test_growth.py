"""`make bench-growth` (scale/growth.py, `manage.py bench_growth`): the bench's runs at several
sizes become a plot and a table; nothing is measured here, the runs are made up."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scale import bench, growth
from scale.management.commands import bench_growth
from tests.factories import UserFactory

SVG = "{http://www.w3.org/2000/svg}"
# (key, title, floor goal, queries at each size, ms at each size); the floor's median is 1 ms.
PAGES = [
    ("baseline", "Baseline: /ping/ (signed in, tiny page)", 1.5, (2, 2, 2), (2.5, 2.6, 2.6)),
    ("floor", "Floor: bare Django view (session and authentication)", None, (2, 2, 2), (1, 1, 1)),
    ("inbox", "Worker: inbox", 5.0, (6, 6, 6), (9.0, 12.0, 21.2)),
    ("dashboard", "Coordinator: dashboard, year 2025, area 853", 15.0, (33, 33, 33), (30, 33, 35)),
    ("grows", "Worker: a page with an N+1", 5.0, (7, 16, 52), (8.0, 20.0, 60.0)),
    ("consent_pdf", "Professional: consent form PDF", None, (11, 11, 11), (65, 68, 70)),
]
SIZES = ((0.01, 10_000), (0.1, 100_000), (1.0, 1_000_000))


def fabricated_run(column: int) -> dict:
    scale, referrals = SIZES[column]
    pages = []
    for key, title, goal, queries, medians in PAGES:
        ratio = medians[column] / 1.0
        pages.append(
            {
                "key": key,
                "title": title,
                "median_ms": medians[column],
                "p95_ms": medians[column] * 1.2,
                "queries": queries[column],
                "floor_ratio": ratio,
                "baseline_ratio": medians[column] / medians[0],
                "floor_goal": goal,
                "floor_goal_met": None if goal is None else ratio <= goal,
            }
        )
    return {
        "format": growth.FORMAT,
        "scale": scale,
        "referrals": referrals,
        "measured_at": f"2026-12-0{column + 1}T21:40:00+02:00",
        "iterations": 200,
        "pages": pages,
    }


@pytest.fixture
def run_files(tmp_path):
    """The three runs as `bench --json` leaves them, written largest first."""
    paths = []
    for column in (2, 0, 1):
        path = tmp_path / "growth" / f"scale-{SIZES[column][0]:g}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(fabricated_run(column)))
        paths.append(path)
    return paths


def svg_texts(path) -> list[str]:
    root = ET.parse(path).getroot()  # noqa: S314 (our own file)
    assert root.tag == f"{SVG}svg"
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_the_plot_names_every_page_the_sizes_and_the_floor_goals(tmp_path, run_files):
    runs = growth.read_runs(run_files)
    assert [run["referrals"] for run in runs] == [10_000, 100_000, 1_000_000]
    path = tmp_path / "growth.svg"
    growth.write_svg(path, runs)
    texts = svg_texts(path)
    for _key, title, *_rest in PAGES:
        assert title.split(" (")[0] in texts
    assert {"10k", "100k", "1M"} <= set(texts)
    assert {"goal ≤ 5 ×", "goal ≤ 15 ×", "goal ≤ 1.5 ×"} <= set(texts)
    assert "Referrals in the database" in texts
    assert "Median over the floor's median (× floor)" in texts


def test_the_same_runs_draw_the_same_bytes(tmp_path, run_files):
    runs = growth.read_runs(run_files)
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    growth.write_svg(first, runs)
    growth.write_svg(second, growth.read_runs(reversed(run_files)))
    assert first.read_bytes() == second.read_bytes()
    assert b"<dc:date>" not in first.read_bytes()


def test_the_table_shows_each_pages_query_counts_side_by_side(tmp_path, run_files):
    path = tmp_path / "growth.md"
    growth.write_table(path, growth.read_runs(run_files))
    text = path.read_text()
    assert "![Each page's ratio to the floor at each data size](growth.svg)" in text
    assert "| 1 000 000 | 1 | 2026-12-03T21:40:00+02:00 | 200 |" in text
    header = next(line for line in text.splitlines() if line.startswith("| Page |"))
    assert header == (
        "| Page | ms 10k | ms 100k | ms 1M | queries 10k | queries 100k | queries 1M "
        "| × floor 10k | × floor 100k | × floor 1M | Same queries |"
    )
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert rows["| Worker: inbox"] == (
        "| Worker: inbox | 9.00 | 12.00 | 21.20 | 6 | 6 | 6 | 9.00 | 12.00 | 21.20 | yes |"
    )
    assert rows["| Worker: a page with an N+1"].endswith(
        "| 7 | 16 | 52 | 8.00 | 20.00 | 60.00 | **no** |"
    )


def test_a_page_missing_from_a_run_shows_a_dash_and_no_same_count(run_files):
    runs = growth.read_runs(run_files)
    runs[0]["pages"] = [p for p in runs[0]["pages"] if p["key"] != "inbox"]
    row = next(line for line in growth.table(runs) if line.startswith("| Worker: inbox"))
    assert row == "| Worker: inbox | – | 12.00 | 21.20 | – | 6 | 6 | – | 12.00 | 21.20 | **no** |"


def test_a_bench_run_is_written_as_json_with_its_ratios_and_goals(tmp_path):
    user = UserFactory.build()
    cases = [
        bench.Case("baseline", "Ping", user, "", iterations=40, floor_goal=1.5),
        bench.Case("floor", "Floor", user, ""),
        bench.Case("inbox", "Worker: inbox", user, "", goal="ratio:3", floor_goal=5.0),
        bench.Case("consent_pdf", "PDF", user, "", goal="ms:1000"),
    ]
    medians = (3.0, 2.0, 12.0, 70.0)
    results = [bench.Result(c, ms, ms * 2, 4) for c, ms in zip(cases, medians, strict=True)]
    bench.set_ratios(results)
    measured = datetime.datetime(2026, 12, 6, 21, 40, 5, 123, tzinfo=datetime.UTC)
    path = tmp_path / "runs" / "scale-0.01.json"
    growth.write_json(path, results, scale=0.01, referrals=10_000, measured_at=measured)
    document = json.loads(path.read_text())
    assert {k: v for k, v in document.items() if k != "pages"} == {
        "format": 1,
        "scale": 0.01,
        "referrals": 10_000,
        "measured_at": "2026-12-06T21:40:05+00:00",
        "iterations": 40,
    }
    assert document["pages"][2] == {
        "key": "inbox",
        "title": "Worker: inbox",
        "median_ms": 12.0,
        "p95_ms": 24.0,
        "queries": 4,
        "floor_ratio": 6.0,
        "baseline_ratio": 4.0,
        "floor_goal": 5.0,
        "floor_goal_met": False,
    }
    assert [p["floor_goal_met"] for p in document["pages"]] == [True, None, False, None]
    assert growth.read_runs([path])[0]["pages"][3]["floor_ratio"] == 35.0


def test_without_a_floor_the_json_has_no_ratio_to_it_and_no_verdict(tmp_path):
    case = bench.Case("baseline", "Ping", UserFactory.build(), "", floor_goal=1.5)
    results = [bench.Result(case, 3.0, 4.0, 2)]
    bench.set_ratios(results)
    now = datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC)
    page = growth.run_document(results, scale=1, referrals=5, measured_at=now)["pages"][0]
    assert (page["floor_ratio"], page["floor_goal_met"], page["baseline_ratio"]) == (None, None, 1)


def test_each_scale_measures_in_a_database_of_its_own():
    base = "postgres://postgres@127.0.0.1:5432/perhelinja_bench"
    assert bench_growth.url_for_scale(base, 1.0) == base
    assert bench_growth.url_for_scale(base, 0.1) == base + "_100k"
    assert bench_growth.url_for_scale(base + "?sslmode=disable", 0.01) == (
        "postgres://postgres@127.0.0.1:5432/perhelinja_bench_10k?sslmode=disable"
    )
    assert bench_growth.url_for_scale(base, 0.0005) == base + "_500"
    assert bench_growth.url_for_scale(base, 0.0025) == base + "_2_5k"
    with pytest.raises(CommandError, match="PostgreSQL"):
        bench_growth.url_for_scale("sqlite:///db.sqlite3", 0.1)


def test_the_growth_command_runs_the_bench_per_scale_then_plots(tmp_path, monkeypatch):
    calls = []

    def fake_bench(argv, *, env, check):
        """What `manage.py bench --json` leaves behind, without measuring."""
        calls.append((argv, env["DATABASE_URL"]))
        scale = float(argv[argv.index("--scale") + 1])
        column = [s for s, _n in SIZES].index(scale)
        path = tmp_path / "runs" / f"scale-{scale:g}.json"
        assert argv[argv.index("--json") + 1] == str(path)
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(fabricated_run(column)))
        return bench_growth.subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(bench_growth.subprocess, "run", fake_bench)
    options = {
        "runs": str(tmp_path / "runs"),
        "svg": str(tmp_path / "out" / "growth.svg"),
        "table": str(tmp_path / "out" / "growth.md"),
    }
    call_command(
        "bench_growth",
        scales="1,0.01,0.1",
        iterations=7,
        database_url="postgres://postgres@127.0.0.1:5432/perhelinja_bench",
        **options,
    )
    assert [url.rsplit("/", 1)[1] for _argv, url in calls] == [
        "perhelinja_bench_10k",
        "perhelinja_bench_100k",
        "perhelinja_bench",
    ]
    argv = calls[0][0]
    assert argv[2:6] == ["bench", "--scale", "0.01", "--iterations"] and argv[6] == "7"
    assert argv[argv.index("--output") + 1] == str(tmp_path / "runs" / "scale-0.01.md")
    drawn = (tmp_path / "out" / "growth.svg").read_bytes()
    assert "Worker: a page with an N+1" in svg_texts(tmp_path / "out" / "growth.svg")
    assert "](growth.svg)" in (tmp_path / "out" / "growth.md").read_text()

    (tmp_path / "out" / "growth.svg").unlink()
    calls.clear()
    call_command("bench_growth", scales="0.01,0.1,1", plot_only=True, **options)
    assert calls == []
    assert (tmp_path / "out" / "growth.svg").read_bytes() == drawn


def test_plotting_a_scale_that_was_not_run_fails(tmp_path, run_files):
    with pytest.raises(CommandError, match=r"scale-0\.5\.json"):
        call_command(
            "bench_growth",
            scales="0.01,0.5",
            plot_only=True,
            runs=str(run_files[0].parent),
            svg=str(tmp_path / "g.svg"),
            table=str(tmp_path / "g.md"),
        )
    assert not (tmp_path / "g.svg").exists()


def test_a_failed_bench_stops_the_growth_run(tmp_path, monkeypatch):
    def failing(argv, *, env, check):
        return bench_growth.subprocess.CompletedProcess(argv, 1)

    monkeypatch.setattr(bench_growth.subprocess, "run", failing)
    with pytest.raises(CommandError, match=r"scale 0\.01 failed"):
        call_command(
            "bench_growth",
            scales="0.01",
            database_url="postgres://postgres@127.0.0.1:5432/perhelinja_bench",
            runs=str(tmp_path),
            svg=str(tmp_path / "g.svg"),
            table=str(tmp_path / "g.md"),
        )
    assert not (tmp_path / "g.svg").exists()
