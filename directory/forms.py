from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code from the person's authenticator app."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        max_length=10,
        validators=[
            RegexValidator(r"^\s*\d{3}\s?\d{3}\s*$", _("Enter the six digits the app shows."))
        ],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "size": 8,
            }
        ),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].replace(" ", "").strip()


class SecondFactorForm(forms.Form):
    """The code step: the app's current code, or one of the person's backup codes."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        help_text=_(
            "Six digits from the app. Lost your phone? Enter one of your backup codes "
            "(eight characters); each works once."
        ),
        max_length=20,
        validators=[
            RegexValidator(
                r"^\s*(\d{3}\s?\d{3}|[a-zA-Z2-7]{4}[\s-]?[a-zA-Z2-7]{4})\s*$",
                _("Enter the six digits the app shows, or a backup code of eight characters."),
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "size": 10}),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].strip()
