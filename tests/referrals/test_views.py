import pytest
from django.urls import reverse

from consent.models import Consent
from referrals import services
from referrals.models import Notification, Referral, State
from tests.factories import (
    Cast,
    ConsentFactory,
    CoordinatorFactory,
    ProfessionalFactory,
    WorkerFactory,
    referral_in_state,
)
from tests.two_factor import login

pytestmark = pytest.mark.django_db


def outsiders(cast):
    return {
        "other professional": ProfessionalFactory(),
        "worker of another organization": WorkerFactory(),
        "coordinator": cast.coordinator,
        "the organization's worker": cast.handler,
        "referrer": cast.referrer,
    }


PAGES = {
    "detail": lambda pk: ("get", reverse("referrals:detail", args=[pk])),
    "family": lambda pk: ("get", reverse("referrals:family", args=[pk])),
    "review": lambda pk: ("get", reverse("referrals:review", args=[pk])),
    "cancel": lambda pk: ("post", reverse("referrals:action", args=[pk, "cancel"])),
    "accept": lambda pk: ("post", reverse("referrals:action", args=[pk, "accept"])),
    "triage": lambda pk: ("get", reverse("referrals:triage_detail", args=[pk])),
    "assign": lambda pk: ("post", reverse("referrals:triage_action", args=[pk, "assign"])),
    "pool": lambda pk: ("get", reverse("referrals:pool_detail", args=[pk])),
    "claim": lambda pk: ("post", reverse("referrals:claim", args=[pk])),
}
# Who may reach which page of a referral in each state; everyone else gets 404.
ALLOWED = {
    State.DRAFT: {"referrer": {"detail", "family", "review", "cancel"}},
    State.SUBMITTED: {"referrer": {"detail", "cancel"}, "coordinator": {"triage", "assign"}},
    State.POOLED: {
        "referrer": {"detail", "cancel"},
        "coordinator": {"triage", "assign"},
        "the organization's worker": {"pool", "claim"},
    },
    State.ASSIGNED: {
        "referrer": {"detail", "cancel"},
        "the organization's worker": {"detail", "accept"},
        "coordinator": {"triage", "assign"},
    },
    State.DECLINED: {"referrer": {"detail", "cancel"}, "coordinator": {"triage", "assign"}},
}


ROLES = [
    "other professional",
    "worker of another organization",
    "coordinator",
    "the organization's worker",
    "referrer",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", list(ALLOWED))
def test_everyone_but_the_parties_gets_404(client, state, role):
    may_see = ALLOWED[state].get(role, set())
    for page, make in PAGES.items():
        # a fresh referral per page: an allowed POST may move it on
        referral, cast = referral_in_state(state)
        login(client, outsiders(cast)[role])
        method, url = make(referral.pk)
        data = {"reason": "Syy", "organization": cast.organization.pk} if method == "post" else {}
        response = getattr(client, method)(url, data)
        if page in may_see:
            assert response.status_code != 404, page
        elif "detail" in may_see and page in ("cancel", "accept"):
            # a party who sees the referral learns nothing new from a refusal
            assert response.status_code == 403, (page, response.status_code)
        else:
            assert response.status_code == 404, (page, response.status_code)


def test_anonymous_visitors_are_sent_to_login(client):
    referral, _cast = referral_in_state(State.ASSIGNED)
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_wizard_makes_and_sends_a_referral(client):
    cast = Cast()
    client.force_login(cast.referrer)
    response = client.post(
        reverse("referrals:new"),
        {
            "given_by_role": "guardian",
            "given_by_name": "Maija Meikäläinen",
            "method": "written",
            "scopes": ["share_referral", "contact_phone"],
        },
    )
    referral = Referral.objects.get(referrer=cast.referrer)
    assert response.url == reverse("referrals:family", args=[referral.pk])
    response = client.post(
        reverse("referrals:family", args=[referral.pk]),
        {
            "contact_name": "Maija Meikäläinen",
            "contact_phone": "+358 40 000 0001",
            "language": "fi",
            "children_birth_years": "2019, 2022",
            "municipality": cast.referrer.municipality_id,
            "target_group": cast.target_group.pk,
            "challenges": [cast.challenge.pk],
            "description": "Arjen kuormitus.",
        },
    )
    assert response.url == reverse("referrals:preferences", args=[referral.pk])
    client.post(
        reverse("referrals:preferences", args=[referral.pk]),
        {"modes": ["phone"], "preferred_times": "iltapäivät"},
    )
    response = client.get(reverse("referrals:review", args=[referral.pk]))
    assert "Maija Meikäläinen" in response.content.decode()
    response = client.post(reverse("referrals:review", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.state == State.SUBMITTED
    assert list(referral.children.values_list("birth_year", flat=True)) == [2019, 2022]
    assert Consent.objects.get().scope_share_referral


def test_the_wizard_explains_bad_input_and_keeps_what_was_typed(client):
    referral, cast = referral_in_state(State.DRAFT)
    client.force_login(cast.referrer)
    response = client.post(
        reverse("referrals:family", args=[referral.pk]),
        {
            "contact_name": "Uusi Nimi",
            "identity_code": "131052-308U",
            "children_birth_years": "kaksi",
            "language": "fi",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Give the children&#x27;s birth years" in body or "Give the children's birth years" in body
    )
    assert "Give a phone number or an email address." in body
    assert 'value="Uusi Nimi"' in body
    referral.refresh_from_db()
    assert referral.contact_name != "Uusi Nimi"  # nothing half-written


def test_the_wizard_refuses_without_a_sharing_consent(client):
    cast = Cast()
    client.force_login(cast.referrer)
    response = client.post(
        reverse("referrals:new"),
        {
            "given_by_role": "guardian",
            "given_by_name": "A",
            "method": "verbal",
            "scopes": ["contact_phone"],
        },
    )
    assert response.status_code == 200  # at step 1, where it can be corrected
    assert not Referral.objects.filter(referrer=cast.referrer).exists()
    # A draft made otherwise (e.g. through the API) is still refused when sent.
    referral = services.referral_create(
        actor=cast.referrer,
        consent=ConsentFactory(recorded_by=cast.referrer, scope_share_referral=False),
        contact_name="A",
        contact_phone="+358 40 000 0001",
        target_group=cast.target_group,
        description="x",
        challenges=[cast.challenge],
    )
    response = client.post(reverse("referrals:review", args=[referral.pk]))
    assert response.status_code == 200
    assert "consent does not cover sharing" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == State.DRAFT


def test_a_worker_accepts_from_the_detail_page_and_the_referrer_sees_it(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    client.force_login(cast.handler)
    response = client.post(reverse("referrals:action", args=[referral.pk, "accept"]), {})
    assert response.status_code == 302
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Accepted" in body
    assert "My referrals" in client.get(reverse("referrals:mine")).content.decode()


def test_a_decline_without_explanation_for_other_reason_is_a_400_and_changes_nothing(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    client.force_login(cast.handler)
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "decline"]), {"reason_code": "other"}
    )
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).state == State.ASSIGNED


def test_a_decline_sends_the_worker_back_to_the_inbox(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    client.force_login(cast.handler)
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "decline"]),
        {"reason_code": "no_capacity"},
    )
    assert response.url == reverse("referrals:inbox")
    assert Referral.objects.get(pk=referral.pk).state == State.DECLINED


