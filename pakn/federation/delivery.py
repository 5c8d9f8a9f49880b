"""The outgoing side: one fan-out step per case event someone listens to, one delivery step per
request. Every attempt is written to the :class:`~.models.Delivery` log.

A delivery step runs outside a database transaction (``@step(..., atomic=False)``): it claims
its row with a conditional UPDATE and a lease, makes the HTTP call holding no lock, then records
the outcome. A failed attempt schedules the next one with the ops backoff (30 s doubling) as a
new step, which the scheduler's sweep enqueues when due; the log keeps each error. A crash
between the peer's answer and our record means the request is sent again with the same event id,
which the receiver recognises (at least once, never twice applied).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from pakn.cases.models import CaseEvent, Status
from pakn.ops.models import Step
from pakn.ops.steps import backoff, schedule, step
from pakn.submissions.models import Channel

from . import payloads, selectors, transport
from .models import Delivery, DeliveryKind, DeliveryStatus, EventType, Forwarding, Peer
from .services import peer_endpoint, peer_record_health
from .signing import EVENT_HEADER, PEER_HEADER, signed_headers

log = logging.getLogger(__name__)

DELIVER_STEP = "federation.deliver"
MAX_ATTEMPTS = 8  # the last automatic try is about an hour after the first
LEASE = timedelta(minutes=2)
# Client errors worth retrying: timeouts, throttling, a secret being rotated on the other side.
RETRYABLE_4XX = frozenset({401, 408, 425, 429})


def _dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str)


@step("federation.fan_out")
def fan_out(*, case_id: int, event_id: int) -> None:
    """Turn one case event into deliveries: the peer the case came from, and subscribed partners."""
    event = CaseEvent.objects.select_related("case__submission__field", "case__agency").get(
        pk=event_id, case_id=case_id
    )
    case = event.case
    submission = case.submission
    deliveries: list[Delivery] = []
    if submission.channel == Channel.FEDERATION and submission.source_instance:
        peer = Peer.objects.filter(code=submission.source_instance, is_active=True).first()
        if peer is not None:
            delivery = Delivery(
                kind=DeliveryKind.PEER_EVENT,
                event=EventType.STATUS_CHANGED,
                peer=peer,
                case=case,
                url=peer_endpoint(peer, "events"),
            )
            delivery.event_id = _new_id()
            delivery.body = _dumps(payloads.peer_event(case, event, event_id=delivery.event_id))
            deliveries.append(delivery)
    types = [EventType.STATUS_CHANGED]
    if event.to_status == Status.PUBLISHED:
        types.append(EventType.ANSWER_PUBLISHED)
    for event_type in types:
        for subscription in selectors.subscriptions_for(event_type=event_type, agency=case.agency):
            delivery = Delivery(
                kind=DeliveryKind.WEBHOOK,
                event=event_type,
                subscription=subscription,
                case=case,
                url=subscription.url,
            )
            delivery.event_id = _new_id()
            delivery.body = _dumps(
                payloads.partner_event(
                    case, event, event_type=event_type, event_id=delivery.event_id
                )
            )
            deliveries.append(delivery)
    now = timezone.now()
    for delivery in deliveries:
        delivery.next_attempt_at = now
        delivery.save()
        schedule(DELIVER_STEP, delivery_id=delivery.pk)


def _new_id() -> str:
    return uuid.uuid4().hex


@step(DELIVER_STEP, atomic=False)
def deliver(*, delivery_id: int) -> None:
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return  # delivered, failed for good, or another worker is sending it right now
    delivery = Delivery.objects.select_related(
        "peer", "subscription", "forwarding__case__submission"
    ).get(pk=delivery_id)
    body, secret, headers = _prepare(delivery)
    status_code: int | None = None
    reply = b""
    try:
        response = transport.post(
            delivery.url, body, {**signed_headers(secret=secret, body=body), **headers}
        )
        status_code, reply = response.status, response.body
        error = "" if 200 <= status_code < 300 else f"HTTP {status_code}: {_text(reply)}"
    except transport.TransportError as exc:
        error = str(exc)[:2000]
    with transaction.atomic():
        _record(delivery, status_code=status_code, error=error, reply=reply)


def _prepare(delivery: Delivery) -> tuple[bytes, str, dict[str, str]]:
    headers = {EVENT_HEADER: delivery.event, "X-PAKN-Delivery": delivery.event_id}
    if delivery.peer is not None:
        headers[PEER_HEADER] = settings.PAKN_INSTANCE_ID
    if delivery.kind == DeliveryKind.FORWARD:
        forwarding = delivery.forwarding
        assert forwarding is not None
        doc, omitted = payloads.forward_payload(forwarding.case, reason=forwarding.reason)
        doc["event_id"] = delivery.event_id
        if omitted != forwarding.omitted_attachments:
            Forwarding.objects.filter(pk=forwarding.pk).update(omitted_attachments=omitted)
        body = _dumps(doc).encode()
        if not delivery.body:
            # The log keeps what was sent, without the attachments' bytes.
            logged = {
                **doc,
                "attachments": [
                    {k: v for k, v in a.items() if k != "content_base64"}
                    for a in doc["attachments"]
                ],
            }
            Delivery.objects.filter(pk=delivery.pk).update(body=_dumps(logged))
        assert delivery.peer is not None
        return body, delivery.peer.outgoing_secret, headers
    if delivery.peer is not None:
        return delivery.body.encode(), delivery.peer.outgoing_secret, headers
    assert delivery.subscription is not None
    return delivery.body.encode(), delivery.subscription.secret, headers


def _text(reply: bytes) -> str:
    return reply[:500].decode("utf-8", "replace")


def _record(delivery: Delivery, *, status_code: int | None, error: str, reply: bytes) -> None:
    now = timezone.now()
    delivery.last_status_code = status_code
    delivery.locked_until = None
    fields = ["last_status_code", "last_error", "locked_until", "status", "next_attempt_at"]
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
        fields.append("delivered_at")
        if delivery.kind == DeliveryKind.FORWARD:
            _accepted(delivery, reply)
    else:
        delivery.last_error = error
        permanent = (
            status_code is not None
            and 400 <= status_code < 500
            and status_code not in RETRYABLE_4XX
        )
        if permanent or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            log.error("delivery %s to %s failed for good: %s", delivery.pk, delivery.url, error)
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            Step.objects.create(
                name=DELIVER_STEP,
                payload={"delivery_id": delivery.pk},
                run_after=delivery.next_attempt_at,
            )
            log.warning(
                "delivery %s attempt %s failed, retry at %s: %s",
                delivery.pk,
                delivery.attempts,
                delivery.next_attempt_at,
                error,
            )
    delivery.save(update_fields=fields)
    if delivery.peer_id is not None:
        peer_record_health(peer_id=delivery.peer_id, ok=not error, error=error)


def _accepted(delivery: Delivery, reply: bytes) -> None:
    try:
        doc = json.loads(reply or b"{}")
    except ValueError:
        doc = {}
    code = str(doc.get("tracking_code") or "")[:40] if isinstance(doc, dict) else ""
    if delivery.forwarding_id is None:
        return
    Forwarding.objects.filter(pk=delivery.forwarding_id).update(
        remote_tracking_code=code, accepted_at=timezone.now()
    )
