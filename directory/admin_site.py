"""The admin: staff only, and only in a session verified with a second factor."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import two_factor


class AdminSite(admin.AdminSite):
    site_header = "Perhelinja"
    site_title = "Perhelinja"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        """No login form of the admin's own, which would skip the second factor: people log in
        on the site, staff then verify (or set up) their device, others are refused."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not user.is_verified():
            step = two_factor.pending_step(user)
            target = "two_factor_verify" if step == two_factor.VERIFY else "two_factor_setup"
            return redirect_to_login(next_url, reverse(target))
        return HttpResponseRedirect(next_url)
