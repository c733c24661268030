"""The coordinator's choice of period and filters, for the dashboard, the API and the
families' comments."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.models import ModeCode, Municipality, Organization, Service


class InsightForm(forms.Form):
    """The dashboard's period and filters; every choice works as a plain GET."""

    PERIODS = [
        ("month", _("This month")),
        ("last_month", _("Last month")),
        ("quarter", _("This quarter")),
        ("year", _("This year")),
        ("last_year", _("Last year")),
        ("custom", _("Custom")),
    ]
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.filter(is_active=True), required=False
    )
    mode = forms.ChoiceField(
        label=_("Way to meet"), required=False, choices=[("", _("All")), *ModeCode.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        swedish = (get_language() or "fi")[:2] == "sv"
        self.fields["area"].choices = [
            ("", _("Pilot areas")),
            ("all", _("All 27 municipalities")),
            *[
                (code, (sv if swedish else fi))
                for code, fi, sv in Municipality.objects.values_list("code", "name_fi", "name_sv")
            ],
        ]
        # Labels straight from the rows, as each model's __str__ would give them: thousands of
        # organizations and services, without building a model instance for each.
        # (A form built on this one may leave either field out.)
        language = (get_language() or "fi")[:2]
        if "organization" in self.fields:
            field = self.fields["organization"]
            field.widget.choices = [("", field.empty_label)] + [
                (pk, (name_sv if swedish and name_sv else name))
                for pk, name, name_sv in field.queryset.values_list("pk", "name", "name_sv")
            ]
        if "service" in self.fields:
            field = self.fields["service"]
            field.widget.choices = [("", field.empty_label)] + [
                (pk, {"sv": sv, "en": en}.get(language) or fi)
                for pk, fi, sv, en in field.queryset.values_list(
                    "pk", "name_fi", "name_sv", "name_en"
                )
            ]

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Give both dates of a custom period."))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The period cannot end before it starts."))
        return data


class CommentsFilterForm(InsightForm):
    """The dashboard's period, area and organization; feedback has no service or mode."""

    service = None
    mode = None
