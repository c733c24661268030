"""The search behind a `LookupChoiceField` (`perhelinja.widgets`): the radio buttons of the
rows matching what was typed, and the status message saying how many, for htmx to put in
place while one types. The same markup the form shows after a plain GET."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .widgets import LOOKUPS, SEARCH_SUFFIX, Sent, found_context

# A form field's name and its control's id, as Django makes them (prefixes included).
_NAME = re.compile(r"[A-Za-z_][\w-]{0,99}\Z")


@require_GET
@login_required
def search(request, name: str):
    """`?field=<field name>&id=<control id>&<field>_q=<text>[&<field>=<chosen key>]`."""
    lookup = LOOKUPS.get(name)
    field, own_id = request.GET.get("field", ""), request.GET.get("id", "")
    if lookup is None or not _NAME.match(field) or not _NAME.match(own_id):
        raise Http404
    sent = Sent(
        chosen=request.GET.get(field, ""), text=request.GET.get(field + SEARCH_SUFFIX, "")[:100]
    )
    context = found_context(lookup, sent, fixed_values=set(), id_=own_id)
    return render(
        request, "perhelinja/widgets/lookup_found.html", {**context, "name": field, "oob": True}
    )
