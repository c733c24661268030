"""Project-level views that belong to no app: the legal pages, and the site's error answers."""

import datetime
import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.vary import vary_on_cookie

logger = logging.getLogger(__name__)

# What a database that cannot be reached (refused, restarting, dropped connection) raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


@login_required
def ping(request):
    """The smallest signed-in page: the session, the user and the site's frame, nothing else.

    A health check of the whole request path for a signed-in person, and the baseline that
    `make bench` divides every other page by; itself measured against the floor, a bare Django
    view (scale/bench.py). Two queries (the session and the user) and no write, most of the
    time (tests/test_cheap_request.py).
    """
    return render(request, "ping.html")


# The day the accessibility statement and the privacy notice were last reviewed: change it
# whenever their text or the service's known shortcomings change.
LEGAL_PAGES_REVIEWED = datetime.date(2026, 12, 6)
LEGAL_LANGUAGES = ("fi", "sv", "en")


def _legal_page(request, name):
    """One template per language (`legal/<name>_<language>.html`): long legal texts read
    better whole than cut into messages. The reader's language, or `?lang=` for another
    version; open to everyone, reads nothing but settings."""
    language = request.GET.get("lang")
    if language not in LEGAL_LANGUAGES:
        language = translation.get_language()
    if language not in LEGAL_LANGUAGES:
        language = settings.LANGUAGE_CODE
    context = {
        "controller_name": settings.CONTROLLER_NAME,
        "controller_email": settings.CONTROLLER_EMAIL,
        "data_protection_officer": settings.DATA_PROTECTION_OFFICER,
        "reviewed": LEGAL_PAGES_REVIEWED,
        "retention_closed_days": settings.RETENTION_DAYS_AFTER_CLOSURE,
        "retention_withdrawn_days": settings.RETENTION_DAYS_AFTER_WITHDRAWAL,
        "abandoned_days": settings.REFERRAL_ABANDONED_DAYS,
        "consent_validity_days": settings.CONSENT_DEFAULT_VALIDITY_DAYS,
        "other_languages": [code for code in LEGAL_LANGUAGES if code != language],
    }
    with translation.override(language):
        response = render(request, f"legal/{name}_{language}.html", context)
    response["Content-Language"] = language
    return response


@vary_on_cookie
def accessibility_statement(request):
    """Saavutettavuusseloste, required by the Act on the Provision of Digital Services."""
    return _legal_page(request, "accessibility")


@vary_on_cookie
def privacy_notice(request):
    """Tietosuojaseloste: the information GDPR articles 13 and 14 require."""
    return _legal_page(request, "privacy")


def not_found(request, exception):
    """One answer whether the thing is missing or only hidden from the caller: the exception's
    message (get_object_or_404's "No Referral matches…") is never shown. JSON under /api/ (an
    id that is not a number never reaches the API's views), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Django's 500 page; a 503 when the database could not be reached before any view ran
    (a middleware loading the session's user), as DatabaseUnavailableMiddleware does after."""
    exception = sys.exception()
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


def database_unavailable(request, exception):
    """503 with a hint when to retry, never cached. The page is self-contained: base.html's
    menu reads the user, and reading anything would fail again."""
    match = request.resolver_match
    cause = exception.__cause__
    # No path (a family's link holds its token), no message, no data: what failed, and where.
    logger.error(
        "Database unavailable: %s %s answered 503 (%s, SQLSTATE %s)",
        request.method,
        match.view_name if match else "-",
        type(cause or exception).__name__,
        getattr(cause, "sqlstate", None),
    )
    if request.path.startswith("/api/"):
        detail = gettext("The service is temporarily unavailable. Try again in a minute.")
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True, private=True)
    return response
