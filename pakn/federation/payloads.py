"""What goes over the wire. Peers are government systems and receive the full submission;
partners receive only what is public (published, redacted text), never personal data."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings

from pakn.cases.models import Answer, AnswerStatus, Case, CaseEvent, Status

# Attachments travel inline (base64) up to this many bytes in total, which keeps a forward under
# the receiver's request-size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 5 MB); the rest are listed by
# name and stay with the origin, which the receiving officer can ask for.
INLINE_ATTACHMENT_BUDGET = 3 * 1024 * 1024
# Log actions whose reason is written for the submitter (the portal shows the same ones).
PUBLIC_REASON_ACTIONS = frozenset(
    {"return", "reject", "request_info", "info_expired", "transfer", "extend", "progress", "merge"}
)
ANSWERED_STATUSES = (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED)


def forward_payload(case: Case, *, reason: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case as the peer's intake needs it, and the attachments that did not fit inline."""
    submission = case.submission
    inline: list[dict[str, Any]] = []
    omitted: list[dict[str, Any]] = []
    budget = INLINE_ATTACHMENT_BUDGET
    for attachment in submission.attachments.order_by("pk"):
        meta = {
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
        }
        if attachment.size > budget:
            omitted.append(meta)
            continue
        with attachment.file.open("rb") as handle:
            content = handle.read()
        budget -= len(content)
        inline.append({**meta, "content_base64": base64.b64encode(content).decode()})
    payload = {
        "origin": settings.PAKN_INSTANCE_ID,
        "external_id": submission.tracking_code,
        "reason": reason,
        "kind": submission.kind,
        "field": submission.field.code if submission.field else None,
        "title": submission.title,
        "body": submission.body,
        "urgency": case.urgency,
        "province": submission.province.code if submission.province else None,
        "commune": submission.commune.code if submission.commune else None,
        "latitude": submission.latitude,
        "longitude": submission.longitude,
        "address": submission.address,
        "submitted_at": submission.created_at.isoformat(),
        "submitter": {
            "type": submission.submitter_type,
            "name": submission.submitter_name,
            "organisation_name": submission.organisation_name,
            "phone": submission.submitter_phone,
            "email": submission.submitter_email,
            "address": submission.submitter_address,
            "id_number": submission.submitter_id_number,
            "is_anonymous": submission.is_anonymous,
        },
        "attachments": inline,
        "attachments_omitted": omitted,
    }
    return payload, omitted


def _answer(case: Case) -> Answer | None:
    return (
        Answer.objects.filter(case=case, status=AnswerStatus.APPROVED)
        .order_by("-approved_at")
        .first()
    )


def _answer_doc(answer: Answer, *, redact: bool) -> dict[str, Any]:
    return {
        "outcome": answer.outcome,
        "outcome_label": str(answer.get_outcome_display()),
        "text": answer.public_text if redact else answer.text,
        "signer_name": answer.signer_name,
        "answered_at": answer.approved_at.isoformat() if answer.approved_at else None,
    }


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def peer_event(case: Case, event: CaseEvent, *, event_id: str) -> dict[str, Any]:
    """For the system that forwarded the case to us: its id, our status, and the answer."""
    answer = _answer(case) if event.to_status in ANSWERED_STATUSES else None
    note = event.reason if event.is_public and event.action in PUBLIC_REASON_ACTIONS else ""
    return {
        "event_id": event_id,
        "type": "case.status_changed",
        "origin": settings.PAKN_INSTANCE_ID,
        "external_id": case.submission.external_id,
        "tracking_code": case.submission.tracking_code,
        "seq": event.seq,
        "status": event.to_status,
        "status_label": _status_label(event.to_status),
        "note": note,
        "occurred_at": event.created_at.isoformat(),
        "answer": _answer_doc(answer, redact=False) if answer else None,
    }


def partner_event(
    case: Case, event: CaseEvent, *, event_type: str, event_id: str
) -> dict[str, Any]:
    """For partner systems: no submitter data, no unpublished text, only public facts."""
    submission = case.submission
    doc: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "origin": settings.PAKN_INSTANCE_ID,
        "tracking_code": submission.tracking_code,
        "status": event.to_status,
        "status_label": _status_label(event.to_status),
        "agency": {"code": case.agency.code, "name": case.agency.name},
        "kind": submission.kind,
        "field": submission.field.code if submission.field else None,
        "occurred_at": event.created_at.isoformat(),
    }
    if event_type == "answer.published":
        answer = _answer(case)
        doc.update(
            title=case.public_title,
            body=case.public_body,
            published_at=case.published_at.isoformat() if case.published_at else None,
            url=f"{settings.SITE_URL}/published/{submission.tracking_code}/",
            answer=_answer_doc(answer, redact=True) if answer else None,
        )
    return doc
