from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from . import signals, two_factor  # noqa: F401  (receivers; the system check)
        from .reference import on_post_migrate

        # Sent after all migrations ran, so every table exists; permissions are made on demand.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="directory.reference")


class AdminConfig(admin_apps.AdminConfig):
    """The admin with Perhelinja's site, which asks for a verified second factor."""

    default = False

    default_site = "directory.admin_site.AdminSite"
