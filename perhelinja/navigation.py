"""The site's main navigation: one list, rendered in a loop by `base.html`.

Each entry names its URL, its title and who sees it; the current page is marked with
`aria-current` when the resolved view is the entry's view (`current` names more views that
count as the same place). An entry with `counts` carries a number for signed-in people (the
notifications: how many are unread), with its text for screen readers. The unread count is
read in one query and kept in the cache for UNREAD_CACHE_SECONDS; whatever creates or reads a
person's notifications forgets it (`forget_unread`, called by referrals' Notification queries),
so a page shows a new notification at once when the cache is shared (CACHE_URL) and within
UNREAD_CACHE_SECONDS otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Entry:
    view: str
    title: Promise
    shown_to: Callable[[object], bool]
    current: tuple[str, ...] = ()
    counts: Callable[[object], tuple[int, str]] | None = None  # (number, its text)


def _everyone(user) -> bool:
    return True


def _signed_in(user) -> bool:
    return user.is_authenticated


def _professional(user) -> bool:
    return user.is_authenticated and user.is_professional


def _worker(user) -> bool:
    return user.is_authenticated and user.is_worker


def _coordinator(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def _worker_or_coordinator(user) -> bool:
    return _worker(user) or _coordinator(user)


def _staff(user) -> bool:
    return _professional(user) or _worker(user) or _coordinator(user)


UNREAD_CACHE_SECONDS = 60


def _unread_key(user_id: int) -> str:
    return f"navigation:unread:{user_id}"


def forget_unread(user_ids: Iterable[int]) -> None:
    """These people's notifications were created or read: count them anew."""
    keys = [_unread_key(user_id) for user_id in set(user_ids)]
    if keys:
        cache.delete_many(keys)


def _unread(user) -> tuple[int, str]:
    """The person's unread notifications (their `notifications`, unread while `read_at` is
    empty), counted in the database at most once every UNREAD_CACHE_SECONDS."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count, ngettext("%(count)d unread", "%(count)d unread", count) % {"count": count}


MAIN = (
    Entry("catalogue", _("Service catalogue"), _everyone),
    Entry("referrals:mine", _("My referrals"), _professional),
    Entry("referrals:inbox", _("Inbox"), _worker),
    Entry("appointments:week", _("Calendar"), _worker),
    Entry("insight:dashboard", _("Throughput"), _coordinator),
    Entry("insight:coverage", _("Coverage"), _coordinator, current=("insight:coverage_cell",)),
    Entry("referrals:triage", _("Triage"), _coordinator),
    Entry("appointments:capacity", _("Capacity"), _worker_or_coordinator),
    Entry("evaluation:outreach", _("Outreach"), _worker_or_coordinator),
    Entry("packages:list", _("Service packages"), _staff),
    Entry("referrals:notifications", _("Notifications"), _signed_in, counts=_unread),
)


@lru_cache(maxsize=256)
def _url(view: str, urlconf: str, prefix: str) -> str:
    """The entries' links take no arguments: reversed once per URLconf and script prefix."""
    return reverse(view, urlconf=urlconf)


def navigation(request) -> dict:
    """Context processor: the entries the person sees, with their links and current mark."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    found = []
    for entry in MAIN:
        if user is None or not entry.shown_to(user):
            continue
        item = {
            "url": _url(entry.view, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()),
            "title": entry.title,
            "current": here == entry.view or here in entry.current,
        }
        if entry.counts is not None and user.is_authenticated:
            item["count"], item["count_label"] = entry.counts(user)
        found.append(item)
    return {"navigation": found}
