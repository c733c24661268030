from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from .reference import on_post_migrate

        # Sent after all migrations ran, so every table exists; permissions are made on demand.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="directory.reference")
