from __future__ import annotations

import pytest
from django.db import connection
from django.db.utils import DatabaseError
from django.test import Client

from pakn.audit.models import AuditAction, AuditEvent, AuditLogImmutable
from pakn.taxonomy.models import Field
from tests.factories import FieldFactory
from tests.world import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_officer_login_and_logout_are_audited_with_the_address(client, world: World) -> None:
    client.post("/backoffice/login/", {"username": "intake-a", "password": PASSWORD})
    client.post("/backoffice/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "ip"))
    assert actions == [
        (AuditAction.LOGIN, "intake-a", "127.0.0.1"),
        (AuditAction.LOGOUT, "intake-a", "127.0.0.1"),
    ]


def test_failed_login_is_audited_without_the_password(client, world: World) -> None:
    client.post("/backoffice/login/", {"username": "intake-a", "password": "sai-mat-khau-99"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_id is None
    assert event.actor_label == "intake-a"
    assert "sai-mat-khau-99" not in str(event.detail)


def test_admin_change_is_audited_with_what_changed(world: World) -> None:
    field = FieldFactory(code="giao-thong", name="Giao thông")
    admin = Client()
    admin.force_login(world.superadmin)
    form = admin.get(f"/admin/taxonomy/field/{field.pk}/change/")
    assert form.status_code == 200
    response = admin.post(
        f"/admin/taxonomy/field/{field.pk}/change/",
        {
            "code": "giao-thong",
            "name": "Giao thông vận tải",
            "name_en": "Transport",
            "description": "",
            "position": 3,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert event.actor_id == world.superadmin.pk
    assert event.object_type == "taxonomy.field"
    assert event.object_id == str(field.pk)
    assert "Name" in event.detail["change"] or "tên" in event.detail["change"].lower()


def test_admin_bulk_action_is_audited_with_the_selected_rows(world: World) -> None:
    doomed = FieldFactory(code="tam-thoi", name="Tạm thời")
    admin = Client()
    admin.force_login(world.superadmin)
    response = admin.post(
        "/admin/taxonomy/field/",
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Field.objects.filter(pk=doomed.pk).exists()
    bulk = AuditEvent.objects.get(action=AuditAction.ADMIN_ACTION)
    assert bulk.detail["action"] == ["delete_selected"]
    assert bulk.detail["_selected_action"] == [str(doomed.pk)]
    assert bulk.object_type == "taxonomy.field"
    assert AuditEvent.objects.filter(
        action=AuditAction.ADMIN_DELETE, object_id=str(doomed.pk)
    ).exists()


def test_refused_admin_posts_and_non_staff_are_not_recorded_as_changes(
    client, world: World
) -> None:
    client.force_login(world.handler)
    client.post("/admin/taxonomy/field/", {"action": "delete_selected"})
    assert not AuditEvent.objects.filter(action__startswith="admin").exists()


def test_the_audit_log_cannot_be_edited_or_deleted_through_the_orm(world: World) -> None:
    Client().post("/backoffice/login/", {"username": "intake-a", "password": PASSWORD})
    event = AuditEvent.objects.get()
    event.actor_label = "người khác"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.update(actor_label="x")
    with pytest.raises(AuditLogImmutable):
        AuditEvent.objects.all().delete()


def test_the_admin_shows_the_audit_log_read_only(world: World) -> None:
    admin = Client()
    admin.force_login(world.superadmin)
    assert admin.get("/admin/audit/auditevent/").status_code == 200
    assert admin.get("/admin/audit/auditevent/add/").status_code == 403


@pytest.mark.postgres
def test_postgresql_refuses_raw_updates_of_the_audit_log(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL trigger")
    Client().post("/backoffice/login/", {"username": "intake-a", "password": PASSWORD})
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = 'x'")
