import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from insight.charts import Series, bar_chart, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_a_line_chart_is_an_accessible_svg_with_its_numbers_in_the_description():
    svg = line_chart("Lähetteet", ["1/26", "2/26", "3/26"], [Series("Saapuneet", [5, 12, 8])])
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Lähetteet"
    assert root.find("svg:desc", NS).text == "Saapuneet: 1/26 5, 2/26 12, 3/26 8"
    [line] = root.findall("svg:polyline", NS)
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 3
    # higher values are drawn higher (smaller y)
    assert points[1][1] < points[2][1] < points[0][1]


def test_a_suppressed_value_breaks_the_line_and_is_told_as_a_dash():
    svg = line_chart("x", ["a", "b", "c", "d"], [Series("s", [6, None, 7, 9])])
    root = parse(svg)
    assert len(root.findall("svg:polyline", NS)) == 2
    assert "b –" in root.find("svg:desc", NS).text


def test_bars_are_proportional_and_a_hidden_value_draws_no_bar():
    svg = bar_chart("Alueet", ["Turku", "Laitila", "Kemiönsaari"], [20, 10, None])
    root = parse(svg)
    bars = [r for r in root.findall("svg:rect", NS)]
    assert len(bars) == 2
    heights = [float(b.get("height")) for b in bars]
    assert abs(heights[0] - 2 * heights[1]) < 0.5


def test_text_is_escaped():
    svg = bar_chart("<script>", ["<b>"], [1])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    parse(svg)


@pytest.mark.parametrize(("language", "comma"), [("fi", True), ("sv", True), ("en", False)])
def test_chart_numbers_are_written_with_the_language_s_decimal_mark(language, comma):
    with translation.override(language):
        line = parse(line_chart("x", ["a", "b"], [Series("s", [0.5, 2.5])]))
        empty = parse(bar_chart("y", ["a", "b"], [0, 0]))
    desc = line.find("svg:desc", NS).text
    ticks = [t.text for t in empty.findall("svg:text", NS)]
    if comma:
        assert desc == "s: a 0,5, b 2,5"
        assert "0,2" in ticks and "0.2" not in ticks  # an axis of 0-1 ticks by 0,2
    else:
        assert desc == "s: a 0.5, b 2.5"
        assert "0.2" in ticks


def test_a_long_time_axis_names_every_other_month_and_describes_them_all():
    months = ["12/2025", *(f"{m}/2026" for m in range(1, 13))]
    root = parse(line_chart("x", months, [Series("s", list(range(13)))]))
    names = [t.text for t in root.findall("svg:text", NS) if "/" in (t.text or "")]
    assert names == months[::2]
    assert all(month in root.find("svg:desc", NS).text for month in months)
