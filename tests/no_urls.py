"""No URLs at all: a page where `perhelinja.lookup_urls` is not included (tests only)."""

urlpatterns: list = []
