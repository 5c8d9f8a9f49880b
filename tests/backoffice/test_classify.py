from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_officer_confirms_or_corrects_classification_from_the_case_page(client, world):
    """The correction becomes a training label (classified_by) through case_classify."""
    case = world.new_case()
    client.force_login(world.intake)
    html = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'name="classify-kind"' in html
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/classify/",
        {"classify-kind": "recommendation", "classify-field": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.submission.kind == "recommendation" and case.classified_by == world.intake
