"""Outreach activities: organization workers record their own organization's, coordinators
every one; counts and themes only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from directory.models import Municipality
from evaluation import services
from evaluation.models import OutreachActivity
from tests.factories import (
    ChallengeFactory,
    CoordinatorFactory,
    OrganizationFactory,
    ProfessionalFactory,
    TargetGroupFactory,
    WorkerFactory,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def _activity(actor, organizations, **kwargs) -> OutreachActivity:
    values = {
        "date": _yesterday(),
        "municipality": Municipality.objects.get(code="853"),
        "organizations": organizations,
        "kind": "lecture",
        "audience": "professionals",
        "head_count": 40,
    }
    values.update(kwargs)
    return services.outreach_create(actor=actor, **values)


def _form_data(organizations, **kwargs) -> dict:
    data = {
        "date": _yesterday().isoformat(),
        "municipality": Municipality.objects.get(code="400").pk,
        "organizations": [o.pk for o in organizations],
        "kind": "open_door",
        "audience": "families",
        "head_count": "12",
    }
    data.update(kwargs)
    return data


def test_a_worker_records_an_activity_of_their_organization(client):
    worker = WorkerFactory()
    partner = OrganizationFactory()
    theme, group = ChallengeFactory(), TargetGroupFactory()
    login(client, worker)
    page = client.get(reverse("evaluation:outreach_new")).content.decode()
    assert f'value="{worker.organization_id}" id="id_organizations_' in page
    assert "checked" in page and "<legend" in page
    data = _form_data(
        [worker.organization, partner], challenges=[theme.pk], target_groups=[group.pk]
    )
    response = client.post(reverse("evaluation:outreach_new"), data)
    assert response.status_code == 302
    activity = OutreachActivity.objects.get()
    assert set(activity.organizations.all()) == {worker.organization, partner}
    assert (activity.kind, activity.audience, activity.head_count) == ("open_door", "families", 12)
    assert list(activity.challenges.all()) == [theme]
    assert list(activity.target_groups.all()) == [group]
    assert activity.municipality.code == "400"


def test_a_worker_cannot_record_for_other_organizations_only(client):
    worker = WorkerFactory()
    login(client, worker)
    response = client.post(reverse("evaluation:outreach_new"), _form_data([OrganizationFactory()]))
    assert response.status_code == 200
    assert "Include your own organization among the organizers." in response.content.decode()
    assert not OutreachActivity.objects.exists()


def test_an_activity_is_recorded_after_it_took_place():
    worker = WorkerFactory()
    with pytest.raises(ValidationError) as exc:
        _activity(worker, [worker.organization], date=timezone.localdate() + datetime.timedelta(1))
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _activity(worker, [worker.organization], head_count=0)


def test_who_sees_and_edits_which_activity(client):
    """404 for everyone who may not know the activity; coordinators edit every one."""
    worker = WorkerFactory()
    colleague = WorkerFactory(organization=worker.organization)
    other = WorkerFactory()
    coordinator = CoordinatorFactory()
    professional = ProfessionalFactory()
    activity = _activity(worker, [worker.organization])
    edit = reverse("evaluation:outreach_edit", args=[activity.pk])
    delete = reverse("evaluation:outreach_delete", args=[activity.pk])
    data = _form_data([worker.organization], head_count="41")

    matrix = {
        colleague: {"list": 200, "new": 200, "edit": 200},
        coordinator: {"list": 200, "new": 200, "edit": 200},
        other: {"list": 200, "new": 200, "edit": 404},
        professional: {"list": 404, "new": 404, "edit": 404},
    }
    for user, expected in matrix.items():
        login(client, user)
        got = {
            "list": client.get(reverse("evaluation:outreach")).status_code,
            "new": client.get(reverse("evaluation:outreach_new")).status_code,
            "edit": client.get(edit).status_code,
        }
        assert got == expected, user
    for user, new_status in ((other, 200), (professional, 404)):
        login(client, user)
        assert client.post(edit, data).status_code == 404
        assert client.post(delete).status_code == 404
        # The other worker gets the form back: their own organization is not among these.
        assert client.post(reverse("evaluation:outreach_new"), data).status_code == new_status
    assert OutreachActivity.objects.count() == 1
    activity.refresh_from_db()
    assert activity.head_count == 40

    login(client, other)
    assert "No activities recorded." in client.get(reverse("evaluation:outreach")).content.decode()

    login(client, coordinator)
    assert client.post(edit, data).status_code == 302
    activity.refresh_from_db()
    assert activity.head_count == 41
    login(client, colleague)
    assert client.post(delete).status_code == 302
    assert not OutreachActivity.objects.exists()
    client.logout()
    assert client.get(reverse("evaluation:outreach")).status_code == 302


def test_the_services_check_the_permission_themselves():
    worker, other = WorkerFactory(), WorkerFactory()
    activity = _activity(worker, [worker.organization])
    with pytest.raises(PermissionDenied):
        services.outreach_delete(activity=activity, actor=other)
    with pytest.raises(PermissionDenied):
        _activity(ProfessionalFactory(), [worker.organization])
    # A worker cannot hand their activity over to another organization alone.
    with pytest.raises(ValidationError):
        services.outreach_update(
            activity=activity,
            actor=worker,
            date=_yesterday(),
            municipality=activity.municipality,
            organizations=[other.organization],
            kind="lecture",
            audience="both",
            head_count=5,
        )


def test_the_activity_holds_no_personal_data():
    names = {f.name for f in OutreachActivity._meta.get_fields() if f.concrete or f.many_to_many}
    assert names == {
        "id",
        "date",
        "municipality",
        "organizations",
        "kind",
        "audience",
        "head_count",
        "target_groups",
        "challenges",
        "recorded_by",
        "created_at",
        "updated_at",
    }


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_makes_a_bounded_number_of_queries(client, django_assert_max_num_queries, count):
    coordinator = CoordinatorFactory()
    organizations = [OrganizationFactory() for _ in range(3)]
    themes = [ChallengeFactory() for _ in range(2)]
    for i in range(count):
        activity = _activity(coordinator, organizations[: 1 + i % 3], head_count=i + 1)
        activity.challenges.set(themes)
    login(client, coordinator)
    # The same for 3 and 30 rows: session, user, second factor, permissions (2), role groups,
    # count, page, three prefetches, the area choices, the unread count and the session renewal.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("evaluation:outreach"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == min(count, 25)  # the header row has a class


def test_the_list_filters_by_area_with_htmx(client):
    worker = WorkerFactory()
    _activity(worker, [worker.organization], head_count=40)
    _activity(
        worker,
        [worker.organization],
        head_count=7,
        municipality=Municipality.objects.get(code="322"),
    )
    login(client, worker)
    area = Municipality.objects.get(code="322")
    response = client.get(reverse("evaluation:outreach"), {"area": area.pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="outreach-list"' in body
    assert 'data-label="Head count">7</td>' in body
    assert 'data-label="Head count">40</td>' not in body
