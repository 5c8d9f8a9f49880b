"""Request and response shapes of API v1 (they are the OpenAPI document's components)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

Kind = Literal["report", "recommendation", "initiative", "solution"]
TEXT_MAX = 20_000
# What intake accepts (``pakn.cases.services.validate_intake`` and the submission's columns), so
# the OpenAPI document tells clients the limits the service enforces.
TITLE_MAX = 250
NAME_MAX = 200
ORGANISATION_MAX = 255
ADDRESS_MAX = 300
RATING_COMMENT_MAX = 2000
# Database ids fit a 32-bit integer; a larger number is bad input, not a database error.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Input(Schema):
    """Base of every request body and query: text must not hold NUL characters, which
    PostgreSQL refuses (a 500 otherwise)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL")
        return value


# --------------------------------------------------------------------------------------------
# Shared pieces


class Ref(Schema):
    id: int
    code: str
    name: str


class FieldOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    description: str
    parent_id: int | None


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    parent_id: int | None


class AnswerOut(Schema):
    outcome: str
    outcome_label: str
    text: str
    signer_name: str
    approved_at: datetime | None


# --------------------------------------------------------------------------------------------
# Citizens


class SubmitterIn(Input):
    type: Literal["person", "organisation"] = "person"
    name: str = Field(max_length=NAME_MAX)
    organisation_name: str = Field("", max_length=ORGANISATION_MAX)
    phone: str = Field("", max_length=64)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=ADDRESS_MAX)
    id_number: str = Field("", max_length=32)


class LocationIn(Input):
    latitude: float | None = None
    longitude: float | None = None
    address: str = Field("", max_length=ADDRESS_MAX)
    province_id: Id | None = None
    commune_id: Id | None = None


class SubmissionIn(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "report",
                    "title": "Đèn đường hỏng trên đường Lê Lợi",
                    "body": "Ba cột đèn không sáng đã hai tuần, đi lại ban đêm rất nguy hiểm.",
                    "submitter": {"type": "person", "name": "Trần Thị Bình", "phone": "0987654321"},
                    "consent": True,
                }
            ]
        }
    )
    kind: Kind
    field_id: Id | None = None
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=settings.PAKN_MAX_BODY_CHARS)
    submitter: SubmitterIn
    is_anonymous: bool = False
    consent: bool = False
    location: LocationIn | None = None


class SubmissionCreated(Schema):
    tracking_code: str = Field(description="Mã tra cứu để hiển thị, ví dụ K7M3-9XQ2C")
    tracking_code_raw: str = Field(description="Mã tra cứu không có dấu gạch, ví dụ K7M39XQ2C")
    access_token: str = Field(description="Mã bí mật để theo dõi; chỉ trả về lúc gửi")
    status: str
    status_label: str
    agency: Ref
    received_at: datetime
    screening_due_at: datetime | None
    due_at: datetime | None
    created: bool = Field(description="false khi đây là kết quả của một lần gửi lại")


class TimelineEntry(Schema):
    at: datetime
    action: str
    label: str
    status: str
    reason: str


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime


class SubmissionStatusOut(Schema):
    tracking_code: str
    tracking_code_raw: str
    kind: str
    title: str
    field: Ref | None
    status: str
    status_label: str
    agency: Ref
    received_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    info_question: str | None = Field(description="Câu hỏi cần bổ sung khi đang chờ bổ sung")
    timeline: list[TimelineEntry]
    answer: AnswerOut | None
    rating: RatingOut | None


class InfoIn(Input):
    token: str = Field("", max_length=200)
    text: str = Field(max_length=TEXT_MAX)


class RatingIn(Input):
    token: str = Field("", max_length=200)
    score: int = Field(ge=-1000, le=1000)
    comment: str = Field("", max_length=RATING_COMMENT_MAX)


