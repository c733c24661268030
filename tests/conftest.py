import os

import pytest

# CI sets PERHELINJA_NO_SKIP=1: there every service and browser is installed, so a skip
# means something is missing and must fail the run instead of passing silently.
NO_SKIP = os.environ.get("PERHELINJA_NO_SKIP") == "1"


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
def _english(settings):
    """Assertions read English messages; the translations have tests of their own."""
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        yield
