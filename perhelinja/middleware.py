"""Request-wide rules of the project: a session ends after a while without activity, personal
data is never cached, and a database that cannot be reached gets a 503 instead of a server
error."""

import time

from django.conf import settings
from django.utils.cache import patch_cache_control

from . import views

# The family's signed-link pages: no login, yet the family's appointment or feedback.
FAMILY_LINK_VIEWS = {"appointments:family_offer", "evaluation:family_feedback"}


# When the session's expiry was last moved on (seconds since the epoch).
REFRESHED_SESSION_KEY = "refreshed_at"


class IdleSessionMiddleware:
    """A session ends SESSION_COOKIE_AGE seconds after its last save. Instead of saving it on
    every request (SESSION_SAVE_EVERY_REQUEST: a write per page), a request marks it changed when
    it was last refreshed SESSION_REFRESH_SECONDS ago or more, so it ends between
    SESSION_COOKIE_AGE minus SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last
    activity, and a plain page writes nothing most of the time. A visitor without a session
    gets none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            last = session.get(REFRESHED_SESSION_KEY, 0)  # loads it: a stale key loses its key
            if session.session_key and now - last >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_SESSION_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer that may carry personal data: those
    to a signed-in person or an API token (DRF puts its user on the request) and the family's
    link pages, unless the view chose its own (the PDFs do). The anonymous pages, such as the
    catalogue, stay cacheable; WhiteNoise answers static files before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and may_be_personal(request):
            patch_cache_control(response, no_store=True, private=True)
        return response


def may_be_personal(request) -> bool:
    match = request.resolver_match
    if match is not None and match.view_name in FAMILY_LINK_VIEWS:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with a page that needs none. The
    same failure before the view (loading the session's user) comes through handler500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, views.DATABASE_UNAVAILABLE):
            return views.database_unavailable(request, exception)
        return None
