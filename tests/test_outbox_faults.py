"""The outbox's faults, survived with real processes on PostgreSQL and Redis (issue 15).

- The broker is down while a professional submits: the request still succeeds and the
  notification waits as an unsent outbox row; once Redis is back the sweep (what beat sends
  every minute) publishes it again and a real worker delivers it.
- A worker dies mid-delivery: a Celery worker process claims the message and is stopped, for
  certain, in the middle of the delivery (the test holds a lock on the notification table, so
  the worker waits inside its transaction at the insert of the rows), and is killed with
  SIGKILL. Its claim rolls back with its connection. The next worker delivers the message,
  either as Redis hands back the unacknowledged message (a short visibility timeout) or, as
  configured (a timeout of hours), as the sweep publishes the row again; every other copy of
  the message, the dead worker's included, delivers nothing.

The workers are `celery -A perhelinja worker` subprocesses on the committed test database
(`django_db(transaction=True)`), mailing into a folder through the file email backend.
"""

from __future__ import annotations

import contextlib
import email
import fcntl
import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from perhelinja import outbox
from perhelinja.celery import app
from perhelinja.models import OutboxMessage
from referrals import services
from referrals.models import Notification, Referral, State
from tests.databases import postgresql_only
from tests.factories import CoordinatorFactory, draft_referral

