"""Celery finds the outbox's tasks here (autodiscovery reads each app's `tasks` module)."""

from .outbox import deliver_outbox_message, republish_unsent

__all__ = ["deliver_outbox_message", "republish_unsent"]
