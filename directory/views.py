import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp.plugins.otp_static.models import StaticDevice

from perhelinja.routers import use_replica
from referrals import selectors

from . import services, two_factor
from .filters import ServiceFilter
from .forms import CodeForm, SecondFactorForm
from .selectors import api_tokens_of


@login_required
def home(request):
    """Each role's starting point: what waits for this person now, counted on top, each item
    a link (`referrals.selectors`: the same reads as the lists they lead to)."""
    user = request.user
    sections = []
    if user.is_professional:
        sections += selectors.professional_home(user)
    if user.is_worker:
        sections += selectors.worker_home(user)
    if user.is_coordinator:
        sections += selectors.coordinator_home()
    context = {"user": user, "sections": sections}
    return render(request, "directory/home.html", context)


@use_replica()  # public, no personal data, tolerates a moment of lag (perhelinja/routers.py)
def catalogue(request):
    """The public service catalogue (palvelupaketti): anyone may search it, no login, no
    personal data. An htmx request gets only the results; a plain GET the whole page."""
    filterset = ServiceFilter(request.GET, request=request)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "services": list(filterset.qs),
    }
    # htmx asks for the whole page when it restores history it has not cached.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "directory/_catalogue_results.html" if partial else "directory/catalogue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


class LoginView(auth_views.LoginView):
    """Log in, and show the interface in the language the person chose last time."""

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


def set_language(request):
    """Django's language switch; a logged-in person's choice is also kept for emails."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and check_for_language(language)
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


# --- the account: second factor and password --------------------------------------------------


def _next_url(request, default: str) -> str:
    """The `next` parameter when it points to this site, else `default`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(default)


def _verified(request, device) -> None:
    """Mark the session as verified by `device`, under a new session key (a step up in
    privilege, like a login)."""
    request.session.cycle_key()
    django_otp.login(request, device)


def _account_page(request, remove_form: CodeForm | None = None, backup_codes=None):
    user = request.user
    device = two_factor.confirmed_device(user)
    context = {
        "device": device,
        "required": two_factor.two_factor_required(user),
        "remove_form": remove_form or CodeForm(),
        "backup_codes": backup_codes,
        "backup_codes_left": two_factor.backup_codes_left(user) if device else 0,
        "tokens": api_tokens_of(user),
    }
    return render(request, "directory/account.html", context)


@login_required
def account(request):
    """The person's own settings: the second factor and its backup codes, the API tokens and
    the password. POST: revoke one token (`revoke`) or all (`revoke_all`), or make new backup
    codes (`backup_codes`), which this answer shows once."""
    user = request.user
    if request.method != "POST":
        return _account_page(request)
    if "backup_codes" in request.POST:
        try:
            codes = services.backup_codes_generate(user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("account")
        return _account_page(request, backup_codes=codes)
    if "revoke_all" in request.POST:
        services.api_tokens_revoke_all(user=user)
        messages.success(request, _("All your API tokens are revoked."))
    elif "revoke" in request.POST:
        try:
            services.api_token_revoke(user=user, token_key=request.POST["revoke"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The API token is revoked."))
    return redirect("account")


@login_required
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then prove it with a
    code; the backup codes are then shown, once. Required roles are sent here until they have
    done so."""
    user = request.user
    if two_factor.confirmed_device(user) is not None:
        return redirect("account")
    next_url = _next_url(request, "account")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_device_confirm(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            _verified(request, device)
            codes = services.backup_codes_generate(user=user)
            messages.success(request, _("Two-factor authentication is on."))
            context = {"backup_codes": codes, "next": next_url}
            return render(request, "directory/two_factor_setup.html", context)
    device = services.totp_device_prepare(user=user)
    context = {
        "form": form,
        "next": next_url,
        "required": two_factor.two_factor_required(user),
        "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_for_display(device),
    }
    return render(request, "directory/two_factor_setup.html", context)


@login_required
@require_POST
def two_factor_remove(request):
    """Turn the second factor off; the form sits on the account page."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.totp_device_remove(user=request.user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("account")
    return _account_page(request, remove_form=form)


def two_factor_verify(request):
    """The second login step: a person with a device enters its current code, or one of the
    backup codes."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request, settings.LOGIN_REDIRECT_URL)
    if request.user.is_verified() or two_factor.pending_step(request.user) != two_factor.VERIFY:
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(
                user=request.user, code=form.cleaned_data["otp_token"]
            )
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.backup_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You logged in with a backup code. %(left)d code is left: make new "
                        "ones on your account page.",
                        "You logged in with a backup code. %(left)d codes are left: make new "
                        "ones on your account page.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(next_url)
    return render(request, "directory/two_factor_verify.html", {"form": form, "next": next_url})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, checked by AUTH_PASSWORD_VALIDATORS, on the account page.
    Every API token of the person is revoked with the old password (directory/signals.py)."""

    template_name = "directory/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
