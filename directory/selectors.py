"""Reads of the account pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken


def api_tokens_of(user) -> QuerySet[AuthToken]:
    """The person's API tokens that still work, newest first (never the tokens themselves:
    knox keeps only their hash and the first characters, `token_key`)."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
