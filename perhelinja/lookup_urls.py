"""URLs of `perhelinja.lookups`: include with `path("", include("perhelinja.lookup_urls"))`;
`LookupChoiceField` finds them as "lookup:search"."""

from django.urls import path

from . import lookups

app_name = "lookup"
urlpatterns = [
    path("lookup/<slug:name>/", lookups.search, name="search"),
]
