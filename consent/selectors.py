"""Reading consents: who may know one exists, and who may read who gave it.

The getter raises 404, never 403: a person who may not see a consent must not learn that it
exists.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from referrals.models import Referral, may_read_family

from .models import Consent
from .services import may_withdraw

# Withdrawing, reading and recording the read all look at the family's referrals: what the
# access rule needs of them once, not their (encrypted) contents.
_FAMILY = Prefetch(
    "referrals",
    queryset=Referral.objects.only(
        "pk", "consent_id", "state", "organization_id", "referrer_id"
    ).order_by("pk"),
)


def get_consent_for_user(user, pk) -> Consent:
    """The consent for its recorder and those who may record its withdrawal (a coordinator, a
    worker handling a referral made under it), else 404. What of it they may read is
    `may_read_personal`'s to say."""
    consent = get_object_or_404(Consent.objects.prefetch_related(_FAMILY), pk=pk)
    if not may_withdraw(consent, user):
        raise Http404
    return consent


def may_read_personal(consent: Consent, user) -> bool:
    """The giver's name and the withdrawal reason are the family's data: for the recorder and
    those who may read a referral made under the consent (`may_read_family`). A coordinator,
    who only routes, records a withdrawal without them."""
    if not user.is_active:
        return False
    if consent.recorded_by_id == user.pk:
        return True
    return any(may_read_family(r, user) for r in consent.referrals.all())
