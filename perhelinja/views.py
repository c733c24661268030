"""Project-level views that belong to no app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def ping(request):
    """The smallest signed-in page: the session, the user and the site's frame, nothing else.

    A health check of the whole request path for a signed-in person, and the baseline that
    `make bench` divides every other page by.
    """
    return render(request, "ping.html")
