"""The demo has two service packages, one running and one evaluated, made through the
package's actions and loaded only once."""

from io import StringIO

import pytest
from django.core.management import call_command

from insight.packages import build
from packages.models import Answer, PackageEvent, ServicePackage, State

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_running_and_an_evaluated_package_and_adds_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--quiet-users", stdout=StringIO())
    packages = {p.state: p for p in ServicePackage.objects.all()}
    assert set(packages) == {State.RUNNING, State.EVALUATED}
    for package in packages.values():
        assert package.invitations.filter(answer=Answer.ACCEPTED).count() == 2
        assert package.invitations.filter(answer=Answer.DECLINED).count() == 1
        assert package.package_referrals.exists()
        assert package.package_outreach.exists()
        assert PackageEvent.objects.filter(package=package, transition="approve").exists()
    # Their history is spread over their periods, in its order.
    history = list(PackageEvent.objects.filter(package=packages[State.EVALUATED]).order_by("pk"))
    times = [event.created_at for event in history]
    assert times == sorted(times) and times[0] < times[-1]
    assert times[-1].date() < packages[State.RUNNING].starts_on
    evaluated = build(packages[State.EVALUATED])
    assert evaluated.final
    assert all(row[1][1] != "–" for row in evaluated.table("hours").rows)  # both reported
    events = PackageEvent.objects.count()
    call_command("seed_demo", "--quiet-users", stdout=StringIO())
    assert ServicePackage.objects.count() == 2
    assert PackageEvent.objects.count() == events
