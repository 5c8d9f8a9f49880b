"""The workflow: every write to a case is one of these services.

Each service checks the actor's role and the case's state, writes the change and its CaseEvent
in one transaction, and leaves side effects (notifications, AI analysis) to durable background
steps that run after commit.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.accounts.models import Agency, Membership, Role, User
from pakn.core import workdays
from pakn.core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from pakn.core.inserts import insert
from pakn.core.memo import ProcessMemo
from pakn.core.phones import normalize_phone
from pakn.core.redact import redact_personal_data
from pakn.core.tracking import (
    format_tracking_code,
    generate_access_token,
    generate_tracking_code,
    hash_token,
)
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.notifications.services import notify_contact, notify_users
from pakn.ops.steps import schedule_many, step
from pakn.submissions.models import Channel, Kind, Submission, SubmitterType
from pakn.submissions.uploads import UploadedItem, save_attachments, validate_uploads
from pakn.taxonomy.models import Field

from . import deadlines, routing
from .log import append_event
from .models import (
    Answer,
    AnswerAttachment,
    AnswerStatus,
    Case,
    CoordinationRequest,
    InfoRequest,
    Outcome,
    Rating,
    Status,
    Urgency,
)
from .rules import allowed_from, can_act
from .search import search_key

# Where the person consents themselves (or the intermediary records it). Open311 partners and
# federated peers take consent in their own systems, as the national rules ask of them.
CONSENT_CHANNELS = {Channel.WEB, Channel.MOBILE, Channel.INTERMEDIARY, Channel.API}
VIETNAM_BOUNDS = (6.0, 24.0, 102.0, 118.0)  # lat min/max, lng min/max, islands included

PostIntakeHook = Callable[[Case], None]
_post_intake_hooks: list[tuple[str, PostIntakeHook]] = []


def register_post_intake_hook(name: str, hook: PostIntakeHook) -> None:
    """Higher layers (intelligence) add work to run after every intake, as retried steps."""
    if name not in {n for n, _ in _post_intake_hooks}:
        _post_intake_hooks.append((name, hook))


# --------------------------------------------------------------------------------------------
# Intake


@dataclass
class IntakeData:
    kind: str
    title: str
    body: str
    submitter_name: str
    channel: str = Channel.WEB
    field_id: int | None = None
    phone: str = ""
    email: str = ""
    submitter_type: str = SubmitterType.PERSON
    organisation_name: str = ""
    submitter_address: str = ""
    id_number: str = ""
    is_anonymous: bool = False
    consent: bool = False
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    province_id: int | None = None
    commune_id: int | None = None
    urgency: str = Urgency.NORMAL
    account: User | None = None
    intermediary: User | None = None
    intermediary_note: str = ""
    idempotency_key: str | None = None
    source_instance: str = ""
    external_id: str = ""
    attachments: Sequence[UploadedItem] = field(default_factory=list)


@dataclass(frozen=True)
class IntakeResult:
    submission: Submission
    case: Case
    access_token: str
    created: bool

    @property
    def tracking_code(self) -> str:
        return self.submission.tracking_code


def _load_active_fields(_key: Hashable) -> dict[int, Field]:
    return {f.pk: f for f in Field.objects.active()}


# Checked on every submission; the list changes through the admin (see pakn.core.memo).
_active_fields = ProcessMemo(_load_active_fields)


def validate_intake(data: IntakeData) -> dict[str, Any]:
    """Check and clean the input; raises ValidationFailed with a Vietnamese message per field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if data.kind not in Kind.values:
        errors["kind"] = _("Vui lòng chọn loại: phản ánh, kiến nghị, sáng kiến hoặc giải pháp.")
    if data.channel not in Channel.values:
        errors["channel"] = _("Kênh gửi không hợp lệ.")
    if data.urgency not in Urgency.values:
        errors["urgency"] = _("Mức độ khẩn không hợp lệ.")
    title = " ".join((data.title or "").split())
    body = (data.body or "").strip()
    if len(title) < 5:
        errors["title"] = _("Tiêu đề cần ít nhất 5 ký tự.")
    elif len(title) > 250:
        errors["title"] = _("Tiêu đề dài quá 250 ký tự.")
    if len(body) < 10:
        errors["body"] = _("Nội dung cần ít nhất 10 ký tự để cơ quan hiểu được vấn đề.")
    elif len(body) > settings.PAKN_MAX_BODY_CHARS:
        errors["body"] = _("Nội dung dài quá %(pakn_max_body_chars)s ký tự.") % {
            "pakn_max_body_chars": settings.PAKN_MAX_BODY_CHARS
        }
    clean.update(title=title, body=body)

    name = " ".join((data.submitter_name or "").split())
    if not name:
        errors["submitter_name"] = _("Vui lòng nhập họ và tên.")
    elif len(name) > 200:
        errors["submitter_name"] = _("Họ và tên dài quá 200 ký tự.")
    if data.submitter_type not in SubmitterType.values:
        errors["submitter_type"] = _("Người gửi phải là cá nhân hoặc tổ chức.")
    elif data.submitter_type == SubmitterType.ORGANISATION and not data.organisation_name.strip():
        errors["organisation_name"] = _("Vui lòng nhập tên tổ chức, doanh nghiệp.")
    phone = ""
    if data.phone.strip():
        phone = normalize_phone(data.phone) or ""
        if not phone:
            errors["phone"] = _("Số điện thoại không đúng (ví dụ 0912 345 678).")
    email = data.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Địa chỉ email không đúng.")
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors["phone"] = _("Cần số điện thoại hoặc email để cơ quan trả lời bạn.")
    id_number = data.id_number.strip()
    if id_number and not (id_number.isdigit() and len(id_number) in (9, 12)):
        errors["id_number"] = _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")
    clean.update(name=name, phone=phone, email=email, id_number=id_number)
    if data.channel in CONSENT_CHANNELS and not data.consent:
        errors["consent"] = _(
            "Cần đồng ý cho cơ quan xử lý dữ liệu cá nhân để giải quyết phản ánh "
            "(Nghị định 13/2023/NĐ-CP)."
        )

    if data.field_id is not None:
        cached = _active_fields.get().get(data.field_id)
        if cached is None:
            errors["field"] = _("Lĩnh vực không tồn tại.")
        # A copy: the cached instance is shared by every request of this process.
        clean["field"] = copy.copy(cached)
    else:
        clean["field"] = None

    province = commune = None
    if data.commune_id is not None:
        commune = AdministrativeUnit.objects.filter(
            pk=data.commune_id, level=UnitLevel.COMMUNE
        ).first()
        if commune is None:
            errors["commune"] = _("Xã, phường không tồn tại.")
        elif data.province_id is not None and commune.parent_id != data.province_id:
            errors["commune"] = _("Xã, phường không thuộc tỉnh, thành phố đã chọn.")
        else:
            province = commune.parent
    if province is None and data.province_id is not None:
        province = AdministrativeUnit.objects.filter(
            pk=data.province_id, level=UnitLevel.PROVINCE
        ).first()
        if province is None:
            errors["province"] = _("Tỉnh, thành phố không tồn tại.")
    clean.update(province=province, commune=commune)

    if (data.latitude is None) != (data.longitude is None):
        errors["location"] = _("Vị trí cần cả vĩ độ và kinh độ.")
    elif data.latitude is not None and data.longitude is not None:
        lat_min, lat_max, lng_min, lng_max = VIETNAM_BOUNDS
        if not (lat_min <= data.latitude <= lat_max and lng_min <= data.longitude <= lng_max):
            errors["location"] = _("Vị trí nằm ngoài lãnh thổ Việt Nam.")
    if errors:
        raise ValidationFailed(
            _("Thông tin gửi chưa hợp lệ: ") + " ".join(errors.values()), fields=errors
        )
    clean["uploads"] = validate_uploads(data.attachments)
    return clean


