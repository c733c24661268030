from django.contrib import admin

from perhelinja.admin import ReadOnlyAdmin

from .models import (
    FeedbackAnswer,
    FeedbackInvitation,
    OutreachActivity,
    ReferrerFeedback,
    ReferrerFeedbackMark,
)


@admin.register(FeedbackInvitation)
class FeedbackInvitationAdmin(ReadOnlyAdmin):
    list_display = ["referral", "created_at", "expires_at", "sent_at", "used"]
    list_filter = ["used"]
    list_select_related = ["referral"]


@admin.register(FeedbackAnswer)
class FeedbackAnswerAdmin(ReadOnlyAdmin):
    """Answers are written only through the family's link; read here, never edited."""

    list_display = [
        "month",
        "municipality",
        "organization",
        "service_given",
        "useful",
        "easy_to_reach",
        "would_recommend",
    ]
    list_filter = ["month", "municipality__is_pilot", "organization"]
    list_select_related = ["municipality", "organization"]


@admin.register(ReferrerFeedbackMark)
class ReferrerFeedbackMarkAdmin(ReadOnlyAdmin):
    list_display = ["referral"]


@admin.register(ReferrerFeedback)
class ReferrerFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["month", "municipality", "organization", "reached", "speed"]
    list_filter = ["month", "reached", "organization"]
    list_select_related = ["municipality", "organization"]


@admin.register(OutreachActivity)
class OutreachActivityAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "municipality", "audience", "head_count"]
    list_filter = ["kind", "audience", "municipality__is_pilot", "municipality"]
    list_select_related = ["municipality"]
    filter_horizontal = ["organizations", "target_groups", "challenges"]
    date_hierarchy = "date"
    readonly_fields = ["recorded_by", "created_at", "updated_at"]
