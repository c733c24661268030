"""The load test's WSGI application: the site, plus the bench's floor at /floor/ (issue 20).

`make loadtest` serves this instead of perhelinja.wsgi, so that the floor (a bare Django view
behind only the session and authentication middleware, scale/bench.py) is measured over HTTP
under the same load as the pages. The floor answers only at its own path, through a handler of
its own with only that middleware; every other request goes to the site unchanged. The scale
app, and so this module, exists only where settings.TOOLS is on: never in production.
"""

from __future__ import annotations

import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhelinja.settings")
django.setup(set_prefix=False)

from scale import bench  # noqa: E402 (needs the apps loaded)

site = WSGIHandler()


class FloorHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=bench.FLOOR_MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request):
        request.urlconf = bench.__name__
        return super().get_response(request)


floor = FloorHandler()


def application(environ, start_response):
    handler = floor if environ.get("PATH_INFO") == bench.FLOOR_PATH else site
    return handler(environ, start_response)