def _token_for(idempotency_key: str | None, tracking_code: str) -> str:
    """With an idempotency key the token is derived (HMAC), so a retried request can be given
    the same token again without the token ever being stored."""
    if not idempotency_key:
        return generate_access_token()
    mac = hmac.new(
        settings.SECRET_KEY.encode(),
        f"access:{idempotency_key}:{tracking_code}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")


def submission_intake(*, data: IntakeData) -> IntakeResult:
    """Acknowledge a submission: Submission and Case created atomically, routed, with deadlines.

    With an idempotency key, a repeated call returns the first result and creates nothing. The
    key is not looked up first: the unique index refuses the second insert, and only then is
    the first result read, so a first send (nearly every send) costs no extra query.
    """
    key = data.idempotency_key or None
    try:
        clean = validate_intake(data)
    except ValidationFailed:
        # A retry of a send that was accepted gets its acknowledgment again, even if the input
        # no longer passes (a field closed since, a stricter rule).
        existing = _existing_for_key(key) if key else None
        if existing is None:
            raise
        return existing
    for _attempt in range(6):
        code = generate_tracking_code()
        try:
            return _intake(data, clean, tracking_code=code)
        except IntegrityError:
            # Two identical requests raced, or this one is a retry: return the first result.
            existing = _existing_for_key(key) if key else None
            if existing is not None:
                return existing
            if not Submission.objects.filter(tracking_code=code).exists():
                raise
            # Otherwise the random tracking code was taken: draw another one.
    raise RuntimeError("could not allocate a unique tracking code")


def _existing_for_key(key: str) -> IntakeResult | None:
    submission = (
        Submission.objects.filter(idempotency_key=key).select_related("case__agency").first()
    )
    if submission is None:
        return None
    token = _token_for(key, submission.tracking_code)
    return IntakeResult(submission, submission.case, token, created=False)


def _intake(data: IntakeData, clean: dict[str, Any], *, tracking_code: str) -> IntakeResult:
    """Everything that only reads (routing, deadlines, tokens) is done before the transaction,
    so the write lock (SQLite takes it at BEGIN) is held only for the inserts."""
    now = timezone.now()
    agency = routing.route(
        field_id=clean["field"].pk if clean["field"] else None,
        province_id=clean["province"].pk if clean["province"] else None,
        commune_id=clean["commune"].pk if clean["commune"] else None,
        kind=data.kind,
    )
    policy = deadlines.policy_for(
        agency_id=agency.pk,
        kind=data.kind,
        field_id=clean["field"].pk if clean["field"] else None,
        urgency=data.urgency,
    )
    screening_due, due = deadlines.initial_deadlines(now, policy)
    submission = Submission(
        kind=data.kind,
        field=clean["field"],
        title=clean["title"],
        body=clean["body"],
        latitude=data.latitude,
        longitude=data.longitude,
        address=data.address.strip()[:300],
        province=clean["province"],
        commune=clean["commune"],
        submitter_type=data.submitter_type,
        submitter_name=clean["name"],
        organisation_name=data.organisation_name.strip()[:255],
        submitter_phone=clean["phone"],
        submitter_email=clean["email"],
        submitter_address=data.submitter_address.strip()[:300],
        submitter_id_number=clean["id_number"],
        is_anonymous=data.is_anonymous,
        account=data.account,
        intermediary=data.intermediary,
        intermediary_note=data.intermediary_note.strip()[:300],
        consent_at=now if data.consent else None,
        channel=data.channel,
        source_instance=data.source_instance,
        external_id=data.external_id,
        idempotency_key=data.idempotency_key or None,
        tracking_code=tracking_code,
    )
    token = _token_for(data.idempotency_key, tracking_code)
    submission.access_token_hash = hash_token(token)
    submission.fill_search_text()
    with transaction.atomic():
        # Plain inserts with SQL built once (pakn.core.inserts): these models' save() adds
        # nothing beyond the search text filled above.
        insert([submission])
        if clean["uploads"]:
            save_attachments(submission, clean["uploads"])
        case = Case(
            submission=submission,
            agency=agency,
            urgency=data.urgency,
            received_at=now,
            status_changed_at=now,
            screening_due_at=screening_due,
            due_at=due,
        )
        insert([case])
        append_event(
            case=case,
            action="submitted",
            actor=data.account or data.intermediary,
            actor_label=clean["name"] if not (data.account or data.intermediary) else "",
            agency=agency,
            to_status=Status.SUBMITTED,
            data={"channel": data.channel, "routed_to": agency.code},
            is_public=True,
            created_at=now,
        )
        # Messages are rendered by the worker, not in the citizen's request; the token
        # travels in the step because the acknowledgment's link is the only way to follow
        # without an account. One INSERT for both steps, handed over as one task.
        schedule_many(
            [
                ("cases.notify_intake", {"case_id": case.pk, "token": token}),
                ("cases.after_intake", {"case_id": case.pk}),
            ]
        )
    return IntakeResult(submission, case, token, created=True)


