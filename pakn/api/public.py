"""Public endpoints: send a submission, follow it with its token, read published answers."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Header, Query, Router
from ninja import Status as Reply
from pydantic import Field as PydanticField

from pakn.accounts.models import Agency, PartnerKey, PartnerScope
from pakn.accounts.partner_keys import KeyRefused, partner_key_authenticate
from pakn.cases import services
from pakn.cases.models import Answer, AnswerStatus, Case, CaseEvent, Rating, Status
from pakn.cases.search import rank_search
from pakn.core.tracking import format_tracking_code
from pakn.submissions.models import Channel, Submission
from pakn.taxonomy.models import Field

from . import cursors, idempotency, throttles
from .errors import ApiError, ErrorOut, invalid
from .presenters import agency_ref, answer_out, field_ref, timeline_label
from .schemas import (
    AgencyOut,
    FieldOut,
    Id,
    InfoIn,
    Input,
    PublishedPage,
    RatingIn,
    RatingOut,
    SubmissionCreated,
    SubmissionIn,
    SubmissionStatusOut,
)
from .schemas import Kind as KindLiteral

router = Router(tags=["Công khai"])

# Reasons the submitter is meant to read; other public events carry internal notes.
PUBLIC_REASONS = {
    "return",
    "reject",
    "request_info",
    "transfer",
    "extend",
    "progress",
    "close",
    "reopen",
    "dispute",
    "info_expired",
}
PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED)


@router.post(
    "/submissions",
    response={
        200: SubmissionCreated,
        201: SubmissionCreated,
        403: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    throttle=throttles.public_write,
    summary="Gửi phản ánh, kiến nghị",
    description=(
        "Trả về mã tra cứu và mã bí mật (access_token) để theo dõi. Gửi kèm tiêu đề "
        "`Idempotency-Key` để gửi lại an toàn: lần gửi lại trả về cùng mã, không tạo hồ sơ mới. "
        "Hệ thống đối tác gửi kèm `X-Api-Key` (khóa có quyền `submissions:write`) để phản ánh "
        "ghi nhận nguồn gửi."
    ),
)
def submission_create(
    request: HttpRequest,
    payload: SubmissionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    api_key: str | None = Header(None, alias="X-Api-Key"),
) -> Reply[dict[str, Any]]:
    partner = _partner(api_key)
    key = idempotency.clean_key(idempotency_key)
    submitter = payload.submitter
    location = payload.location
    data = services.IntakeData(
        kind=payload.kind,
        field_id=payload.field_id,
        title=payload.title,
        body=payload.body,
        channel=Channel.API,
        submitter_type=submitter.type,
        submitter_name=submitter.name,
        organisation_name=submitter.organisation_name,
        phone=submitter.phone,
        email=submitter.email,
        submitter_address=submitter.address,
        id_number=submitter.id_number,
        is_anonymous=payload.is_anonymous,
        consent=payload.consent,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        address=location.address if location else "",
        province_id=location.province_id if location else None,
        commune_id=location.commune_id if location else None,
        idempotency_key=f"api:{key}" if key else None,
        source_instance=partner.source_label if partner else "",
    )
    result = services.submission_intake(data=data)
    if not result.created:
        _refuse_reused_key(result.submission, payload)
    case = result.case
    body = {
        "tracking_code": format_tracking_code(result.tracking_code),
        "tracking_code_raw": result.tracking_code,
        "access_token": result.access_token,
        "status": case.status,
        # Not get_status_display(): it rebuilds the choices on every call.
        "status_label": str(Status(case.status).label),
        "agency": agency_ref(case.agency),
        "received_at": case.received_at,
        "screening_due_at": case.screening_due_at,
        "due_at": case.due_at,
        "created": result.created,
    }
    return Reply(201 if result.created else 200, body)


def _partner(raw: str | None) -> PartnerKey | None:
    """A partner system names itself with a key; a wrong, revoked or expired one is refused
    rather than silently treated as an anonymous client."""
    if raw is None:
        return None
    try:
        return partner_key_authenticate(raw=raw.strip(), scope=PartnerScope.SUBMISSIONS_WRITE)
    except KeyRefused as exc:
        raise ApiError(403, "api_key_refused", exc.message) from None


def _refuse_reused_key(first: Submission, payload: SubmissionIn) -> None:
    """The same key with another submission is a client bug: refuse rather than answer with
    the first submission's code as if this one had been received."""
    if first.title != " ".join(payload.title.split()) or first.body != payload.body.strip():
        raise invalid({"Idempotency-Key": "Mã này đã được dùng cho một phản ánh khác."})


