"""The family-centre service areas (perhekeskus) as data: `data/service_areas.json` holds the
list in Finnish, Swedish and English and names its source (THL's family-centre model).

The data migration and the demo load it with `ensure_service_areas`, which adds the areas that
are missing and never overwrites a row, so that coordinators' edits in the admin stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PATH = Path(__file__).resolve().parent / "data" / "service_areas.json"


def load() -> dict[str, Any]:
    """The file as it is: {"source": ..., "areas": [{slug, name_fi, name_sv, name_en,
    position}]}."""
    return json.loads(PATH.read_text(encoding="utf-8"))


SOURCE: str = load()["source"]


def ensure_service_areas(model) -> int:
    """Create the areas of the file that `model` (ServiceArea, or its historical model in a
    migration) lacks, by slug; the number created."""
    created = 0
    for area in load()["areas"]:
        _row, new = model.objects.get_or_create(
            slug=area["slug"],
            defaults={key: area[key] for key in ("name_fi", "name_sv", "name_en", "position")},
        )
        created += new
    return created