@step("cases.notify_intake")
def notify_intake(case_id: int, token: str = "") -> None:
    case = Case.objects.select_related("submission", "agency", "submission__account").get(
        pk=case_id
    )
    _notify_submitter(case, "submission_received", token=token)
    _notify_agency(case, "case_received", (Role.INTAKE,))


@step("cases.after_intake")
def run_post_intake_hooks(case_id: int) -> None:
    case = Case.objects.select_related("submission").get(pk=case_id)
    for _name, hook in _post_intake_hooks:
        hook(case)


# --------------------------------------------------------------------------------------------
# Helpers shared by the transitions


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock so concurrent actions serialise."""
    return Case.objects.select_for_update().select_related("submission", "agency").get(pk=case.pk)


def _check(actor: User | None, action: str, case: Case) -> None:
    if actor is not None and not can_act(actor, action, case):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
    if case.status not in allowed_from(action):
        raise IllegalTransition(
            _("Không thể thực hiện thao tác khi hồ sơ đang ở trạng thái “%(get_status_display)s”.")
            % {"get_status_display": case.get_status_display()}
        )


def _require_reason(reason: str, what: str = "lý do") -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationFailed(
            _("Vui lòng nhập %(what)s.") % {"what": what},
            fields={"reason": _("Cần %(what)s.") % {"what": what}},
        )
    return reason


def _move(
    case: Case,
    *,
    actor: User | None,
    action: str,
    to_status: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool = True,
    extra_fields: Iterable[str] = (),
    actor_label: str = "",
    event_agency: Agency | None = None,
) -> None:
    now = timezone.now()
    from_status = case.status
    case.status = to_status
    case.status_changed_at = now
    case.save(update_fields=["status", "status_changed_at", "updated_at", *extra_fields])
    append_event(
        case=case,
        action=action,
        actor=actor,
        actor_label=actor_label,
        agency=event_agency or case.agency,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
        is_public=is_public,
        created_at=now,
    )


def _link(case: Case) -> str:
    return f"{settings.SITE_URL}/track/?code={case.submission.tracking_code}"


def _backoffice_link(case: Case) -> str:
    return f"{settings.SITE_URL}/backoffice/cases/{case.pk}/"


def _context(case: Case, **extra: Any) -> dict[str, Any]:
    return {
        "code": format_tracking_code(case.submission.tracking_code),
        "title": case.submission.title,
        "agency": case.agency.name,
        "due_at": case.due_at,
        "link": _link(case),
        **extra,
    }


def _notify_submitter(case: Case, template: str, **extra: Any) -> None:
    submission = case.submission
    if submission.channel == Channel.FEDERATION:
        # The instance the person used tells them, under the one tracking code they know.
        return
    context = _context(case, **extra)
    if "token" in extra:
        context["link"] = f"{_link(case)}&token={extra['token']}"
    notify_contact(
        email=submission.submitter_email,
        phone=submission.submitter_phone,
        user=submission.account,
        template=template,
        context=context,
        case_ref=case.pk,
        link=context["link"],
    )


def _officers(agency_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__agency_id=agency_id,
            memberships__role__in=list(roles),
            memberships__is_active=True,
        ).distinct()
    )


def _notify_agency(case: Case, template: str, roles: Iterable[str], **extra: Any) -> None:
    users = _officers(case.agency_id, roles)
    if users:
        notify_users(
            users=users,
            template=template,
            context=_context(case, link=_backoffice_link(case), **extra),
            case_ref=case.pk,
            link=_backoffice_link(case),
        )


def _notify_user(case: Case, user: User | None, template: str, **extra: Any) -> None:
    if user is not None:
        notify_users(
            users=[user],
            template=template,
            context=_context(case, link=_backoffice_link(case), **extra),
            case_ref=case.pk,
            link=_backoffice_link(case),
        )


# --------------------------------------------------------------------------------------------
# Screening


def case_accept(*, case: Case, actor: User, note: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "accept", case)
        _move(case, actor=actor, action="accept", to_status=Status.ACCEPTED, reason=note)
    return case


def case_return(*, case: Case, actor: User, reason: str) -> Case:
    """Out of scope (a complaint, a denunciation, another system): returned with guidance."""
    reason = _require_reason(reason, _("hướng dẫn cho người gửi"))
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "return", case)
        case.closed_at = timezone.now()
        _move(
            case,
            actor=actor,
            action="return",
            to_status=Status.RETURNED,
            reason=reason,
            extra_fields=["closed_at"],
        )
        _notify_submitter(case, "returned", reason=reason)
    return case


def case_reject(*, case: Case, actor: User, reason: str) -> Case:
    """Violating content under the national system's rules."""
    reason = _require_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "reject", case)
        case.closed_at = timezone.now()
        _move(
            case,
            actor=actor,
            action="reject",
            to_status=Status.REJECTED,
            reason=reason,
            extra_fields=["closed_at"],
        )
        _notify_submitter(case, "rejected", reason=reason)
    return case


