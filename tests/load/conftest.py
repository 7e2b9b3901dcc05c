"""The load scenario seeds the demo province: after a transactional test's flush the official
areas and the instrument are gone, so they are loaded again first."""

from tests.browser.conftest import survey_instrument  # noqa: F401 - reloaded after a flush