ROOT = Path(__file__).resolve().parent.parent
# A Redis database of these tests' own: each test empties it before and after.
REDIS_URL = os.environ.get("OUTBOX_FAULTS_REDIS_URL", "redis://127.0.0.1:6379/12")
NOTIFY = "referrals.tasks.notify_referral_event"
DELIVERY_SECONDS = 30  # a worker starts (Django, Celery) and delivers within this
REDIS_QUEUE, REDIS_UNACKED = "celery", "unacked"  # kombu's keys: the queue, taken-not-acked
VISIBILITY_SECONDS = 1  # the second worker's: Redis redelivers what was taken longer ago

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True), pytest.mark.slow]


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def closed_port() -> int:
    """A local port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def committed_database_url() -> str:
    """The committed test database, for the worker processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def wait_for(condition, what: str, workers=None, seconds: float = DELIVERY_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            logs = workers.logs() if workers else ""
            pytest.fail(f"{what} within {seconds} s{logs}")
        time.sleep(0.2)


@contextlib.contextmanager
def broker(url: str):
    """This process's Celery app publishes to `url`, not eagerly; restored afterwards.

    The app pools its connections, and kombu keeps producer pools for the whole process, keyed
    by broker URL: both are closed and dropped on both sides, so the URL is really the one
    used and no connection outlives the block (as Celery does after a fork)."""
    keys = ("broker_url", "task_always_eager", "result_backend")
    saved = {k: app.conf[k] for k in keys}

    def forget_connections():
        if app._pool is not None:
            app._pool.force_close_all()
        kombu.pools.reset()  # closes and forgets the process's producer pools
        app._pool = None
        app.amqp._producer_pool = None

    forget_connections()
    app.conf.update(broker_url=url, task_always_eager=False, result_backend=None)
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_connections()


class Workers:
    """`celery -A perhelinja worker` processes on the test database and this test's Redis."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.mails = folder / "mails"
        self.processes: list[tuple[subprocess.Popen, Path]] = []

    def start(self, **env: str) -> subprocess.Popen:
        n = len(self.processes) + 1
        log = self.folder / f"worker-{n}.log"
        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        environment.update(
            DATABASE_URL=committed_database_url(),
            CELERY_BROKER_URL=REDIS_URL,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mails),
            LOG_LEVEL="INFO",
            CELERY_RESULT_BACKEND=REDIS_URL,  # what each task returned, read by the test
            **env,
        )
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "perhelinja",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"outbox-faults-{os.getpid()}-{n}@%h",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((process, log))
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL: no warm shutdown, nothing handed back to Redis, no rollback sent."""
        with contextlib.suppress(ProcessLookupError):  # it may have ended by itself
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process, _log in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def logs(self) -> str:
        tails = []
        for process, log in self.processes:
            lines = log.read_text(errors="replace").splitlines()[-30:] if log.exists() else []
            tails.append(
                f"\n--- worker {process.pid} (exit {process.poll()}):\n" + "\n".join(lines)
            )
        return "".join(tails)

    def sent_to(self) -> list[str]:
        """The recipients of every mail the workers sent, in the order of their files."""
        separator = b"\n" + b"-" * 79 + b"\n"
        messages: list[Message] = []
        for path in sorted(self.mails.glob("*.log")) if self.mails.exists() else []:
            for chunk in path.read_bytes().split(separator):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk))
        return [m["To"] for m in messages]


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Worker processes, stopped before the test database is emptied; Redis to ourselves."""
    import redis

    try:
        redis_client().ping()
    except redis.RedisError as exc:
        pytest.skip(
            f"needs Redis at {REDIS_URL} ({exc}): start it with `redis-server --daemonize yes`"
        )
    # Two runs on one machine would share the Redis database: take turns.
    digest = hashlib.sha256(REDIS_URL.encode()).hexdigest()[:12]
    lock = (Path(tempfile.gettempdir()) / f"perhelinja-outbox-faults-{digest}.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    redis_client().flushdb()
    running = Workers(tmp_path)
    try:
        yield running
    finally:
        running.stop_all()
        redis_client().flushdb()
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def task_result(task_id: str) -> dict | None:
    """The status and return value a worker stored for one task (the result backend)."""
    raw = redis_client().get(f"celery-task-meta-{task_id}")
    return json.loads(raw) if raw else None


def notified(referral: Referral) -> list[str]:
    """Who got an in-app notification of the referral (read from the committed database)."""
    return list(
        Notification.objects.filter(referral=referral).values_list("user__username", flat=True)
    )


def test_with_the_broker_down_submit_succeeds_and_the_sweep_delivers_when_redis_is_back(
    client, settings, caplog, workers
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: a broker is configured
    coordinator = CoordinatorFactory()
    referral = draft_referral()
    client.force_login(referral.referrer)

    down = f"redis://127.0.0.1:{closed_port()}/0"
    with broker(down), caplog.at_level(logging.WARNING, logger="perhelinja.outbox"):
        response = client.post(reverse("referrals:review", args=[referral.pk]))
    assert response.status_code == 302  # the referral was sent, and the page says so
    assert Referral.objects.get(pk=referral.pk).state == State.SUBMITTED
    [waiting] = OutboxMessage.objects.all()
    assert (waiting.task, waiting.sent_at, waiting.attempts) == (NOTIFY, None, 0)
    assert f"outbox message {waiting.pk} not published: OperationalError" in caplog.text
    assert not Notification.objects.exists()
    assert redis_client().llen(REDIS_QUEUE) == 0  # nothing reached the real Redis either

    # Redis is back: a worker runs and beat's sweep comes (sent here as beat sends it).
    workers.start(OUTBOX_REPUBLISH_SECONDS="0")
    with broker(REDIS_URL):
        sweep = app.send_task("perhelinja.outbox.republish_unsent")
    wait_for(lambda: task_result(sweep.id), "the worker did not run the sweep", workers)
    assert task_result(sweep.id)["result"] == 1  # it published the waiting message again
    wait_for(
        lambda: notified(referral) and workers.sent_to(),
        "the worker did not deliver the waiting notification",
        workers,
    )
    waiting.refresh_from_db()
    assert waiting.sent_at is not None and waiting.attempts == 0
    assert notified(referral) == [coordinator.username]
    assert workers.sent_to() == [coordinator.email]
    settings.OUTBOX_REPUBLISH_SECONDS = 0
    assert outbox.republish_unsent() == 0  # nothing waits any more


@contextlib.contextmanager
def notifications_locked():
    """Another session holds the notification table against writes (reads go on) until the
    block ends: a delivery waits at its insert, inside its transaction, after its claim.
    Yields that session's backend pid."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        connect_timeout=10,
    ) as holder:
        table = connection.ops.quote_name(Notification._meta.db_table)
        holder.execute(f"LOCK TABLE {table} IN SHARE MODE")  # opens the transaction
        yield holder.execute("SELECT pg_backend_pid()").fetchone()[0]
        holder.rollback()


