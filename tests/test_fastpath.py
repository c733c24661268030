"""`perhelinja.fastpath`'s SQL reads answer what the plain ORM and django-guardian answer for
the same data, and the helpers of `perhelinja.fsm` answer what django-fsm's own do."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from django_fsm import can_proceed, has_transition_perm
from guardian.shortcuts import assign_perm, get_perms

from directory.models import Mode
from perhelinja.fastpath import (
    CHALLENGES,
    DECLINES,
    MODES,
    object_permission_codenames,
    referral_lists,
)
from perhelinja.fsm import ReadOnlyAsker, may_run, refusal_reasons
from referrals import services
from referrals.models import DeclineReason, Referral, ReferralChild, State
from tests.factories import (
    Cast,
    ChallengeFactory,
    CoordinatorFactory,
    WorkerFactory,
    referral_in_state,
)

pytestmark = pytest.mark.django_db


def referral_with_lists(state=State.ASSIGNED, cast=None):
    referral, cast = referral_in_state(state, cast)
    # Positions first, then Finnish names: neither the slugs' nor the keys' order.
    referral.challenges.add(
        ChallengeFactory(slug="zz-mid", name_fi="Öö", name_sv="Mellan", position=0),
        ChallengeFactory(slug="aa-last", name_fi="Aa", name_sv="", position=5),
        ChallengeFactory(slug="mm-tie", name_fi="Bb", name_sv="Bä", name_en="", position=0),
    )
    referral.preferred_modes.set(Mode.objects.order_by("-code")[:2])
    for year in (2022, 2015, 2019):
        ReferralChild.objects.create(referral=referral, birth_year=year)
    return referral, cast


def declined_twice():
    referral, cast = referral_in_state(State.DECLINED)
    services.referral_assign(
        referral=referral, actor=cast.coordinator, organization=cast.organization
    )
    services.referral_decline(
        referral=referral, actor=cast.handler, reason_code=DeclineReason.AREA, reason="x"
    )
    return referral


def as_the_orm_gives_them(pk: int) -> dict:
    referral = Referral.objects.get(pk=pk)
    return {
        "challenges": [(c.pk, c.slug, str(c)) for c in referral.challenges.all()],
        "modes": [(m.code, str(m)) for m in referral.preferred_modes.all()],
        "birth_years": [c.birth_year for c in referral.children.all()],
        "declines": list(
            referral.events.filter(transition="decline")
            .order_by("pk")
            .values_list("reason_code", flat=True)
        ),
    }


def as_read(lists) -> dict:
    return {
        "challenges": [(c.pk, c.slug, str(c)) for c in lists.challenges],
        "modes": list(zip(lists.mode_codes, lists.mode_labels, strict=True)),
        "birth_years": lists.birth_years,
        "declines": lists.decline_codes,
    }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_lists_of_several_referrals_are_read_in_one_query_as_the_orm_gives_them(
    language, django_assert_num_queries
):
    full, cast = referral_with_lists()
    bare, _cast = referral_in_state(State.SUBMITTED, cast)
    bare.challenges.clear()
    declined = declined_twice()
    keys = [full.pk, bare.pk, declined.pk]
    with translation.override(language):
        with django_assert_num_queries(1):
            read = referral_lists(keys)
        assert set(read) == set(keys)
        for key in keys:
            assert as_read(read[key]) == as_the_orm_gives_them(key), key
    expected = as_the_orm_gives_them(full.pk)
    assert len(expected["challenges"]) == 4 and len(expected["modes"]) == 2
    assert expected["birth_years"] == [2015, 2019, 2019, 2022]
    assert as_the_orm_gives_them(declined.pk)["declines"] == ["no_capacity", "area"]


def test_only_the_lists_asked_for_are_read():
    full, _cast = referral_with_lists()
    declined = declined_twice()
    read = referral_lists([full.pk, declined.pk], (CHALLENGES, DECLINES))
    assert read[full.pk].mode_codes == [] and read[full.pk].birth_years == []
    assert read[full.pk].challenges[0].slug == "mm-tie"
    assert read[declined.pk].decline_codes == ["no_capacity", "area"]
    only_modes = referral_lists([full.pk], (MODES,))[full.pk]
    assert only_modes.challenges == [] and len(only_modes.mode_codes) == 2
    assert referral_lists([]) == {}


def people(cast):
    inactive = WorkerFactory(organization=cast.organization)
    inactive.is_active = False
    inactive.save()
    superuser = CoordinatorFactory()
    superuser.is_superuser = True
    superuser.save()
    return [cast.referrer, cast.handler, cast.coordinator, WorkerFactory(), inactive, superuser]


def test_the_permission_read_answers_as_guardian_for_each_person_and_referral(
    django_assert_num_queries,
):
    cast = Cast()
    first, _cast = referral_in_state(State.ACCEPTED, cast)
    second, _cast = referral_in_state(State.SUBMITTED, cast)
    elsewhere, other = referral_in_state(State.ASSIGNED)
    colleague = cast.handler
    assign_perm("referrals.view_referral", colleague, elsewhere)  # a grant of their own
    everyone = [*people(cast), other.handler, other.referrer]
    perms = [
        f"referrals.{codename}"
        for codename in Permission.objects.filter(
            content_type__app_label="referrals", content_type__model="referral"
        ).values_list("codename", flat=True)
    ]
    answered = set()
    for user in everyone:
        asker = ReadOnlyAsker(user)
        for referral in (first, second, elsewhere):
            if user.is_active and not user.is_superuser:
                assert object_permission_codenames(user, referral) == set(
                    get_perms(user, referral)
                ), (user, referral)
            for perm in perms:
                answer = asker.has_perm(perm, referral)
                assert answer == user.has_perm(perm, referral), (user, referral, perm)
                answered.add(answer)
    assert answered == {True, False}
    assert get_perms(colleague, elsewhere) == ["view_referral"]
    asker = ReadOnlyAsker(cast.handler)
    with django_assert_num_queries(1):
        for perm in perms * 3:
            asker.has_perm(perm, first)


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.ASSIGNED, State.ACCEPTED])
def test_the_transition_helpers_answer_as_django_fsm(state):
    referral, cast = referral_in_state(state)
    methods = {t.name for t in referral.get_all_state_transitions()}
    assert len(methods) > 5
    for name in methods:
        method = getattr(referral, name)
        assert (refusal_reasons(method) == []) == can_proceed(method), name
        for user in (cast.referrer, cast.coordinator, cast.handler, WorkerFactory()):
            both = may_run(method, user) and not refusal_reasons(method)
            assert both == has_transition_perm(method, user), (name, user)


def test_many_rows_are_inserted_in_one_query_as_bulk_create_stores_them(
    django_assert_num_queries,
):
    import datetime

    from django.utils import timezone

    from perhelinja.fastpath import insert_rows
    from referrals.models import AccessRecord

    first, cast = referral_in_state(State.SUBMITTED)
    second, _cast = referral_in_state(State.SUBMITTED, cast)
    moment = timezone.now() - datetime.timedelta(days=3, microseconds=7)
    fields = ("referral", "user", "channel", "route", "created_at")
    rows = [
        (first.pk, cast.coordinator.pk, AccessRecord.Channel.API, "referrals:list", moment),
        (second.pk, cast.coordinator.pk, AccessRecord.Channel.API, "referrals:list", moment),
        (second.pk, cast.referrer.pk, AccessRecord.Channel.PAGE, "referrals:detail", moment),
    ]
    AccessRecord.objects.all().delete()
    with django_assert_num_queries(1):
        assert insert_rows(AccessRecord, fields, rows) == 3
    columns = ("referral_id", "user_id", "channel", "route", "created_at")
    ours = sorted(AccessRecord.objects.values_list(*columns))
    AccessRecord.objects.all().delete()
    AccessRecord.objects.bulk_create(
        AccessRecord(
            **{
                f"{name}_id" if name in ("referral", "user") else name: value
                for name, value in zip(fields, row, strict=True)
            }
        )
        for row in rows
    )
    assert ours == sorted(AccessRecord.objects.values_list(*columns))
    assert ours[0][-1] == moment and ours[0][2] == "api"
    assert insert_rows(AccessRecord, fields, []) == 0
