"""The family-centre service areas of `directory/data/service_areas.json` (see its `source`)."""

from django.db import migrations

from directory.service_areas import ensure_service_areas


def load(apps, schema_editor):
    ensure_service_areas(apps.get_model("directory", "ServiceArea"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_service_areas")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