class PublishedOut(Schema):
    tracking_code: str
    kind: str
    kind_label: str
    field: Ref | None
    agency: Ref
    province: str
    commune: str
    public_title: str
    public_body: str
    published_at: datetime | None
    answer: AnswerOut | None


class PublishedPage(Schema):
    items: list[PublishedOut]
    next_cursor: str | None


# --------------------------------------------------------------------------------------------
# Officers


class PersonRef(Schema):
    id: int
    name: str


class CaseSummary(Schema):
    id: int
    tracking_code: str
    title: str
    kind: str
    status: str
    status_label: str
    urgency: str
    agency: Ref
    field: Ref | None
    assignee: PersonRef | None
    received_at: datetime
    screening_due_at: datetime | None
    due_at: datetime | None
    is_overdue: bool


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None


class SubmitterOut(Schema):
    type: str
    name: str
    organisation_name: str
    phone: str
    email: str
    address: str
    id_number: str
    is_anonymous: bool


class LocationOut(Schema):
    latitude: float | None
    longitude: float | None
    address: str
    province: str
    commune: str


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor: PersonRef | None
    actor_label: str
    agency_id: int | None
    from_status: str
    to_status: str
    reason: str
    data: dict[str, Any]
    is_public: bool
    hash: str


class CaseAnswerOut(AnswerOut):
    id: int
    status: str
    review_comment: str


class CaseDetail(CaseSummary):
    body: str
    channel: str
    submitter: SubmitterOut
    location: LocationOut
    paused_at: datetime | None
    extended_at: datetime | None
    answered_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    dispute_until: datetime | None
    merged_into_id: int | None
    public_title: str
    public_body: str
    answers: list[CaseAnswerOut]
    available_actions: list[str]
    log: list[EventOut]


# --------------------------------------------------------------------------------------------
# Officer actions: one body per action


class ActionBody(Input):
    model_config = ConfigDict(extra="forbid")


class AcceptIn(ActionBody):
    note: str = Field("", max_length=TEXT_MAX)


class ReasonIn(ActionBody):
    reason: str = Field(max_length=TEXT_MAX)


class OptionalReasonIn(ActionBody):
    reason: str = Field("", max_length=TEXT_MAX)


class AssignIn(ActionBody):
    assignee_id: Id
    note: str = Field("", max_length=TEXT_MAX)


class RequestInfoIn(ActionBody):
    question: str = Field(max_length=TEXT_MAX)


class TransferIn(ActionBody):
    agency_id: Id
    reason: str = Field(max_length=TEXT_MAX)


class ForwardIn(ActionBody):
    peer_id: Id = Field(description="id của hệ thống PAKN nhận (liên thông)")
    reason: str = Field(max_length=TEXT_MAX)


class CoordinateIn(ActionBody):
    agency_ids: list[Id] = Field(max_length=50)
    question: str = Field(max_length=TEXT_MAX)
    days: int = Field(5, ge=-1000, le=1000)


class NoteIn(ActionBody):
    text: str = Field(max_length=TEXT_MAX)
    progress: bool = False


class DraftAnswerIn(ActionBody):
    outcome: Literal["accepted", "explained", "rule_amended", "forwarded", "not_accepted"]
    text: str = Field(max_length=TEXT_MAX * 5)
    signer_name: str = Field("", max_length=200)
    submit: bool = True


class ApproveAnswerIn(ActionBody):
    note: str = Field("", max_length=TEXT_MAX)


class ReturnAnswerIn(ActionBody):
    comment: str = Field(max_length=TEXT_MAX)


class PublishIn(ActionBody):
    public_title: str = Field("", max_length=250)
    public_body: str = Field("", max_length=TEXT_MAX * 5)


class MergeIn(ActionBody):
    into_id: Id
    reason: str = Field("", max_length=TEXT_MAX)


class ExtendIn(ActionBody):
    reason: str = Field(max_length=TEXT_MAX)
    days: int = Field(ge=-1000, le=1000)
