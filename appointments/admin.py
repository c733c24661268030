"""Read-only inspection: shifts and bookings change only through the services, which keep the
slots, the audit trail and the referral in step."""

from django.contrib import admin

from perhelinja.admin import ReadOnlyAdmin

from .models import Appointment, AppointmentEvent, OutcomeReport, Shift, Slot, SlotOffer


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = [
        "worker",
        "organization",
        "mode",
        "site",
        "first_day",
        "start_time",
        "end_time",
        "rrule",
        "cancelled_at",
    ]
    list_filter = ["mode", "organization"]
    list_select_related = ["worker", "organization", "site"]


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "ends_at", "worker", "organization", "cancelled"]
    list_filter = ["cancelled", "organization"]
    list_select_related = ["worker", "organization"]


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["created_at", "transition", "from_state", "to_state", "actor", "via_family_link"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "starts_at", "worker", "organization", "needs_rebooking"]
    list_filter = ["state", "mode", "needs_rebooking", "organization"]
    list_select_related = ["worker", "organization"]
    inlines = [AppointmentEventInline]


@admin.register(SlotOffer)
class SlotOfferAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "referral", "created_at", "expires_at", "appointment"]


@admin.register(OutcomeReport)
class OutcomeReportAdmin(ReadOnlyAdmin):
    list_display = ["referral", "service_given", "sessions", "next_step", "created_at"]
    list_filter = ["service_given", "next_step"]
    exclude = ["summary_for_referrer"]
