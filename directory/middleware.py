"""Request-wide rules of the directory app: the person's roles and second factor, and the
content security policy."""

from __future__ import annotations

import functools

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp.middleware import is_verified
from django_otp.models import Device

from . import two_factor

# What a person whose second factor is pending may still do: finish it, or leave.
OPEN_VIEWS = {
    "login",
    "logout",
    "set_language",
    "two_factor_setup",
    "two_factor_verify",
    # Signing in anew with the organization's account (directory/oidc.py).
    "oidc_authentication_init",
    "oidc_authentication_callback",
}


class SessionAccessMiddleware:
    """In place of django-otp's OTPMiddleware, which reads the session's device on every request:
    `request.user.otp_device` and `is_verified()` as django-otp defines them, and the person's
    groups (the roles), from what the session remembers (two_factor.session_access). The
    device itself is read only when something uses it (the verified state needs only to know
    that it is the person's and confirmed, which the session remembers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(_with_access, request, user))
        return self.get_response(request)


def _with_access(request, user):
    user.otp_device = None
    user.is_verified = functools.partial(is_verified, user)
    if user.is_authenticated:
        access = two_factor.session_access(request, user)
        user.remember_groups(access["groups"])
        user.remember_permissions(access["permissions"])
        user.has_confirmed_device = access["has_device"]
        if access["verified"]:
            device_id = access["device_id"]
            user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(device_id))
    return user


class TwoFactorMiddleware:
    """Until the session is verified, a person with a device must enter a code, and a person
    in OTP_REQUIRED_ROLES without one must set one up; nothing else is reachable meanwhile.
    A strong sign-in at the organization's identity provider verifies the session too.

    Runs after SessionAccessMiddleware. Token-authenticated API calls never carry a
    session user here: the token endpoint asks for the code instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if user.is_verified() or two_factor.verified_by_idp(request):
            return None
        step = two_factor.pending_step(user, has_device=getattr(user, "has_confirmed_device", None))
        if step is None:
            return None
        if request.path.startswith(("/api/", "/fhir/")):
            return JsonResponse(
                {"detail": _("Two-factor authentication is required: log in with a code first.")},
                status=403,
            )
        target = "two_factor_verify" if step == two_factor.VERIFY else "two_factor_setup"
        response = redirect_to_login(request.get_full_path(), reverse(target))
        if request.headers.get("HX-Request"):
            # htmx would swap the code page into a fragment; have it load the whole page.
            htmx_response = HttpResponse(status=204)
            htmx_response["HX-Redirect"] = response["Location"]
            return htmx_response
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with one exception: Chrome shows a PDF through an internal
    <embed> of the same URL, which `object-src 'none'` blocks, so PDF responses allow 'self'."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if response.get("Content-Type", "").startswith("application/pdf"):
            parts.replace = {**(parts.replace or {}), "object-src": [SELF]}
        return parts
