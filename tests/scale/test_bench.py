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
        client = bench.signed_in(case.user)
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
    for result in results:
        result.ratio = result.median_ms / results[0].median_ms
    path = tmp_path / "results.md"
    bench.write_results(path, results, scale=0.0003, generation={"seconds": 1.0}, notes=["x"])
    text = path.read_text()
    assert "Cores:" in text and "Database:" in text and "Measured " in text
    for case in bench.cases(cast):
        assert case.label in text
    assert results[0].ratio == 1.0 and all(r.queries > 0 for r in results)


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
