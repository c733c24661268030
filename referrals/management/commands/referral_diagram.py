from pathlib import Path

from django.core.management.base import BaseCommand

from referrals.diagram import mermaid, write_readme


class Command(BaseCommand):
    help = "Print the referral state diagram, or write it into the README with --write."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="README", help="Update the diagram in this file.")

    def handle(self, *args, **options):
        if options["write"]:
            changed = write_readme(Path(options["write"]))
            self.stdout.write("updated" if changed else "already up to date")
        else:
            self.stdout.write(mermaid())
