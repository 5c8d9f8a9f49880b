from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from pakn.accounts.models import User
from pakn.notifications.delivery import DELIVER_STEP
from pakn.notifications.models import DeliveryStatus, Notification, NotificationChannel
from pakn.notifications.selectors import inbox_for, unread_for
from pakn.notifications.services import mark_read, notify_contact, notify_users
from pakn.ops.models import Step

from .conftest import CONTEXT

pytestmark = pytest.mark.django_db

EMAIL, SMS, IN_APP = NotificationChannel.EMAIL, NotificationChannel.SMS, NotificationChannel.IN_APP
MakeUser = Callable[..., User]


def channels(notifications: list[Notification]) -> set[str]:
    return {n.channel for n in notifications}


def test_officer_gets_in_app_and_email_but_no_sms_for_routine_template(make_user: MakeUser) -> None:
    officer = make_user()

    created = notify_users(users=[officer], template="case_assigned", context=CONTEXT, case_ref=7)

    assert channels(created) == {IN_APP, EMAIL}
    email = next(n for n in created if n.channel == EMAIL)
    assert email.address == officer.email
    assert email.recipient == officer
    assert email.case_ref == 7
    assert email.subject == "[PAKN K7M3-9XQ2C] Được giao xử lý hồ sơ"


@pytest.mark.parametrize(
    "template", ["overdue", "escalated", "screening_overdue", "screening_escalated"]
)
def test_officer_gets_sms_for_urgent_templates(make_user: MakeUser, template: str) -> None:
    officer = make_user()

    created = notify_users(users=[officer], template=template, context=CONTEXT)

    assert channels(created) == {IN_APP, EMAIL, SMS}
    sms = next(n for n in created if n.channel == SMS)
    assert sms.address == officer.phone
    assert sms.body_text.isascii()


def test_citizen_with_account_gets_sms_for_citizen_template(make_user: MakeUser) -> None:
    citizen = make_user(notify_email=False)

    created = notify_users(users=[citizen], template="answered", context=CONTEXT)

    assert channels(created) == {IN_APP, SMS}


def test_disabled_channels_create_nothing(make_user: MakeUser) -> None:
    quiet = make_user(notify_email=False, notify_sms=False, notify_in_app=False)

    assert notify_users(users=[quiet], template="overdue", context=CONTEXT) == []
    assert not Notification.objects.exists()
    assert not Step.objects.exists()


def test_user_without_email_or_phone_gets_in_app_only(make_user: MakeUser) -> None:
    user = make_user(email=None, phone=None)

    created = notify_users(users=[user], template="overdue", context=CONTEXT)

    assert channels(created) == {IN_APP}


def test_user_listed_twice_is_notified_once(make_user: MakeUser) -> None:
    leader = make_user(notify_email=False)

    created = notify_users(users=[leader, leader], template="approval_needed", context=CONTEXT)

    assert len(created) == 1


def test_inactive_user_is_not_notified(make_user: MakeUser) -> None:
    gone = make_user(is_active=False)

    assert notify_users(users=[gone], template="case_assigned", context=CONTEXT) == []


def test_in_app_is_delivered_at_creation_and_others_get_one_delivery_step_each(
    make_user: MakeUser,
) -> None:
    officer = make_user()

    created = notify_users(users=[officer], template="overdue", context=CONTEXT)

    in_app = next(n for n in created if n.channel == IN_APP)
    assert in_app.status == DeliveryStatus.SENT
    assert in_app.sent_at is not None
    assert in_app.subject == "[PAKN K7M3-9XQ2C] Hồ sơ quá hạn xử lý"
    assert in_app.body_text.startswith("PAKN K7M3-9XQ2C: Hồ sơ đã quá hạn xử lý.")
    pending = sorted(n.pk for n in created if n.status == DeliveryStatus.PENDING)
    assert len(pending) == 2
    steps = Step.objects.filter(name=DELIVER_STEP)
    assert sorted(s.payload["notification_id"] for s in steps) == pending


def test_messages_are_in_the_recipients_language(make_user: MakeUser) -> None:
    english = make_user(language="en", notify_sms=False)
    vietnamese = make_user(notify_sms=False)

    created = notify_users(users=[english, vietnamese], template="due_soon", context=CONTEXT)

    subjects = {(n.recipient_id, n.channel): n.subject for n in created}
    assert subjects[(english.pk, EMAIL)] == "[PAKN K7M3-9XQ2C] Case due soon"
    assert subjects[(vietnamese.pk, EMAIL)] == "[PAKN K7M3-9XQ2C] Hồ sơ sắp đến hạn xử lý"


