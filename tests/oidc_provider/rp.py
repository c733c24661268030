"""The application's side of single sign-on in tests: configured, with /oidc/ in the URLconf."""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

CLIENT_ID = "perhelinja"
CLIENT_SECRET = "tests-only-client-secret-of-32-bytes-or-more"  # what the test provider registers


def endpoints(provider_url: str) -> dict[str, str]:
    """The RP settings for django-oauth-toolkit's endpoints under `provider_url`/o/."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{provider_url}/o/authorize/",
        "OIDC_OP_TOKEN_ENDPOINT": f"{provider_url}/o/token/",
        "OIDC_OP_USER_ENDPOINT": f"{provider_url}/o/userinfo/",
        "OIDC_OP_JWKS_ENDPOINT": f"{provider_url}/o/.well-known/jwks.json",
        "OIDC_OP_ISSUER": f"{provider_url}/o",
    }


def _reload_urls() -> None:
    """perhelinja/urls.py decides at import whether /oidc/ exists: import it again."""
    if settings.ROOT_URLCONF in sys.modules:
        importlib.reload(sys.modules[settings.ROOT_URLCONF])
    clear_url_caches()


@contextmanager
def single_sign_on(provider_url: str = "http://idp.invalid", **overrides):
    """Single sign-on configured against `provider_url` (plus any other settings given), and
    the URLconf rebuilt with /oidc/; everything as before afterwards."""
    try:
        with override_settings(
            OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            **{**endpoints(provider_url), **overrides},
        ):
            _reload_urls()
            yield
    finally:
        _reload_urls()
