"""A referral's state as a status label of the design system.

`{% row_state row %}`: a list line's state label, then what waits on the reader (overdue,
needs your action); a tag, as it is on every line of every list.

`{{ row.state|state_tone }}`: the label's tone for a state. Something waits on a person
(returned, or late: `overdue=True`): alert; the organization said no: error; done: success;
ended otherwise (cancelled, withdrawn): neutral (""); on its way: info.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext

from perhelinja.templatetags.components import status_label
from referrals.models import State

register = template.Library()

TONES = {
    State.RETURNED: "alert",
    State.DECLINED: "error",
    State.CANCELLED: "",
    State.WITHDRAWN: "",
    State.COMPLETED: "success",
}


@register.filter
def state_tone(state: str, overdue: bool = False) -> str:
    """The tone of `state`'s status label ("" for neutral); a late one is an alert."""
    if overdue:
        return "alert"
    return TONES.get(state, "info")


@register.simple_tag
def row_state(row) -> str:
    """A list line's (`rows.ReferralRow`) status label, then "Overdue" and "Needs your action"
    when they hold."""
    return _row_state(row.tone, row.state_label, row.overdue, row.needs_action, get_language())


@lru_cache(maxsize=512)
def _row_state(tone: str, label: str, overdue: bool, needs_action: bool, language: str) -> str:
    """A few dozen combinations fill every list: each is built once (a list of 75 lines spent
    a millisecond building the same labels again)."""
    labels = [status_label(tone, label)]
    if overdue:
        labels.append(status_label("alert", gettext("Overdue")))
    if needs_action:
        labels.append(status_label("alert", gettext("Needs your action")))
    return format_html_join(" ", "{}", ((label,) for label in labels))
