"""Federation endpoints (liên thông) for other PAKN systems. Requests are not authenticated by a
token but by an HMAC signature of the raw body (see :mod:`pakn.federation.signing`): headers
``X-PAKN-Peer`` (the sender's instance id), ``X-PAKN-Timestamp`` and ``X-PAKN-Signature``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pydantic
from django.http import HttpRequest
from ninja import Router
from ninja import Status as Reply
from pydantic import Field as PydanticField

from pakn.federation import services
from pakn.federation.models import Peer
from pakn.federation.signing import PEER_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

from .errors import ErrorOut, from_pydantic
from .schemas import Input

router = Router(tags=["Liên thông"])

Text = Annotated[str, PydanticField(max_length=20000)]
Short = Annotated[str, PydanticField(max_length=300)]


class SubmitterIn(Input):
    type: Literal["person", "organisation"] = "person"
    name: Short
    organisation_name: Short = ""
    phone: Short = ""
    email: Short = ""
    address: Short = ""
    id_number: Short = ""
    is_anonymous: bool = False


class AttachmentIn(Input):
    name: Short
    content_type: Short
    size: int | None = None
    content_base64: str


class ForwardIn(Input):
    """A case another PAKN system forwards to this one, with the full submission."""

    external_id: Annotated[str, PydanticField(min_length=1, max_length=120)]
    reason: Text = ""
    kind: Short
    field: Short | None = None
    title: Short
    body: Text
    urgency: Literal["normal", "urgent"] = "normal"
    province: int | None = None
    commune: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    address: Short = ""
    submitter: SubmitterIn
    attachments: list[AttachmentIn] = PydanticField(default_factory=list, max_length=10)

    model_config = pydantic.ConfigDict(extra="ignore")


class ForwardOut(Input):
    tracking_code: str
    status: str
    created: bool


class AnswerIn(Input):
    outcome: Short
    text: Text
    signer_name: Short = ""
    answered_at: Short | None = None


class EventIn(Input):
    """A status change (and the answer, once there is one) of a case we forwarded."""

    event_id: Annotated[str, PydanticField(min_length=8, max_length=64)]
    external_id: Annotated[str, PydanticField(min_length=1, max_length=120)]
    status: Annotated[str, PydanticField(min_length=1, max_length=16)]
    seq: int = PydanticField(0, ge=0)
    tracking_code: Short = ""
    note: Text = ""
    answer: AnswerIn | None = None

    model_config = pydantic.ConfigDict(extra="ignore")


class EventOut(Input):
    result: Literal["applied", "duplicate", "stale"]


def _peer(request: HttpRequest) -> Peer:
    return services.peer_authenticate(
        peer_code=request.headers.get(PEER_HEADER, ""),
        timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
        signature=request.headers.get(SIGNATURE_HEADER, ""),
        body=request.body,
    )


def _parse(model: type[pydantic.BaseModel], body: bytes) -> Any:
    try:
        return model.model_validate_json(body or b"{}")
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


@router.post(
    "/federation/cases",
    response={200: ForwardOut, 201: ForwardOut, 401: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Nhận hồ sơ do hệ thống PAKN khác chuyển tới (có chữ ký)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": ForwardIn.model_json_schema()}}}
    },
)
def receive_case(request: HttpRequest) -> Reply[dict[str, Any]]:
    peer = _peer(request)
    data: ForwardIn = _parse(ForwardIn, request.body)
    result = services.peer_receive_case(
        peer=peer,
        incoming=services.IncomingCase(
            external_id=data.external_id,
            reason=data.reason,
            kind=data.kind,
            title=data.title,
            body=data.body,
            submitter=data.submitter.model_dump(),
            field=data.field,
            urgency=data.urgency,
            province=data.province,
            commune=data.commune,
            latitude=data.latitude,
            longitude=data.longitude,
            address=data.address,
            attachments=tuple(
                services.IncomingAttachment(a.name, a.content_type, a.content_base64)
                for a in data.attachments
            ),
        ),
    )
    body = {
        "tracking_code": result.tracking_code,
        "status": result.case.status,
        "created": result.created,
    }
    return Reply(201 if result.created else 200, body)


@router.post(
    "/federation/events",
    response={200: EventOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Nhận trạng thái, câu trả lời của hồ sơ đã chuyển liên thông (có chữ ký)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": EventIn.model_json_schema()}}}
    },
)
def receive_event(request: HttpRequest) -> dict[str, str]:
    peer = _peer(request)
    data: EventIn = _parse(EventIn, request.body)
    result = services.peer_receive_event(
        peer=peer,
        incoming=services.IncomingEvent(
            event_id=data.event_id,
            external_id=data.external_id,
            status=data.status,
            seq=data.seq,
            tracking_code=data.tracking_code,
            note=data.note,
            answer=data.answer.model_dump() if data.answer else None,
        ),
    )
    return {"result": result}