def case_merge(*, case: Case, actor: User, into: Case, reason: str = "") -> Case:
    """A duplicate: its submitter follows the main case from now on."""
    if into.pk == case.pk:
        raise ValidationFailed(
            _("Không thể gộp hồ sơ vào chính nó."), fields={"into": _("Chọn hồ sơ khác.")}
        )
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "merge", case)
        main = Case.objects.select_for_update().select_related("submission").get(pk=into.pk)
        if main.status in (Status.MERGED, Status.RETURNED, Status.REJECTED, Status.TRANSFERRED):
            raise IllegalTransition(
                _("Hồ sơ chính đã kết thúc hoặc đã được gộp; hãy chọn hồ sơ khác.")
            )
        if not Case.objects.visible_to(actor).filter(pk=main.pk).exists():
            raise NotFound(_("Không tìm thấy hồ sơ chính."))
        case.merged_into = main
        case.closed_at = timezone.now()
        _move(
            case,
            actor=actor,
            action="merge",
            to_status=Status.MERGED,
            reason=reason,
            data={"into": main.pk, "into_code": main.submission.tracking_code},
            extra_fields=["merged_into", "closed_at"],
        )
        append_event(
            case=main,
            action="merged_in",
            actor=actor,
            agency=main.agency,
            reason=reason,
            data={"case": case.pk, "code": case.submission.tracking_code},
        )
        _notify_submitter(
            case, "merged", main_code=format_tracking_code(main.submission.tracking_code)
        )
    return case


def _reassign(
    case: Case,
    *,
    to_agency: Agency,
    actor: User | None,
    action: str,
    reason: str,
    data: dict[str, Any],
) -> None:
    """Hand a locked case to another agency as a new arrival there: its clock starts now under
    that agency's policy, extension and escalation start over; logged, submitter and the new
    intake told."""
    now = timezone.now()
    case.agency = to_agency
    case.assignee = None
    case.received_at = now
    case.extended_at = None
    case.extension_reason = ""
    case.progress_due_at = None
    case.escalation_level = 0
    case.screening_escalation_level = 0
    case.screening_escalated_for = None
    policy = deadlines.policy_for_case(case)
    case.screening_due_at, case.due_at = deadlines.initial_deadlines(now, policy)
    _move(
        case,
        actor=actor,
        action=action,
        to_status=Status.SUBMITTED,
        reason=reason,
        data=data,
        extra_fields=[
            "agency",
            "assignee",
            "received_at",
            "screening_due_at",
            "due_at",
            "extended_at",
            "extension_reason",
            "progress_due_at",
            "escalation_level",
            "screening_escalation_level",
            "screening_escalated_for",
        ],
    )
    _notify_submitter(case, "transferred", reason=reason)
    _notify_agency(case, "case_received", (Role.INTAKE,))


def case_transfer(*, case: Case, actor: User, to_agency: Agency, reason: str) -> Case:
    """Send to the competent agency; its clock starts now and the submitter is told."""
    reason = _require_reason(reason)
    if not to_agency.is_active:
        raise ValidationFailed(
            _("Cơ quan nhận không còn hoạt động."), fields={"to_agency": _("Chọn cơ quan khác.")}
        )
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "transfer", case)
        if to_agency.pk == case.agency_id:
            raise ValidationFailed(
                _("Hồ sơ đang ở chính cơ quan này."), fields={"to_agency": _("Chọn cơ quan khác.")}
            )
        _reassign(
            case,
            to_agency=to_agency,
            actor=actor,
            action="transfer",
            reason=reason,
            data={"from_agency": case.agency.code, "to_agency": to_agency.code},
        )
    return case


def case_forward(
    *, case: Case, actor: User, to_system: Agency, reason: str, data: dict[str, Any] | None = None
) -> Case:
    """Send the case to another PAKN system (liên thông), which handles and answers it.

    The case stays with this agency in the ``transferred`` state ("Đã chuyển hệ thống khác"), so
    the submitter keeps following it here with their one tracking code; the other system's
    status and answer come back through :func:`case_apply_remote_update`. ``to_system`` is the
    local agency row that stands for that system. The caller (federation) records the peer and
    schedules the delivery in the same transaction.
    """
    reason = _require_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "forward", case)
        case.assignee = None
        _move(
            case,
            actor=actor,
            action="forward",
            to_status=Status.TRANSFERRED,
            reason=reason,
            data={"to_system": to_system.code, **(data or {})},
            extra_fields=["assignee"],
        )
        _notify_submitter(case, "transferred", reason=reason, agency=to_system.name)
    return case


@dataclass(frozen=True)
class RemoteAnswer:
    outcome: str
    text: str
    signer_name: str
    answered_at: datetime


