"""Login throttling that an attacker cannot turn on someone else (django-axes).

Failures count per username and client address: AXES_FAILURE_LIMIT of them lock that username
from that address for AXES_COOLOFF_TIME. Behind a reverse proxy every request comes from the
proxy's address, so the client's own address is read from X-Forwarded-For, but only the
TRUSTED_PROXY_COUNT entries the proxies appended (the rest of the header is the client's to
write). Failures of one username from all addresses together lock it at the higher
AXES_USERNAME_FAILURE_LIMIT, against guessing from many addresses; attempts refused while locked
are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so one address cannot raise
a username's count by more than AXES_FAILURE_LIMIT in a cool-off period.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_message
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse

PAIR = ["username", "ip_address"]
USERNAME = "username"


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: the peer's, or behind TRUSTED_PROXY_COUNT proxies the entry
    of X-Forwarded-For the outermost proxy wrote (counted from the right)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < proxies:
        return remote  # not through all the proxies: the peer is the best we know
    return forwarded[-proxies]


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with `Retry-After`: JSON ({"detail": …}) for the API, as its other errors; the
    message as text elsewhere, as django-axes answers by default."""
    message = str(get_lockout_message())
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes's database handler with two limits: AXES_FAILURE_LIMIT for a username from one
    address, AXES_USERNAME_FAILURE_LIMIT for the username from any address."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        if settings.AXES_LOCKOUT_PARAMETERS != [PAIR, USERNAME]:
            raise ValueError(f"AXES_LOCKOUT_PARAMETERS must be {[PAIR, USERNAME]}")
        by_pair, by_username = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        if by_username >= settings.AXES_USERNAME_FAILURE_LIMIT:
            return max(by_pair, get_failure_limit(request, credentials))
        return by_pair

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful login clears the failures from its own address only: the person's
        login must not wipe out the count of someone guessing from elsewhere."""
        by_pair = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = by_pair.delete()
        return count
