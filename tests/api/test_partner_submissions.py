"""Partner systems send submissions through the REST API with their key; a person's consent
is required on this channel as on the web form."""

from __future__ import annotations

import pytest

from pakn.accounts.models import PartnerScope
from pakn.accounts.partner_keys import partner_key_issue, partner_key_revoke
from pakn.submissions.models import Submission
from tests.api.conftest import Api, submission_payload
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_partner_key_names_the_source_of_the_submission(api: Api, world: World) -> None:
    key, raw = partner_key_issue(
        name="Công dân số Xứ Lạng", scopes=[PartnerScope.SUBMISSIONS_WRITE]
    )
    response = api.post("/submissions", submission_payload(world), HTTP_X_API_KEY=raw)
    assert response.status_code == 201, response.json()
    submission = Submission.objects.get(tracking_code=response.json()["tracking_code_raw"])
    assert submission.source_instance == key.source_label


@pytest.mark.parametrize("problem", ["wrong", "revoked", "scope"])
def test_a_bad_partner_key_is_refused_and_nothing_is_created(
    api: Api, world: World, problem
) -> None:
    scopes = (
        [PartnerScope.OPEN311_WRITE] if problem == "scope" else [PartnerScope.SUBMISSIONS_WRITE]
    )
    key, raw = partner_key_issue(name="Đối tác thử", scopes=scopes)
    if problem == "revoked":
        partner_key_revoke(key=key)
    sent = "sai-" + raw if problem == "wrong" else raw
    response = api.post("/submissions", submission_payload(world), HTTP_X_API_KEY=sent)
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_refused"
    assert not Submission.objects.exists()


def test_the_api_needs_the_persons_consent(api: Api, world: World) -> None:
    response = api.post("/submissions", submission_payload(world, consent=False))
    assert response.status_code == 422
    assert "consent" in response.json()["fields"]
    assert not Submission.objects.exists()
