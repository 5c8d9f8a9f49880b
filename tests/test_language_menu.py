"""The language switch names each language in that language, whatever the page's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

OPTIONS = re.compile(r'<option value="(vi|en)" lang="\1"[^>]*>([^<]+)</option>')


@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_language_menu_uses_each_languages_own_name(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    assert dict(OPTIONS.findall(html)) == {"vi": "Tiếng Việt", "en": "English"}
    assert "Tiếng Anh" not in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_back_office_language_menu_uses_each_languages_own_name(client, world, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.intake)
    html = client.get("/backoffice/").content.decode()
    assert dict(OPTIONS.findall(html)) == {"vi": "Tiếng Việt", "en": "English"}
    assert "Tiếng Anh" not in html
