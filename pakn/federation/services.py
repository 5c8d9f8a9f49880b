"""Writes of the federation: forward a case to a peer, take in a peer's case, apply a peer's
event, retry a delivery. Case state changes go through :mod:`pakn.cases.services`."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pakn.accounts.models import User
from pakn.cases import services as case_services
from pakn.cases.models import Case, Status, Urgency
from pakn.core.errors import IllegalTransition, NotFound, ValidationFailed
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.ops.steps import schedule
from pakn.submissions.models import Channel
from pakn.taxonomy.models import Field

from .models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Forwarding,
    Health,
    Peer,
    ReceivedEvent,
)
from .signing import BadSignature, verify

ANSWER_STATUSES = (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED)


def peer_endpoint(peer: Peer, name: str) -> str:
    return f"{peer.base_url.rstrip('/')}/api/v1/federation/{name}"


def peer_forward_case(*, case: Case, actor: User, peer: Peer, reason: str) -> Forwarding:
    """Forward ``case`` to ``peer``: the case moves to "forwarded" here (logged, role and state
    checked by the cases service) and the signed POST is a retried step after commit."""
    if not peer.is_active:
        raise ValidationFailed(
            _("Hệ thống nhận không còn liên thông."), fields={"peer": _("Chọn hệ thống khác.")}
        )
    with transaction.atomic():
        case = case_services.case_forward(
            case=case,
            actor=actor,
            to_system=peer.agency,
            reason=reason,
            data={"peer": peer.code},
        )
        forwarding = Forwarding.objects.create(
            case=case, peer=peer, reason=reason.strip(), forwarded_by=actor
        )
        delivery = Delivery.objects.create(
            kind=DeliveryKind.FORWARD,
            event="case.forward",
            peer=peer,
            case=case,
            forwarding=forwarding,
            url=peer_endpoint(peer, "cases"),
            body="",
            next_attempt_at=timezone.now(),
        )
        schedule("federation.deliver", delivery_id=delivery.pk)
    return forwarding


def peer_authenticate(*, peer_code: str, timestamp: str, signature: str, body: bytes) -> Peer:
    """The active peer that signed this request, or :class:`BadSignature` (401, for an unknown
    or inactive peer as for a wrong or stale signature)."""
    peer = Peer.objects.filter(code=(peer_code or "").strip(), is_active=True).first()
    if peer is None:
        raise BadSignature("Hệ thống gửi không được đăng ký liên thông.")
    verify(
        secrets=peer.incoming_secrets(), timestamp=timestamp, signature_header=signature, body=body
    )
    Peer.objects.filter(pk=peer.pk).update(last_contact_at=timezone.now())
    return peer


@dataclass
class _InlineFile:
    """A decoded inline attachment, read by the intake's upload checks like an uploaded file."""

    name: str
    size: int | None
    content: bytes

    def read(self, size: int = -1) -> bytes:
        return self.content if size < 0 else self.content[:size]


@dataclass(frozen=True)
class IncomingAttachment:
    name: str
    content_type: str
    content_base64: str


@dataclass(frozen=True)
class IncomingCase:
    external_id: str
    reason: str
    kind: str
    title: str
    body: str
    submitter: dict[str, Any]
    field: str | None = None
    urgency: str = Urgency.NORMAL
    province: int | None = None
    commune: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    attachments: tuple[IncomingAttachment, ...] = ()


def _unit_id(code: int | None, level: str) -> int | None:
    if code is None:
        return None
    return (
        AdministrativeUnit.objects.filter(level=level, code=code)
        .values_list("pk", flat=True)
        .first()
    )


