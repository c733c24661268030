"""The pages `make bench` measures make the same number of queries on a small and on a four
times larger data set: their cost does not grow with the data (no N+1, bounded lists)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from referrals.models import Referral
from scale import bench, generator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def query_counts() -> tuple[dict[str, int], bench.Cast]:
    cast = bench.heaviest_cast(bookings=bench.bookings_needed(5))
    counts = {}
    for case in bench.cases(cast, iterations=5):
        client = bench.client_for(case)
        bench.request(client, case)  # the first request of a session may set it up
        counts[case.key] = bench.count_queries(client, case)
    return counts, cast


@pytest.mark.slow
def test_every_benchmarked_page_makes_as_many_queries_on_four_times_the_data(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "perhelinja.sms.LocmemBackend"
    now = timezone.now() - datetime.timedelta(hours=1)
    generator.generate(0.0008, seed=11, now=now, log=lambda _line: None)
    small, small_cast = query_counts()
    mine_before = Referral.objects.filter(referrer=small_cast.professional).count()
    generator.generate(0.0024, seed=12, now=now, log=lambda _line: None)
    large, large_cast = query_counts()
    assert Referral.objects.count() == 3200
    assert Referral.objects.filter(referrer=large_cast.professional).count() > mine_before
    assert set(small) == {c.key for c in bench.cases(large_cast)}
    assert large == small


@pytest.mark.slow
def test_a_bench_report_names_the_machine_and_every_page(tmp_path, settings):
    generator.generate(0.0003, seed=5, log=lambda _line: None)
    cast = bench.heaviest_cast(bookings=bench.bookings_needed(5))
    results = bench.measure(bench.cases(cast, iterations=5), rounds=2, warmup=1)
    bench.set_ratios(results)
    path = tmp_path / "results.md"
    bench.write_results(path, results, scale=0.0003, generation={"seconds": 1.0}, notes=["x"])
    text = path.read_text()
    assert "Cores:" in text and "Database:" in text and "Measured " in text
    for case in bench.cases(cast):
        assert case.label in text
    assert results[0].ratio == 1.0 and all(r.queries > 0 for r in results)
    floor = next(r for r in results if r.case.key == "floor")
    assert floor.floor_ratio == 1.0 and all(r.floor_ratio > 0 for r in results)
    ping_row = next(line for line in text.splitlines() if line.startswith("| Baseline"))
    assert f"| {results[0].floor_ratio:.2f} | ≤ 1.5 × |" in ping_row


def test_the_floor_is_a_bare_signed_in_django_view(client):
    user = UserFactory()
    case = bench.Case("floor", "Floor", user, bench.FLOOR_PATH, handler=bench.FloorHandler)
    floor = bench.client_for(case)
    response = bench.request(floor, case)
    assert response.content == b"ok"
    # none of the site's middleware: no security headers, no Cache-Control, no CSP
    assert not {"Content-Security-Policy", "Cache-Control", "X-Frame-Options"} & set(
        response.headers
    )
    assert bench.count_queries(floor, case) == 2  # the session and the user
    signed_out = bench.Client()
    signed_out.handler = bench.FloorHandler()
    assert signed_out.get(bench.FLOOR_PATH).status_code == 302  # login required
    assert client.get(bench.FLOOR_PATH).status_code == 404  # not a page of the site
    behind = bench.Case("m", "M", user, bench.FLOOR_PATH, handler=bench.SiteMiddlewareHandler)
    response = bench.request(bench.client_for(behind), behind)
    assert response.content == b"ok" and "no-store" in response["Cache-Control"]


def test_every_page_is_compared_with_the_baseline_and_the_floor():
    user = UserFactory()
    cases = [
        bench.Case("baseline", "Ping", user, "", floor_goal=1.5),
        bench.Case("floor", "Floor", user, ""),
        bench.Case("page", "Page", user, "", goal="ratio:3", floor_goal=5.0),
    ]
    results = [bench.Result(c, ms, ms, 2) for c, ms in zip(cases, (3.0, 2.0, 12.0), strict=True)]
    bench.set_ratios(results)
    assert [(r.ratio, r.floor_ratio) for r in results] == [(1.0, 1.5), (2 / 3, 1.0), (4.0, 6.0)]
    assert [r.floor_goal_met for r in results] == [True, None, False]
    rows = bench.table(results)
    assert rows[0].count("× floor") == 1
    assert rows[4].endswith("| 4.00 | ≤ 3 × | **no** | 6.00 | ≤ 5 × | **no** |")


def test_the_bench_interleaves_the_pages_with_the_baseline_round_by_round():
    user = UserFactory()
    order: list[str] = []
    first = bench.Case("a", "A", user, "", iterations=4, call=lambda: order.append("a"))
    second = bench.Case("b", "B", user, "", iterations=2, call=lambda: order.append("b"))
    results = bench.measure([first, second], rounds=2, warmup=1)
    # warm-up and the counted request of each, then round 0 from a, round 1 from b
    assert order == ["a", "a", "b", "b", "a", "a", "b", "b", "a", "a"]
    assert [r.case.key for r in results] == ["a", "b"]
    assert bench.shares(5, 3) == [2, 2, 1] and sum(bench.shares(200, 20)) == 200


@pytest.mark.parametrize(("seconds", "verdict"), [(442.8, "met"), (726.1, "**not met**")])
def test_a_full_scale_report_says_whether_generation_met_its_goal(tmp_path, seconds, verdict):
    generator.generate(0.0003, seed=5, log=lambda _line: None)
    cast = bench.heaviest_cast(bookings=bench.bookings_needed(5))
    results = bench.measure(bench.cases(cast, iterations=2)[:2], rounds=1, warmup=0)
    path = tmp_path / "results.md"
    bench.write_results(path, results, scale=1.0, generation={"seconds": seconds}, notes=[])
    line = f"in {seconds} s (rows, indexes, VACUUM ANALYZE) on this machine; goal under 600 s"
    assert f"{line}: {verdict}\n" in path.read_text()