def backend_waiting_on(holder_pid: int) -> int | None:
    """The database session blocked by `holder_pid` at an insert of notifications, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND %s = ANY(pg_blocking_pids(pid)) AND query LIKE %s",
            [holder_pid, f'INSERT INTO "{Notification._meta.db_table}"%'],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def session_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


def wait_until_redis_may_redeliver() -> None:
    """Until the dead worker's message was taken longer ago than VISIBILITY_SECONDS (a worker
    restores such messages when it starts); at most VISIBILITY_SECONDS + 0.5."""
    [(_tag, taken_at)] = redis_client().zrange(REDIS_UNACKED + "_index", 0, -1, withscores=True)
    time.sleep(max(0.0, taken_at + VISIBILITY_SECONDS + 0.5 - time.time()))


@pytest.mark.parametrize("recovery", ["redelivery", "sweep"])
def test_a_worker_killed_mid_delivery_leaves_the_message_to_the_next_which_delivers_it_once(
    settings, workers, recovery
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    coordinator = CoordinatorFactory()
    referral = draft_referral()
    with broker(REDIS_URL):  # published to Redis after the commit; no worker runs yet
        services.referral_submit(referral=referral, actor=referral.referrer)
    [message] = OutboxMessage.objects.all()
    assert message.task == NOTIFY
    [published] = redis_client().lrange(REDIS_QUEUE, 0, -1)
    task_id = json.loads(published)["headers"]["id"]

    with notifications_locked() as holder:
        first = workers.start()
        worker_session = wait_for(
            lambda: backend_waiting_on(holder),
            "the first worker did not reach the insert of the notifications",
            workers,
        )
        # Provably mid-delivery: the worker's transaction holds the claim on the row ...
        with pytest.raises(DatabaseError), transaction.atomic():
            list(OutboxMessage.objects.select_for_update(nowait=True).filter(pk=message.pk))
        # ... and Redis counts the message as taken but not acknowledged (acks_late).
        assert redis_client().llen(REDIS_QUEUE) == 0
        assert redis_client().hlen(REDIS_UNACKED) == 1
        Workers.kill(first)
    assert first.returncode == -signal.SIGKILL

    # The dead worker's session gets the lock, finds its client gone and rolls back.
    wait_for(lambda: session_gone(worker_session), "the dead worker's session did not end")
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 0)  # the claim went back
    assert not Notification.objects.exists() and not workers.sent_to()
    assert redis_client().hlen(REDIS_UNACKED) == 1  # nobody handed the message back

    if recovery == "redelivery":
        # The next worker finds the message taken longer ago than its visibility timeout and
        # takes it again: Redis's redelivery alone, no sweep.
        wait_until_redis_may_redeliver()
        workers.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))
        wait_for(lambda: task_result(task_id), "the next worker did not redeliver", workers)
        assert task_result(task_id)["result"] is True  # the same task, delivered this time
        # One more copy of the message (a sweep racing the redelivery) delivers nothing.
        with broker(REDIS_URL):
            copy = outbox.deliver_outbox_message.apply_async((message.pk,))  # as `publish`
        wait_for(lambda: task_result(copy.id), "the worker did not take the copy", workers)
        assert task_result(copy.id)["result"] is False
    else:
        # As configured, Redis redelivers only after hours (CELERY_VISIBILITY_TIMEOUT):
        # the sweep publishes the undelivered row again and the next worker delivers that.
        workers.start(OUTBOX_REPUBLISH_SECONDS="0")
        with broker(REDIS_URL):
            sweep = app.send_task("perhelinja.outbox.republish_unsent")
        wait_for(lambda: task_result(sweep.id), "the worker did not run the sweep", workers)
        assert task_result(sweep.id)["result"] == 1
        wait_for(
            lambda: notified(referral) and workers.sent_to(),
            "the next worker did not deliver the republished message",
            workers,
        )
        assert redis_client().hlen(REDIS_UNACKED) == 1  # the dead worker's copy still waits
        # When Redis finally redelivers it (a worker with a short timeout), it does nothing.
        wait_until_redis_may_redeliver()
        workers.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))
        wait_for(lambda: task_result(task_id), "no worker took the dead worker's copy", workers)
        assert task_result(task_id)["result"] is False

    assert redis_client().llen(REDIS_QUEUE) == 0
    assert redis_client().hlen(REDIS_UNACKED) == 0  # every copy acknowledged
    message.refresh_from_db()
    assert message.sent_at is not None
    assert (message.attempts, message.last_error) == (0, "")
    assert notified(referral) == [coordinator.username]
    assert workers.sent_to() == [coordinator.email]


def test_a_broker_that_never_answers_does_not_hold_the_request():
    """A broker that takes the connection and says nothing (a hung Redis, a black-holed
    network) costs the request a few seconds (CELERY_BROKER_SOCKET_TIMEOUT), never a hang:
    the message waits for the sweep."""
    referral = draft_referral()
    with transaction.atomic():
        message = outbox.enqueue(NOTIFY, referral.pk)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts (in the kernel's backlog) and never answers
        port = silent.getsockname()[1]
        with broker(f"redis://127.0.0.1:{port}/0"):
            started = time.monotonic()
            assert outbox.publish(message.pk) is False
            assert time.monotonic() - started < 20
    message.refresh_from_db()
    assert message.sent_at is None
