"""The vendored design system (static/vendor/hds-core): what base.html links exists, the CSS
loads nothing from elsewhere and no font file that is not shipped, and `make vendor` and the
README name the same version."""

import re
from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
HDS = STATIC / "vendor" / "hds-core"
BASE_HTML = Path(settings.BASE_DIR) / "templates" / "base.html"


def test_every_stylesheet_and_script_base_html_names_is_a_static_file():
    named = re.findall(r"{% static '([^']+)' %}", BASE_HTML.read_text())

    assert "vendor/hds-core/hds-core.min.css" in named
    assert [name for name in named if not (STATIC / name).is_file()] == []


def test_base_html_links_the_design_system_in_one_file_before_the_site_css():
    """base.min.css and each component `make vendor` names, joined in its order (one request
    on a phone's first visit instead of nine, and one static link a page)."""
    html = BASE_HTML.read_text()
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    components = re.search(r"^HDS_COMPONENTS := (.+)$", makefile, re.MULTILINE).group(1).split()
    css = (HDS / "hds-core.min.css").read_text()

    assert sorted(path.name for path in HDS.rglob("*.css")) == ["hds-core.min.css"]
    assert html.index("vendor/hds-core/hds-core.min.css") < html.index("css/site.css")
    assert css.index("--color-black") < css.index(".hds-button")  # the base first
    for component in components:
        assert f".hds-{component}" in css, component


def test_the_vendored_css_has_no_font_faces_and_loads_nothing_from_elsewhere():
    for path in HDS.rglob("*.css"):
        css = path.read_text()
        assert "@font-face" not in css, path
        assert "@import" not in css, path
        assert "sourceMappingURL" not in css, path
        urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
        assert [url for url in urls if not url.startswith("data:")] == [], path


def test_the_licence_is_shipped_and_the_readme_names_the_version_make_vendor_fetches():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    version = re.search(r"^HDS_VERSION \?= (\S+)$", makefile, re.MULTILINE).group(1)

    assert "MIT License" in (HDS / "LICENSE").read_text()
    assert f"Version: {version}\n" in (HDS / "README.md").read_text()