def _submitter_case(tracking_code: str, token: str, phone: str = "") -> Case:
    return services.find_case_for_submitter(code=tracking_code, token=token, phone=phone)


@router.get(
    "/submissions/{tracking_code}",
    response={200: SubmissionStatusOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=throttles.lookup,
    summary="Theo dõi phản ánh",
    description=(
        "Xác thực bằng mã bí mật (`?token=` hoặc tiêu đề `X-Access-Token`) hoặc số điện thoại "
        "người gửi (`?phone=`)."
    ),
)
def submission_status(
    request: HttpRequest,
    tracking_code: str,
    token: str = "",
    phone: str = "",
    x_access_token: str = Header("", alias="X-Access-Token"),
) -> dict[str, Any]:
    case = _submitter_case(tracking_code, token or x_access_token, phone)
    return submitter_view(case)


@router.post(
    "/submissions/{tracking_code}/info",
    response={200: SubmissionStatusOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=throttles.public_write,
    summary="Bổ sung thông tin theo yêu cầu của cơ quan",
)
def submission_info(
    request: HttpRequest,
    tracking_code: str,
    payload: InfoIn,
    x_access_token: str = Header("", alias="X-Access-Token"),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Reply[dict[str, Any]]:
    def provide() -> tuple[int, dict[str, Any]]:
        case = _submitter_case(tracking_code, payload.token or x_access_token)
        case = services.submission_provide_info(case=case, text=payload.text)
        return 200, submitter_view(case)

    scope = f"info:{tracking_code.upper()}"
    return Reply(*idempotency.run_once(request, scope=scope, key=idempotency_key, action=provide))


@router.post(
    "/submissions/{tracking_code}/rating",
    response={201: RatingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=throttles.public_write,
    summary="Đánh giá mức độ hài lòng với câu trả lời",
)
def submission_rating(
    request: HttpRequest,
    tracking_code: str,
    payload: RatingIn,
    x_access_token: str = Header("", alias="X-Access-Token"),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Reply[dict[str, Any]]:
    def rate() -> tuple[int, dict[str, Any]]:
        case = _submitter_case(tracking_code, payload.token or x_access_token)
        rating = services.submission_rate(case=case, score=payload.score, comment=payload.comment)
        return 201, {
            "score": rating.score,
            "comment": rating.comment,
            "created_at": rating.created_at,
        }

    scope = f"rating:{tracking_code.upper()}"
    return Reply(*idempotency.run_once(request, scope=scope, key=idempotency_key, action=rate))


def submitter_view(case: Case) -> dict[str, Any]:
    """What the submitter may see: status, the public timeline, the approved answer."""
    submission = case.submission
    events = CaseEvent.objects.filter(case=case, is_public=True).order_by("seq")
    answer = case.answers.filter(status=AnswerStatus.APPROVED).order_by("-approved_at").first()
    question = None
    if case.status == Status.NEEDS_INFO:
        open_request = (
            case.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        )
        question = open_request.question if open_request else None
    rating = Rating.objects.filter(case=case).first()
    return {
        "tracking_code": format_tracking_code(submission.tracking_code),
        "tracking_code_raw": submission.tracking_code,
        "kind": submission.kind,
        "title": submission.title,
        "field": field_ref(submission.field),
        "status": case.status,
        "status_label": case.get_status_display(),
        "agency": agency_ref(case.agency),
        "received_at": case.received_at,
        "due_at": case.due_at,
        "answered_at": case.answered_at,
        "published_at": case.published_at,
        "closed_at": case.closed_at,
        "info_question": question,
        "timeline": [
            {
                "at": event.created_at,
                "action": event.action,
                "label": timeline_label(event.action),
                "status": event.to_status,
                "reason": event.reason if event.action in PUBLIC_REASONS else "",
            }
            for event in events
        ],
        "answer": answer_out(answer, public=False) if answer else None,
        "rating": (
            {"score": rating.score, "comment": rating.comment, "created_at": rating.created_at}
            if rating
            else None
        ),
    }


@router.get("/fields", response=list[FieldOut], summary="Danh sách lĩnh vực")
def field_list(request: HttpRequest) -> list[Field]:
    return list(Field.objects.active().order_by("parent_id", "position", "name"))


class AgencyFilters(Input):
    level: Literal["central", "province", "commune", "other"] | None = None
    parent_id: Id | None = None


@router.get(
    "/agencies",
    response={200: list[AgencyOut], 422: ErrorOut},
    summary="Danh sách cơ quan",
)
def agency_list(request: HttpRequest, filters: Query[AgencyFilters]) -> list[Agency]:
    agencies = Agency.objects.active()
    if filters.level:
        agencies = agencies.filter(level=filters.level)
    if filters.parent_id is not None:
        agencies = agencies.filter(parent_id=filters.parent_id)
    return list(agencies.order_by("path"))


class PublishedFilters(Input):
    q: str = PydanticField("", max_length=200, description="Tìm không dấu: “phan anh”")
    field: Id | None = None
    kind: KindLiteral | None = None
    cursor: str | None = PydanticField(None, max_length=200)
    limit: int = PydanticField(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


@router.get(
    "/published",
    response={200: PublishedPage, 422: ErrorOut},
    summary="Tìm câu trả lời đã công khai",
)
def published_list(request: HttpRequest, filters: Query[PublishedFilters]) -> dict[str, Any]:
    cases = Case.objects.filter(
        status__in=PUBLIC_STATUSES, published_at__isnull=False
    ).select_related(
        "agency",
        "submission__field",
        "submission__province",
        "submission__commune",
    )
    if filters.field is not None:
        cases = cases.filter(Q(submission__field_id=filters.field))
    if filters.kind:
        cases = cases.filter(submission__kind=filters.kind)
    cases = cases.prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.filter(status=AnswerStatus.APPROVED).order_by("-approved_at"),
            to_attr="approved_answers",
        )
    )
    if filters.q.strip():
        ranked, _fallback = rank_search(cases, q=filters.q)
        rows, next_cursor = _ranked_page(ranked, cursor=filters.cursor, limit=filters.limit)
    else:
        rows, next_cursor = cursors.page(
            cases, field="published_at", cursor=filters.cursor, limit=filters.limit
        )
    return {"items": [_published(case) for case in rows], "next_cursor": next_cursor}


def _ranked_page(ranked: Any, *, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """A keyset page of a ranked search: the cursor is "<rank>.<published_at, pk cursor>", so
    the next page continues after the last row in (rank, published_at, pk) order."""
    if cursor:
        rank_text, _dot, rest = cursor.partition(".")
        if not rank_text.isdigit() or not rest:
            raise invalid({"cursor": "Con trỏ trang không hợp lệ."})
        rank = int(rank_text)
        moment, pk = cursors.decode(rest)
        ranked = ranked.filter(
            Q(search_rank__lt=rank)
            | Q(search_rank=rank, published_at__lt=moment)
            | Q(search_rank=rank, published_at=moment, pk__lt=pk)
        )
    rows = list(ranked[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], f"{last.search_rank}.{cursors.encode(last.published_at, last.pk)}"


def _published(case: Case) -> dict[str, Any]:
    submission = case.submission
    answers: list[Answer] = getattr(case, "approved_answers", [])
    return {
        "tracking_code": format_tracking_code(submission.tracking_code),
        "kind": submission.kind,
        "kind_label": submission.get_kind_display(),
        "field": field_ref(submission.field),
        "agency": agency_ref(case.agency),
        "province": submission.province.name if submission.province else "",
        "commune": submission.commune.name if submission.commune else "",
        "public_title": case.public_title,
        "public_body": case.public_body,
        "published_at": case.published_at,
        "answer": answer_out(answers[0], public=True) if answers else None,
    }
