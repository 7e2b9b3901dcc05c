"""Every page names the app's icon, and the icon is a static file that exists (no 404 in the
browser's tab)."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client


@pytest.mark.django_db
def test_pages_link_the_favicon_and_it_exists():
    html = Client().get("/login/").content.decode()
    href = static("favicon.svg")
    assert f'<link rel="icon" href="{href}" type="image/svg+xml">' in html
    path = finders.find("favicon.svg")
    assert path is not None
    with open(path, encoding="utf-8") as icon:
        assert icon.read().lstrip().startswith("<svg")
