"""Each factor of the ranking, deciding on its own."""

import pytest
from django.core.exceptions import ValidationError

from directory.models import Availability, Language, Mode, Municipality
from referrals import routing, services
from referrals.models import ReferralEvent, State
from tests.factories import (
    ChallengeFactory,
    OrganizationFactory,
    ProfessionalFactory,
    ServiceFactory,
    TargetGroupFactory,
    WorkerFactory,
    draft_referral,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    return {"group": TargetGroupFactory(), "challenge": ChallengeFactory()}


def service(
    need,
    *,
    availability=Availability.REGION,
    municipalities=(),
    languages=("fi",),
    modes=("reception", "phone"),
    organization=None,
):
    s = ServiceFactory(
        organization=organization or OrganizationFactory(), availability=availability
    )
    s.target_groups.add(need["group"])
    s.challenges.add(need["challenge"])
    s.municipalities.set(Municipality.objects.filter(code__in=municipalities))
    s.languages.set(Language.objects.filter(code__in=languages))
    s.modes.set(Mode.objects.filter(code__in=modes))
    return s


def referral_for(need, *, municipality="853", language="fi", modes=("reception",)):
    pro = ProfessionalFactory(municipality=Municipality.objects.get(code=municipality))
    r = draft_referral(
        referrer=pro,
        target_group=need["group"],
        challenges=[need["challenge"]],
        municipality=pro.municipality,
        language=language,
    )
    r.preferred_modes.set(Mode.objects.filter(code__in=modes))
    return r


def names(candidates):
    return [c.organization for c in candidates]


def test_a_service_listed_for_another_municipality_is_not_a_candidate(need):
    laitila_only = service(need, availability=Availability.MUNICIPALITIES, municipalities=["400"])
    turku = service(need, availability=Availability.MUNICIPALITIES, municipalities=["853"])
    ranked = routing.rank(referral_for(need, municipality="853"))
    assert names(ranked) == [turku.organization]
    assert laitila_only.organization not in names(ranked)


def test_a_local_service_ranks_above_a_digital_one(need):
    digital = service(need, availability=Availability.DIGITAL, modes=("phone", "video"))
    local = service(need, availability=Availability.MUNICIPALITIES, municipalities=["895"])
    ranked = routing.rank(referral_for(need, municipality="895", modes=("reception", "phone")))
    assert names(ranked) == [local.organization, digital.organization]
    assert any("digitally" in r.text for r in ranked[1].reasons)


def test_a_digital_service_is_a_candidate_everywhere(need):
    digital = service(need, availability=Availability.DIGITAL, modes=("video",))
    ranked = routing.rank(referral_for(need, municipality="322", modes=("video",)))
    assert names(ranked) == [digital.organization]


def test_swedish_decides_for_a_swedish_speaking_family(need):
    finnish = service(need, languages=("fi",))
    swedish = service(need, languages=("fi", "sv"))
    ranked = routing.rank(referral_for(need, municipality="322", language="sv"))
    assert names(ranked) == [swedish.organization, finnish.organization]
    assert any("Does not serve in swedish" in r.text for r in ranked[1].reasons)
    assert routing.clear_match(ranked).organization == swedish.organization


def test_lower_open_load_ranks_first_when_all_else_is_equal(need):
    busy = service(need, organization=OrganizationFactory(name="A busy ry"))
    calm = service(need, organization=OrganizationFactory(name="B calm ry"))
    waiting = referral_for(need)
    # give the busy organization two open referrals through the real transitions
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    for _ in range(2):
        r = referral_for(need)
        services.referral_submit(referral=r, actor=r.referrer)
        services.referral_assign(referral=r, actor=coordinator, organization=busy.organization)
    ranked = routing.rank(waiting)
    assert names(ranked) == [calm.organization, busy.organization]
    assert ranked[1].open_load == 2
    assert any("2 referrals open now" in r.text and r.points < 0 for r in ranked[1].reasons)


def test_challenges_covered_outweigh_the_rest(need):
    other = ChallengeFactory()
    both = service(need)
    both.challenges.add(other)
    one = service(need)
    r = referral_for(need)
    r.challenges.add(other)
    ranked = routing.rank(r)
    assert names(ranked) == [both.organization, one.organization]
    assert ranked[0].reasons[0].text == "Covers 2 of 2 challenges"


def test_no_clear_match_when_two_meet_every_need(need):
    service(need)
    service(need)
    assert routing.clear_match(routing.rank(referral_for(need))) is None


def test_auto_assign_sends_a_single_clear_match_straight_to_the_organization(need, settings):
    settings.REFERRAL_AUTO_ASSIGN = True
    only = service(need)
    r = referral_for(need)
    r = services.referral_submit(referral=r, actor=r.referrer)
    assert r.state == State.ASSIGNED and r.organization == only.organization
    event = ReferralEvent.objects.get(referral=r, transition="assign")
    assert event.actor is None  # the system acted
    worker = WorkerFactory(organization=only.organization)
    assert worker.has_perm("referrals.view_referral", r)


def test_without_auto_assign_a_clear_match_waits_for_triage(need, settings):
    settings.REFERRAL_AUTO_ASSIGN = False
    service(need)
    r = referral_for(need)
    assert services.referral_submit(referral=r, actor=r.referrer).state == State.SUBMITTED


def test_opening_the_pool_without_candidates_is_refused(need):
    from perhelinja.fsm import TransitionRefused
    from tests.factories import CoordinatorFactory

    r = referral_for(need)
    services.referral_submit(referral=r, actor=r.referrer)
    with pytest.raises(TransitionRefused):
        services.referral_open_pool(referral=r, actor=CoordinatorFactory())
    r.refresh_from_db()
    assert r.state == State.SUBMITTED


def test_decline_needs_a_listed_reason(need):
    with pytest.raises(ValidationError):
        services.referral_decline(
            referral=referral_for(need), actor=WorkerFactory(), reason_code="bogus"
        )
