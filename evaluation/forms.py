"""Forms of the evaluation pages. Each scale question is a radio group in its own fieldset
(Django renders a legend for it), so it reads as one question with a screen reader."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Challenge, Municipality, Organization, TargetGroup
from perhelinja.dates import BoundedDateField

from .models import (
    COMMENT_MAX_LENGTH,
    EARLIEST_OUTREACH,
    MAX_HEAD_COUNT,
    Audience,
    OutreachKind,
    Reached,
    Scale,
    SpeedScale,
)


def _scale(label, choices=Scale.choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )


class FamilyFeedbackForm(forms.Form):
    useful = _scale(_("Was the help useful to you?"))
    easy_to_reach = _scale(_("Was the help easy to reach?"))
    would_recommend = _scale(_("Would you recommend it to others?"))
    comment = forms.CharField(
        label=_("Anything else you would like to tell us?"),
        help_text=_(
            "Optional. Please do not write names or anything else that could tell who you are."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReferrerFeedbackForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("Did the referral go where it should?"),
        choices=Reached.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )
    speed = _scale(_("How quickly did the family get help?"), SpeedScale.choices)


HEAD_COUNT_TOO_LARGE = _("A head count is at most %(limit_value)s people; check the number.")


class OutreachForm(forms.Form):
    date = BoundedDateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST_OUTREACH.isoformat()}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Area"), queryset=Municipality.objects.order_by("-is_pilot", "name_fi")
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizing organizations"),
        queryset=Organization.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OutreachKind.choices, widget=forms.RadioSelect
    )
    audience = forms.ChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.RadioSelect
    )
    head_count = forms.IntegerField(
        label=_("Head count"),
        min_value=1,
        max_value=MAX_HEAD_COUNT,
        help_text=_("How many people took part."),
        error_messages={"max_value": HEAD_COUNT_TOO_LARGE},
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    challenges = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Challenge.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()
        if (
            user is not None
            and getattr(user, "is_worker", False)
            and not self.initial.get("organizations")
        ):
            self.initial["organizations"] = [user.organization_id]


class OutreachFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Municipality.objects.order_by("-is_pilot", "name_fi"),
        required=False,
        empty_label=_("All areas"),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
