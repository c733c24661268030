import os

import pytest
from django.core.cache import cache

# CI sets PERHELINJA_NO_SKIP=1: there every service and browser is installed, so a skip
# means something is missing and must fail the run instead of passing silently.
NO_SKIP = os.environ.get("PERHELINJA_NO_SKIP") == "1"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: takes more than a few seconds (data at scale, the bench)"
    )
    config.addinivalue_line("markers", "browser: drives a real browser (Playwright)")
    config.addinivalue_line("markers", "serve: starts the production stack (bin/serve)")


def pytest_collection_modifyitems(config, items):
    """Browser tests are the ones under tests/browser/, serve tests those of test_serve.py:
    marked here so that no file can forget it."""
    for item in items:
        path = item.path.as_posix()
        if "/tests/browser/" in path:
            item.add_marker(pytest.mark.browser)
        if path.endswith("/tests/test_serve.py"):
            item.add_marker(pytest.mark.serve)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped where nothing may be skipped (PERHELINJA_NO_SKIP=1): {report.longrepr}"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the API's throttle counts, the lockouts and the
    statistics snapshots of one test must not decide another's answer."""
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English messages; the translations have tests of their own."""
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        yield
