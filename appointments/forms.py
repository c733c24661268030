from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ModeCode, Organization, OutcomeTheme, ReceptionSite
from perhelinja.dates import LATEST, BoundedDateField
from perhelinja.widgets import OneTemplateCheckboxSelectMultiple, OneTemplateRadioSelect
from referrals.rows import label, local_format

from .models import NextStep, ServiceGiven

# The repeats the form offers; weekly ones are held on the first day's weekday, every weekday
# on Monday to Friday. `repeats.validate_repeat` (in the service) checks them as the API's.
REPEAT_RULES = {
    "": "",
    "weekly": "FREQ=WEEKLY;INTERVAL=1",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
}


# Free times offered on one page: the soonest ones. A large organization has thousands of free
# slots in its booking horizon; a form lists a bounded number and validates any free one.
SHOWN_SLOTS = 20


# What a free time's label shows, read as plain values: no slot, shift, site and worker
# instances for each of the radio buttons.
SLOT_LABEL_COLUMNS = (
    "pk",
    "starts_at",
    "shift__mode",
    "shift__site__name",
    "worker__first_name",
    "worker__last_name",
    "worker__username",
)


def slot_label(starts_at, mode, site_name, first_name, last_name, username) -> str:
    """When, where (the reception site, or how) and with whom."""
    when = local_format(starts_at, "SHORT_DATETIME_FORMAT")
    place = site_name or label(ModeCode, mode)
    return f"{when} · {place} · {f'{first_name} {last_name}'.strip() or username}"


class SoonestSlots(ModelChoiceIterator):
    """The choices of a slot field: only the SHOWN_SLOTS soonest of its queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *shown in self.queryset.values_list(*SLOT_LABEL_COLUMNS)[:SHOWN_SLOTS]:
            yield (pk, slot_label(*shown))

    def __len__(self) -> int:
        return self.queryset[:SHOWN_SLOTS].count() + (self.field.empty_label is not None)


MATCHES_WISHES = _("matches the family's wishes")
RANK_COLUMNS = ("matches_mode", "matches_time")


class RankedSlots(SoonestSlots):
    """The choices of an offer: the SHOWN_SLOTS first of `services.ranked_free_slots`, each
    saying when it matches the family's wishes (its preferred way to meet or time)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        ranked = "matches_mode" in self.queryset.query.annotations
        columns = (*SLOT_LABEL_COLUMNS, *(RANK_COLUMNS if ranked else ()))
        for pk, *shown in self.queryset.values_list(*columns)[:SHOWN_SLOTS]:
            matches = ranked and any(shown[-len(RANK_COLUMNS) :])
            text = slot_label(*shown[: len(SLOT_LABEL_COLUMNS) - 1])
            yield (pk, f"{text} · {MATCHES_WISHES}" if matches else text)


class SlotChoiceField(forms.ModelChoiceField):
    iterator = SoonestSlots


class SlotsChoiceField(forms.ModelMultipleChoiceField):
    iterator = SoonestSlots


class RankedSlotsChoiceField(forms.ModelMultipleChoiceField):
    iterator = RankedSlots


class ShiftForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=ModeCode.choices)
    site = forms.ModelChoiceField(
        label=_("Reception site"),
        queryset=ReceptionSite.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for reception visits."),
    )
    first_day = BoundedDateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date", "max": LATEST.isoformat()})
    )
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[
            ("", _("Once")),
            ("weekly", _("Every week")),
            ("biweekly", _("Every other week")),
            ("weekdays", _("Every weekday (Monday to Friday)")),
        ],
    )
    repeat_until = BoundedDateField(
        label=_("Repeat until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "max": LATEST.isoformat()}),
        help_text=_("At most a year after the first day."),
    )
    slot_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=10, max_value=240, initial=45
    )
    buffer_minutes = forms.IntegerField(
        label=_("Break between (minutes)"), min_value=0, max_value=120, initial=15
    )

    def clean_first_day(self):
        day = self.cleaned_data["first_day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        repeat = data.pop("repeat")
        rrule = REPEAT_RULES[repeat]
        if rrule and "BYDAY" not in rrule:
            weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][data["first_day"].weekday()]
            rrule += f";BYDAY={weekday}"
        if not rrule:
            data["repeat_until"] = None
        return {**data, "rrule": rrule}


class BookForm(forms.Form):
    slot = SlotChoiceField(label=_("Free times"), queryset=None, widget=OneTemplateRadioSelect)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots


class OfferForm(forms.Form):
    """`slots`: `services.ranked_free_slots` (the family's wishes first)."""

    slots = RankedSlotsChoiceField(
        label=_("Times to offer the family (two or three)"),
        queryset=None,
        widget=OneTemplateCheckboxSelectMultiple,
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].queryset = slots

    def clean_slots(self):
        slots = self.cleaned_data["slots"]
        if not 2 <= len(slots) <= 3:
            raise forms.ValidationError(_("Offer two or three times."))
        return slots


class OutcomeForm(forms.Form):
    service_given = forms.ChoiceField(
        label=_("Service given"), choices=ServiceGiven.choices, widget=forms.RadioSelect
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=OutcomeTheme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.IntegerField(label=_("Number of sessions"), min_value=0, max_value=100)
    next_step = forms.ChoiceField(
        label=_("Next step"), choices=NextStep.choices, widget=forms.RadioSelect
    )
    onward_organization = forms.ModelChoiceField(
        label=_("Onward organization"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("When the next step is another organization's service."),
    )
    summary_for_referrer = forms.CharField(
        label=_("Summary for the referrer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shared with the referrer only when the family agreed to it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("next_step") == NextStep.ONWARD_ORGANIZATION and not data.get(
            "onward_organization"
        ):
            self.add_error("onward_organization", _("Choose the organization."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoneSuitForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the worker"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("For example, which days or times would suit you. No need to write names."),
    )


class ShiftCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
