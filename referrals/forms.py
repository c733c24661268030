"""Forms translate HTTP input into service arguments; the services decide what is allowed."""

from __future__ import annotations

import datetime
from functools import cache
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from consent.models import GiverRole, Method, Scope
from directory.models import (
    Challenge,
    Mode,
    Municipality,
    Organization,
    TargetGroup,
)
from perhelinja.dates import BoundedDateField
from perhelinja.widgets import OneTemplateSelect

from .models import DESCRIPTION_MAX_LENGTH, DeclineReason, FamilyLanguage, State
from .validators import (
    PHONE_INVALID,
    is_temporary_identity_code,
    normalize_identity_code,
    phone_e164,
    validate_identity_code,
)

REASON_MAX_LENGTH = 2000


def _required(message) -> dict:
    """An empty required field's message says what to do, not just "This field is required"."""
    return {"required": message}


NO_SHARING = _(
    "The referral can be made only if the family agreed to sharing it with the receiving "
    "organization. Ask the family, then tick “Share the referral with the receiving "
    "organization”."
)


class ConsentForm(forms.Form):
    given_by_role = forms.ChoiceField(
        label=_("Who gave the consent"),
        choices=GiverRole.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose who gave the consent.")),
    )
    given_by_name = forms.CharField(
        label=_("Name of the person who gave consent"),
        max_length=200,
        error_messages=_required(_("Enter the name of the person who gave consent.")),
    )
    method = forms.ChoiceField(
        label=_("How it was given"),
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose how the consent was given.")),
    )
    scopes = forms.MultipleChoiceField(
        label=_("The family agreed to"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The referral can be sent only if the family agreed to sharing it."),
        error_messages=_required(NO_SHARING),
    )

    def clean_scopes(self):
        scopes = self.cleaned_data["scopes"]
        if Scope.SHARE_REFERRAL not in scopes:
            raise forms.ValidationError(NO_SHARING, code="no_sharing")
        return scopes

    valid_until = BoundedDateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for one year."),
    )

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value is None:
            return None
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The end date must be in the future."))
        end = datetime.datetime.combine(value, datetime.time(23, 59))
        return timezone.make_aware(end)


