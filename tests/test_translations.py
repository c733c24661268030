import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from referrals.models import State

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("flag", ["--untranslated", "--only-fuzzy"])
def test_every_message_is_translated(language, flag):
    if not shutil.which("msgattrib"):
        pytest.skip("needs gettext: apt-get install gettext")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    out = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "", f"{po} has {flag[2:]} messages:\n{out}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "Luonnos"), ("sv", "Utkast"), ("en", "Draft")],
)
def test_compiled_catalogues_are_used(language, expected):
    with translation.override(language):
        assert str(State.DRAFT.label) == expected


def test_catalogues_hold_every_string_of_the_source(tmp_path):
    """Extract the messages afresh in a copy of the project: nothing may come out new,
    untranslated or fuzzy, so no page shows English to a Finnish or Swedish user."""
    if not shutil.which("msgattrib") or not shutil.which("xgettext"):
        pytest.skip("needs gettext: apt-get install gettext")
    root = LOCALE.parent
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns(
        ".venv",
        ".git",
        "__pycache__",
        "*.sqlite3",
        "static-collected",
        ".pytest_cache",
        ".ruff_cache",
        "*.egg-info",
    )
    shutil.copytree(root, copy, ignore=skip)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fi",
            "-l",
            "sv",
            "--no-obsolete",
            "--ignore=tests",
            "--ignore=demo",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        text=True,
    )
    for language in ("fi", "sv"):
        po = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        for flag in ("--untranslated", "--only-fuzzy"):
            out = subprocess.run(
                ["msgattrib", flag, "--no-wrap", str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert out.strip() == "", f"{language}: run `make messages` and translate:\n{out}"
