from __future__ import annotations

import pytest
from django.db import connection

from pakn.core.crypto import decrypt, encrypt
from pakn.submissions.models import Submission


def test_round_trip_and_ciphertext_differs_each_time():
    a, b = encrypt("001099012345"), encrypt("001099012345")
    assert a != b and "001099012345" not in a
    assert decrypt(a) == decrypt(b) == "001099012345"


def test_key_rotation_reads_old_ciphertext(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old-key"]
    old = encrypt("001099012345")
    settings.FIELD_ENCRYPTION_KEYS = ["new-key", "old-key"]
    assert decrypt(old) == "001099012345"
    settings.FIELD_ENCRYPTION_KEYS = ["other-key"]
    with pytest.raises(ValueError, match="sai khoá"):
        decrypt(old)


@pytest.mark.django_db
def test_identity_number_is_encrypted_in_the_database(world):
    case = world.new_case(id_number="001099012345")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT submitter_id_number FROM submissions_submission WHERE id = %s",
            [case.submission_id],
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and "001099012345" not in stored
    assert Submission.objects.get(pk=case.submission_id).submitter_id_number == "001099012345"
