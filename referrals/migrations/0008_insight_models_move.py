"""InsightReport and InsightSnapshot move to the `insight` app (its migration 0001 takes them
over in the state): the tables are renamed here, no row is copied."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_insight_snapshot"),
    ]

    operations = [
        migrations.AlterModelTable(name="insightreport", table="insight_insightreport"),
        migrations.AlterModelTable(name="insightsnapshot", table="insight_insightsnapshot"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="InsightReport"),
                migrations.DeleteModel(name="InsightSnapshot"),
            ],
        ),
    ]
