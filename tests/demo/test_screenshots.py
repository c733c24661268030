"""`manage.py screenshots`: full-page pictures of the demo's pages, taken in Debian's chromium."""

import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import CoordinatorFactory, ProfessionalFactory

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "secret-pass-123"  # what tests/factories.py gives every user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_users(settings):
    """The two demo users the command looks for, with the demo's password."""
    settings.DEBUG = True
    settings.DEMO_PASSWORD = PASSWORD
    return ProfessionalFactory(username="pro.turku"), CoordinatorFactory(username="coordinator")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: install it with `apt-get install chromium` (CI's .ci/run "
    "does); never `playwright install`",
)
def test_a_logged_in_page_is_shot_full_page_at_the_phone_size(demo_users, tmp_path, capsys):
    call_command(
        "screenshots",
        "--out",
        str(tmp_path),
        "--page",
        "professional-referrals",
        "--language",
        "sv",
        "--size",
        "phone",
    )

    shot = tmp_path / "sv" / "390x844" / "professional-referrals.png"
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*.png")] == [
        shot.relative_to(tmp_path)
    ]
    width, height = png_size(shot)
    assert width == 390
    assert height >= 844  # the whole page, at least one screen
    assert "1 screenshots written" in capsys.readouterr().out


def test_it_asks_for_the_demo_data_first(settings, tmp_path):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="seed_demo"):
        call_command("screenshots", "--out", str(tmp_path))


def test_an_unknown_page_is_refused(demo_users, tmp_path):
    with pytest.raises(CommandError, match="No such page: worker-nowhere"):
        call_command("screenshots", "--out", str(tmp_path), "--page", "worker-nowhere")


def test_it_refuses_to_run_without_debug(demo_users, settings, tmp_path):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=True"):
        call_command("screenshots", "--out", str(tmp_path))
    assert not list(tmp_path.iterdir())
