"""The forms of the package pages; the actions' forms are named by `actions.py`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Challenge, Organization, Role, Service, TargetGroup, User
from perhelinja.dates import BoundedDateField
from perhelinja.widgets import MUNICIPALITIES, LookupChoiceField

from .models import DESCRIPTION_MAX_LENGTH, PLAN_MAX_LENGTH, ServicePackage

REASON_MAX_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"


class PackageForm(forms.ModelForm):
    """The challenge, as a municipality's contact or a coordinator records it. A coordinator
    names the municipality and its contact person (by their email); a professional records
    it for their own municipality and is its contact."""

    municipality = LookupChoiceField(
        label=_("Municipality"), lookup=MUNICIPALITIES, fixed=[], as_object=True, required=True
    )
    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges"),
        queryset=Challenge.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
    )
    contact_email = forms.EmailField(
        label=_("Email of the municipality's contact person"),
        required=False,
        help_text=_("A professional of the municipality who approves the package."),
    )

    class Meta:
        model = ServicePackage
        fields = [
            "title",
            "municipality",
            "target_group",
            "challenges",
            "description",
            "language",
            "wished_start",
            "wished_end",
        ]
        widgets = {
            "wished_start": DateInput,
            "wished_end": DateInput,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, own_municipality: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if own_municipality:
            del self.fields["municipality"]
            del self.fields["contact_email"]

    def clean(self):
        data = super().clean()
        start, end = data.get("wished_start"), data.get("wished_end")
        if start and end and end < start:
            self.add_error("wished_end", _("The end cannot be before the start."))
        email = data.pop("contact_email", "")
        if email and data.get("municipality") is not None:
            contact = User.objects.filter(
                is_active=True,
                email__iexact=email,
                municipality=data["municipality"],
                groups__name=Role.PROFESSIONAL,
            ).first()
            if contact is None:
                self.add_error(
                    "contact_email", _("No professional of the municipality has this email.")
                )
            data["contact"] = contact
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations to invite"),
        queryset=Organization.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ranked as referrals are routed: the best match first, with its reasons."),
    )
    reason = forms.CharField(
        label=_("Message to the organizations"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    group_sessions = forms.IntegerField(label=_("Group sessions"), min_value=0, max_value=999)
    lectures = forms.IntegerField(label=_("Lectures"), min_value=0, max_value=999)
    outreach_events = forms.IntegerField(label=_("Outreach events"), min_value=0, max_value=999)
    planned_hours = forms.DecimalField(
        label=_("Planned hours"), min_value=0, max_value=99999, decimal_places=1
    )
    capacity = forms.IntegerField(label=_("Capacity (families)"), min_value=0, max_value=9999)
    reason = forms.CharField(
        label=_("Note"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["services"].queryset = Service.objects.filter(
                is_active=True, organization=organization
            )


class ComposeForm(forms.Form):
    plan = forms.CharField(
        label=_("Plan"), max_length=PLAN_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    starts_on = BoundedDateField(label=_("First day"), widget=DateInput)
    ends_on = BoundedDateField(label=_("Last day"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data


class EvaluateForm(forms.Form):
    reason = forms.CharField(
        label=_("Evaluation"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the package achieved and what to do differently next time."),
    )


class AttributeForm(forms.Form):
    referral = forms.IntegerField(label=_("Referral number"), min_value=1, required=False)
    activity = forms.IntegerField(label=_("Outreach activity number"), min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("referral") and not data.get("activity"):
            raise forms.ValidationError(_("Give a referral number or an outreach activity number."))
        return data


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours worked"), min_value=0, max_value=99999, decimal_places=1
    )
