from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pakn.cases import services as S
from pakn.cases.models import Case, Status
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.intelligence import duplicates as D
from pakn.intelligence.models import DuplicateSignature, SignatureScope

PAIRS = Path(__file__).with_name("duplicate_pairs.csv")

FLOOD = (
    "Ngập sâu đường Trần Hưng Đạo",
    "Đường Trần Hưng Đạo đoạn trước chợ Đông Kinh bị ngập sâu mỗi khi mưa lớn, xe máy chết máy "
    "giữa đường, người dân phải lội nước. Đề nghị nạo vét cống thoát nước.",
)
FLOOD_REWORDED = (
    "Mưa là ngập ở Trần Hưng Đạo",
    "Cứ mưa to là đoạn đường Trần Hưng Đạo gần chợ Đông Kinh lại ngập sâu, nhiều xe máy bị chết "
    "máy, dân phải lội nước; cống thoát nước cần được nạo vét.",
)
LIGHTS = (
    "Đèn đường Lê Lợi không sáng",
    "Toàn bộ đèn chiếu sáng trên đường Lê Lợi tắt từ tối thứ hai, đi lại ban đêm rất nguy hiểm.",
)


def _intake(title: str, body: str, **extra: object) -> Case:
    values: dict[str, object] = dict(
        kind="report",
        title=title,
        body=body,
        submitter_name="Nguyễn Văn An",
        phone="0912 345 678",
        consent=True,
    )
    values.update(extra)
    case = S.submission_intake(data=S.IntakeData(**values)).case  # type: ignore[arg-type]
    S.run_post_intake_hooks(case.pk)
    case.refresh_from_db()
    return case


@pytest.fixture
def communes(db):
    return list(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).order_by("pk")[:2])


def test_reworded_issue_scores_above_threshold_and_other_issue_below():
    assert D.text_similarity(" ".join(FLOOD), " ".join(FLOOD_REWORDED)) >= D.threshold()
    assert D.text_similarity(" ".join(FLOOD), " ".join(LIGHTS)) < 0.2


def test_similarity_ignores_diacritics_case_and_tone_placement():
    plain = "duong tran hung dao bi ngap sau khi mua lon, xe may chet may"
    accented = "Đường Trần Hưng Đạo bị ngập sâu khi mưa lớn, xe máy chết máy"
    assert D.text_similarity(plain, accented) == pytest.approx(1.0)
    assert D.content_tokens("Hoà Bình") == D.content_tokens("hòa bình")


def test_signature_is_the_same_in_every_process():
    # Fixed seeds and blake2b, never Python's randomised hash(): the bands are stored.
    signature = D.Signature.of("Rác thải tồn đọng ở phường Đông Kinh")
    assert len(signature.bands) == D.BANDS
    assert signature.bands == D.Signature.of("rac thai ton dong o phuong dong kinh").bands
    assert all(0 <= b < 2**63 for b in signature.bands)


def test_reworded_case_is_found_right_after_intake(root_agency):
    first = _intake(*FLOOD, phone="0987 111 222")
    assert first.suggestions["duplicates"] == []
    second = _intake(*FLOOD_REWORDED, phone="0903 333 444")
    found = second.suggestions["duplicates"]
    assert [d["case_id"] for d in found] == [first.pk]
    assert found[0]["code"] == first.submission.display_code
    assert found[0]["similarity"] >= D.threshold()
    assert "nội dung giống" in found[0]["reason"]


def test_different_issue_is_not_a_duplicate(root_agency):
    _intake(*FLOOD)
    other = _intake(*LIGHTS)
    assert other.suggestions["duplicates"] == []


def test_same_place_and_time_raises_similarity(root_agency, communes):
    here, there = communes
    partial = (
        "Nước ngập đường Trần Hưng Đạo",
        "Sáng nay nước ngập gần chợ Đông Kinh, xe cộ đi lại khó khăn.",
    )
    base = _intake(*FLOOD, commune_id=here.pk, phone="0987 111 222")
    text = " ".join(partial)
    elsewhere = D.find_duplicates_for_text(text, commune_id=there.pk, minimum=0.0)
    nearby = D.find_duplicates_for_text(text, commune_id=here.pk, minimum=0.0)
    assert [d["case_id"] for d in nearby] == [base.pk]
    assert nearby[0]["similarity"] == pytest.approx(
        elsewhere[0]["similarity"] + D.PLACE_TIME_BONUS, abs=0.002
    )
    assert "cùng xã/phường" in nearby[0]["reason"]
    later = D.find_duplicates_for_text(
        text, commune_id=here.pk, received_at=timezone.now() + timedelta(days=60), minimum=0.0
    )
    assert later[0]["similarity"] < nearby[0]["similarity"]


