from django.contrib import admin

from .models import OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records the system writes (audit, consent, notifications): visible, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What waits to be delivered: an operator sees a stuck message here."""

    list_display = ("pk", "task", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("task",)
