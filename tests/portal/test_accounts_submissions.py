"""A logged-in person's submissions: pre-filled submit form, "my submissions", the track page
without a token for the owner, notification preferences, and the intermediary's "gửi hộ"."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from pakn.accounts import citizens
from pakn.accounts.models import User
from pakn.cases import services as S
from pakn.cases.models import Case, CaseEvent
from pakn.core.tracking import format_tracking_code
from pakn.notifications.models import Notification, NotificationChannel
from pakn.notifications.preferences import CITIZEN_EVENTS
from pakn.ops.models import Step
from pakn.ops.steps import run_step
from pakn.submissions.models import Channel, Submission

pytestmark = pytest.mark.django_db

PASSWORD = "Ruộng lúa chín vàng 2026"


def _citizen(name: str = "Phạm Văn Nam", email: str = "nam@example.vn", phone: str = "") -> User:
    return citizens.citizen_register(
        data=citizens.Registration(
            full_name=name, email=email, phone=phone, password=PASSWORD, consent=True
        )
    )


def _checked(html: str, input_id: str) -> bool:
    tag = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html)
    assert tag, input_id
    return " checked" in tag.group(0)


def _intermediary() -> User:
    user = _citizen("Hoàng Văn Thào", "tho.cntt@example.vn", "0977000123")
    user.is_intermediary = True
    user.intermediary_organisation = "Tổ công nghệ số cộng đồng thôn Nà Pàn"
    user.save()
    return user


# --------------------------------------------------------------------------------------------
# Submitting while logged in


def test_submit_form_is_prefilled_with_the_logged_in_persons_details(client):
    user = _citizen(phone="0912 345 000")
    client.force_login(user)
    html = client.get("/submit/").content.decode()
    assert 'value="Phạm Văn Nam"' in html
    assert 'value="nam@example.vn"' in html and 'value="0912345000"' in html


def test_submission_sent_while_logged_in_is_linked_to_the_account(client, submit_data):
    user = _citizen()
    client.force_login(user)
    assert client.post("/submit/", submit_data).status_code == 302
    submission = Submission.objects.get()
    assert submission.account == user and submission.intermediary is None
    event = CaseEvent.objects.get(case__submission=submission, action="submitted")
    assert event.actor == user and event.data["channel"] == Channel.WEB


# --------------------------------------------------------------------------------------------
# My submissions


def test_my_submissions_lists_own_submissions_with_status_deadline_and_track_link(client, world):
    user = _citizen()
    case = world.new_case(account=user, title="Cống thoát nước bị tắc ở chợ Đông Kinh")
    client.force_login(user)
    html = client.get("/accounts/submissions/").content.decode()
    code = format_tracking_code(case.submission.tracking_code)
    assert "Cống thoát nước bị tắc ở chợ Đông Kinh" in html
    assert code in html and "Chờ tiếp nhận" in html
    assert timezone.localtime(case.due_at).strftime("%d/%m/%Y") in html
    assert f"/track/?code={code}" in html


def test_another_persons_submission_is_never_listed_nor_opened_without_its_token(client, world):
    alice = _citizen("Alice Nguyễn", "alice@example.vn")
    bob = _citizen("Bob Trần", "bob@example.vn")
    theirs = world.new_case(account=bob, title="Việc riêng của Bob ở phường")
    # Even sent with Alice's email as contact, Bob's submission stays Bob's.
    with_her_email = world.new_case(account=bob, email="alice@example.vn", title="Bob gửi hộ")
    alice.email_verified_at = timezone.now()
    alice.save()
    client.force_login(alice)
    html = client.get("/accounts/submissions/").content.decode()
    assert "Việc riêng của Bob" not in html and "Bob gửi hộ" not in html
    for case in (theirs, with_her_email):
        page = client.get("/track/", {"code": case.submission.tracking_code})
        assert "Việc riêng của Bob" not in page.content.decode()
        assert 'name="token"' in page.content.decode()  # asked for the secret instead


def test_owner_opens_the_track_page_without_a_token(client, world):
    user = _citizen()
    case = world.new_case(account=user, title="Đường ngập sau mưa ở phố Lê Lợi")
    client.force_login(user)
    response = client.get("/track/", {"code": format_tracking_code(case.submission.tracking_code)})
    assert "Đường ngập sau mưa ở phố Lê Lợi" in response.content.decode()


def test_earlier_anonymous_submissions_appear_only_after_the_contact_is_verified(client, world):
    earlier = world.new_case(email="nam@example.vn", phone="", title="Gửi trước khi có tài khoản")
    by_phone = world.new_case(email="", phone="0912 777 888", title="Gửi bằng số điện thoại")
    user = _citizen(phone="0912777888")
    client.force_login(user)
    html = client.get("/accounts/submissions/").content.decode()
    assert "Gửi trước khi có tài khoản" not in html and "Gửi bằng số điện thoại" not in html
    assert (
        client.get("/track/", {"code": earlier.submission.tracking_code})
        .content.decode()
        .count("Gửi trước khi có tài khoản")
        == 0
    )

    citizens.email_verify(token=citizens.email_verification_token(user=user))
    html = client.get("/accounts/submissions/").content.decode()
    assert "Gửi trước khi có tài khoản" in html and "Gửi bằng số điện thoại" not in html

    User.objects.filter(pk=user.pk).update(phone_verified_at=timezone.now())
    html = client.get("/accounts/submissions/").content.decode()
    assert "Gửi bằng số điện thoại" in html
    assert by_phone.submission.account is None  # matched when read, nothing copied


def test_my_submissions_query_count_does_not_grow_with_the_list(
    client, world, django_assert_max_num_queries
):
    user = _citizen()
    for n in range(3):
        world.new_case(account=user, title=f"Phản ánh số {n} về đèn đường")
    client.force_login(user)
    with django_assert_max_num_queries(8) as few:
        client.get("/accounts/submissions/")
    for n in range(15):
        world.new_case(account=user, title=f"Phản ánh thêm {n} về rác thải")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/accounts/submissions/").content.decode()
    assert html.count('class="card"') >= 18


def test_my_submissions_needs_login(client):
    response = client.get("/accounts/submissions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --------------------------------------------------------------------------------------------
# Notification preferences


def test_preferences_are_saved_and_a_disabled_channel_is_not_used(client, world):
    user = _citizen(phone="0912 555 666")
    client.force_login(user)
    html = client.get("/accounts/preferences/").content.decode()
    assert _checked(html, "id_notify_email")
    every_event = {
        f"ev__{event}__{channel}": "on"
        for event, _label in CITIZEN_EVENTS
        for channel in ("email", "sms", "in_app")
    }
    response = client.post(
        "/accounts/preferences/", {"notify_sms": "on", "notify_in_app": "on", **every_event}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.notify_email, user.notify_sms, user.notify_in_app) == (False, True, True)

    case = world.new_case(account=user, email="nam@example.vn", phone="0912 555 666")
    S.notify_intake(case_id=case.pk, token="t")
    channels = set(
        Notification.objects.filter(case_ref=case.pk, template="submission_received").values_list(
            "channel", flat=True
        )
    )
    assert channels == {NotificationChannel.SMS, NotificationChannel.IN_APP}


# --------------------------------------------------------------------------------------------
# Intermediaries ("gửi hộ")


def _behalf_data(submit_data: dict[str, object]) -> dict[str, object]:
    return {
        **submit_data,
        "mode": "behalf",
        "submitter_name": "Bà Lương Thị Mai",
        "phone": "0966 123 456",
        "email": "",
        "submitter_address": "Thôn Nà Pàn, xã Thất Khê",
        "consent": "",
        "behalf_consent": "on",
        "intermediary_note": "Đọc qua điện thoại",
    }


def test_intermediary_sees_the_gui_ho_mode_without_prefill(client):
    user = _intermediary()
    client.force_login(user)
    assert "?mode=behalf" in client.get("/submit/").content.decode()
    html = client.get("/submit/?mode=behalf").content.decode()
    assert 'name="behalf_consent"' in html and 'name="intermediary_note"' in html
    assert 'value="Hoàng Văn Thào"' not in html


def test_intermediary_submission_records_consent_note_and_channel_and_notifies_the_person(
    client, submit_data
):
    user = _intermediary()
    client.force_login(user)
    before = timezone.now()
    response = client.post("/submit/", _behalf_data(submit_data))
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get()
    assert submission.intermediary == user and submission.account is None
    assert submission.channel == Channel.INTERMEDIARY
    assert submission.intermediary_note == "Đọc qua điện thoại"
    assert submission.consent_at is not None and submission.consent_at >= before
    assert submission.submitter_name == "Bà Lương Thị Mai"
    event = CaseEvent.objects.get(case__submission=submission, action="submitted")
    assert event.actor == user and event.data["channel"] == Channel.INTERMEDIARY

    S.notify_intake(case_id=submission.case.pk, token="t")
    sent = Notification.objects.filter(template="submission_received")
    assert {n.address for n in sent} == {"0966123456"}
    assert not sent.filter(recipient=user).exists()

    # The intermediary may open what they sent, to read the answer to the person; nobody else.
    code = format_tracking_code(submission.tracking_code)
    assert submission.title in client.get("/track/", {"code": code}).content.decode()
    client.force_login(_citizen("Người khác", "khac@example.vn"))
    assert submission.title not in client.get("/track/", {"code": code}).content.decode()
    client.force_login(user)

    html = client.get("/accounts/submissions/").content.decode()
    on_behalf = html.split('id="on-behalf"')[1]
    assert format_tracking_code(submission.tracking_code) in on_behalf
    assert "Bà Lương Thị Mai" in on_behalf


def test_gui_ho_requires_the_persons_consent_and_keeps_what_was_typed(client, submit_data):
    client.force_login(_intermediary())
    data = _behalf_data(submit_data)
    data["behalf_consent"] = ""
    response = client.post("/submit/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Submission.objects.exists()
    assert "Cần xác nhận người dân đã đồng ý" in html
    assert 'aria-describedby="id_behalf_consent_error"' in html
    assert 'value="Bà Lương Thị Mai"' in html and "Đọc qua điện thoại" in html


@pytest.mark.parametrize("logged_in", [True, False])
def test_non_intermediary_cannot_use_gui_ho(client, submit_data, logged_in):
    if logged_in:
        client.force_login(_citizen())
    assert 'name="behalf_consent"' not in client.get("/submit/?mode=behalf").content.decode()
    response = client.post("/submit/", _behalf_data(submit_data))
    assert response.status_code == 200
    assert "chưa được cấp quyền gửi hộ" in response.content.decode()
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_in_app_notifications_show_on_my_submissions_without_the_access_token(client, world):
    user = _citizen()
    case = world.new_case(account=user)
    S.notify_intake(case_id=case.pk, token="bi-mat-khong-hien")
    client.force_login(user)
    html = client.get("/accounts/submissions/").content.decode()
    assert "Thông báo gần đây" in html and "Đã tiếp nhận phản ánh" in html
    assert f'href="/track/?code={case.submission.tracking_code}"' in html
    assert "bi-mat-khong-hien" not in html
    User.objects.filter(pk=user.pk).update(notify_in_app=False)
    assert "Thông báo gần đây" not in client.get("/accounts/submissions/").content.decode()


def test_an_event_turned_off_on_one_channel_skips_only_that(client, world):
    user = _citizen(phone="0912 555 666")
    client.force_login(user)
    html = client.get("/accounts/preferences/").content.decode()
    assert '<label for="id_ev__answered__email" class="visually-hidden">' in html
    form = {"notify_email": "on", "notify_sms": "on", "notify_in_app": "on"}
    for event, _label in CITIZEN_EVENTS:
        for channel in ("email", "sms", "in_app"):
            if (event, channel) != ("submission_received", "email"):
                form[f"ev__{event}__{channel}"] = "on"
    assert client.post("/accounts/preferences/", form).status_code == 302
    user.refresh_from_db()
    assert user.notify_muted == ["submission_received:email"]
    # The page shows the saved choice.
    html = client.get("/accounts/preferences/").content.decode()
    assert not _checked(html, "id_ev__submission_received__email")
    assert _checked(html, "id_ev__answered__email")

    case = world.new_case(account=user, email="nam@example.vn", phone="0912 555 666")
    S.notify_intake(case_id=case.pk, token="t")
    received = Notification.objects.filter(case_ref=case.pk, template="submission_received")
    assert set(received.values_list("channel", flat=True)) == {
        NotificationChannel.SMS,
        NotificationChannel.IN_APP,
    }
    S.case_accept(case=case, actor=world.intake)
    S.case_assign(case=case, actor=world.intake, assignee=world.handler)
    S.case_draft_answer(case=case, actor=world.handler, outcome="accepted", text="Đã xử lý xong.")
    S.case_approve_answer(case=case, actor=world.leader)
    for step in Step.objects.filter(status="pending").exclude(name="notifications.deliver"):
        run_step(step.pk)
    answered = Notification.objects.filter(case_ref=case.pk, template="answered")
    assert NotificationChannel.EMAIL in set(answered.values_list("channel", flat=True))


def test_seed_demo_creates_a_citizen_and_an_intermediary_who_can_log_in(client, settings):
    settings.PAKN_DEMO_PASSWORD = "demo-mật-khẩu-2026"
    call_command("seed_demo", "--cases", "0")
    guide = User.objects.get(email="guiho@pakn.local")
    assert guide.is_intermediary and guide.email_verified_at is not None
    response = client.post(
        "/accounts/login/", {"identifier": "nguoidan@pakn.local", "password": "demo-mật-khẩu-2026"}
    )
    assert response.status_code == 302