def test_link_argument_is_stored_and_rendered(make_user: MakeUser, settings: Settings) -> None:
    settings.SITE_URL = "https://pakn.example.vn"

    [email] = notify_users(
        users=[make_user(notify_in_app=False)],
        template="case_assigned",
        context={"code": "K7M3-9XQ2C"},
        link="/backoffice/cases/7/",
    )

    assert email.link == "/backoffice/cases/7/"
    assert "https://pakn.example.vn/backoffice/cases/7/" in email.body_text


def test_notify_contact_without_account_sends_email_and_sms() -> None:
    created = notify_contact(
        email=" nguoi.gui@example.vn ",
        phone="+84 912 345 678",
        template="submission_received",
        context=CONTEXT,
        name="Lê Thị Mai",
    )

    by_channel = {n.channel: n for n in created}
    assert set(by_channel) == {EMAIL, SMS}
    assert by_channel[EMAIL].address == "nguoi.gui@example.vn"
    assert by_channel[EMAIL].recipient is None
    assert "Kính gửi Lê Thị Mai," in by_channel[EMAIL].body_text
    assert by_channel[SMS].address == "0912345678"


def test_notify_contact_with_account_respects_preferences_and_adds_in_app(
    make_user: MakeUser,
) -> None:
    citizen = make_user(notify_sms=False, language="en")

    created = notify_contact(
        email="lien.he@example.vn",
        phone="0987654321",
        template="answered",
        context=CONTEXT,
        user=citizen,
    )

    by_channel = {n.channel: n for n in created}
    assert set(by_channel) == {EMAIL, IN_APP}
    assert by_channel[EMAIL].address == "lien.he@example.vn"
    assert by_channel[EMAIL].subject == "[PAKN K7M3-9XQ2C] An answer is available"
    assert all(n.recipient == citizen for n in created)


def test_notify_contact_falls_back_to_the_accounts_contacts(make_user: MakeUser) -> None:
    citizen = make_user(notify_in_app=False)

    created = notify_contact(
        email=None,  # type: ignore[arg-type]  # submissions store a missing contact as NULL
        phone=None,  # type: ignore[arg-type]
        template="info_requested",
        context=CONTEXT,
        user=citizen,
    )

    assert {(n.channel, n.address) for n in created} == {
        (EMAIL, citizen.email),
        (SMS, citizen.phone),
    }


def test_notify_contact_with_nothing_to_send_to_creates_nothing() -> None:
    assert notify_contact(template="published", context=CONTEXT) == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("notify", ["users", "contact"])
def test_unknown_template_raises_and_creates_nothing(make_user: MakeUser, notify: str) -> None:
    with pytest.raises(ValueError, match="case_exploded"):
        if notify == "users":
            notify_users(users=[make_user()], template="case_exploded", context=CONTEXT)
        else:
            notify_contact(email="a@example.vn", template="case_exploded", context=CONTEXT)
    assert not Notification.objects.exists()


def test_notify_users_takes_two_queries_whatever_the_number_of_users(
    make_user: MakeUser, django_assert_num_queries: Any
) -> None:
    officers = [make_user() for _ in range(6)]

    with django_assert_num_queries(2):  # the notifications, then their delivery steps
        created = notify_users(users=officers, template="overdue", context=CONTEXT)

    assert len(created) == 18
    assert Step.objects.filter(name=DELIVER_STEP).count() == 12


def test_notify_contact_takes_two_queries(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        notify_contact(
            email="a@example.vn",
            phone="0912345678",
            template="submission_received",
            context=CONTEXT,
        )


def test_inbox_lists_own_in_app_notifications_newest_first(make_user: MakeUser) -> None:
    me, other = make_user(notify_email=False), make_user(notify_email=False)
    for code in ("AAAA-AAAAA", "BBBB-BBBBB", "CCCC-CCCCC"):
        notify_users(users=[me, other], template="case_assigned", context={"code": code})

    inbox = inbox_for(me, limit=2)

    assert [n.subject[:17] for n in inbox] == ["[PAKN CCCC-CCCCC]", "[PAKN BBBB-BBBBB]"]
    assert all(n.recipient_id == me.pk and n.channel == IN_APP for n in inbox)


def test_mark_read_only_touches_the_users_own_unread_notifications(make_user: MakeUser) -> None:
    me, other = make_user(notify_email=False), make_user(notify_email=False)
    mine = notify_users(users=[me], template="due_soon", context=CONTEXT)
    notify_users(users=[me], template="overdue", context=CONTEXT)
    theirs = notify_users(users=[other], template="due_soon", context=CONTEXT)
    assert unread_for(me).count() == 2

    changed = mark_read(user=me, notification_ids=[mine[0].pk, theirs[0].pk])

    assert changed == 1
    assert unread_for(me).count() == 1
    assert unread_for(other).count() == 1
    assert mark_read(user=me, notification_ids=[mine[0].pk]) == 0
    assert mark_read(user=me, notification_ids=[]) == 0
