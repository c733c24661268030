"""Bound outreach figures in the database: a head count of at most 2000, no date before 2020.

Rows outside the bounds (a typed head count of a billion, the year 1900) cannot be corrected
here: only the person who recorded them knows the real figure. The check before the constraints
stops the migration with the ids to correct in the admin, rather than PostgreSQL's bare
"violated by some row"; nothing is changed or deleted behind anyone.
"""

import datetime

from django.conf import settings
from django.db import migrations, models

MAX_HEAD_COUNT = 2000
EARLIEST_OUTREACH = datetime.date(2020, 1, 1)


def refuse_rows_outside_the_bounds(apps, schema_editor):
    activity = apps.get_model("evaluation", "OutreachActivity")
    wrong = list(
        activity.objects.filter(
            models.Q(head_count__gt=MAX_HEAD_COUNT) | models.Q(date__lt=EARLIEST_OUTREACH)
        ).values_list("pk", flat=True)
    )
    if wrong:
        raise RuntimeError(
            f"Correct the head count (at most {MAX_HEAD_COUNT}) or the date (from "
            f"{EARLIEST_OUTREACH}) of outreach activities {wrong} in the admin, then migrate."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_user_oidc_subject"),
        ("evaluation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_rows_outside_the_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="outreachactivity",
            constraint=models.CheckConstraint(
                condition=models.Q(("head_count__lte", MAX_HEAD_COUNT)),
                name="outreach_head_count_at_most_max",
            ),
        ),
        migrations.AddConstraint(
            model_name="outreachactivity",
            constraint=models.CheckConstraint(
                condition=models.Q(("date__gte", EARLIEST_OUTREACH)),
                name="outreach_date_not_too_old",
            ),
        ),
    ]