def case_apply_remote_update(
    *,
    case: Case,
    source: Agency,
    source_label: str,
    remote_status: str,
    note: str = "",
    answer: RemoteAnswer | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Apply what the system a case was forwarded to reports (actor: that system, not a user).

    Its answer becomes this case's answer (the submitter reads and rates it here); its
    publication publishes the case here too; if it returns or rejects the case, the case comes
    back to this agency as ``submitted``; any other status is a public timeline line.
    """
    if answer is not None and (
        answer.outcome not in Outcome.values or len(answer.text.strip()) < 10
    ):
        raise ValidationFailed(
            _("Câu trả lời nhận được chưa hợp lệ."),
            fields={"answer": _("Kết quả hoặc nội dung sai.")},
        )
    label = Status(remote_status).label if remote_status in Status.values else remote_status
    summary = f"{label} — {note.strip()}" if note.strip() else str(label)
    info = {"remote_status": remote_status, **(data or {})}
    with transaction.atomic():
        case = _lock(case)
        moved = False
        if answer is not None and case.status == Status.TRANSFERRED:
            now = timezone.now()
            Answer.objects.create(
                case=case,
                outcome=answer.outcome,
                text=answer.text.strip(),
                status=AnswerStatus.APPROVED,
                drafted_by=None,
                signer_name=answer.signer_name.strip()[:200] or source.name,
                approved_at=answer.answered_at,
            )
            case.answered_at = now
            case.dispute_until = now + timedelta(days=deadlines.policy_for_case(case).dispute_days)
            _move(
                case,
                actor=None,
                actor_label=source_label,
                event_agency=source,
                action="remote_answer",
                to_status=Status.ANSWERED,
                data={**info, "outcome": answer.outcome, "source": source.code},
                extra_fields=["answered_at", "dispute_until"],
            )
            _notify_submitter(case, "answered", outcome=Outcome(answer.outcome).label)
            moved = True
        # A publication that arrives together with (or after) the answer publishes here too.
        if remote_status == Status.PUBLISHED and case.status == Status.ANSWERED:
            submission = case.submission
            case.public_title = redact_personal_data(submission.title.strip())[:250]
            case.public_body = redact_personal_data(submission.body.strip())
            case.public_search = search_key(f"{case.public_title} {case.public_body}")
            case.public_title_search = search_key(case.public_title)
            case.published_at = timezone.now()
            _move(
                case,
                actor=None,
                actor_label=source_label,
                event_agency=source,
                action="remote_publish",
                to_status=Status.PUBLISHED,
                data={**info, "source": source.code},
                extra_fields=[
                    "public_title",
                    "public_body",
                    "public_search",
                    "public_title_search",
                    "published_at",
                ],
            )
            _notify_submitter(case, "published")
            moved = True
        if (
            not moved
            and remote_status in (Status.RETURNED, Status.REJECTED)
            and case.status == Status.TRANSFERRED
        ):
            # The other system declined it: the case comes back to this agency's intake, which
            # may return it, transfer it or forward it elsewhere, with a fresh screening clock.
            now = timezone.now()
            case.received_at = now
            case.screening_due_at, case.due_at = deadlines.initial_deadlines(
                now, deadlines.policy_for_case(case)
            )
            _move(
                case,
                actor=None,
                actor_label=source_label,
                event_agency=source,
                action="remote_returned",
                to_status=Status.SUBMITTED,
                reason=summary,
                data={**info, "source": source.code},
                extra_fields=["received_at", "screening_due_at", "due_at"],
            )
            _notify_agency(case, "case_received", (Role.INTAKE,))
            moved = True
        if not moved:
            append_event(
                case=case,
                action="remote_status",
                actor_label=source_label,
                agency=source,
                reason=summary,
                data=info,
                is_public=True,
            )
    return case


# --------------------------------------------------------------------------------------------
# Information from the submitter (pauses the clock)


def case_request_info(*, case: Case, actor: User, question: str) -> InfoRequest:
    question = _require_reason(question, _("nội dung cần người gửi bổ sung"))
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "request_info", case)
        now = timezone.now()
        policy = deadlines.policy_for_case(case)
        request = InfoRequest.objects.create(
            case=case,
            question=question,
            requested_by=actor,
            requested_at=now,
            expires_at=workdays.add_working_days(now, policy.needs_info_return_days),
        )
        case.status_before_pause = case.status
        case.paused_at = now
        _move(
            case,
            actor=actor,
            action="request_info",
            to_status=Status.NEEDS_INFO,
            reason=question,
            data={"info_request": request.pk},
            extra_fields=["status_before_pause", "paused_at"],
        )
        _notify_submitter(case, "info_requested", question=question)
    return request


def submission_provide_info(
    *, case: Case, text: str, attachments: Sequence[UploadedItem] = ()
) -> Case:
    """The submitter answers (the caller has checked the access token or phone)."""
    text = (text or "").strip()
    if len(text) < 2:
        raise ValidationFailed(
            _("Vui lòng nhập thông tin bổ sung."), fields={"text": _("Cần nội dung.")}
        )
    uploads = validate_uploads(attachments)
    with transaction.atomic():
        case = _lock(case)
        if case.status != Status.NEEDS_INFO:
            raise IllegalTransition(_("Hồ sơ không ở trạng thái chờ bổ sung thông tin."))
        now = timezone.now()
        request = (
            case.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        )
        if request is not None:
            request.answer, request.answered_at = text, now
            request.save(update_fields=["answer", "answered_at"])
        if uploads:
            save_attachments(case.submission, uploads, purpose="info_reply")
        _resume(case, now)
        _move(
            case,
            actor=None,
            action="info_provided",
            to_status=case.status_before_pause or Status.SUBMITTED,
            reason=text,
            data={"attachments": len(uploads)},
            extra_fields=["paused_at", "screening_due_at", "due_at", "status_before_pause"],
        )
        recipients = [case.assignee] if case.assignee else _officers(case.agency_id, (Role.INTAKE,))
        if recipients:
            notify_users(
                users=recipients,
                template="info_provided",
                context=_context(case, link=_backoffice_link(case)),
                case_ref=case.pk,
                link=_backoffice_link(case),
            )
    return case


def _resume(case: Case, now: datetime) -> None:
    if case.paused_at is not None:
        case.screening_due_at = deadlines.shift_for_pause(
            case.screening_due_at, case.paused_at, now
        )
        case.due_at = deadlines.shift_for_pause(case.due_at, case.paused_at, now)
    case.paused_at = None


# --------------------------------------------------------------------------------------------
# Handling


def case_assign(*, case: Case, actor: User, assignee: User, note: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "assign", case)
        if (
            not Membership.objects.active()
            .filter(user=assignee, agency_id=case.agency_id, role__in=[Role.HANDLER, Role.LEADER])
            .exists()
        ):
            raise ValidationFailed(
                _("Người được giao phải là cán bộ xử lý của cơ quan."),
                fields={"assignee": _("Chọn cán bộ khác.")},
            )
        previous = case.assignee_id
        case.assignee = assignee
        _move(
            case,
            actor=actor,
            action="assign",
            to_status=Status.IN_PROGRESS,
            reason=note,
            data={"assignee": assignee.pk, "previous": previous},
            is_public=case.status == Status.ACCEPTED,
            extra_fields=["assignee"],
        )
        _notify_user(case, assignee, "case_assigned")
    return case


def case_coordinate(
    *, case: Case, actor: User, agencies: Sequence[Agency], question: str, days: int = 5
) -> list[CoordinationRequest]:
    question = _require_reason(question, _("nội dung đề nghị phối hợp"))
    if not agencies:
        raise ValidationFailed(
            _("Chọn ít nhất một cơ quan phối hợp."), fields={"agencies": _("Cần chọn cơ quan.")}
        )
    if not 1 <= days <= 30:
        raise ValidationFailed(
            _("Hạn phối hợp từ 1 đến 30 ngày làm việc."), fields={"days": "1–30."}
        )
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "coordinate", case)
        now = timezone.now()
        due = workdays.add_working_days(now, days)
        requests = [
            CoordinationRequest.objects.create(
                case=case,
                agency=agency,
                question=question,
                requested_by=actor,
                requested_at=now,
                due_at=due,
            )
            for agency in agencies
            if agency.pk != case.agency_id
        ]
        append_event(
            case=case,
            action="coordinate",
            actor=actor,
            agency=case.agency,
            reason=question,
            data={"agencies": [a.code for a in agencies], "due_at": due.isoformat()},
        )
        for request in requests:
            users = _officers(request.agency_id, (Role.INTAKE, Role.LEADER))
            if users:
                notify_users(
                    users=users,
                    template="coordination_requested",
                    context=_context(
                        case, link=_backoffice_link(case), question=question, due_at=due
                    ),
                    case_ref=case.pk,
                    link=_backoffice_link(case),
                )
    return requests


def coordination_respond(
    *, request: CoordinationRequest, actor: User, response: str
) -> CoordinationRequest:
    from pakn.accounts.roles import role_map

    response = _require_reason(response, _("ý kiến phối hợp"))
    roles = role_map(actor)
    if not (
        roles.is_superadmin or roles.has(request.agency_id, Role.INTAKE, Role.HANDLER, Role.LEADER)
    ):
        raise PermissionDenied(_("Chỉ cơ quan được đề nghị mới trả lời được đề nghị phối hợp này."))
    with transaction.atomic():
        case = _lock(request.case)
        request = CoordinationRequest.objects.select_for_update().get(pk=request.pk)
        if request.responded_at is not None:
            raise IllegalTransition(_("Đề nghị phối hợp này đã được trả lời."))
        request.response, request.responded_by, request.responded_at = (
            response,
            actor,
            timezone.now(),
        )
        request.save(update_fields=["response", "responded_by", "responded_at"])
        append_event(
            case=case,
            action="coordination_response",
            actor=actor,
            agency=request.agency,
            reason=response,
            data={"request": request.pk},
        )
        _notify_user(case, case.assignee, "coordination_answered", agency=request.agency.name)
    return request


def case_note(*, case: Case, actor: User, text: str, progress: bool = False) -> Case:
    """An internal note; with ``progress`` it is the periodic progress update of an overdue case."""
    text = _require_reason(text, _("nội dung ghi chú"))
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "progress" if progress else "note", case)
        if progress:
            case.progress_due_at = deadlines.progress_due(
                timezone.now(), deadlines.policy_for_case(case)
            )
            case.save(update_fields=["progress_due_at", "updated_at"])
        append_event(
            case=case,
            action="progress" if progress else "note",
            actor=actor,
            agency=case.agency,
            reason=text,
            is_public=progress,
        )
    return case


def case_extend(*, case: Case, actor: User, reason: str, days: int) -> Case:
    """A leader extends the deadline once, by working days, with a reason."""
    reason = _require_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "extend", case)
        if case.extended_at is not None:
            raise IllegalTransition(_("Hồ sơ đã được gia hạn một lần; không thể gia hạn thêm."))
        policy = deadlines.policy_for_case(case)
        if not 1 <= days <= policy.answer_days:
            raise ValidationFailed(
                _("Số ngày gia hạn từ 1 đến %(answer_days)s ngày làm việc.")
                % {"answer_days": policy.answer_days},
                fields={"days": _("Ngoài giới hạn.")},
            )
        old_due = case.due_at
        base = case.due_at or timezone.now()
        case.due_at = workdays.add_working_days(base, days)
        case.extended_at = timezone.now()
        case.extension_reason = reason
        case.escalation_level = 0
        case.progress_due_at = None
        case.save(
            update_fields=[
                "due_at",
                "extended_at",
                "extension_reason",
                "escalation_level",
                "progress_due_at",
                "updated_at",
            ]
        )
        append_event(
            case=case,
            action="extend",
            actor=actor,
            agency=case.agency,
            reason=reason,
            data={"days": days, "old_due_at": old_due, "new_due_at": case.due_at},
            is_public=True,
        )
    return case


# --------------------------------------------------------------------------------------------
# Answers


def case_draft_answer(
    *,
    case: Case,
    actor: User,
    outcome: str,
    text: str,
    signer_name: str = "",
    submit: bool = True,
    attachments: Sequence[UploadedItem] = (),
) -> Answer:
    """Write (or rewrite) the draft; with ``submit`` it goes to the leader for approval."""
    if outcome not in Outcome.values:
        raise ValidationFailed(
            _("Vui lòng chọn kết quả trả lời."), fields={"outcome": _("Chọn kết quả.")}
        )
    text = (text or "").strip()
    if len(text) < 10:
        raise ValidationFailed(
            _("Nội dung trả lời cần ít nhất 10 ký tự."), fields={"text": _("Quá ngắn.")}
        )
    uploads = validate_uploads(attachments)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "draft_answer", case)
        answer = case.answers.filter(status__in=[AnswerStatus.DRAFT, AnswerStatus.RETURNED]).first()
        if answer is None:
            answer = Answer(case=case, drafted_by=actor)
        answer.outcome, answer.text, answer.signer_name = outcome, text, signer_name.strip()
        answer.drafted_by = actor
        answer.status = AnswerStatus.IN_REVIEW if submit else AnswerStatus.DRAFT
        answer.save()
        for upload in uploads:
            attachment = AnswerAttachment(
                answer=answer,
                original_name=upload.name,
                content_type=upload.content_type,
                size=len(upload.content),
            )
            attachment.file.save(upload.name, ContentFile(upload.content), save=False)
            attachment.save()
        if submit:
            _move(
                case,
                actor=actor,
                action="draft_answer",
                to_status=Status.ANSWER_REVIEW,
                data={"answer": answer.pk, "outcome": outcome},
                is_public=False,
            )
            _notify_agency(case, "approval_needed", (Role.LEADER,))
        else:
            append_event(
                case=case,
                action="save_draft",
                actor=actor,
                agency=case.agency,
                data={"answer": answer.pk},
            )
    return answer


def _answer_in_review(case: Case) -> Answer:
    answer = case.answers.filter(status=AnswerStatus.IN_REVIEW).first()
    if answer is None:
        raise IllegalTransition(_("Không có dự thảo trả lời nào đang chờ duyệt."))
    return answer


def case_return_answer(*, case: Case, actor: User, comment: str) -> Answer:
    comment = _require_reason(comment, _("ý kiến chỉnh sửa"))
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "return_answer", case)
        answer = _answer_in_review(case)
        answer.status, answer.reviewed_by, answer.review_comment = (
            AnswerStatus.RETURNED,
            actor,
            comment,
        )
        answer.save(update_fields=["status", "reviewed_by", "review_comment", "updated_at"])
        _move(
            case,
            actor=actor,
            action="return_answer",
            to_status=Status.IN_PROGRESS,
            reason=comment,
            data={"answer": answer.pk},
            is_public=False,
        )
        _notify_user(case, answer.drafted_by, "answer_returned", reason=comment)
    return answer


def case_approve_answer(*, case: Case, actor: User, note: str = "") -> Answer:
    """The leader approves; the answer is sent to the submitter and the dispute window opens."""
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "approve_answer", case)
        answer = _answer_in_review(case)
        now = timezone.now()
        answer.status, answer.reviewed_by, answer.approved_at = AnswerStatus.APPROVED, actor, now
        if not answer.signer_name:
            answer.signer_name = actor.get_full_name()
        answer.save(
            update_fields=["status", "reviewed_by", "approved_at", "signer_name", "updated_at"]
        )
        policy = deadlines.policy_for_case(case)
        case.answered_at = now
        case.dispute_until = now + timedelta(days=policy.dispute_days)
        _move(
            case,
            actor=actor,
            action="approve_answer",
            to_status=Status.ANSWERED,
            reason=note,
            data={
                "answer": answer.pk,
                "outcome": answer.outcome,
                "on_time": bool(case.due_at and now <= case.due_at),
            },
            extra_fields=["answered_at", "dispute_until"],
        )
        _notify_submitter(case, "answered", outcome=answer.get_outcome_display())
    return answer


def case_publish(*, case: Case, actor: User, public_title: str = "", public_body: str = "") -> Case:
    """Make the answer and a redacted copy of the submission public (an officer may edit the
    redacted text; by default personal data patterns are removed)."""
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "publish", case)
        submission = case.submission
        case.public_title = redact_personal_data((public_title or submission.title).strip())[:250]
        case.public_body = redact_personal_data((public_body or submission.body).strip())
        case.public_search = search_key(f"{case.public_title} {case.public_body}")
        case.public_title_search = search_key(case.public_title)
        case.published_at = timezone.now()
        _move(
            case,
            actor=actor,
            action="publish",
            to_status=Status.PUBLISHED,
            extra_fields=[
                "public_title",
                "public_body",
                "public_search",
                "public_title_search",
                "published_at",
            ],
        )
        _notify_submitter(case, "published")
    return case


def case_close(*, case: Case, actor: User | None, reason: str = "") -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "close", case)
        case.closed_at = timezone.now()
        _move(
            case,
            actor=actor,
            action="close",
            to_status=Status.CLOSED,
            reason=reason,
            extra_fields=["closed_at"],
        )
    return case


def case_reopen(*, case: Case, actor: User, reason: str) -> Case:
    reason = _require_reason(reason)
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "reopen", case)
        _reopen(case, actor=actor, action="reopen", reason=reason)
    return case


def _reopen(case: Case, *, actor: User | None, action: str, reason: str) -> None:
    now = timezone.now()
    policy = deadlines.policy_for_case(case)
    case.closed_at = None
    case.dispute_until = None
    case.due_at = workdays.add_working_days(now, policy.answer_days)
    case.escalation_level = 0
    case.progress_due_at = None
    was_published = case.status == Status.PUBLISHED or case.published_at is not None
    _move(
        case,
        actor=actor,
        action=action,
        to_status=Status.IN_PROGRESS,
        reason=reason,
        data={"was_published": was_published},
        extra_fields=[
            "closed_at",
            "dispute_until",
            "due_at",
            "escalation_level",
            "progress_due_at",
        ],
    )
    recipients = [case.assignee] if case.assignee else _officers(case.agency_id, (Role.LEADER,))
    if recipients:
        notify_users(
            users=recipients,
            template="case_assigned",
            context=_context(case, link=_backoffice_link(case), reason=reason),
            case_ref=case.pk,
            link=_backoffice_link(case),
        )
    _notify_submitter(case, "reopened", reason=reason)


# --------------------------------------------------------------------------------------------
# The submitter's side (the caller has verified the access token or phone)


def submission_rate(*, case: Case, score: int, comment: str = "") -> Rating:
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed(
            _("Mức độ hài lòng từ 1 đến 5."), fields={"score": _("Chọn từ 1 đến 5.")}
        )
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED):
            raise IllegalTransition(_("Chỉ đánh giá được sau khi cơ quan đã trả lời."))
        if Rating.objects.filter(case=case).exists():
            raise IllegalTransition(_("Bạn đã đánh giá câu trả lời này."))
        rating = Rating.objects.create(
            case=case, score=score, comment=(comment or "").strip()[:2000]
        )
        append_event(
            case=case,
            action="rate",
            agency=case.agency,
            data={"score": score},
            reason=rating.comment,
            is_public=True,
        )
    return rating


def submission_dispute(*, case: Case, reason: str) -> Case:
    """The submitter disagrees with the answer within the allowed window: the case reopens."""
    reason = _require_reason(reason, _("lý do chưa đồng ý"))
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (Status.ANSWERED, Status.PUBLISHED):
            raise IllegalTransition(_("Chỉ phản hồi được kết quả khi hồ sơ đã có câu trả lời."))
        if case.dispute_until is None or timezone.now() > case.dispute_until:
            raise IllegalTransition(_("Đã hết thời hạn phản hồi kết quả trả lời."))
        _reopen(case, actor=None, action="dispute", reason=reason)
    return case


def find_case_for_submitter(*, code: str, token: str = "", phone: str = "") -> Case:
    """Look a case up by tracking code plus its access token or the submitter's phone.

    A merged case leads to the case it was merged into. Raises NotFound for any mismatch
    (the same message whether the code or the secret is wrong)."""
    from pakn.core.tracking import InvalidTrackingCode, normalize_tracking_code

    try:
        normalized = normalize_tracking_code(code)
    except InvalidTrackingCode as exc:
        raise ValidationFailed(str(exc), fields={"code": str(exc)}) from None
    case = (
        Case.objects.select_related("submission", "agency")
        .filter(submission__tracking_code=normalized)
        .first()
    )
    not_found = NotFound(_("Không tìm thấy phản ánh với mã tra cứu và thông tin xác thực này."))
    if case is None:
        raise not_found
    submission = case.submission
    ok = bool(token) and submission.check_access_token(token)
    if not ok and phone:
        normalized_phone = normalize_phone(phone)
        ok = bool(normalized_phone) and normalized_phone == submission.submitter_phone
    if not ok:
        raise not_found
    # The submitter of a merged duplicate follows the main case from now on.
    seen = {case.pk}
    while case.status == Status.MERGED and case.merged_into_id and case.merged_into_id not in seen:
        seen.add(case.merged_into_id)
        case = Case.objects.select_related("submission", "agency").get(pk=case.merged_into_id)
    return case


def case_return_resolved_by_expiry(*, case: Case) -> bool:
    """Return a case whose request for information went unanswered (the scheduler's action)."""
    with transaction.atomic():
        case = _lock(case)
        if case.status != Status.NEEDS_INFO:
            return False
        open_request = (
            case.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        )
        if (
            open_request is None
            or open_request.expires_at is None
            or open_request.expires_at >= timezone.now()
        ):
            return False
        reason = "Người gửi không bổ sung thông tin trong thời hạn yêu cầu."
        case.closed_at = timezone.now()
        case.paused_at = None
        _move(
            case,
            actor=None,
            action="info_expired",
            to_status=Status.RETURNED,
            reason=reason,
            extra_fields=["closed_at", "paused_at"],
        )
        _notify_submitter(case, "returned", reason=reason)
    return True


def case_classify(
    *, case: Case, actor: User, kind: str | None = None, field_id: int | None = None
) -> Case:
    """An officer confirms or corrects the kind and field. The case then counts as a labelled
    example for the classifier, and the log keeps what the AI had suggested."""
    if kind is not None and kind not in Kind.values:
        raise ValidationFailed(
            _("Loại phản ánh không hợp lệ."), fields={"kind": _("Chọn loại khác.")}
        )
    field_obj = None
    if field_id is not None:
        field_obj = Field.objects.filter(pk=field_id, is_active=True).first()
        if field_obj is None:
            raise ValidationFailed(
                _("Lĩnh vực không tồn tại."), fields={"field": _("Chọn lĩnh vực khác.")}
            )
    with transaction.atomic():
        case = _lock(case)
        _check(actor, "classify", case)
        submission = case.submission
        before = {"kind": submission.kind, "field": submission.field_id}
        if kind is not None:
            submission.kind = kind
        if field_obj is not None:
            submission.field = field_obj
        submission.save(update_fields=["kind", "field"])
        case.classified_by, case.classified_at = actor, timezone.now()
        case.save(update_fields=["classified_by", "classified_at", "updated_at"])
        after = {"kind": submission.kind, "field": submission.field_id}
        suggested = {
            key: (case.suggestions.get(key) or [{}])[0].get("label")
            for key in ("kind", "field")
            if case.suggestions.get(key)
        }
        # Suggestions name fields by code; "chosen" does too, so the two compare directly.
        chosen = {
            "kind": submission.kind,
            "field": submission.field.code if submission.field else None,
        }
        append_event(
            case=case,
            action="classify",
            actor=actor,
            agency=case.agency,
            data={
                "before": before,
                "after": after,
                "suggested": suggested,
                "chosen": chosen,
                "corrected": before != after,
                "suggestion_corrected": {k: v != chosen[k] for k, v in suggested.items()},
            },
        )
    return case


# --------------------------------------------------------------------------------------------
# The AI's agency suggestion: routed by itself when sure, answered by officers otherwise


def case_auto_route(
    *, case: Case, to_agency: Agency, confidence: float, model_version: str
) -> bool:
    """Route a new case to the agency the classifier is sure of (the system is the actor).

    Only a ``submitted`` case, only once in its life, only at or above
    ``PAKN_AUTO_ROUTE_CONFIDENCE``; its clock restarts at the new agency as on a transfer.
    Returns whether it was routed; the log keeps the confidence and the model version.
    """
    if confidence < settings.PAKN_AUTO_ROUTE_CONFIDENCE or not to_agency.is_active:
        return False
    with transaction.atomic():
        case = _lock(case)
        if (
            case.status != Status.SUBMITTED
            or to_agency.pk == case.agency_id
            or case.events.filter(action="auto_route").exists()
        ):
            return False
        reason = "Hệ thống tự động chuyển đến cơ quan có thẩm quyền theo gợi ý của AI."
        _reassign(
            case,
            to_agency=to_agency,
            actor=None,
            action="auto_route",
            reason=reason,
            data={
                "from_agency": case.agency.code,
                "to_agency": to_agency.code,
                "confidence": round(confidence, 4),
                "model_version": model_version,
            },
        )
    return True


def case_review_agency(*, case: Case, actor: User, agency: Agency, reason: str = "") -> Case:
    """An officer answers the AI's agency suggestion: accepts it or chooses another agency.

    A different agency than the current one is a transfer (``case_transfer``, its rules and
    log); keeping the case here needs the ``classify`` right. Either way the log records the
    suggestion, the choice and whether it was a correction: a label for the agency classifier.
    """
    items = case.suggestions.get("agency") if isinstance(case.suggestions, dict) else None
    top = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    suggested = top.get("label")
    with transaction.atomic():
        if agency.pk != case.agency_id:
            # The transfer's reason is shown to the submitter; the AI's part stays internal.
            case = case_transfer(
                case=case,
                actor=actor,
                to_agency=agency,
                reason=reason.strip() or "Chuyển đến cơ quan có thẩm quyền giải quyết.",
            )
        else:
            case = _lock(case)
            _check(actor, "classify", case)
        append_event(
            case=case,
            action="agency_review",
            actor=actor,
            agency=case.agency,
            reason=reason.strip(),
            data={
                "suggested": suggested,
                "confidence": top.get("confidence"),
                "chosen": agency.code,
                "corrected": suggested != agency.code,
            },
        )
    return case
