"""Every PDF the system makes: a Django template in `templates/pdf/`, rendered by WeasyPrint.

Rendering never touches the network: the URL fetcher serves files from the project's
`static/` folder on disk and refuses everything else. WeasyPrint is imported on first use,
so processes that never render a PDF do not pay for loading it.
"""

from __future__ import annotations

import functools
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

STATIC_DIR = Path(settings.BASE_DIR) / "static"
# A filename is a fixed word and numbers only ("consent-12.pdf"): never a name or other
# personal data, and nothing that could break out of the header.
SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.pdf$")


class ResourceRefused(ValueError):
    """A PDF template asked for something other than a file under static/."""


class PdfRenderError(RuntimeError):
    """Rendering stopped because a resource could not be fetched."""


def static_file_for(url: str) -> Path:
    """The file under static/ that `url` names (`file:` URLs only, `/static/...` included).

    Raises ResourceRefused for any other scheme (http, https, data, ...), another host, a
    path outside static/ or a missing file.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"PDF rendering fetches only static files, not {url!r}")
    root = STATIC_DIR.resolve()
    path = unquote(parts.path)
    prefix = "/" + urlsplit(settings.STATIC_URL).path.strip("/") + "/"
    candidate = root / path[len(prefix) :] if path.startswith(prefix) else Path(path)
    candidate = candidate.resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        raise ResourceRefused(f"Not a file in static/: {url!r}")
    return candidate


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves static/ from disk; refuses the network and every other file."""

        def __init__(self) -> None:
            # A refused or missing resource stops the rendering: templates are ours, so it
            # is a bug to fix, not something to print around.
            super().__init__(allowed_protocols=("file",), fail_on_errors=True)

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )

    return StaticFileFetcher


def url_fetcher():
    """A WeasyPrint URL fetcher that serves static/ from disk and refuses everything else."""
    return _fetcher_class()()


def _template_path(template_name: str) -> str:
    name = template_name.removeprefix("pdf/").removesuffix(".html")
    return f"pdf/{name}.html"


def render_pdf(template_name: str, context: dict, *, language: str) -> bytes:
    """Render `templates/pdf/<template_name>.html` in `language` to PDF bytes.

    Dates and times are shown in the site's time zone (Europe/Helsinki). The PDF is tagged,
    so screen readers get its headings, tables and language.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    with translation.override(language), timezone.override(timezone.get_default_timezone()):
        html = render_to_string(_template_path(template_name), context)
    try:
        return HTML(
            string=html, base_url=STATIC_DIR.resolve().as_uri() + "/", url_fetcher=url_fetcher()
        ).write_pdf(pdf_tags=True)  # tagged: screen readers follow the structure
    except FatalURLFetchingError as exc:  # a BaseException: Django would not catch it
        raise PdfRenderError(str(exc)) from exc.__cause__


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser; never cached, since it holds a family's data."""
    if not SAFE_FILENAME.match(filename):
        raise ValueError(f"Unsafe PDF filename: {filename!r}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
