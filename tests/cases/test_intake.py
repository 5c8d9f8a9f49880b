from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pakn.cases import services as S
from pakn.cases.models import Case, RoutingRule, Status
from pakn.core.errors import ValidationFailed
from pakn.core.tracking import normalize_tracking_code
from pakn.geo.models import AdministrativeUnit
from pakn.ops.models import Step
from pakn.submissions.models import Submission
from pakn.taxonomy.models import Field
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_intake_creates_submission_case_and_first_log_line(world):
    result = S.submission_intake(data=world.intake_data())
    assert result.created
    assert normalize_tracking_code(result.tracking_code) == result.tracking_code
    assert result.submission.check_access_token(result.access_token)
    assert result.submission.access_token_hash != result.access_token
    case = result.case
    assert (case.status, case.agency_id) == (Status.SUBMITTED, world.a.pk)
    event = case.events.get()
    assert (event.seq, event.action, event.to_status) == (1, "submitted", "submitted")
    assert result.submission.submitter_phone == "0912345678"
    assert Step.objects.filter(name="cases.after_intake", payload={"case_id": case.pk}).exists()


def test_intake_routes_by_most_specific_rule(world):
    lang_son = AdministrativeUnit.objects.get(level="province", codename="lang_son")
    ward = AdministrativeUnit.objects.filter(parent=lang_son).first()
    province_agency = AgencyFactory(code="so-ls")
    commune_agency = AgencyFactory(code="xa-ls", level="commune")
    RoutingRule.objects.create(field_id=world.field_id, unit=lang_son, agency=province_agency)
    RoutingRule.objects.create(field_id=world.field_id, unit=ward, agency=commune_agency)
    assert world.new_case(province_id=lang_son.pk).agency == province_agency
    assert world.new_case(commune_id=ward.pk).agency == commune_agency
    assert world.new_case().agency == world.a


def test_intake_without_rule_goes_to_default_intake_agency(world, settings):
    settings.PAKN_DEFAULT_INTAKE_AGENCY = "tinh"
    assert world.new_case(field_id=None).agency == world.parent


def test_intake_deadlines_follow_working_days_across_tet_2026(world):
    # Received Friday 13 Feb 2026; Tết break 14–22 Feb: 3 working days → Wed 25 Feb.
    with time_machine.travel(datetime(2026, 2, 13, 10, 0, tzinfo=VN), tick=False):
        case = world.new_case()
    assert case.screening_due_at.astimezone(VN).date().isoformat() == "2026-02-25"
    assert case.due_at.astimezone(VN).date() > case.screening_due_at.astimezone(VN).date()


def test_bad_input_reports_every_field_in_vietnamese(world):
    with pytest.raises(ValidationFailed) as err:
        S.submission_intake(
            data=world.intake_data(
                kind="complaint",
                title="Rác",
                body="ngắn",
                phone="123",
                email="không-phải-email",
                consent=False,
                submitter_name="",
            )
        )
    fields = err.value.fields
    assert set(fields) >= {"kind", "title", "body", "phone", "email", "consent", "submitter_name"}
    assert "Nghị định 13/2023" in fields["consent"]
    assert Submission.objects.count() == 0


def test_phone_or_email_is_required(world):
    with pytest.raises(ValidationFailed) as err:
        S.submission_intake(data=world.intake_data(phone="", email=""))
    assert "điện thoại hoặc email" in err.value.fields["phone"]


def test_commune_must_belong_to_province(world):
    ls = AdministrativeUnit.objects.get(level="province", codename="lang_son")
    th_ward = AdministrativeUnit.objects.filter(parent__codename="thanh_hoa").first()
    with pytest.raises(ValidationFailed) as err:
        S.submission_intake(data=world.intake_data(province_id=ls.pk, commune_id=th_ward.pk))
    assert "không thuộc" in err.value.fields["commune"]


def test_location_outside_vietnam_is_refused(world):
    with pytest.raises(ValidationFailed) as err:
        S.submission_intake(data=world.intake_data(latitude=48.85, longitude=2.35))
    assert "ngoài lãnh thổ" in err.value.fields["location"]


def test_same_idempotency_key_returns_first_result_and_creates_nothing(world):
    first = S.submission_intake(data=world.intake_data(idempotency_key="api:1:abc"))
    again = S.submission_intake(data=world.intake_data(idempotency_key="api:1:abc"))
    assert not again.created
    assert again.tracking_code == first.tracking_code
    assert again.access_token == first.access_token
    assert Submission.objects.count() == 1


