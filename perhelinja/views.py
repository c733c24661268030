"""Project-level views that belong to no app."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults


@login_required
def ping(request):
    """The smallest signed-in page: the session, the user and the site's frame, nothing else.

    A health check of the whole request path for a signed-in person, and the baseline that
    `make bench` divides every other page by.
    """
    return render(request, "ping.html")


def not_found(request, exception):
    """A JSON 404 under /api/ (an id that is not a number never reaches the API's views),
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
