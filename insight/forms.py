"""The coordinator's choice of period and filters, for the dashboard, the API and the
families' comments."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import ModeCode
from perhelinja.dates import BoundedDateField
from perhelinja.widgets import MUNICIPALITIES, ORGANIZATIONS, SERVICES, LookupChoiceField

from . import coverage
from .period import TWELVE_MONTHS


class InsightForm(forms.Form):
    """The dashboard's period and filters; every choice works as a plain GET."""

    PERIODS = [
        (TWELVE_MONTHS, _("Last 12 months")),
        ("month", _("This month")),
        ("last_month", _("Last month")),
        ("quarter", _("This quarter")),
        ("year", _("This year")),
        ("last_year", _("Last year")),
        ("custom", _("Custom")),
    ]
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    # Within the years 2000-2100: the report's arithmetic (the day after the end) overflows
    # at year 9999, and no earlier or later date is one the service can mean.
    start = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Searches, not selects: Finland has hundreds of municipalities and thousands of
    # organizations and services (perhelinja.widgets).
    area = LookupChoiceField(
        label=_("Area"),
        lookup=MUNICIPALITIES,
        fixed=[("", _("Pilot areas")), ("all", _("All 27 municipalities"))],
    )
    organization = LookupChoiceField(label=_("Organization"), lookup=ORGANIZATIONS, as_object=True)
    service = LookupChoiceField(label=_("Service"), lookup=SERVICES, as_object=True)
    mode = forms.ChoiceField(
        label=_("Way to meet"), required=False, choices=[("", _("All")), *ModeCode.choices]
    )

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


class CoverageForm(forms.Form):
    """Which coverage grid, and for the drill-down which of its cells; a plain GET."""

    grid = forms.ChoiceField(
        label=_("Columns"), choices=list(coverage.GRIDS.items()), required=False
    )
    municipality = forms.CharField(label=_("Municipality"), max_length=3, required=False)
    column = forms.SlugField(label=_("Column"), max_length=60, required=False)

    def kind(self) -> str:
        """The chosen grid; the service areas when none (or a wrong one) was chosen."""
        if self.is_bound and self.is_valid() and self.cleaned_data["grid"]:
            return self.cleaned_data["grid"]
        return coverage.AREAS
