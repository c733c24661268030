"""The site's main navigation: one list, rendered in a loop by `base.html`.

Each entry names its URL, its title and who sees it; the current page is marked with
`aria-current` when the resolved view is the entry's view (`current` names more views that
count as the same place).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    view: str
    title: Promise
    shown_to: Callable[[object], bool]
    current: tuple[str, ...] = ()


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


MAIN = (
    Entry("catalogue", _("Service catalogue"), _everyone),
    Entry("referrals:mine", _("My referrals"), _professional),
    Entry("referrals:inbox", _("Inbox"), _worker),
    Entry("appointments:week", _("Calendar"), _worker),
    Entry("insight:dashboard", _("Throughput"), _coordinator),
    Entry("referrals:triage", _("Triage"), _coordinator),
    Entry("appointments:capacity", _("Capacity"), _worker_or_coordinator),
    Entry("evaluation:outreach", _("Outreach"), _worker_or_coordinator),
    Entry("referrals:notifications", _("Notifications"), _signed_in),
)


def navigation(request) -> dict:
    """Context processor: the entries the person sees, with their links and current mark."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    return {
        "navigation": [
            {
                "url": reverse(entry.view),
                "title": entry.title,
                "current": here == entry.view or here in entry.current,
            }
            for entry in MAIN
            if user is not None and entry.shown_to(user)
        ]
    }
