"""Server-side SVG charts: no CDN, no JavaScript, readable at a glance.

Each chart is an inline `<svg role="img">` with a `<title>` and `<desc>`; the page puts the
same numbers in a data table beside it, so the chart is never the only way to read them.
Values arrive already suppressed where needed: a `None` value is drawn as a gap. Numbers are
written as the active language writes them (0,5 in Finnish and Swedish).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 28, 16, 40
MAX_NAMES = 8
# Colours with at least 3:1 contrast against white (WCAG 2.1 non-text contrast).
PALETTE = ["#005a8c", "#b35c00", "#2e7d32", "#6a1b9a", "#c62828"]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def number(value: float) -> str:
    """A tick or a value in the active language: 12, 0,2 (Finnish), 0.2 (English)."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(Decimal(str(round(value, 2))), force_grouping=True)


def _scale(maximum: float) -> float:
    """A round upper bound for the axis."""
    if maximum <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if maximum <= step * 5:
            return step * 5
    return maximum


def _y(value: float, top: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot - plot * value / top


def _axes(labels: Sequence[str], top: float, x_of) -> SafeString:
    ticks = [top * i / 5 for i in range(6)]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d0d0"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, _y(t, top), _y(t, top), LEFT - 6, _y(t, top) + 4, number(t))
            for t in ticks
        ),
    )
    # At most about eight names under the axis (every other month of a year and more), so
    # that they do not run into each other; the description names every one.
    every = math.ceil(len(labels) / MAX_NAMES) if labels else 1
    names = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#333">{}</text>',
        (
            (x_of(i), HEIGHT - BOTTOM + 16, label)
            for i, label in enumerate(labels)
            if i % every == 0
        ),
    )
    return grid + names


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Trend lines over time; a None value breaks the line."""
    values = [v for s in series for v in s.values if v is not None]
    top = _scale(max(values, default=0))
    span = max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * i / span

    paths = []
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segments, current = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x_of(i):.1f},{_y(v, top):.1f}")
        if current:
            segments.append(current)
        for points in segments:
            paths.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>',
                    colour,
                    " ".join(points),
                )
            )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" fill="#333">{}</text>',
        (
            (
                LEFT + 140 * i,
                HEIGHT - 14,
                PALETTE[i % len(PALETTE)],
                LEFT + 140 * i + 14,
                HEIGHT - 5,
                s.name,
            )
            for i, s in enumerate(series)
        ),
    )
    desc = "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{lab} {'–' if v is None else number(v)}"
            for lab, v in zip(labels, s.values, strict=True)
        )
        for s in series
    )
    lines = format_html_join("", "{}", ((path,) for path in paths))
    return _svg(title, desc, _axes(labels, top, x_of) + lines + legend)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None]) -> SafeString:
    """One bar per label (an area, a step of the funnel); None draws no bar."""
    top = _scale(max((v for v in values if v is not None), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)

    def x_of(i: int) -> float:
        return LEFT + slot * i + slot / 2

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        (
            (
                f"{x_of(i) - slot * 0.35:.1f}",
                f"{_y(v, top):.1f}",
                f"{slot * 0.7:.1f}",
                f"{_y(0, top) - _y(v, top):.1f}",
                PALETTE[0],
            )
            for i, v in enumerate(values)
            if v is not None
        ),
    )
    desc = ", ".join(
        f"{lab} {'–' if v is None else number(v)}" for lab, v in zip(labels, values, strict=True)
    )
    return _svg(title, desc, _axes(labels, top, x_of) + bars)


def _svg(title: str, desc: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMidYMid meet" aria-labelledby="{} {}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        _id(title, "t"),
        _id(title, "d"),
        _id(title, "t"),
        title,
        _id(title, "d"),
        desc,
        body,
    )


def _id(title: str, kind: str) -> str:
    return f"chart-{kind}-{zlib.crc32(title.encode()):08x}"
