"""Officer endpoints (``Authorization: Bearer <token>``): the case list, one case with its log,
and one endpoint per workflow action. A case the caller may not see answers 404, exactly as a
case that does not exist."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pydantic
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Path, Query, Router
from ninja import Status as Reply
from pydantic import Field as PydanticField

from pakn.accounts.models import Agency, User
from pakn.cases import services
from pakn.cases.models import CLOCK_RUNNING, Case, CaseEvent
from pakn.cases.rules import available_actions
from pakn.core.errors import NotFound
from pakn.core.text import fold
from pakn.core.tracking import format_tracking_code
from pakn.federation import selectors as federation_selectors
from pakn.federation.services import peer_forward_case

from . import cursors, idempotency, throttles
from .auth import officer, read_scope, write_scope
from .errors import ApiError, ErrorOut, from_pydantic, invalid
from .presenters import agency_ref, answer_out, field_ref, person_ref
from .schemas import (
    AcceptIn,
    ActionBody,
    ApproveAnswerIn,
    AssignIn,
    CaseDetail,
    CasePage,
    CoordinateIn,
    DraftAnswerIn,
    ExtendIn,
    ForwardIn,
    Id,
    Input,
    MergeIn,
    NoteIn,
    OptionalReasonIn,
    PublishIn,
    ReasonIn,
    RequestInfoIn,
    ReturnAnswerIn,
    TransferIn,
)
from .schemas import Kind as KindLiteral

router = Router(tags=["Cán bộ"])

ID_MAX = 2_147_483_647
CASE_NOT_FOUND = "Không tìm thấy hồ sơ (hoặc bạn không có quyền xem hồ sơ này)."
StatusLiteral = Literal[
    "submitted",
    "needs_info",
    "accepted",
    "transferred",
    "in_progress",
    "answer_review",
    "answered",
    "published",
    "returned",
    "rejected",
    "merged",
    "closed",
]


class CaseFilters(Input):
    status: StatusLiteral | None = None
    agency: Id | None = PydanticField(None, description="id của cơ quan")
    field: Id | None = PydanticField(None, description="id của lĩnh vực")
    kind: KindLiteral | None = None
    q: str = PydanticField("", max_length=200, description="Tìm không dấu trong tiêu đề, nội dung")
    overdue: bool | None = None
    cursor: str | None = PydanticField(None, max_length=200)
    limit: int = PydanticField(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


def _is_overdue(case: Case, now: Any) -> bool:
    due = case.current_due_at
    return case.status in CLOCK_RUNNING and due is not None and due < now


@router.get(
    "/cases",
    auth=read_scope,
    response={200: CasePage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=throttles.officer,
    summary="Danh sách hồ sơ cán bộ được xem",
)
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user = officer(request)
    cases = Case.objects.visible_to(user).select_related("submission__field", "agency", "assignee")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.agency is not None:
        cases = cases.filter(agency_id=filters.agency)
    if filters.field is not None:
        cases = cases.filter(submission__field_id=filters.field)
    if filters.kind:
        cases = cases.filter(submission__kind=filters.kind)
    for word in fold(filters.q).split()[:10]:
        cases = cases.filter(submission__search_text__contains=word)
    if filters.overdue is True:
        cases = cases.overdue()
    elif filters.overdue is False:
        cases = cases.exclude(pk__in=Case.objects.overdue().values("pk"))
    rows, next_cursor = cursors.page(
        cases, field="received_at", cursor=filters.cursor, limit=filters.limit
    )
    now = timezone.now()
    return {"items": [_summary(case, now) for case in rows], "next_cursor": next_cursor}


def _summary(case: Case, now: Any) -> dict[str, Any]:
    submission = case.submission
    return {
        "id": case.pk,
        "tracking_code": format_tracking_code(submission.tracking_code),
        "title": submission.title,
        "kind": submission.kind,
        "status": case.status,
        "status_label": case.get_status_display(),
        "urgency": case.urgency,
        "agency": agency_ref(case.agency),
        "field": field_ref(submission.field),
        "assignee": person_ref(case.assignee),
        "received_at": case.received_at,
        "screening_due_at": case.screening_due_at,
        "due_at": case.due_at,
        "is_overdue": _is_overdue(case, now),
    }


def _visible_case(user: User, case_id: int, *, check: bool = True) -> Case:
    cases = Case.objects.visible_to(user) if check else Case.objects.all()
    case = (
        cases.select_related(
            "submission__field",
            "submission__province",
            "submission__commune",
            "agency",
            "assignee",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(CASE_NOT_FOUND)
    return case


@router.get(
    "/cases/{id}",
    auth=read_scope,
    response={200: CaseDetail, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    throttle=throttles.officer,
    summary="Một hồ sơ và nhật ký xử lý",
)
def case_detail(request: HttpRequest, id: Annotated[int, Path(ge=1, le=ID_MAX)]) -> dict[str, Any]:
    user = officer(request)
    return _detail(user, _visible_case(user, id))


def _detail(user: User, case: Case) -> dict[str, Any]:
    submission = case.submission
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")
    answers = case.answers.order_by("-created_at")
    return {
        **_summary(case, timezone.now()),
        "body": submission.body,
        "channel": submission.channel,
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
        "location": {
            "latitude": submission.latitude,
            "longitude": submission.longitude,
            "address": submission.address,
            "province": submission.province.name if submission.province else "",
            "commune": submission.commune.name if submission.commune else "",
        },
        "paused_at": case.paused_at,
        "extended_at": case.extended_at,
        "answered_at": case.answered_at,
        "published_at": case.published_at,
        "closed_at": case.closed_at,
        "dispute_until": case.dispute_until,
        "merged_into_id": case.merged_into_id,
        "public_title": case.public_title,
        "public_body": case.public_body,
        "answers": [
            {
                **answer_out(answer, public=False),
                "id": answer.pk,
                "status": answer.status,
                "review_comment": answer.review_comment,
            }
            for answer in answers
        ],
        "available_actions": [a for a in available_actions(user, case) if a in ACTIONS],
        "log": [
            {
                "seq": event.seq,
                "at": event.created_at,
                "action": event.action,
                "actor": person_ref(event.actor),
                "actor_label": event.actor_label,
                "agency_id": event.agency_id,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "reason": event.reason,
                "data": event.data,
                "is_public": event.is_public,
                "hash": event.hash,
            }
            for event in events
        ],
    }


# --------------------------------------------------------------------------------------------
# Actions


def _agency(agency_id: int, field: str) -> Agency:
    agency = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if agency is None:
        raise invalid({field: "Cơ quan không tồn tại hoặc không còn hoạt động."})
    return agency


def _accept(user: User, case: Case, body: AcceptIn) -> None:
    services.case_accept(case=case, actor=user, note=body.note)


def _return(user: User, case: Case, body: ReasonIn) -> None:
    services.case_return(case=case, actor=user, reason=body.reason)


def _reject(user: User, case: Case, body: ReasonIn) -> None:
    services.case_reject(case=case, actor=user, reason=body.reason)


def _assign(user: User, case: Case, body: AssignIn) -> None:
    assignee = User.objects.filter(pk=body.assignee_id, is_active=True).first()
    if assignee is None:
        raise invalid({"assignee_id": "Người được giao phải là cán bộ xử lý của cơ quan."})
    services.case_assign(case=case, actor=user, assignee=assignee, note=body.note)


def _request_info(user: User, case: Case, body: RequestInfoIn) -> None:
    services.case_request_info(case=case, actor=user, question=body.question)


def _transfer(user: User, case: Case, body: TransferIn) -> None:
    to_agency = _agency(body.agency_id, "agency_id")
    services.case_transfer(case=case, actor=user, to_agency=to_agency, reason=body.reason)


def _forward(user: User, case: Case, body: ForwardIn) -> None:
    peer = federation_selectors.active_peers().filter(pk=body.peer_id).first()
    if peer is None:
        raise invalid({"peer_id": "Hệ thống nhận không tồn tại hoặc không còn liên thông."})
    peer_forward_case(case=case, actor=user, peer=peer, reason=body.reason)


def _coordinate(user: User, case: Case, body: CoordinateIn) -> None:
    wanted = set(body.agency_ids)
    agencies = list(Agency.objects.filter(pk__in=wanted, is_active=True))
    if len(agencies) != len(wanted):
        raise invalid({"agency_ids": "Có cơ quan không tồn tại hoặc không còn hoạt động."})
    services.case_coordinate(
        case=case, actor=user, agencies=agencies, question=body.question, days=body.days
    )


def _note(user: User, case: Case, body: NoteIn) -> None:
    services.case_note(case=case, actor=user, text=body.text, progress=body.progress)


def _draft_answer(user: User, case: Case, body: DraftAnswerIn) -> None:
    services.case_draft_answer(
        case=case,
        actor=user,
        outcome=body.outcome,
        text=body.text,
        signer_name=body.signer_name,
        submit=body.submit,
    )


def _approve_answer(user: User, case: Case, body: ApproveAnswerIn) -> None:
    services.case_approve_answer(case=case, actor=user, note=body.note)


def _return_answer(user: User, case: Case, body: ReturnAnswerIn) -> None:
    services.case_return_answer(case=case, actor=user, comment=body.comment)


def _publish(user: User, case: Case, body: PublishIn) -> None:
    services.case_publish(
        case=case, actor=user, public_title=body.public_title, public_body=body.public_body
    )


def _close(user: User, case: Case, body: OptionalReasonIn) -> None:
    services.case_close(case=case, actor=user, reason=body.reason)


def _reopen(user: User, case: Case, body: ReasonIn) -> None:
    services.case_reopen(case=case, actor=user, reason=body.reason)


def _merge(user: User, case: Case, body: MergeIn) -> None:
    into = Case.objects.visible_to(user).filter(pk=body.into_id).first()
    if into is None:
        raise invalid({"into_id": "Không tìm thấy hồ sơ chính."})
    services.case_merge(case=case, actor=user, into=into, reason=body.reason)


def _extend(user: User, case: Case, body: ExtendIn) -> None:
    services.case_extend(case=case, actor=user, reason=body.reason, days=body.days)


Handler = Callable[[User, Case, Any], None]
# action → (its body, what it does): the one table the endpoint and the OpenAPI text share.
ACTIONS: dict[str, tuple[type[ActionBody], Handler]] = {
    "accept": (AcceptIn, _accept),
    "return": (ReasonIn, _return),
    "reject": (ReasonIn, _reject),
    "assign": (AssignIn, _assign),
    "request_info": (RequestInfoIn, _request_info),
    "transfer": (TransferIn, _transfer),
    "forward": (ForwardIn, _forward),
    "coordinate": (CoordinateIn, _coordinate),
    "note": (NoteIn, _note),
    "draft_answer": (DraftAnswerIn, _draft_answer),
    "approve_answer": (ApproveAnswerIn, _approve_answer),
    "return_answer": (ReturnAnswerIn, _return_answer),
    "publish": (PublishIn, _publish),
    "close": (OptionalReasonIn, _close),
    "reopen": (ReasonIn, _reopen),
    "merge": (MergeIn, _merge),
    "extend": (ExtendIn, _extend),
}


def _body_schema(action: str, schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    document = schema.model_json_schema()
    document.pop("$defs", None)
    document["title"] = action
    return document


def _request_body_doc() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": False,
            "description": "Nội dung tùy theo thao tác: " + ", ".join(ACTIONS) + ".",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            _body_schema(name, schema) for name, (schema, _) in ACTIONS.items()
                        ]
                    }
                }
            },
        }
    }


def _parse_body(request: HttpRequest, schema: type[ActionBody]) -> ActionBody:
    raw = request.body.strip()
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        raise invalid(
            {"body": "JSON không hợp lệ."}, "Nội dung gửi lên không phải JSON hợp lệ."
        ) from None
    if not isinstance(data, dict):
        raise invalid({"body": "Cần một đối tượng JSON."})
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


@router.post(
    "/cases/{id}/actions/{action}",
    auth=write_scope,
    response={
        200: CaseDetail,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    throttle=throttles.officer,
    summary="Thực hiện một thao tác xử lý hồ sơ",
    description=(
        "`action` là một trong: "
        + ", ".join(f"`{name}`" for name in ACTIONS)
        + ". Trả về hồ sơ sau khi thực hiện. 404: không có hồ sơ hoặc không được xem; "
        "403: xem được nhưng không có vai trò; 409: trạng thái hiện tại không cho phép."
    ),
    openapi_extra=_request_body_doc(),
)
def case_action(
    request: HttpRequest,
    id: Annotated[int, Path(ge=1, le=ID_MAX)],
    action: str,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Reply[dict[str, Any]]:
    user = officer(request)

    def act() -> tuple[int, dict[str, Any]]:
        case = _visible_case(user, id)
        if action not in ACTIONS:
            raise ApiError(404, "not_found", f"Không có thao tác “{action[:50]}”.")
        schema, handler = ACTIONS[action]
        body = _parse_body(request, schema)
        handler(user, case, body)
        # The actor sees the result even when the case left their sight (transferred away).
        return 200, _detail(user, _visible_case(user, id, check=False))

    scope = f"user:{user.pk}"
    return Reply(*idempotency.run_once(request, scope=scope, key=idempotency_key, action=act))
