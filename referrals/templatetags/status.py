"""A referral's state as a status label of the design system.

`{{ row.state|state_tone }}`: the label's tone for a state. Something waits on a person
(returned, or late: `overdue=True`): alert; the organization said no: error; done: success;
ended otherwise (cancelled, withdrawn): neutral (""); on its way: info.
"""

from __future__ import annotations

from django import template

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
