import shutil
import subprocess
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