def test_retry_after_the_input_stopped_validating_still_gets_the_first_result(world):
    first = S.submission_intake(data=world.intake_data(idempotency_key="api:retry"))
    closed = Field.objects.get(pk=world.field_id)
    closed.is_active = False
    closed.save()
    again = S.submission_intake(data=world.intake_data(idempotency_key="api:retry"))
    assert (again.created, again.tracking_code) == (False, first.tracking_code)
    assert again.case.agency == first.case.agency
    with pytest.raises(ValidationFailed):
        S.submission_intake(data=world.intake_data(idempotency_key="api:new"))


def test_taken_tracking_code_is_drawn_again(world, monkeypatch):
    taken = world.new_case().submission.tracking_code
    codes = iter([taken, taken])
    real = S.generate_tracking_code
    monkeypatch.setattr(S, "generate_tracking_code", lambda: next(codes, None) or real())
    result = S.submission_intake(data=world.intake_data(idempotency_key="api:collide"))
    assert result.created and result.tracking_code != taken
    assert result.submission.check_access_token(result.access_token)
    assert Submission.objects.count() == 2


def test_a_first_send_with_a_key_costs_no_extra_query(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.new_case()  # warm caches
    with CaptureQueriesContext(connection) as without_key:
        world.new_case()
    with django_assert_num_queries(len(without_key.captured_queries)):
        world.new_case(idempotency_key="api:first-send")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (21.0, 50.0, 0.0)}  # GPSInfo
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_without_location_metadata(world):
    raw = _jpeg_with_gps()
    assert b"CameraMaker" in raw
    photo = SimpleUploadedFile("ảnh hiện trường.jpg", raw, content_type="image/jpeg")
    case = world.new_case(attachments=[photo])
    attachment = case.submission.attachments.get()
    stored = attachment.file.read()
    assert attachment.content_type == "image/jpeg"
    assert b"CameraMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif().get(0x8825)


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.jpg", b"MZ\x90\x00 not an image", "không phải ảnh"),
        ("page.html", b"<html><script>alert(1)</script></html>", "không phải ảnh"),
        ("vector.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "không phải ảnh"),
        ("doc.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))", "chứa mã lệnh"),
        ("empty.png", b"", "rỗng"),
    ],
)
def test_uploads_are_checked_by_content(world, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationFailed, match=message):
        world.new_case(attachments=[upload])
    assert Case.objects.count() == 0


def test_upload_size_is_capped(world, settings):
    settings.PAKN_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ValidationFailed, match="lớn hơn 1 MB"):
        world.new_case(attachments=[big])


def test_intake_query_count_is_bounded(world, django_assert_max_num_queries):
    world.new_case()  # warm caches (content types etc.)
    # In one transaction (a savepoint pair here): submission, case, its log head and first
    # event, both steps, their task.
    with django_assert_max_num_queries(8):
        world.new_case()


def test_post_commit_step_that_fails_is_retried_and_then_succeeds(
    world, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from pakn.ops.steps import run_step

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    seen = []

    def flaky_hook(case):
        seen.append(case.pk)
        if len(seen) == 1:
            raise TimeoutError("mô hình phân loại chưa sẵn sàng")

    S.register_post_intake_hook("tests.flaky", flaky_hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = S.submission_intake(data=world.intake_data())
        step = Step.objects.get(name="cases.after_intake", payload={"case_id": result.case.pk})
        assert run_step(step.pk) == "pending"
        assert Case.objects.filter(pk=result.case.pk).exists()  # acknowledged case survives
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            assert run_step(step.pk) == "done"
        assert seen == [result.case.pk, result.case.pk]
    finally:
        S._post_intake_hooks[:] = [h for h in S._post_intake_hooks if h[0] != "tests.flaky"]


def test_access_token_is_not_kept_in_the_outbox_once_the_acknowledgment_is_sent(world, settings):
    from pakn.notifications.models import Notification
    from pakn.ops.steps import run_pending_now

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    result = S.submission_intake(data=world.intake_data())
    run_pending_now()  # the acknowledgment is rendered, then delivered
    run_pending_now()
    messages = Notification.objects.filter(template="submission_received", case_ref=result.case.pk)
    assert messages.exists()
    for message in messages:
        assert message.status == "sent"
        assert result.access_token not in message.body_text + message.body_html + message.link
    assert not any("token" in step.payload for step in Step.objects.all())
