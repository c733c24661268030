"""The read-only replica's router (perhelinja/routers.py): which reads go to "replica".

"replica" here is a test mirror of "default" (DATABASES[...]["TEST"]["MIRROR"]), the same
database through a second connection, so that these tests run on SQLite and on PostgreSQL
alike and show which connection each query used. The mirror sees only committed rows, hence
the transactional tests.
"""

import copy
import datetime

import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from directory.models import Municipality
from insight import snapshot
from insight.models import InsightReport
from insight.period import Period, Scope
from insight.tasks import build_insight_report
from perhelinja import routers
from perhelinja.routers import read_alias, use_replica
from referrals.models import State
from tests.factories import Cast, ServiceFactory, referral_in_state
from tests.two_factor import login

if routers.REPLICA not in connections.settings:
    # The alias settings.py adds when DATABASE_REPLICA_URL is set, as a mirror of default; it
    # is only used where the router sends reads, so other tests never see it in use.
    mirror = copy.deepcopy(connections.settings["default"])
    mirror["TEST"] = {**mirror["TEST"], "MIRROR": "default"}
    connections.settings[routers.REPLICA] = mirror

REPLICA_ON = override_settings(
    DATABASE_REPLICA_URL="postgres://replica.invalid/perhelinja",
    DATABASE_ROUTERS=["perhelinja.routers.ReplicaRouter"],
    MIDDLEWARE=[*settings.MIDDLEWARE, "perhelinja.routers.ReadYourWritesMiddleware"],
    READ_YOUR_WRITES_SECONDS=10,
)
both = pytest.mark.django_db(databases=["default", routers.REPLICA], transaction=True)


def _captured():
    return CaptureQueriesContext(connections["default"]), CaptureQueriesContext(
        connections[routers.REPLICA]
    )


def _touching(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if table in q["sql"]]


@both
def test_without_a_replica_url_every_read_uses_default(client):
    assert not settings.DATABASE_REPLICA_URL
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    with use_replica():
        assert read_alias() == "default"
        assert router.db_for_read(Municipality) == "default"
    primary, replica = _captured()
    with primary, replica:
        assert client.get(reverse("insight:dashboard"), {"area": "all"}).status_code == 200
        assert client.get(reverse("catalogue")).status_code == 200
    assert _touching(primary.captured_queries, "referrals_referral")
    assert not replica.captured_queries


@both
@REPLICA_ON
def test_the_dashboard_reads_the_referrals_from_the_replica_only(client):
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    primary, replica = _captured()
    with primary, replica:
        response = client.get(reverse("insight:dashboard"), {"area": "all"})
    assert response.status_code == 200
    assert _touching(replica.captured_queries, "referrals_referral")
    assert not _touching(primary.captured_queries, "referrals_referral")


@both
@REPLICA_ON
def test_the_catalogue_reads_the_services_from_the_replica(client):
    ServiceFactory()
    primary, replica = _captured()
    with primary, replica:
        response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    assert _touching(replica.captured_queries, "directory_service")
    assert not _touching(primary.captured_queries, "directory_service")


@both
@REPLICA_ON
def test_the_snapshot_job_reads_from_the_replica_and_stores_on_default():
    referral_in_state(State.SUBMITTED, Cast())
    today = datetime.date.today()
    primary, replica = _captured()
    with primary, replica:
        snapshot.refresh(Period(today.replace(month=1, day=1), today), Scope(municipalities=()))
    assert _touching(replica.captured_queries, "referrals_referral")
    assert not _touching(primary.captured_queries, "referrals_referral")
    assert not _touching(replica.captured_queries, "INSERT")
    assert _touching(primary.captured_queries, "insight_insightsnapshot")


@both
@REPLICA_ON
def test_writes_inside_use_replica_go_to_default():
    primary, replica = _captured()
    with use_replica(), primary, replica:
        assert read_alias() == routers.REPLICA
        ServiceFactory()
    assert _touching(primary.captured_queries, "INSERT")
    assert not _touching(replica.captured_queries, "INSERT")


@both
@REPLICA_ON
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary():
    with transaction.atomic(), use_replica():
        assert read_alias() == "default"
    with use_replica():
        assert read_alias() == routers.REPLICA


@both
@REPLICA_ON
def test_a_person_who_has_just_written_reads_the_primary(client):
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    wrote = client.post(reverse("set_language"), {"language": "fi", "next": "/"})
    assert wrote.status_code == 302
    assert routers.COOKIE in wrote.cookies
    primary, replica = _captured()
    with primary, replica:
        assert client.get(reverse("insight:dashboard"), {"area": "all"}).status_code == 200
    assert not replica.captured_queries
    assert _touching(primary.captured_queries, "referrals_referral")


@both
@REPLICA_ON
def test_a_failed_post_does_not_keep_the_person_on_the_primary(client):
    login(client, Cast().coordinator)
    response = client.post("/no-such-page/", {"anything": "1"})
    assert response.status_code == 404
    assert routers.COOKIE not in response.cookies


@both
@REPLICA_ON
def test_a_cookie_that_is_not_signed_does_not_pin_the_person_to_the_primary(client):
    ServiceFactory()
    client.cookies[routers.COOKIE] = "1"
    replica = CaptureQueriesContext(connections[routers.REPLICA])
    with replica:
        client.get(reverse("catalogue"))
    assert _touching(replica.captured_queries, "directory_service")


def test_the_replica_is_never_migrated():
    ours = routers.ReplicaRouter()
    assert not ours.allow_migrate(routers.REPLICA, "referrals")
    assert ours.allow_migrate("default", "referrals")


@both
@REPLICA_ON
def test_the_pdf_period_report_reads_its_figures_from_the_replica():
    """The task reads and writes its own report row on the primary (its progress must be
    seen at once); every figure comes from the replica."""
    cast = Cast()
    referral_in_state(State.COMPLETED, cast)
    today = datetime.date.today()
    report = InsightReport.objects.create(
        requested_by=cast.coordinator,
        language="fi",
        parameters={"start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()}
        | Scope(municipalities=()).as_json(),
    )
    primary, replica = _captured()
    with primary, replica:
        assert build_insight_report(report.pk) == InsightReport.Status.READY
    for table in ("referrals_referral", "appointments_appointment", "evaluation_"):
        assert not _touching(primary.captured_queries, table), table
    assert _touching(replica.captured_queries, "referrals_referral")


@both
@REPLICA_ON
def test_the_coverage_map_reads_from_the_replica_only(client):
    cast = Cast()
    referral_in_state(State.SUBMITTED, cast)
    login(client, cast.coordinator)
    primary, replica = _captured()
    with primary, replica:
        response = client.get(reverse("insight:coverage"), {"kind": "challenges"})
    assert response.status_code == 200
    assert _touching(replica.captured_queries, "directory_service")
    for table in ("referrals_referral", "directory_service", "directory_municipality"):
        assert not _touching(primary.captured_queries, table), table
