"""Print a person's current TOTP code: for the demo and development only."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory import two_factor
from directory.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a user (refuses to run when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "totp_code only runs with DEBUG=True: it would defeat the second factor."
            )
        user = User.objects.filter(username=options["username"]).first()
        device = two_factor.confirmed_device(user) if user else None
        if device is None:
            raise CommandError(f"{options['username']} has no confirmed two-factor device.")
        self.stdout.write(two_factor.current_code(device))