def peer_receive_case(*, peer: Peer, incoming: IncomingCase) -> case_services.IntakeResult:
    """Take in a case a peer forwarded: one submission through the ordinary intake, channel
    ``federation``; the same forward sent again returns the first result."""
    uploads: list[_InlineFile] = []
    for item in incoming.attachments:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                _("Tệp đính kèm “%(name)s” không đúng mã base64.") % {"name": item.name},
                fields={"attachments": _("Sai mã base64.")},
            ) from None
        uploads.append(_InlineFile(item.name[:200], len(content), content))
    submitter = incoming.submitter
    field_id = (
        Field.objects.filter(code=incoming.field, is_active=True)
        .values_list("pk", flat=True)
        .first()
        if incoming.field
        else None
    )
    commune_id = _unit_id(incoming.commune, UnitLevel.COMMUNE)
    data = case_services.IntakeData(
        kind=incoming.kind,
        title=incoming.title,
        body=incoming.body,
        submitter_name=str(submitter.get("name") or ""),
        channel=Channel.FEDERATION,
        field_id=field_id,
        phone=str(submitter.get("phone") or ""),
        email=str(submitter.get("email") or ""),
        submitter_type=str(submitter.get("type") or "person"),
        organisation_name=str(submitter.get("organisation_name") or ""),
        submitter_address=str(submitter.get("address") or ""),
        id_number=str(submitter.get("id_number") or ""),
        is_anonymous=bool(submitter.get("is_anonymous")),
        latitude=incoming.latitude,
        longitude=incoming.longitude,
        address=incoming.address,
        province_id=None if commune_id else _unit_id(incoming.province, UnitLevel.PROVINCE),
        commune_id=commune_id,
        urgency=incoming.urgency,
        intermediary_note=f"Chuyển từ {peer.name}: {incoming.reason}"[:300],
        idempotency_key=f"federation:{peer.code}:{incoming.external_id}",
        source_instance=peer.code,
        external_id=incoming.external_id,
        attachments=uploads,
    )
    return case_services.submission_intake(data=data)


@dataclass(frozen=True)
class IncomingEvent:
    event_id: str
    external_id: str
    status: str
    seq: int = 0
    tracking_code: str = ""
    note: str = ""
    answer: dict[str, Any] | None = None


def _remote_answer(doc: dict[str, Any] | None) -> case_services.RemoteAnswer | None:
    if not doc:
        return None
    answered_at: datetime | None = parse_datetime(str(doc.get("answered_at") or ""))
    return case_services.RemoteAnswer(
        outcome=str(doc.get("outcome") or ""),
        text=str(doc.get("text") or ""),
        signer_name=str(doc.get("signer_name") or ""),
        answered_at=answered_at or timezone.now(),
    )


def peer_receive_event(*, peer: Peer, incoming: IncomingEvent) -> str:
    """Apply a peer's status or answer to the case we forwarded it. Returns ``applied``,
    ``duplicate`` (this event id was seen: nothing changes) or ``stale`` (older than the last
    applied status, e.g. a late retry)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReceivedEvent.objects.create(peer=peer, event_id=incoming.event_id)
        except IntegrityError:
            return "duplicate"
        forwarding = (
            Forwarding.objects.select_for_update()
            .filter(peer=peer, case__submission__tracking_code=incoming.external_id)
            .select_related("case")
            .order_by("-forwarded_at")
            .first()
        )
        if forwarding is None:
            raise NotFound(_("Không tìm thấy hồ sơ đã chuyển cho hệ thống này với mã đã gửi."))
        if incoming.seq and incoming.seq <= forwarding.remote_seq:
            return "stale"
        forwarding.remote_status = incoming.status[:16]
        forwarding.remote_seq = incoming.seq
        if incoming.tracking_code and not forwarding.remote_tracking_code:
            forwarding.remote_tracking_code = incoming.tracking_code[:40]
        forwarding.save(update_fields=["remote_status", "remote_seq", "remote_tracking_code"])
        answer = _remote_answer(incoming.answer) if incoming.status in ANSWER_STATUSES else None
        case_services.case_apply_remote_update(
            case=forwarding.case,
            source=peer.agency,
            source_label=peer.name,
            remote_status=incoming.status,
            note=incoming.note[:2000],
            answer=answer,
            data={"event_id": incoming.event_id, "remote_code": forwarding.remote_tracking_code},
        )
    return "applied"


def delivery_retry_now(*, delivery: Delivery) -> bool:
    """An administrator asks for one more attempt now (also after the last automatic one)."""
    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=DeliveryStatus.DELIVERED)
            .update(
                status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), locked_until=None
            )
        )
        if not changed:
            raise IllegalTransition(_("Yêu cầu này đã gửi thành công; không cần gửi lại."))
        schedule("federation.deliver", delivery_id=delivery.pk)
    return True


def peer_record_health(*, peer_id: int, ok: bool, error: str = "") -> None:
    values: dict[str, Any] = {"health": Health.OK if ok else Health.FAILING, "last_error": error}
    if ok:
        values["last_contact_at"] = timezone.now()
    Peer.objects.filter(pk=peer_id).update(**values)