class BirthYearsField(forms.CharField):
    """Children by birth year only, typed as "2019, 2022"."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        years = []
        this_year = timezone.localdate().year
        for part in text.replace(";", ",").replace(" ", ",").split(","):
            if not part:
                continue
            if not part.isdigit() or not (this_year - 30 <= int(part) <= this_year + 1):
                raise forms.ValidationError(
                    _("Give the children's birth years as four-digit years, e.g. 2019, 2022.")
                )
            years.append(int(part))
        return sorted(years)


class FamilyForm(forms.Form):
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=200,
        error_messages=_required(_("Enter the name of the family's contact person.")),
    )
    # Typed as people write them ("040 123 4567"), kept in E.164; shown nationally again.
    contact_phone = PhoneNumberField(
        label=_("Phone"), required=False, error_messages={"invalid": PHONE_INVALID}
    )
    contact_email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=FamilyLanguage.choices,
        error_messages=_required(_("Choose the family's preferred language.")),
    )
    language_other = forms.CharField(label=_("Other language"), max_length=60, required=False)
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    children_birth_years = BirthYearsField(
        label=_("Children's birth years"),
        required=False,
        max_length=100,
        help_text=_("Birth years only, separated by commas, e.g. 2019, 2022."),
    )
    identity_code = forms.CharField(
        label=_("Personal identity code"),
        max_length=11,
        required=False,
        help_text=_("Only when the receiving organization needs it."),
    )
    identity_code_temporary = forms.BooleanField(
        label=_("The identity code is temporary"),
        required=False,
        help_text=_("Tick only if the family has a temporary code (individual number 900–999)."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        error_messages=_required(_("Choose the family's municipality.")),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose the target group.")),
    )
    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges"),
        queryset=Challenge.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required(_("Choose at least one challenge.")),
    )
    description = forms.CharField(
        label=_("Description of the situation"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the family hopes for. Write only what the organization needs."),
        error_messages=_required(_("Describe the family's situation.")),
    )

    def clean_contact_phone(self):
        return phone_e164(self.cleaned_data["contact_phone"])

    def clean_identity_code(self):
        return normalize_identity_code(self.cleaned_data["identity_code"])

    def clean(self):
        data = super().clean()
        # Checked here with the other fields, so that its error shows on the first submit too;
        # a temporary number passes only with the box beside it ticked.
        if data.get("identity_code"):
            try:
                validate_identity_code(
                    data["identity_code"],
                    allow_temporary=data.get("identity_code_temporary", False),
                )
            except ValidationError as error:
                self.add_error("identity_code", error)
        if not (data.get("contact_phone") or data.get("contact_email")):
            self.add_error("contact_phone", _("Give a phone number or an email address."))
        if data.get("language") == FamilyLanguage.OTHER and not data.get("language_other"):
            self.add_error("language_other", _("Name the language."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("identity_code_temporary", None)  # decided here; the referral keeps the code
        return {
            **{k: v for k, v in data.items() if k not in ("challenges", "children_birth_years")},
            "challenges": data["challenges"],
            "children_birth_years": data["children_birth_years"],
        }

    @classmethod
    def initial_from(cls, referral) -> dict:
        return {
            "contact_name": referral.contact_name,
            "contact_phone": referral.contact_phone,
            "contact_email": referral.contact_email,
            "language": referral.language,
            "language_other": referral.language_other,
            "interpreter_needed": referral.interpreter_needed,
            "children_birth_years": ", ".join(str(c.birth_year) for c in referral.children.all()),
            "identity_code": referral.identity_code,
            "identity_code_temporary": is_temporary_identity_code(referral.identity_code),
            "municipality": referral.municipality_id,
            "target_group": referral.target_group_id,
            "challenges": list(referral.challenges.values_list("pk", flat=True)),
            "description": referral.description,
        }


class PreferencesForm(forms.Form):
    modes = forms.ModelMultipleChoiceField(
        label=_("Preferred ways to meet"),
        queryset=Mode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_times = forms.CharField(
        label=_("Preferred times"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday afternoons, not on Mondays."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    reason = forms.CharField(
        label=_("Question to the referrer"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Explanation"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the reason is “Other reason”."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason_code") == DeclineReason.OTHER and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason."))
        return data


class AssignForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.filter(is_active=True)
    )
    reason = forms.CharField(
        label=_("Note to the organization"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# A list's orders: (the field its keyset pages walk, newest first?). "state" groups the lines
# by their state's code; "waiting" puts the longest wait first.
SORTS = {
    "newest": ("created_at", True),
    "oldest": ("created_at", False),
    "waiting": ("state_changed_at", False),
    "state": ("state", False),
}
SEARCH_MAX_LENGTH = 100


class ListFilterForm(forms.Form):
    """A referral list's search and order. Invalid input is shown as an error and the list
    falls back to its default order without the search."""

    q = forms.CharField(
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text=_("A referral's number, or part of the family's contact person's name."),
        error_messages={"max_length": _("Search with at most 100 characters.")},
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("Default order")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("waiting", _("Waiting longest first")),
            ("state", _("Grouped by state")),
        ],
        error_messages={"invalid_choice": _("Choose an order from the list.")},
        widget=OneTemplateSelect,
    )

    def __init__(self, *args, name_search: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not name_search:
            # Coordinators never read the family's data: the number is all they search by.
            self.fields["q"].label = _("Referral number")
            self.fields["q"].help_text = ""

    def query(self) -> str:
        """The valid choices as a query string, for the links to the next page."""
        if not self.is_valid():
            return ""
        return urlencode({k: v for k, v in self.cleaned_data.items() if v})

    def chosen(self, name: str) -> str:
        """A valid field's value ("" when none or invalid)."""
        return self.cleaned_data.get(name, "") if self.is_valid() else ""

    def values(self) -> tuple[str, str]:
        """(search text, order) when valid, else ("", "")."""
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["q"].strip(), self.cleaned_data["sort"]

    def order(self, default: str) -> tuple[str, bool]:
        """The keyset field and direction of the chosen order (`default` when none)."""
        return SORTS[self.values()[1] or default]


class MyListFilterForm(ListFilterForm):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *State.choices],
        widget=OneTemplateSelect,
    )

    field_order = ("q", "state", "sort")


class TriageFilterForm(ListFilterForm):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All waiting")),
            (State.SUBMITTED, State.SUBMITTED.label),
            (State.DECLINED, State.DECLINED.label),
            (State.POOLED, State.POOLED.label),
        ],
        widget=OneTemplateSelect,
    )

    field_order = ("q", "state", "sort")


class Confirmation(forms.Form):
    """The box a danger action asks to be ticked: what it does is said above it (the
    action's `confirm` text), and it does nothing until the person says they understood."""

    confirm = forms.BooleanField(
        label=_("I understand what happens and want to go ahead."),
        error_messages=_required(_("Tick the box to confirm that you understand what happens.")),
    )


@cache
def confirmed(form_class: type[forms.Form] | None) -> type[forms.Form]:
    """`form_class` (its fields first) with the `Confirmation` box after them."""
    if form_class is None:
        return Confirmation
    return type(f"Confirmed{form_class.__name__}", (Confirmation, form_class), {})
