"""`make bench-growth`: the bench at 10k, 100k and 1M referrals, side by side.

Each `manage.py bench --json` run writes its results as JSON (`write_json`); this module reads
the runs back and draws each page's ratio to the floor against the data size (`write_svg`) and
tabulates medians, query counts and ratios per size (`write_table`). A page whose cost does not
depend on the data has a flat line and the same query count at every size.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

from scale.bench import Result

FORMAT = 1  # bumped when the JSON's fields change meaning
# Same input, same bytes: matplotlib salts the SVG's element ids with a random hash otherwise.
SVG_HASHSALT = "perhelinja-bench-growth"


# --- one run as JSON -------------------------------------------------------------------------


def run_document(
    results: Sequence[Result], *, scale: float, referrals: int, measured_at: datetime.datetime
) -> dict:
    """One bench run in the form the growth plot reads: no Django objects, only numbers."""
    return {
        "format": FORMAT,
        "scale": scale,
        "referrals": referrals,
        "measured_at": measured_at.isoformat(timespec="seconds"),
        "iterations": results[0].case.iterations if results else 0,
        "pages": [
            {
                "key": r.case.key,
                "title": r.case.label,
                "median_ms": r.median_ms,
                "p95_ms": r.p95_ms,
                "queries": r.queries,
                "floor_ratio": r.floor_ratio or None,  # 0.0: no floor was measured
                "baseline_ratio": r.ratio or None,
                "floor_goal": r.case.floor_goal,
                "floor_goal_met": r.floor_goal_met if r.floor_ratio else None,
            }
            for r in results
        ],
    }


def write_json(
    path: Path,
    results: Sequence[Result],
    *,
    scale: float,
    referrals: int,
    measured_at: datetime.datetime,
) -> None:
    document = run_document(results, scale=scale, referrals=referrals, measured_at=measured_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def read_runs(paths: Iterable[Path]) -> list[dict]:
    """The runs, smallest data set first."""
    runs = [json.loads(Path(path).read_text()) for path in paths]
    return sorted(runs, key=lambda run: (run["referrals"], run["scale"]))


# --- the runs side by side -------------------------------------------------------------------


def size_label(referrals: int) -> str:
    """10000 -> "10k", 1000000 -> "1M": the x axis and the table's columns."""
    for bound, suffix in ((1_000_000, "M"), (1_000, "k")):
        if referrals >= bound:
            return f"{referrals / bound:g}{suffix}"
    return str(referrals)


def pages(runs: Sequence[dict]) -> list[tuple[str, str]]:
    """(key, title) of every page of any run, in the bench's order."""
    seen: dict[str, str] = {}
    for run in runs:
        for page in run["pages"]:
            seen.setdefault(page["key"], page["title"])
    return list(seen.items())


def _by_key(run: dict) -> dict[str, dict]:
    return {page["key"]: page for page in run["pages"]}


def _short(title: str) -> str:
    """The legend's name of a page: its title without the parenthesised detail."""
    return title.split(" (", 1)[0]


def write_svg(path: Path, runs: Sequence[dict]) -> None:
    """Each page's ratio to the floor against the referrals, both axes logarithmic (the ratios
    span 1 to several hundred); the floor goals as dashed lines."""
    sizes = [run["referrals"] for run in runs]
    style = {
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "none",  # text stays text: searchable, and smaller
        "font.size": 9,
    }
    with mpl.rc_context(style):
        figure = Figure(figsize=(10, 5.5), layout="constrained")
        FigureCanvasAgg(figure)  # no pyplot, no GUI: the figure is drawn and saved only
        axes = figure.add_subplot()
        colours = mpl.colormaps["tab20"]
        markers = "osD^vP*Xh<>p"
        goals = sorted(
            {
                page["floor_goal"]
                for run in runs
                for page in run["pages"]
                if page["floor_goal"] is not None
            }
        )
        by_key = [(run["referrals"], _by_key(run)) for run in runs]
        for n, (key, title) in enumerate(pages(runs)):
            points = [
                (referrals, found[key]["floor_ratio"])
                for referrals, found in by_key
                if key in found and found[key]["floor_ratio"]
            ]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            if key == "floor":
                axes.plot(xs, ys, color="black", linewidth=1, label=_short(title))
                continue
            axes.plot(
                xs,
                ys,
                color=colours(n % 20),
                marker=markers[n % len(markers)],
                markersize=4,
                linewidth=1.5,
                label=_short(title),
            )
        for goal in goals:
            # zorder: over the grid, under the pages' lines
            axes.axhline(goal, color="0.3", linestyle="--", linewidth=0.8, zorder=1.8)
            axes.annotate(
                f"goal ≤ {goal:g} ×",
                xy=(1, goal),
                xycoords=("axes fraction", "data"),
                xytext=(-4, 2),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color="0.3",
                fontsize=8,
            )
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.xaxis.set_major_locator(FixedLocator(sizes))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: size_label(round(x))))
        axes.xaxis.set_minor_locator(NullLocator())
        if len(sizes) > 1:
            axes.set_xlim(sizes[0] / 1.5, sizes[-1] * 1.5)
        axes.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
        axes.yaxis.set_minor_locator(NullLocator())
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:g}"))
        axes.grid(True, which="major", color="0.9")
        axes.set_xlabel("Referrals in the database")
        axes.set_ylabel("Median over the floor's median (× floor)")
        axes.set_title("How the pages' cost grows with the data (flat lines are the goal)")
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="svg", metadata={"Date": None})


def table(runs: Sequence[dict]) -> list[str]:
    """A row per page: the medians, the query counts and the ratios to the floor, each with
    the sizes side by side so that a growing number stands out."""
    labels = [size_label(run["referrals"]) for run in runs]
    by_key = [_by_key(run) for run in runs]
    header = ["Page"]
    header += [f"ms {label}" for label in labels]
    header += [f"queries {label}" for label in labels]
    header += [f"× floor {label}" for label in labels]
    header += ["Same queries"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (3 * len(runs)) + "---|",
    ]
    for key, title in pages(runs):
        found = [run_pages.get(key) for run_pages in by_key]
        medians = [f"{p['median_ms']:.2f}" if p else "–" for p in found]
        queries = [str(p["queries"]) if p else "–" for p in found]
        ratios = [f"{p['floor_ratio']:.2f}" if p and p["floor_ratio"] else "–" for p in found]
        counts = {p["queries"] for p in found if p}
        same = "yes" if len(counts) == 1 and all(found) else "**no**"
        lines.append("| " + " | ".join([title, *medians, *queries, *ratios, same]) + " |")
    return lines


def write_table(path: Path, runs: Sequence[dict], *, svg_name: str = "growth.svg") -> None:
    lines = [
        "# `make bench-growth` results",
        "",
        "The bench (`make bench`, see [results.md](results.md)) run at each data size in a "
        "database of its own. × floor: the page's median over the floor's median in the same "
        "run (a bare Django view behind only the session and authentication middleware). A page "
        "whose cost does not depend on the data keeps its ratio and its query count at every "
        "size.",
        "",
        f"![Each page's ratio to the floor at each data size]({svg_name})",
        "",
        "## Runs",
        "",
        "| Referrals | Scale | Measured | Requests per page |",
        "|---:|---:|---|---:|",
        *[
            f"| {run['referrals']:,} | {run['scale']:g} | {run['measured_at']} | "
            f"{run['iterations']} |".replace(",", " ")  # thousands as in results.md
            for run in runs
        ],
        "",
        "## Pages",
        "",
        *table(runs),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
