"""The demo's evaluation data, loaded by `seed_demo` after the referrals.

Outreach is recorded through the service by a worker of the first organizer. The families
whose completed demo referrals got a feedback link answer through it (all but one, so that
one link is left to try), and their referrers answer in the app (all but one); earlier
answers of past months, kept anonymously just as the questionnaire keeps them, are added from
`demo/data/` so that the dashboard has cells of five or more to show.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo import data as demo_data
from directory.models import Challenge, Municipality, Organization, TargetGroup, User
from evaluation import services
from evaluation.models import (
    FeedbackAnswer,
    FeedbackInvitation,
    OutreachActivity,
    Reached,
    ReferrerFeedback,
    first_of_month,
)
from referrals.models import Referral, State


@dataclass
class Loaded:
    activities: int = 0
    answers: int = 0
    referrer_answers: int = 0
    open_link: str = ""


def _months_ago(months: int) -> datetime.date:
    month = first_of_month(timezone.localdate())
    for _ in range(months):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def load() -> Loaded:
    """Load once: a second run finds the demo workers' activities and adds nothing."""
    loaded = Loaded()
    workers = User.objects.filter(username__startswith="worker.")
    if OutreachActivity.objects.filter(recorded_by__in=workers).exists():
        return loaded
    rng = random.Random(2029)  # reproducible demo, not security
    organizations = {o.slug: o for o in Organization.objects.all()}
    areas = {m.code: m for m in Municipality.objects.all()}
    today = timezone.localdate()
    with transaction.atomic():
        for activity in demo_data.OUTREACH_ACTIVITIES:
            days, code, slugs, kind, audience, people, groups, themes = activity
            services.outreach_create(
                actor=workers.get(username=f"worker.{slugs[0]}"),
                date=today - datetime.timedelta(days=days),
                municipality=areas[code],
                organizations=[organizations[s] for s in slugs],
                kind=kind,
                audience=audience,
                head_count=people,
                target_groups=TargetGroup.objects.filter(slug__in=groups),
                challenges=Challenge.objects.filter(slug__in=themes),
            )
            loaded.activities += 1

        completed = Referral.objects.filter(
            state=State.COMPLETED, referrer__username__startswith="pro."
        ).select_related("referrer")
        # Normally made by the task queued on completion; made here too (it is idempotent) in
        # case that task has not run yet, e.g. with a real broker.
        for referral in completed:
            services.feedback_invitation_create(referral_id=referral.pk)
        invitations = list(FeedbackInvitation.objects.filter(used=False).order_by("pk"))
        for invitation in invitations[1:]:
            services.feedback_answer_submit(
                invitation=invitation,
                useful=rng.choice([3, 4, 5, 5]),
                easy_to_reach=rng.choice([2, 3, 4, 5]),
                would_recommend=rng.choice([4, 5, 5]),
            )
            loaded.answers += 1
        if invitations:
            token = services.feedback_token(invitations[0])
            loaded.open_link = settings.SITE_URL.rstrip("/") + reverse(
                "evaluation:family_feedback", args=[token]
            )
        for months, code, slug, useful, easy, recommend, words in demo_data.FEEDBACK_ANSWERS:
            FeedbackAnswer.objects.create(
                municipality=areas[code],
                organization=organizations[slug],
                month=_months_ago(months),
                useful=useful,
                easy_to_reach=easy,
                would_recommend=recommend,
                comment=words,
            )
            loaded.answers += 1

        for referral in list(completed.order_by("pk"))[1:]:
            services.referrer_feedback_give(
                referral=referral,
                actor=referral.referrer,
                reached=rng.choice([Reached.YES, Reached.YES, Reached.YES, Reached.PARTLY]),
                speed=rng.choice([3, 4, 4, 5]),
            )
            loaded.referrer_answers += 1
        for months, code, slug, reached, speed in demo_data.REFERRER_VIEWS:
            ReferrerFeedback.objects.create(
                municipality=areas[code],
                organization=organizations[slug],
                month=_months_ago(months),
                reached=reached,
                speed=speed,
            )
            loaded.referrer_answers += 1
    return loaded
