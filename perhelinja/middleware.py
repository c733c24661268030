"""Request-wide rules of the project: personal data is never cached, and a database that
cannot be reached gets a 503 instead of a server error."""

from django.utils.cache import patch_cache_control

from . import views

# The family's signed-link pages: no login, yet the family's appointment or feedback.
FAMILY_LINK_VIEWS = {"appointments:family_offer", "evaluation:family_feedback"}


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
