"""What the case screen shows: escaped submission, submitter, AI suggestions, log, preview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.cases import services
from pakn.cases.models import Case
from tests.cases.conftest import World, drive

pytestmark = pytest.mark.django_db


def page(client, case: Case) -> str:
    response = client.get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_submitter_is_shown_to_the_agency(as_user, world: World) -> None:
    case = world.new_case(
        is_anonymous=True, latitude=21.85, longitude=106.76, address="Ngõ 5 phố Đông Kinh"
    )
    html = page(as_user(world.intake), case)
    assert "Nguyễn Văn An" in html
    assert "ẩn danh với công chúng" in html
    assert "an@example.vn" in html
    assert 'data-lat="21.850000"' in html
    assert "Ngõ 5 phố Đông Kinh" in html


def test_body_is_escaped_and_available_actions_are_forms(as_user, world: World) -> None:
    case = world.new_case()
    html = page(as_user(world.intake), case)
    assert "<script>alert(1)</script>" not in html
    for action in ("accept", "return", "reject", "transfer", "request_info", "merge", "note"):
        assert f"/actions/{action}/" in html
    assert "/actions/approve_answer/" not in html
    assert 'accesskey="t"' in html


def test_ai_suggestions_are_shown_when_present(as_user, world: World) -> None:
    other = world.new_case()
    case = world.new_case()
    case.suggestions = {
        "kind": [{"label": "Phản ánh", "confidence": 0.93}],
        "field": [{"label": "Môi trường <i>x</i>", "confidence": 0.71}],
        "agency": [{"label": "Sở A", "confidence": 0.64}],
        "duplicates": [{"case_id": other.pk, "similarity": 0.88}],
        "moderation": [{"label": "Dữ liệu cá nhân", "score": 0.5}],
    }
    case.save(update_fields=["suggestions"])
    html = page(as_user(world.intake), case)
    assert "Gợi ý của AI" in html
    assert "0.93" in html or "0,93" in html
    assert "Môi trường &lt;i&gt;x&lt;/i&gt;" in html
    assert reverse("backoffice:case", args=[other.pk]) in html
    assert "Dữ liệu cá nhân" in html


def test_no_suggestion_block_without_suggestions(as_user, world: World) -> None:
    case = world.new_case()
    Case.objects.filter(pk=case.pk).update(suggestions={})
    assert "Gợi ý của AI" not in page(as_user(world.intake), case)


def test_timeline_and_internal_notes(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.intake)
    response = client.post(
        reverse("backoffice:case_action", args=[case.pk, "note"]),
        {"note-text": "Đã gọi điện cho người gửi <em>xác minh</em>."},
    )
    assert response.status_code == 302
    html = page(client, case)
    assert "Đã gọi điện cho người gửi &lt;em&gt;xác minh&lt;/em&gt;." in html
    assert "nội bộ" in html
    assert "Nhật ký xử lý" in html


def test_preview_shows_the_redacted_submission_and_the_answer(as_user, world: World) -> None:
    case = drive(world, world.new_case(), "answer_review")
    html = page(as_user(world.leader), case)
    assert "[số điện thoại đã ẩn]" in html
    assert "Đã thu gom rác và bố trí lịch cố định." in html
    assert "/actions/approve_answer/" in html and "/actions/return_answer/" in html


def test_answer_attachments_are_saved_through_the_service(as_user, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = drive(world, world.new_case(), "in_progress")
    client = as_user(world.handler)
    pdf = SimpleUploadedFile("cong-van.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(
        reverse("backoffice:case_action", args=[case.pk, "draft_answer"]),
        {
            "draft_answer-outcome": "explained",
            "draft_answer-text": "Giải thích chi tiết về lịch thu gom.",
            "draft_answer-attachments": [pdf],
            "draft_answer-submit": "0",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_progress"  # saved as a draft, not submitted
    answer = case.answers.get()
    assert answer.attachments.count() == 1
    assert "cong-van.pdf" in page(client, case)
    url = reverse("backoffice:attachment", args=[case.pk, "answer", answer.attachments.get().pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert as_user(world.handler_b).get(url).status_code == 404


def test_submission_attachments_are_served_only_to_officers_who_see_the_case(
    as_user, client, world: World
) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("anh-rac.png", buffer.getvalue(), content_type="image/png")
    case = world.new_case(attachments=[photo])
    item = case.submission.attachments.get()
    url = reverse("backoffice:attachment", args=[case.pk, "submission", item.pk])
    assert client.get(url).status_code == 302
    assert as_user(world.intake_b).get(url).status_code == 404
    response = as_user(world.intake).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert url in page(client, case)
    bad = reverse("backoffice:attachment", args=[case.pk, "other", item.pk])
    assert client.get(bad).status_code == 404


def test_leader_publish_form_is_prefilled_with_the_redacted_text(as_user, world: World) -> None:
    case = drive(world, world.new_case(), "answered")
    html = page(as_user(world.leader), case)
    assert "/actions/publish/" in html
    assert "0912345678" not in html.split('id="action-publish"')[1].split("</form>")[0]
    services.case_publish(case=case, actor=world.leader)


def test_duplicate_suggestion_opens_the_merge_form_prefilled(as_user, world: World) -> None:
    main = world.new_case()
    case = world.new_case()
    Case.objects.filter(pk=case.pk).update(
        suggestions={"duplicates": [{"case_id": main.pk, "similarity": 0.9}]}
    )
    client = as_user(world.intake)
    html = page(client, case)
    assert f"?merge_into={main.pk}#action-merge" in html
    response = client.get(reverse("backoffice:case", args=[case.pk]), {"merge_into": main.pk})
    assert response.context["other"][[f.action for f in response.context["other"]].index("merge")][
        "into"
    ].value() == str(main.pk)


def test_moderation_flag_decisions_are_recorded_as_labels(as_user, world: World) -> None:
    from pakn.intelligence.models import ModerationLabel

    case = world.new_case()
    Case.objects.filter(pk=case.pk).update(
        suggestions={"moderation": [{"label": "offensive", "score": 0.8, "terms": ["x"]}]}
    )
    url = reverse("backoffice:moderation_label", args=[case.pk])
    assert "Xúc phạm, thô tục" in page(as_user(world.intake), case)
    as_user(world.intake).post(url, {"flag": "offensive", "verdict": "dismiss"})
    assert not ModerationLabel.objects.exists()  # not without the confirmation box
    as_user(world.intake).post(url, {"flag": "offensive", "verdict": "dismiss", "confirm": "on"})
    as_user(world.leader).post(url, {"flag": "offensive", "verdict": "confirm", "confirm": "on"})
    labels = list(ModerationLabel.objects.filter(case=case).values_list("label", flat=True))
    assert sorted(labels) == ["offensive", "ok"]
    assert as_user(world.supervisor).post(url, {"flag": "offensive"}).status_code == 403
    assert as_user(world.intake_b).post(url, {"flag": "offensive"}).status_code == 404
    assert ModerationLabel.objects.filter(case=case).count() == 2