def test_same_person_is_a_candidate_and_gets_a_bonus(root_agency):
    base = _intake(*FLOOD, phone="0912 000 111")
    text = "Đề nghị xử lý dứt điểm tình trạng ngập ở chợ Đông Kinh, mưa nào cũng vậy."
    stranger = D.find_duplicates_for_text(text, phone="0933 000 999", minimum=0.0)
    same = D.find_duplicates_for_text(text, phone="+84 912 000 111", minimum=0.0)
    assert same[0]["case_id"] == base.pk
    assert "cùng người gửi" in same[0]["reason"]
    assert not stranger or same[0]["similarity"] > stranger[0]["similarity"]


def test_closed_and_merged_cases_are_not_suggested(root_agency):
    first = _intake(*FLOOD)
    Case.objects.filter(pk=first.pk).update(status=Status.REJECTED)
    second = _intake(*FLOOD_REWORDED)
    assert second.suggestions["duplicates"] == []


def test_duplicate_suggestions_keep_other_keys(root_agency):
    first = _intake(*FLOOD)
    Case.objects.filter(pk=first.pk).update(suggestions={"field": {"id": 1, "confidence": 0.9}})
    S.run_post_intake_hooks(first.pk)
    first.refresh_from_db()
    assert set(first.suggestions) >= {"field", "duplicates", "moderation"}


def test_similar_published_uses_only_public_text(root_agency):
    case = _intake(*FLOOD)
    Case.objects.filter(pk=case.pk).update(
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        public_title="Ngập đường Trần Hưng Đạo trước chợ Đông Kinh",
        public_body="Đoạn đường trước chợ Đông Kinh ngập sâu khi mưa lớn, xe máy chết máy.",
    )
    assert D.similar_published(" ".join(FLOOD_REWORDED)) == []  # not indexed yet
    assert D.index_pending() == 1
    found = D.similar_published("mua to la duong tran hung dao truoc cho dong kinh ngap sau")
    assert [f["case_id"] for f in found] == [case.pk]
    assert found[0]["title"] == "Ngập đường Trần Hưng Đạo trước chợ Đông Kinh"
    row = DuplicateSignature.objects.get(case_id=case.pk, scope=SignatureScope.PUBLIC)
    assert row.phone_key == ""
    assert "nao vet" not in row.tokens  # the private body's words are not in the public row


def test_index_pending_backfills_cases_without_signature(root_agency):
    case = _intake(*FLOOD)
    DuplicateSignature.objects.all().delete()
    assert D.index_pending() == 1
    assert DuplicateSignature.objects.filter(case_id=case.pk).count() == 1
    assert D.index_pending() == 0


def test_indexing_a_case_again_rewrites_its_one_row_in_one_statement(
    root_agency, django_assert_num_queries
):
    case = _intake(*FLOOD)
    first = DuplicateSignature.objects.get(case_id=case.pk, scope=SignatureScope.SUBMISSION)
    case.submission.title, case.submission.body = LIGHTS
    with django_assert_num_queries(1):  # an upsert: no read, no savepoint
        D.index_case(case)
    again = DuplicateSignature.objects.get(case_id=case.pk, scope=SignatureScope.SUBMISSION)
    assert (again.pk, again.created_at) == (first.pk, first.created_at)
    assert "le loi" in again.tokens and "tran hung dao" not in again.tokens
    assert again.b00 != first.b00


def test_query_is_one_indexed_statement(root_agency, django_assert_num_queries):
    _intake(*FLOOD)
    signature = D.Signature.of(" ".join(FLOOD_REWORDED))
    with django_assert_num_queries(1):
        D.candidates(signature, scope=SignatureScope.SUBMISSION, phone="0912345678")
    if connection.vendor != "sqlite":
        return
    rows = DuplicateSignature.objects.filter(
        scope=SignatureScope.SUBMISSION, b00=signature.bands[0]
    ) | DuplicateSignature.objects.filter(b01=signature.bands[1])
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(r[-1]) for r in cursor.fetchall())
    assert "INDEX" in plan and "SCAN intelligence_duplicatesignature" not in plan


def test_duplicates_eval_prints_one_json_line_with_the_contract_keys(db):
    out = StringIO()
    call_command("duplicates_eval", "--pairs", str(PAIRS), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert {"f1", "precision", "recall", "auc", "threshold"} <= set(result)
    assert result["threshold"] == D.threshold()
    assert result["auc"] > 0.9 and result["f1"] > 0.8


def test_duplicates_work_with_the_network_disabled(root_agency, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    first = _intake(*FLOOD)
    second = _intake(*FLOOD_REWORDED)
    assert [d["case_id"] for d in second.suggestions["duplicates"]] == [first.pk]


def test_person_key_normalises_phone_and_email_and_hides_them():
    assert D.phone_key("0912 345 678") == D.phone_key("+84912345678") != ""
    assert D.phone_key("An@Example.vn") == D.phone_key("an@example.vn") != ""
    assert "912345678" not in D.phone_key("0912345678")
    assert D.phone_key("") == ""
