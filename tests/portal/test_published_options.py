"""The search page's agency, field and province lists are kept per process and forgotten when
the admin edits one."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from pakn.taxonomy.models import Field

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_options(settings) -> None:
    settings.PAKN_CONFIG_CACHE_SECONDS = 30


def test_search_page_keeps_the_chosen_agency_and_shows_a_rename_at_once(client, world) -> None:
    html = client.get("/published/", {"agency": world.b.pk}).content.decode()
    assert f'<option value="{world.b.pk}" selected>— — {escape(world.b.name)}</option>' in html
    world.b.name = "Sở <script>alert(1)</script> mới"
    world.b.save()
    html = client.get("/published/", {"agency": world.b.pk}).content.decode()
    assert (
        f'<option value="{world.b.pk}" selected>— — Sở &lt;script&gt;alert(1)&lt;/script&gt; mới'
        in (html)
    )
    assert "<script>alert(1)</script> mới" not in html


def test_search_page_shows_a_new_field_at_once(client, world) -> None:
    client.get("/published/")
    field = Field.objects.create(code="giao-thong-moi", name="Giao thông đô thị")
    html = client.get("/published/", {"field": field.pk}).content.decode()
    assert f'<option value="{field.pk}" selected>Giao thông đô thị</option>' in html
