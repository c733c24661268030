"""The site's main navigation: one list, rendered in a loop by `base.html`.

Each entry names its URL, its title and who sees it; the current page is marked with
`aria-current` when the resolved view is the entry's view (`current` names more views that
count as the same place). An entry with `counts` carries a number for signed-in people (the
notifications: how many are unread), read in one query, with its text for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
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


def _unread(user) -> tuple[int, str]:
    """The person's unread notifications (their `notifications`, unread while `read_at` is
    empty), counted in the database."""
    count = user.notifications.filter(read_at__isnull=True).count()
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
            "url": reverse(entry.view),
            "title": entry.title,
            "current": here == entry.view or here in entry.current,
        }
        if entry.counts is not None and user.is_authenticated:
            item["count"], item["count_label"] = entry.counts(user)
        found.append(item)
    return {"navigation": found}