def test_the_coordinator_assigns_from_triage_with_a_note(client):
    referral, cast = referral_in_state(State.SUBMITTED)
    login(client, cast.coordinator)
    page = client.get(reverse("referrals:triage_detail", args=[referral.pk])).content.decode()
    assert cast.organization.name in page  # the ranked candidate
    assert referral.contact_name not in page  # triage shows only what routing needs
    assert referral.contact_phone not in page
    response = client.post(
        reverse("referrals:triage_action", args=[referral.pk, "assign"]),
        {"organization": cast.organization.pk, "reason": "Sopii hyvin"},
    )
    assert response.url == reverse("referrals:triage")
    referral.refresh_from_db()
    assert referral.state == State.ASSIGNED


def test_a_stale_action_explains_itself_instead_of_failing(client):
    referral, cast = referral_in_state(State.ASSIGNED)
    colleague = WorkerFactory(organization=cast.organization)
    services.referral_accept(referral=referral, actor=colleague)
    client.force_login(cast.handler)
    response = client.post(
        reverse("referrals:action", args=[referral.pk, "accept"]), {}, follow=True
    )
    assert "This cannot be done while the state is" in response.content.decode()


def test_a_pooled_referral_is_claimed_from_the_pool_page(client):
    referral, cast = referral_in_state(State.POOLED)
    client.force_login(cast.handler)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert reverse("referrals:pool_detail", args=[referral.pk]) in inbox
    pool_page = client.get(reverse("referrals:pool_detail", args=[referral.pk])).content.decode()
    assert referral.contact_name not in pool_page
    response = client.post(reverse("referrals:claim", args=[referral.pk]))
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.state == State.ASSIGNED and referral.organization == cast.organization


def test_notifications_are_listed_and_marked_read(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral, cast = referral_in_state(State.ACCEPTED)
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:notifications")).content.decode()
    assert f"#{referral.pk}" in body and "Accepted" in body
    assert not Notification.objects.filter(user=cast.referrer, read_at__isnull=True).exists()


@pytest.mark.parametrize("count", [2, 12])
def test_lists_make_a_bounded_number_of_queries(client, count, django_assert_max_num_queries):
    cast = Cast()
    for _ in range(count):
        referral_in_state(State.ASSIGNED, cast)
        referral_in_state(State.ACCEPTED, cast)
        referral_in_state(State.SUBMITTED, cast)
    # (each bound counts one save of the session, renewed on every request, and one look-up of
    # the second factor)
    client.force_login(cast.referrer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("referrals:mine")).status_code == 200
    client.force_login(cast.handler)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("referrals:inbox")).status_code == 200
    login(client, cast.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("referrals:triage")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("referrals:notifications")).status_code == 200


def test_the_state_filter_works_with_and_without_htmx(client):
    cast = Cast()
    submitted, _c = referral_in_state(State.SUBMITTED, cast)
    draft, _c = referral_in_state(State.DRAFT, cast)
    client.force_login(cast.referrer)
    body = client.get(reverse("referrals:mine"), {"state": "draft"}).content.decode()
    assert f"#{draft.pk}<" in body and f"#{submitted.pk}<" not in body
    partial = client.get(
        reverse("referrals:mine"), {"state": "submitted"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and f"#{submitted.pk}<" in partial


def test_coordinator_pages_are_not_for_others(client):
    client.force_login(ProfessionalFactory())
    assert client.get(reverse("referrals:triage")).status_code == 404
    assert client.get(reverse("referrals:inbox")).status_code == 404
    login(client, CoordinatorFactory())
    assert client.get(reverse("referrals:mine")).status_code == 404
