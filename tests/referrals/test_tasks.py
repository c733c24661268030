import os
import time

import pytest
from django.core import mail
from django.db import connection

from referrals import services
from referrals.models import ReferralEvent, State
from referrals.tasks import notify_referral_event, recipients
from tests.factories import CoordinatorFactory, WorkerFactory, referral_in_state

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_connections(app) -> None:
    """Drop the app's connection and producer pools, as Celery does after a fork."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_recipients_are_the_parties_but_never_the_actor():
    referral, cast = referral_in_state(State.ASSIGNED)
    colleague = WorkerFactory(organization=cast.organization)
    WorkerFactory()  # another organization hears nothing
    event = ReferralEvent.objects.get(referral=referral, transition="assign")
    assert set(recipients(event)) == {cast.referrer, cast.handler, colleague}
    submit = ReferralEvent.objects.get(referral=referral, transition="submit")
    other_coordinator = CoordinatorFactory()
    assert set(recipients(submit)) == {cast.coordinator, other_coordinator}


@pytest.mark.django_db
def test_notification_is_written_in_the_recipients_language():
    referral, cast = referral_in_state(State.SUBMITTED)
    cast.referrer.language = "sv"
    cast.referrer.save()
    mail.outbox.clear()
    services.referral_return(referral=referral, actor=cast.coordinator, reason="Fråga")
    notify_referral_event(ReferralEvent.objects.filter(referral=referral).latest("pk").pk)
    [message] = mail.outbox
    assert message.to == [cast.referrer.email]
    assert f"#{referral.pk}" in message.subject


@pytest.mark.django_db(transaction=True)
def test_notifications_travel_through_a_real_worker_over_redis():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (SQLite's shared in-memory test database locks tables between "
            "the worker thread and the test): set DATABASE_URL=postgres://..."
        )
    if not redis_available():
        pytest.skip(f"needs Redis at {REDIS_URL}: start it with `redis-server --daemonize yes`")
    from celery.contrib.testing.worker import start_worker

    from perhelinja.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    forget_connections(app)  # pooled under the eager configuration by earlier tests
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False, result_backend=None)
    try:
        app.control.purge()  # nothing left over from an interrupted run
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            mail.outbox.clear()
            referral, cast = referral_in_state(State.SUBMITTED)  # tells the coordinator
            services.referral_assign(
                referral=referral, actor=cast.coordinator, organization=cast.organization
            )  # tells the organization and the referrer
            deadline = time.monotonic() + 20
            while len(mail.outbox) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.update(saved)
        forget_connections(app)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.handler.email, cast.referrer.email]
    )
