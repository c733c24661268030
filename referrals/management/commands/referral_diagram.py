from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from referrals.diagram import mermaid, write_readme

# Where the diagram lives: between its start and end markers in the architecture document.
DEFAULT_TARGET = Path("docs") / "architecture.md"


class Command(BaseCommand):
    help = (
        "Print the referral state diagram, or write it between its markers with --write "
        f"(default {DEFAULT_TARGET})."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write",
            metavar="FILE",
            nargs="?",
            const=str(settings.BASE_DIR / DEFAULT_TARGET),
            help=f"Update the diagram in this file (default {DEFAULT_TARGET}).",
        )

    def handle(self, *args, **options):
        if options["write"]:
            changed = write_readme(Path(options["write"]))
            self.stdout.write("updated" if changed else "already up to date")
        else:
            self.stdout.write(mermaid())
