"""Takes over InsightReport and InsightSnapshot from `referrals` (its migration 0008 renamed the
tables): state only, and the content types follow so that permissions keep their rows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="referrals", model__in=("insightreport", "insightsnapshot")
    ).update(app_label="insight")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="insight", model__in=("insightreport", "insightsnapshot")
    ).update(app_label="referrals")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0008_insight_models_move"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InsightReport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("parameters", models.JSONField(verbose_name="period and filters")),
                        ("language", models.CharField(default="fi", max_length=2, verbose_name="language")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Being made"), ("ready", "Ready"), ("failed", "Failed")], default="queued", max_length=10, verbose_name="status")),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)")),
                        ("pdf", models.BinaryField(blank=True, null=True, verbose_name="PDF")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="requested by")),
                    ],
                    options={
                        "verbose_name": "period report",
                        "verbose_name_plural": "period reports",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="InsightSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=64, unique=True, verbose_name="period and scope")),
                        ("figures", models.TextField(verbose_name="figures (JSON)")),
                        ("computed_at", models.DateTimeField(verbose_name="computed")),
                    ],
                    options={
                        "verbose_name": "dashboard statistics",
                        "verbose_name_plural": "dashboard statistics",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
