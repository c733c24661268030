"""Completed referrals whose consent does (or does not) cover contacting the family."""

from __future__ import annotations

from referrals.models import State
from tests.factories import PATHS, Cast, ConsentFactory, draft_referral


def completed_referral(
    *,
    cast: Cast | None = None,
    email: bool = True,
    sms: bool = False,
    language: str = "fi",
    contact_email: str = "perhe@example.invalid",
):
    """A referral driven to completion through the services; run it inside
    `django_capture_on_commit_callbacks(execute=True)` to let the feedback link go out."""
    cast = cast or Cast()
    consent = ConsentFactory(
        recorded_by=cast.referrer, scope_contact_email=email, scope_contact_sms=sms
    )
    referral = draft_referral(
        referrer=cast.referrer,
        consent=consent,
        target_group=cast.target_group,
        challenges=[cast.challenge],
        contact_email=contact_email,
        language=language,
    )
    for step in PATHS[State.COMPLETED]:
        referral = cast.run(referral, step)
    return referral, cast
