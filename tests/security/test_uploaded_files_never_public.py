"""Uploaded registry files and import error reports have no public URL, with DEBUG on or off:
only the download views (which apply the access policy) hand them out."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches

from ppaos.core.stored_files import check_media_root_is_not_served
from tests.security import stored_files
from tests.security.stored_files import UPLOADED_NAME

pytestmark = pytest.mark.django_db
media_root = stored_files.media_root
job_with_report = stored_files.job_with_report


@pytest.fixture
def urlconf_with_debug(settings):
    """Rebuild the root urlconf as a server started with DEBUG on or off would."""

    def rebuild(debug: bool):
        settings.DEBUG = debug
        importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
        clear_url_caches()

    yield rebuild
    settings.DEBUG = False
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


def media_paths(job) -> list[str]:
    media_url = "/" + django_settings.MEDIA_URL.strip("/") + "/"
    year_month = job.created_at.strftime("%Y/%m")
    return [
        media_url + job.file.name,
        media_url + job.error_report.name,
        # Where the files used to be stored, by the uploader's name and the job's id.
        f"{media_url}imports/{year_month}/{UPLOADED_NAME}",
        f"{media_url}imports/errors/{job.public_id}.xlsx",
    ]


@pytest.mark.parametrize("debug", [True, False])
def test_media_paths_answer_404_to_anonymous_users(
    client, job_with_report, urlconf_with_debug, debug
):
    urlconf_with_debug(debug)
    assert Path(job_with_report.file.path).exists()
    assert Path(job_with_report.error_report.path).exists()
    for path in media_paths(job_with_report):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("debug", [True, False])
def test_media_paths_answer_404_to_the_admin_who_uploaded(
    client, admin_user, job_with_report, urlconf_with_debug, debug
):
    urlconf_with_debug(debug)
    client.force_login(admin_user)
    for path in media_paths(job_with_report):
        assert client.get(path).status_code == 404, path


def test_no_url_pattern_serves_media_root(urlconf_with_debug):
    urlconf_with_debug(True)
    urls = importlib.import_module(django_settings.ROOT_URLCONF)
    media = django_settings.MEDIA_URL.strip("/")
    assert not [p for p in urls.urlpatterns if str(p.pattern).lstrip("^/").startswith(media)]


def test_the_system_check_refuses_a_media_root_that_whitenoise_serves(settings):
    assert check_media_root_is_not_served() == []
    settings.MEDIA_ROOT = Path(settings.STATIC_ROOT) / "media"
    assert [error.id for error in check_media_root_is_not_served()] == ["ppaos.E001"]
    settings.MEDIA_ROOT = Path(settings.STATICFILES_DIRS[0])
    assert [error.id for error in check_media_root_is_not_served()] == ["ppaos.E001"]
