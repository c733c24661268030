"""`make loadtest` turns locust's statistics into the results section (scale/loadtest.py); no
load is generated here."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appointments.services import get_offer_for_token, shift_create
from consent.models import Consent
from directory.models import User
from referrals.models import State
from scale import loadtest
from tests.appointments.helpers import tomorrow
from tests.factories import Cast, referral_in_state

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,"
    "80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def stats_csv(tmp_path, rows: list[tuple[str, str, int, int, float, int, int, int]]):
    """rows: (type, name, requests, failures, req/s, p50, p95, p99)."""
    lines = [HEADER]
    for kind, name, requests, failures, rps, p50, p95, p99 in rows:
        lines.append(
            f"{kind},{name},{requests},{failures},{p50},{p50 * 1.1},1.0,{p99 * 2},100.0,{rps},"
            f"0.0,{p50},{p50},{p50},{p50},{p95},{p95},{p99},{p99},{p99},{p99},{p99}"
        )
    path = tmp_path / "run_stats.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


RUN = [
    ("GET", "Worker: inbox", 600, 0, 10.0, 40, 120, 200),
    ("GET", "Floor: bare Django view", 400, 0, 8.0, 10, 30, 50),
    ("POST", "Sign in: password", 10, 0, 0.2, 900, 1200, 1300),
    ("GET", "Coordinator: dashboard", 90, 3, 1.5, 150, 300, 400),
    ("", "Aggregated", 1100, 3, 19.7, 30, 200, 900),
]


def test_locust_statistics_are_read_per_page_with_the_aggregate_apart(tmp_path):
    rows, total = loadtest.read_stats(stats_csv(tmp_path, RUN))
    assert [r.name for r in rows] == [
        "Coordinator: dashboard",
        "Floor: bare Django view",
        "Sign in: password",
        "Worker: inbox",
    ]
    dashboard = rows[0]
    assert (
        dashboard.requests,
        dashboard.failures,
        dashboard.p50,
        dashboard.p95,
        dashboard.p99,
    ) == (
        90,
        3,
        150.0,
        300.0,
        400.0,
    )
    assert total.requests == 1100
    assert total.error_rate == pytest.approx(3 / 1100)


def test_a_statistics_file_without_the_aggregate_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Aggregated"):
        loadtest.read_stats(stats_csv(tmp_path, RUN[:2]))


def test_the_mix_is_compared_per_person_with_the_floor_leaving_out_sign_in(tmp_path):
    rows, total = loadtest.read_stats(stats_csv(tmp_path, RUN))
    summary = loadtest.summarize(rows, total, users=12, seconds=60)
    assert summary.floor.name == "Floor: bare Django view"
    assert summary.mix_rps == pytest.approx(11.5)  # the inbox and the dashboard
    # 11.5 req/s from 10 people against 8 req/s from the floor's 2
    assert summary.throughput_ratio == pytest.approx((11.5 / 10) / (8.0 / 2))
    assert [r.name for r in summary.pages] == ["Coordinator: dashboard", "Worker: inbox"]
    assert summary.p95_met is False  # the dashboard's 300 ms; sign-in does not count


def test_the_section_gives_each_page_its_numbers_and_the_goals_verdicts(tmp_path):
    rows, total = loadtest.read_stats(stats_csv(tmp_path, RUN))
    summary = loadtest.summarize(rows, total, users=12, seconds=60)
    lines = loadtest.section(summary, scale=0.01, notes=["A note."])
    text = "\n".join(lines)
    assert lines[0] == "## Load test"
    assert "| Worker: inbox | 600 | 0 | 10.0 | 40 | 120 | 200 | 4.0 |" in lines
    assert "| All requests | 1100 | 3 | 19.7 | 30 | 200 | 900 | 3.0 |" in lines
    assert "Error rate: 0.27% (goal 0: **not met**)" in text
    assert "≤ 250 ms: **not met**" in text
    assert "per person 29% of the floor's" in text
    assert text.endswith("- A note.\n")


def test_the_section_replaces_an_earlier_one_and_keeps_the_rest_of_the_results(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# `make bench` results\n\n## Pages\n\nbench\n\n## Load test\n\nold\n")
    loadtest.write_section(results, ["## Load test", "", "new", ""])
    text = results.read_text()
    assert "bench" in text and "new" in text and "old" not in text
    assert text.count("## Load test") == 1
    results.write_text("# `make bench` results\n\n## Load test\n\nold\n\n## Notes\n\nkept\n")
    loadtest.write_section(results, ["## Load test", "", "new", ""])
    assert results.read_text().endswith("new\n\n## Notes\n\nkept\n")


def test_the_section_is_appended_to_results_without_one(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# `make bench` results\n\n## Notes\n\n- bench\n")
    loadtest.write_section(results, ["## Load test", "", "new", ""])
    assert (
        results.read_text()
        == "# `make bench` results\n\n## Notes\n\n- bench\n\n## Load test\n\nnew\n"
    )


def test_the_load_test_listens_on_127_0_0_1_only():
    env = loadtest.child_env((8101, 8102))
    assert env["ALLOWED_HOSTS"] == "127.0.0.1"
    stack = loadtest.Stack(env, (8101, 8102), log_dir=None)
    assert stack.hosts == ["http://127.0.0.1:8101", "http://127.0.0.1:8102"]


def test_the_load_tests_web_tier_keeps_its_database_connections(monkeypatch):
    """As production should behind gunicorn: no new PostgreSQL backend for every request."""
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    assert loadtest.child_env((8101, 8102))["DB_CONN_MAX_AGE"] == "60"
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    assert loadtest.child_env((8101, 8102))["DB_CONN_MAX_AGE"] == "0"


@pytest.mark.django_db
def test_the_plan_signs_people_in_with_its_password_and_keeps_offered_slots_out_of_bookings():
    cast = Cast()
    first, _ = referral_in_state(State.IN_SERVICE, cast)
    second, _ = referral_in_state(State.IN_SERVICE, cast)
    shift_create(
        actor=cast.handler,
        worker=cast.handler,
        mode="phone",
        first_day=tomorrow(),
        start_time=datetime.time(9),
        end_time=datetime.time(14),
    )
    plan = loadtest.prepare(people=2, password="load-test-password", slots_per_worker=2, offers=1)
    (worker,) = plan["accounts"]["worker"]
    assert (worker["username"], worker["referral"]) == (cast.handler.username, first.pk)
    offer = get_offer_for_token(plan["offers"][0])
    assert offer.referral == second
    offered = set(offer.slots.values_list("pk", flat=True))
    assert len(worker["slots"]) == 2 and not offered & set(worker["slots"])
    (coordinator,) = plan["accounts"]["coordinator"]
    assert coordinator["username"] == cast.coordinator.username and coordinator["totp"]
    for role in ("worker", "professional", "coordinator"):
        for account in plan["accounts"][role]:
            user = User.objects.get(username=account["username"])
            assert user.check_password("load-test-password")


@pytest.mark.django_db
def test_the_plan_gives_workers_a_referral_they_may_still_read():
    """The first load test at a million referrals answered half the workers' pages with 404:
    the oldest bookable referral's generated consent had run out."""
    cast = Cast()
    expired, _ = referral_in_state(State.IN_SERVICE, cast)
    readable, _ = referral_in_state(State.IN_SERVICE, cast)
    Consent.objects.filter(pk=expired.consent_id).update(
        valid_until=timezone.now() - datetime.timedelta(days=1)
    )
    plan = loadtest.prepare(people=1, password="load-test-password", slots_per_worker=0, offers=0)
    (worker,) = plan["accounts"]["worker"]
    assert worker["referral"] == readable.pk


def test_a_run_with_think_time_keeps_the_saturated_runs_section(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# results\n\n## Notes\n\n- bench\n")
    loadtest.write_section(results, [loadtest.heading(0), "", "saturated", ""])
    loadtest.write_section(results, [loadtest.heading(1.0), "", "thinking", ""])
    loadtest.write_section(results, [loadtest.heading(0), "", "saturated again", ""])
    text = results.read_text()
    assert text.count("## Load test") == 2
    assert "saturated again" in text and "thinking" in text and "saturated\n" not in text
    assert text.index("## Load test\n") < text.index("## Load test with think time (1 s)")
