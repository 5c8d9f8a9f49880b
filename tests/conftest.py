from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, FieldFactory
from tests.world import world  # noqa: F401 - the shared agency tree fixture


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password stretching is the point in production and pure cost in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _vietnamese_again_after_each_test():
    # LocaleMiddleware activates the request's language on this thread and never resets it: a
    # test client request in English would leave every later test of the process in English.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _forget_process_memos():
    # A test's rollback deletes rows without signals; the next test must not see them cached.
    from pakn.core.memo import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture
def field(db):
    return FieldFactory()


@pytest.fixture
def root_agency(db):
    return AgencyFactory(code="root", level="central")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests drive a real chromium on a machine whose two cores run the whole suite at
    once; a timing hiccup there gets up to two more tries. Nothing else is retried: a flaky
    unit test is a bug to fix, not to hide."""
    for item in items:
        if item.get_closest_marker("e2e") is not None:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
