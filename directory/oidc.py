"""Single sign-on for staff with OpenID Connect (mozilla-django-oidc): the organization's
identity provider signs professionals and workers in.

Off unless settings.OIDC_RP_CLIENT_ID is set: then /oidc/authenticate/ sends the person to the
provider and /oidc/callback/ signs them in; otherwise neither URL exists.

- A person is matched by a stable claim (settings.OIDC_SUBJECT_CLAIM, `sub` by default) that an
  administrator stored in `User.oidc_subject`; with OIDC_LINK_BY_EMAIL on, a first sign-in may
  link the one active staff user with that (provider-verified) email and no identifier yet.
  Nobody is ever created from claims: accounts and their roles are made in this system.
- Only active users with a role in settings.OIDC_ROLES may sign in this way.
- The ID token's `acr` in OIDC_STRONG_ACR_VALUES, or one of its `amr` methods in
  OIDC_STRONG_AMR_VALUES, counts as the second factor (`two_factor.verified_by_idp`).
- Tokens and claims are never logged or kept; the session keeps only the `acr` value.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import two_factor
from .models import Role, User

logger = logging.getLogger(__name__)

ACR_SESSION_KEY = "oidc_acr"


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def sso_roles() -> list[Role]:
    return [Role(name) for name in settings.OIDC_ROLES if name in Role.values]


def may_use_sso(user: User) -> bool:
    """Active, and in a role that may sign in with the organization's account."""
    return user.is_active and any(user.has_role(role) for role in sso_roles())


def strong_authentication(id_token_claims: dict) -> bool:
    """True when the provider says the person signed in with a strong method: the `acr` is
    one of OIDC_STRONG_ACR_VALUES or an `amr` method one of OIDC_STRONG_AMR_VALUES."""
    acr = id_token_claims.get("acr")
    amr = id_token_claims.get("amr")
    methods = amr if isinstance(amr, list) else []
    return (isinstance(acr, str) and acr in settings.OIDC_STRONG_ACR_VALUES) or any(
        isinstance(method, str) and method in settings.OIDC_STRONG_AMR_VALUES for method in methods
    )


def _subject(claims: dict) -> str:
    value = claims.get(settings.OIDC_SUBJECT_CLAIM)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) else ""


def _link_by_email(claims: dict, subject: str) -> User | None:
    """The one active staff user without an identifier whose email the provider verified;
    the identifier is recorded on them, so later sign-ins match by it alone."""
    email = claims.get("email")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        return None
    candidates = list(
        User.objects.filter(
            email__iexact=email,
            oidc_subject__isnull=True,
            is_active=True,
            groups__name__in=[role.value for role in sso_roles()],
        ).distinct()[:2]
    )
    if len(candidates) != 1:
        return None
    user = candidates[0]
    user.oidc_subject = subject
    user.save(update_fields=["oidc_subject"])
    logger.info("Single sign-on linked user %s to its identifier by verified email", user.pk)
    return user


def find_user(claims: dict) -> User | None:
    """The staff user these claims identify, if they may sign in with single sign-on."""
    subject = _subject(claims)
    if not subject:
        return None
    user = User.objects.filter(oidc_subject=subject).first()
    if user is None and settings.OIDC_LINK_BY_EMAIL:
        user = _link_by_email(claims, subject)
    if user is None or not may_use_sso(user):
        return None
    return user


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of the provider's sign-in; never creates a user.

    The matched user carries `oidc_acr` and `oidc_strong` for CallbackView, which records them
    in the session once the person is logged in.
    """

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce: a password login (even one posted to a URL with
        # `code` and `state` in it) never reaches the provider.
        if not enabled() or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError) as error:
            # The class only: messages of these may quote the provider's answer.
            logger.warning("Single sign-on failed: %s", type(error).__name__)
            return None

    def verify_token(self, token, **kwargs):
        """The signature, expiry and nonce (mozilla-django-oidc), and the audience and issuer,
        which it leaves unchecked."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if settings.OIDC_OP_USER_ENDPOINT:
            user_info = self.get_userinfo(access_token, id_token, payload)
            if user_info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info describes another subject.")
            # What the signed ID token says wins.
            claims = {**user_info, **payload}
        user = find_user(claims)
        if user is None:
            logger.info("Single sign-on refused: no active staff user with a role for SSO matches")
            return None
        acr = payload.get("acr")
        user.oidc_acr = acr if isinstance(acr, str) else ""
        user.oidc_strong = strong_authentication(payload)
        return user

    def create_user(self, claims):
        """Never: accounts and their roles are made in this system by its administrators."""
        return None

    def get_user(self, user_id):
        # ModelBackend's, which (unlike mozilla-django-oidc's) refuses a deactivated user.
        return ModelBackend.get_user(self, user_id)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: log the person in, record what the second factor needs to know,
    and on any failure go back to the login page with a message."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A `state` this session never sent: a replayed or forged answer.
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        session = self.request.session
        session[ACR_SESSION_KEY] = getattr(self.user, "oidc_acr", "")
        if getattr(self.user, "oidc_strong", False):
            session[two_factor.IDP_VERIFIED_SESSION_KEY] = self.user.pk
        else:
            session.pop(two_factor.IDP_VERIFIED_SESSION_KEY, None)
        # As the password login does: the interface in the language the person chose last.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            self.user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Signing in with your organization's account did not succeed. Your account "
                "there may not be linked to a user of this service: ask this service's "
                "administrator, or log in with your username and password."
            ),
        )
        return redirect("login")


def urls() -> list:
    """/oidc/authenticate/ and /oidc/callback/ when single sign-on is configured, else none."""
    if not enabled():
        return []
    patterns = [
        path(
            "authenticate/",
            OIDCAuthenticationRequestView.as_view(),
            name="oidc_authentication_init",
        ),
        path("callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    ]
    return [path("oidc/", include(patterns))]
