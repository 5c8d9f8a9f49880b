"""Answering the AI's suggestions on the case screen: each answer is a label the AI learns from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.cases.models import Case, CaseEvent, Status
from pakn.intelligence import selectors
from pakn.intelligence.models import DuplicateLabel
from tests.world import World

pytestmark = pytest.mark.django_db


def with_suggestions(case: Case, **values: object) -> Case:
    Case.objects.filter(pk=case.pk).update(suggestions={**case.suggestions, **values})
    case.refresh_from_db()
    return case


def agency_suggestion(world: World, confidence: float = 0.72) -> list[dict[str, object]]:
    return [
        {"label": world.b.code, "name": "Sở B", "confidence": confidence},
        {"label": world.a.code, "name": "Sở A", "confidence": 0.2},
        {"label": world.root.code, "name": "Trung ương", "confidence": 0.08},
    ]


def page(client, case: Case) -> str:
    response = client.get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_top_three_are_shown_with_percentages_and_a_low_confidence_warning(
    as_user, world: World
) -> None:
    case = with_suggestions(
        world.new_case(),
        kind=[
            {"label": "report", "name": "Phản ánh", "confidence": 0.41},
            {"label": "recommendation", "name": "Kiến nghị", "confidence": 0.35},
            {"label": "solution", "name": "Giải pháp", "confidence": 0.24},
        ],
        agency=agency_suggestion(world, confidence=0.93),
    )
    html = page(as_user(world.intake), case)
    assert "Phản ánh — độ tin cậy 41%" in html
    assert "Kiến nghị — độ tin cậy 35%" in html and "Giải pháp — độ tin cậy 24%" in html
    assert html.count("AI chưa chắc chắn: độ tin cậy thấp, hãy kiểm tra.") == 1  # kind only
    assert "Sở B — độ tin cậy 93%" in html
    assert reverse("backoffice:review_agency", args=[case.pk]) in html


def test_choosing_another_kind_in_the_back_office_becomes_a_training_label(
    as_user, world: World
) -> None:
    case = with_suggestions(
        world.new_case(kind="report"),
        kind=[{"label": "report", "name": "Phản ánh", "confidence": 0.5}],
    )
    response = as_user(world.intake).post(
        reverse("backoffice:case_action", args=[case.pk, "classify"]),
        {"classify-kind": "recommendation"},
    )
    assert response.status_code == 302
    (example,) = selectors.training_examples(task="kind")
    assert (example.key, example.label) == (f"case:{case.pk}", "recommendation")
    event = CaseEvent.objects.get(case=case, action="classify")
    assert event.data["suggested"] == {"kind": "report"} and event.data["corrected"] is True
    assert event.data["chosen"] == {"kind": "recommendation", "field": "moi-truong"}
    assert event.data["suggestion_corrected"] == {"kind": True}


def test_accepting_the_suggested_agency_transfers_and_is_a_label(as_user, world: World) -> None:
    case = with_suggestions(world.new_case(), agency=agency_suggestion(world))
    assert case.agency == world.a
    response = as_user(world.intake).post(
        reverse("backoffice:review_agency", args=[case.pk]),
        {"agency_review-agency": world.b.pk, "agency_review-confirm": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:inbox")
    case.refresh_from_db()
    assert case.agency == world.b and case.status == Status.SUBMITTED
    review = CaseEvent.objects.get(case=case, action="agency_review")
    assert review.data == {
        "suggested": "so-b", "confidence": 0.72, "chosen": "so-b", "corrected": False,
    }  # fmt: skip
    assert CaseEvent.objects.filter(case=case, action="transfer").count() == 1
    labels = {e.key: e.label for e in selectors.training_examples(task="agency")}
    assert labels[f"case:{case.pk}"] == "so-b"


def test_correcting_the_suggested_agency_keeps_the_case_and_records_the_correction(
    as_user, world: World
) -> None:
    case = with_suggestions(world.new_case(), agency=agency_suggestion(world))
    response = as_user(world.handler).post(
        reverse("backoffice:review_agency", args=[case.pk]),
        {"agency_review-agency": world.a.pk, "agency_review-confirm": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.agency == world.a
    review = CaseEvent.objects.get(case=case, action="agency_review")
    assert review.data["chosen"] == "so-a" and review.data["corrected"] is True
    labels = {e.key: e.label for e in selectors.training_examples(task="agency")}
    assert labels[f"case:{case.pk}"] == "so-a"


def test_the_agency_form_needs_confirmation_and_keeps_what_was_typed(as_user, world: World) -> None:
    case = with_suggestions(world.new_case(), agency=agency_suggestion(world))
    response = as_user(world.intake).post(
        reverse("backoffice:review_agency", args=[case.pk]),
        {"agency_review-agency": world.b.pk, "agency_review-reason": "Thuộc thẩm quyền Sở B"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vui lòng đánh dấu ô xác nhận." in html and "Thuộc thẩm quyền Sở B" in html
    case.refresh_from_db()
    assert case.agency == world.a
    assert not CaseEvent.objects.filter(case=case, action="agency_review").exists()


def test_dismissing_a_duplicate_records_a_not_duplicate_label(as_user, world: World) -> None:
    other = world.new_case()
    case = with_suggestions(
        world.new_case(), duplicates=[{"case_id": other.pk, "similarity": 0.61}]
    )
    client = as_user(world.handler)
    assert reverse("backoffice:review_duplicate", args=[case.pk]) in page(client, case)
    response = client.post(
        reverse("backoffice:review_duplicate", args=[case.pk]),
        {
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "dismiss",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 302
    label = DuplicateLabel.objects.get()
    assert (label.case, label.other, label.is_duplicate, label.similarity) == (
        case, other, False, 0.61,
    )  # fmt: skip
    assert label.decided_by == world.handler
    case.refresh_from_db()
    assert case.suggestions["duplicates"] == [] and case.status == Status.SUBMITTED
    assert CaseEvent.objects.filter(case=case, action="duplicate_dismissed").count() == 1


def test_accepting_a_duplicate_merges_through_the_service(as_user, world: World) -> None:
    other = world.new_case()
    case = with_suggestions(world.new_case(), duplicates=[{"case_id": other.pk, "similarity": 0.9}])
    response = as_user(world.intake).post(
        reverse("backoffice:review_duplicate", args=[case.pk]),
        {
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "merge",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.MERGED and case.merged_into == other
    assert DuplicateLabel.objects.get().is_duplicate is True


def test_a_case_not_suggested_as_duplicate_cannot_be_labelled(as_user, world: World) -> None:
    other = world.new_case()
    case = world.new_case()
    response = as_user(world.intake).post(
        reverse("backoffice:review_duplicate", args=[case.pk]),
        {
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "dismiss",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 422
    assert "Hồ sơ này không nằm trong các gợi ý trùng lặp." in response.content.decode()
    assert not DuplicateLabel.objects.exists()


@pytest.mark.parametrize("url_name", ["review_agency", "review_duplicate"])
def test_an_officer_of_another_agency_gets_404(as_user, world: World, url_name: str) -> None:
    other = world.new_case()
    case = with_suggestions(
        world.new_case(),
        agency=agency_suggestion(world),
        duplicates=[{"case_id": other.pk, "similarity": 0.9}],
    )
    response = as_user(world.intake_b).post(
        reverse(f"backoffice:{url_name}", args=[case.pk]),
        {
            "agency_review-agency": world.b.pk,
            "agency_review-confirm": "on",
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "dismiss",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.agency == world.a and not DuplicateLabel.objects.exists()


@pytest.mark.parametrize("url_name", ["review_agency", "review_duplicate"])
def test_a_supervisor_sees_but_cannot_answer_suggestions(
    as_user, world: World, url_name: str
) -> None:
    other = world.new_case()
    case = with_suggestions(
        world.new_case(),
        agency=agency_suggestion(world),
        duplicates=[{"case_id": other.pk, "similarity": 0.9}],
    )
    client = as_user(world.supervisor)
    html = page(client, case)
    assert "Sở B" in html and reverse(f"backoffice:{url_name}", args=[case.pk]) not in html
    response = client.post(
        reverse(f"backoffice:{url_name}", args=[case.pk]),
        {
            "agency_review-agency": world.b.pk,
            "agency_review-confirm": "on",
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "dismiss",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.agency == world.a and not DuplicateLabel.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="agency_review").exists()


def test_a_handler_may_dismiss_but_not_merge(as_user, world: World) -> None:
    other = world.new_case()
    case = with_suggestions(world.new_case(), duplicates=[{"case_id": other.pk, "similarity": 0.9}])
    response = as_user(world.handler).post(
        reverse("backoffice:review_duplicate", args=[case.pk]),
        {
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "merge",
            "duplicate_review-confirm": "on",
        },
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and not DuplicateLabel.objects.exists()


def test_officers_verdicts_evaluate_the_duplicate_threshold(as_user, world: World, capsys) -> None:
    import json

    from django.core.management import call_command

    same = world.new_case()
    other = world.new_case(title="Đèn đường hỏng ở khu phố 3", body="Đèn tắt cả tháng nay.")
    case = with_suggestions(
        world.new_case(),
        duplicates=[
            {"case_id": same.pk, "similarity": 0.9},
            {"case_id": other.pk, "similarity": 0.5},
        ],
    )
    client = as_user(world.intake)
    for target, verdict in ((other, "dismiss"), (same, "merge")):
        client.post(
            reverse("backoffice:review_duplicate", args=[case.pk]),
            {
                "duplicate_review-other": target.pk,
                "duplicate_review-verdict": verdict,
                "duplicate_review-confirm": "on",
            },
        )
    assert sorted(p[2] for p in selectors.duplicate_label_pairs()) == [0, 1]
    call_command("duplicates_eval", "--from-labels")
    result = json.loads(capsys.readouterr().out)
    assert result["pairs"] == 2 and result["auc"] == 1.0


def test_a_finished_case_shows_suggestions_without_the_forms(as_user, world: World) -> None:
    other = world.new_case()
    case = with_suggestions(
        world.new_case(),
        agency=agency_suggestion(world),
        duplicates=[{"case_id": other.pk, "similarity": 0.9}],
    )
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    html = page(as_user(world.intake), case)
    assert "Sở B — độ tin cậy 72%" in html
    assert reverse("backoffice:review_agency", args=[case.pk]) not in html
    assert reverse("backoffice:review_duplicate", args=[case.pk]) not in html


@pytest.mark.parametrize("url_name", ["review_agency", "review_duplicate"])
def test_anonymous_visitors_are_sent_to_login(client, world: World, url_name: str) -> None:
    case = world.new_case()
    response = client.post(reverse(f"backoffice:{url_name}", args=[case.pk]), {})
    assert response.status_code == 302 and "/backoffice/login/" in response["Location"]


def test_the_duplicate_form_needs_confirmation_and_keeps_the_reason(as_user, world: World) -> None:
    other = world.new_case()
    case = with_suggestions(world.new_case(), duplicates=[{"case_id": other.pk, "similarity": 0.7}])
    response = as_user(world.intake).post(
        reverse("backoffice:review_duplicate", args=[case.pk]),
        {
            "duplicate_review-other": other.pk,
            "duplicate_review-verdict": "dismiss",
            "duplicate_review-reason": "Khác địa điểm <b>x</b>",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vui lòng đánh dấu ô xác nhận." in html
    assert 'value="Khác địa điểm &lt;b&gt;x&lt;/b&gt;"' in html
    assert not DuplicateLabel.objects.exists()


def test_a_suggested_duplicate_the_officer_may_not_see_is_not_shown_at_all(
    as_user, world: World
) -> None:
    elsewhere = world.new_case(field_id=None)  # routed to the root agency: not visible to A
    mine = world.new_case()
    case = with_suggestions(
        world.new_case(),
        duplicates=[
            {"case_id": elsewhere.pk, "similarity": 0.64},
            {"case_id": mine.pk, "similarity": 0.58},
        ],
    )
    html = page(as_user(world.handler), case)
    assert mine.submission.display_code in html
    assert "0,64" not in html and "0.64" not in html
    assert elsewhere.submission.display_code not in html
