"""Two workers accept one referral at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from perhelinja.fsm import TransitionRefused
from referrals import services
from referrals.models import Referral, ReferralEvent, State
from tests.databases import postgresql_only
from tests.factories import WorkerFactory, referral_in_state


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_exactly_one_succeeds():
    referral, cast = referral_in_state(State.ASSIGNED)
    workers = [cast.handler, WorkerFactory(organization=cast.organization)]
    barrier = threading.Barrier(len(workers))
    results: dict[str, object] = {}

    def accept(worker):
        try:
            barrier.wait(timeout=10)
            # Each thread reads the referral itself, as two web requests would.
            fresh = Referral.objects.get(pk=referral.pk)
            services.referral_accept(referral=fresh, actor=worker)
            results[worker.username] = "accepted"
        except TransitionRefused as exc:
            results[worker.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = list(results.values())
    assert outcomes.count("accepted") == 1, outcomes
    [loser] = [o for o in outcomes if o != "accepted"]
    assert "Accepted" in str(loser)  # the clear message names the state it found
    referral.refresh_from_db()
    winner = next(w for w in workers if results[w.username] == "accepted")
    assert referral.state == State.ACCEPTED and referral.handler == winner
    assert ReferralEvent.objects.filter(referral=referral, transition="accept").count() == 1


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_a_newer_state():
    """The optimistic check of ConcurrentTransitionMixin backs up the row lock."""
    referral, cast = referral_in_state(State.ASSIGNED)
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_accept(referral=referral, actor=cast.handler)
    stale.decline()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_organizations_claiming_at_once_exactly_one_gets_it():
    from tests.factories import ServiceFactory

    referral, cast = referral_in_state(State.POOLED)
    rival = WorkerFactory()
    rival_service = ServiceFactory(organization=rival.organization)
    rival_service.challenges.add(cast.challenge)
    referral.pool_organizations.add(rival.organization)
    workers = [cast.handler, rival]
    barrier = threading.Barrier(2)
    results = {}

    def claim(worker):
        try:
            barrier.wait(timeout=10)
            services.referral_claim(referral=Referral.objects.get(pk=referral.pk), actor=worker)
            results[worker.username] = "claimed"
        except TransitionRefused as exc:
            results[worker.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert list(results.values()).count("claimed") == 1, results
    referral.refresh_from_db()
    winner = next(w for w in workers if results[w.username] == "claimed")
    loser = next(w for w in workers if w != winner)
    assert referral.state == State.ASSIGNED
    assert referral.organization == winner.organization
    assert winner.has_perm("referrals.view_referral", referral)
    assert not loser.has_perm("referrals.view_referral", referral)
