from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pakn.accounts.models import User
from pakn.cases.models import Case, Rating, Status
from pakn.cases.search import RANK_WINDOW
from pakn.cases.services import (
    IntakeData,
    find_case_for_submitter,
    submission_dispute,
    submission_intake,
    submission_provide_info,
    submission_rate,
    validate_intake,
)
from pakn.core.errors import IllegalTransition, NotFound, ValidationFailed
from pakn.core.paging import CappedPaginator
from pakn.core.tracking import InvalidTrackingCode, format_tracking_code, normalize_tracking_code
from pakn.geo.bbox import parse_bbox
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.submissions import holding
from pakn.submissions.models import Channel, Kind, Submission, SubmitterType
from pakn.taxonomy.models import Field

from . import access, owned, ratelimit
from .forms import (
    BEHALF_MODE,
    BehalfForm,
    DisputeForm,
    PortalForm,
    PublishedFilterForm,
    RatingForm,
    ReplyForm,
    SubmitForm,
    TrackForm,
    new_idempotency_key,
    valid_idempotency_key,
)
from .selectors import (
    PUBLIC_RADIUS_M,
    headline_figures,
    public_location,
    published_cases,
    published_clusters,
    search_published,
    similar_published,
)
from .timeline import DISPUTABLE, RATEABLE, approved_answer, public_timeline


def home(request: HttpRequest) -> HttpResponse:
    fields = Field.objects.active().filter(parent__isnull=True).order_by("position", "name")
    return render(
        request,
        "portal/home.html",
        {
            "fields": fields,
            "latest": list(published_cases()[:5]),
            "figures": headline_figures(),
        },
    )


# --------------------------------------------------------------------------------------------
# Submit


def _submit_page(request: HttpRequest, form: SubmitForm, **extra: object) -> HttpResponse:
    form.describe_errors()
    behalf_form = extra.get("behalf_form")
    if isinstance(behalf_form, BehalfForm):
        behalf_form.describe_errors()
    account = _account_of(request)
    extra.setdefault("may_send_on_behalf", account is not None and account.is_intermediary)
    fields_help = Field.objects.active().exclude(description="").order_by("position", "name")
    context = {
        "form": form,
        "fields_help": fields_help,
        "max_attachments": settings.PAKN_MAX_ATTACHMENTS,
        "max_upload_mb": settings.PAKN_MAX_UPLOAD_MB,
        "max_body": settings.PAKN_MAX_BODY_CHARS,
        **extra,
    }
    return render(request, "portal/submit.html", context)


def _account_of(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _behalf_requested(request: HttpRequest) -> bool:
    source = request.POST if request.method == "POST" else request.GET
    return source.get("mode") == BEHALF_MODE


def _prefill(account: User | None) -> dict[str, object]:
    """A logged-in person's own details, so they need not type them again."""
    if account is None:
        return {}
    return {
        "submitter_name": account.full_name,
        "phone": account.phone or "",
        "email": account.email or "",
    }


# --- Preview and held files (h-map) ---------------------------------------------------------
# "Xem lại" shows what will be sent, "Sửa" goes back with everything kept, "Gửi" sends. Files
# chosen on any round trip are checked and held server-side (``pakn.submissions.holding``)
# under a signed token, so neither the preview, nor a province choice, nor a validation error
# makes the citizen choose them again. A POST without ``step`` sends directly (as before).


def _carried(request: HttpRequest, held_token: str) -> dict[str, str]:
    """What was typed, as the initial values of a re-rendered form (files are in the holding)."""
    skip = {"csrfmiddlewaretoken", "step", "choose_province", "drop_held", "held"}
    initial = {k: request.POST.get(k, "") for k in request.POST if k not in skip}
    initial["held"] = held_token
    return initial


EXPIRED = "expired"


def _hold(request: HttpRequest) -> tuple[str, list[holding.HeldFile], ValidationFailed | None]:
    """Add this request's files to its holding. On a failed check the holding stays as it was
    and the error is returned for the form; an expired or forged holding gives an error whose
    ``code`` is EXPIRED (harmless for a retry of a submission already sent)."""
    token = request.POST.get("held", "")
    drop = {int(v) for v in request.POST.getlist("drop_held") if v.isdigit()}
    uploads: list[Any] = request.FILES.getlist("attachments")
    address = ratelimit.client_address(request)
    try:
        if uploads and ratelimit.exceeded("hold-ip", address, ratelimit.HOLDS):
            raise ValidationFailed(
                _("Bạn đã tải lên quá nhiều tệp trong thời gian ngắn. Vui lòng thử lại sau."),
                fields={"attachments": _("Tạm thời không nhận thêm tệp.")},
            )
        token, held = holding.holding_add(token=token, uploads=uploads, drop=drop)
        if uploads:
            ratelimit.record("hold-ip", address, ratelimit.HOLD_WINDOW)
        return token, held, None
    except holding.HoldingExpired:
        message = _("Tệp đính kèm đã hết hạn lưu tạm (24 giờ). Vui lòng chọn lại tệp.")
        return "", [], ValidationFailed(message, code=EXPIRED, fields={"attachments": message})
    except ValidationFailed as exc:
        try:
            return token, holding.held_files(token=token) if token else [], exc
        except holding.HoldingExpired:
            return "", [], exc


def _preview_page(
    request: HttpRequest, form: SubmitForm, held_token: str, held: list[holding.HeldFile]
) -> HttpResponse:
    data = form.cleaned_data
    carried = list(_carried(request, held_token).items())
    text = f"{data['title']} {data['body']}"
    field = Field.objects.filter(pk=data["field"]).first() if data["field"] else None
    units = {
        u.pk: u
        for u in AdministrativeUnit.objects.filter(pk__in=[data["province"], data["commune"]])
    }
    return render(
        request,
        "portal/submit_preview.html",
        {
            "data": data,
            "kind_label": Kind(data["kind"]).label if data["kind"] in Kind.values else "",
            "submitter_type_label": SubmitterType(
                data["submitter_type"] or SubmitterType.PERSON
            ).label,
            "field": field,
            "province": units.get(data["province"]),
            "commune": units.get(data["commune"]),
            "held": held,
            "held_token": held_token,
            "carried": carried,
            "similar": similar_published(text[:500]),
        },
    )


@require_GET
def held_file(request: HttpRequest, token: str, index: int) -> HttpResponse:
    """The thumbnail of an image held for the preview; the signed token is the permission."""
    try:
        item, content = holding.held_content(token=token, index=index)
    except holding.HoldingExpired:
        raise Http404 from None
    if not item.is_image:
        raise Http404
    response = HttpResponse(content, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _intake_data(
    data: dict[str, Any],
    *,
    key: str,
    attachments: list[Any],
    account: User | None,
    behalf_form: BehalfForm | None,
) -> IntakeData:
    on_behalf = behalf_form is not None
    return IntakeData(
        kind=data["kind"],
        title=data["title"],
        body=data["body"],
        submitter_name=data["submitter_name"],
        channel=Channel.INTERMEDIARY if on_behalf else Channel.WEB,
        field_id=data["field"],
        phone=data["phone"],
        email=data["email"],
        submitter_type=data["submitter_type"] or SubmitterType.PERSON,
        organisation_name=data["organisation_name"],
        submitter_address=data["submitter_address"],
        id_number=data["id_number"],
        is_anonymous=data["is_anonymous"],
        # In "gửi hộ" the person's consent is the intermediary's confirmation, which BehalfForm
        # has required.
        consent=True if on_behalf else data["consent"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        address=data["address"],
        province_id=data["province"],
        commune_id=data["commune"],
        account=None if on_behalf else account,
        intermediary=account if on_behalf else None,
        intermediary_note=behalf_form.cleaned_data.get("intermediary_note", "")
        if behalf_form
        else "",
        idempotency_key=f"web:{key}",
        attachments=attachments,
    )


# What a field the form refused stands for when the service checks the rest of the form.
_REFUSED_FIELD: dict[str, Any] = {
    "field": None,
    "province": None,
    "commune": None,
    "latitude": None,
    "longitude": None,
    "is_anonymous": False,
    "consent": False,
}


def _add_intake_errors(
    form: SubmitForm, *, account: User | None, behalf_form: BehalfForm | None
) -> None:
    """Run the service's checks on what passed the form's own, so a person sees every error
    of one attempt at once (a too-long title and a too-long body) instead of one per attempt.
    A field the form already refused keeps the form's message."""
    data = {name: form.cleaned_data.get(name, _REFUSED_FIELD.get(name, "")) for name in form.fields}
    intake = _intake_data(data, key="", attachments=[], account=account, behalf_form=behalf_form)
    try:
        validate_intake(intake)
    except ValidationFailed as exc:
        fresh = {key: text for key, text in exc.fields.items() if key not in form.errors}
        if fresh:
            form.add_service_errors(fresh, exc.message)


def submit(request: HttpRequest) -> HttpResponse:
    # "Gửi hộ" (intermediary mode): only for accounts an admin flagged as intermediaries.
    account = _account_of(request)
    behalf_form: BehalfForm | None = None
    if _behalf_requested(request) and account is not None and account.is_intermediary:
        behalf_form = BehalfForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        initial = {} if behalf_form is not None else _prefill(account)
        return _submit_page(request, SubmitForm(initial=initial), behalf_form=behalf_form)
    bot_check = SubmitForm(request.POST)
    if bot_check.honeypot_filled:
        # A bot filled the field people never see: nothing of it is kept, not even its files.
        bot_check.add_error(None, _("Không gửi được phản ánh. Vui lòng thử lại."))
        return _submit_page(request, bot_check)
    if _behalf_requested(request) and behalf_form is None:
        bot_check.is_valid()
        bot_check.add_error(
            None,
            _(
                "Tài khoản của bạn chưa được cấp quyền gửi hộ. Vui lòng liên hệ quản trị hệ "
                "thống, hoặc gửi phản ánh của chính bạn."
            ),
        )
        return _submit_page(request, bot_check)
    held_token, held, hold_error = _hold(request)
    step = request.POST.get("step", "send")
    if "choose_province" in request.POST or step == "edit":
        # Without JavaScript the commune list is filled by re-rendering the form for the
        # chosen province; "Sửa" on the preview comes back the same way. Nothing is lost.
        carried = _carried(request, held_token)
        if "choose_province" in request.POST:
            carried.pop("commune", None)
        form = SubmitForm(initial=carried)
        if behalf_form is not None:
            behalf_form = BehalfForm(initial=carried)
        if hold_error is not None:
            form.add_error("attachments", hold_error.message)  # names the file at fault
        return _submit_page(request, form, held=held, behalf_form=behalf_form)
    posted = request.POST.copy()
    posted["held"] = held_token
    form = SubmitForm(posted)
    if hold_error is not None and hold_error.code == EXPIRED and step == "send":
        key = request.POST.get("idempotency_key", "")
        if Submission.objects.filter(idempotency_key=f"web:{key}").exists():
            hold_error = None  # a retry of a sent submission: the first one has the files
    behalf_ok = behalf_form is None or behalf_form.is_valid()
    if not form.is_valid() or hold_error is not None or not behalf_ok:
        _add_intake_errors(form, account=account, behalf_form=behalf_form)
        if hold_error is not None:
            form.add_error("attachments", hold_error.message)  # names the file at fault
        if behalf_form is not None:
            for item in behalf_form.error_items():
                form.add_error(None, f"{item['label']}: {item['message']}")
        return _submit_page(request, form, held=held, behalf_form=behalf_form)
    data = form.cleaned_data
    key = data.get("idempotency_key") or ""
    if not valid_idempotency_key(key):
        key = new_idempotency_key()
    try:
        attachments: list[Any] = holding.held_uploads(token=held_token) if held_token else []
    except holding.HoldingExpired:  # expired between the two reads of this request
        form.add_error("attachments", _("Tệp đính kèm đã hết hạn lưu tạm. Vui lòng chọn lại tệp."))
        return _submit_page(request, form, held=[], behalf_form=behalf_form)
    intake = _intake_data(
        data, key=key, attachments=attachments, account=account, behalf_form=behalf_form
    )
    if step == "preview":
        try:
            validate_intake(intake)
        except ValidationFailed as exc:
            form.add_service_errors(exc.fields, exc.message)
            return _submit_page(request, form, held=held, behalf_form=behalf_form)
        return _preview_page(request, form, held_token, held)
    address = ratelimit.client_address(request)
    if ratelimit.exceeded("submit-ip", address, ratelimit.SUBMISSIONS) and not (
        Submission.objects.filter(idempotency_key=f"web:{key}").exists()
    ):
        form.add_error(
            None, _("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau.")
        )
        return _submit_page(request, form, held=held, behalf_form=behalf_form)
    try:
        result = submission_intake(data=intake)
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
        return _submit_page(request, form, held=held, behalf_form=behalf_form)
    if result.created:
        ratelimit.record("submit-ip", address, ratelimit.SUBMISSION_WINDOW)
    if held_token:
        holding.holding_release(token=held_token)
    code = result.submission.tracking_code
    access.keep_receipt(request, code, result.access_token)
    access.grant(request, result.case)
    return redirect("portal:submit_done", code=code)


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")  # type: ignore[no-any-return]


def submit_done(request: HttpRequest, code: str) -> HttpResponse:
    token = access.receipt_token(request, code)
    if token is None:
        # The token is shown only to the browser that just sent the submission.
        raise Http404
    query = urlencode({"code": format_tracking_code(code), "token": token})
    track_url = request.build_absolute_uri(f"{reverse('portal:track')}?{query}")
    return render(
        request,
        "portal/submit_done.html",
        {
            "code": format_tracking_code(code),
            "track_url": track_url,
            # Generated by the qrcode library from our own URL: no user-supplied markup.
            "qr_svg": mark_safe(_qr_svg(track_url)),  # noqa: S308  # nosec B308 B703
        },
    )


@require_GET
def communes(request: HttpRequest) -> JsonResponse:
    """The communes of one province, for the progressive-enhancement select."""
    try:
        province_id = int(request.GET.get("province", ""))
    except ValueError:
        return JsonResponse({"communes": []})
    units = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, parent_id=province_id
    ).order_by("name")
    return JsonResponse({"communes": [{"id": u.pk, "name": u.name} for u in units]})


# --------------------------------------------------------------------------------------------
# Track


def _track_url(code: str) -> str:
    return f"{reverse('portal:track')}?{urlencode({'code': format_tracking_code(code)})}"


def _lookup(request: HttpRequest, form: TrackForm) -> Case | None:
    """Check code plus token or phone; on failure the form carries one neutral error."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    if not data["code"].strip():
        form.add_error("code", _("Vui lòng nhập mã tra cứu."))
        return None
    if not data["token"].strip() and not data["phone"].strip():
        form.add_error("phone", _("Nhập mã bí mật hoặc số điện thoại đã dùng khi gửi."))
        return None
    address = ratelimit.client_address(request)
    code_key = "".join(data["code"].upper().split()).replace("-", "")
    token, phone = data["token"].strip(), data["phone"].strip()
    try:
        # Tracking codes are public (/published/), so a per-code lock would let anyone lock the
        # submitter out; the access token cannot be guessed, so a valid one passes every limit.
        case = _find_by_token(code=data["code"], token=token)
        if case is None:
            if ratelimit.exceeded("lookup-ip", address, ratelimit.LOOKUP_FAILURES) or (
                phone and ratelimit.exceeded("lookup-code", code_key, ratelimit.LOOKUP_FAILURES)
            ):
                form.add_error(None, _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút."))
                return None
            case = find_case_for_submitter(code=data["code"], phone=phone)
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
        return None
    except NotFound:
        ratelimit.record("lookup-ip", address, ratelimit.LOOKUP_WINDOW)
        if phone:
            # Only phone numbers are guessable per code; token guesses count per address only.
            ratelimit.record("lookup-code", code_key, ratelimit.LOOKUP_WINDOW)
        form.add_error(
            None,
            _(
                "Không tìm thấy phản ánh với mã tra cứu và thông tin xác thực này. "
                "Vui lòng kiểm tra lại."
            ),
        )
        return None
    access.grant(request, case)
    return case


def _find_by_token(*, code: str, token: str) -> Case | None:
    """The case a valid access token opens, or None (a wrong token falls through to the phone
    and the rate limits)."""
    if not token:
        return None
    try:
        return find_case_for_submitter(code=code, token=token)
    except NotFound:
        return None


def _track_form_page(request: HttpRequest, form: TrackForm, status: int = 200) -> HttpResponse:
    form.describe_errors()
    return render(request, "portal/track_form.html", {"form": form}, status=status)


def _granted_case(request: HttpRequest, code: str) -> Case | None:
    try:
        normalized = normalize_tracking_code(code)
    except InvalidTrackingCode:
        return None
    case_id = access.granted_case_id(request, normalized)
    account = _account_of(request)
    if case_id is None and account is not None:
        # The owner logged in (see owned.py for who counts as owner) needs no token.
        case_id = owned.owned_case_id(account, normalized)
    if case_id is None:
        return None
    return (
        Case.objects.select_related(
            "submission__field",
            "submission__province",
            "submission__commune",
            "agency",
            "merged_into__agency",
        )
        .filter(pk=case_id, submission__tracking_code=normalized)
        .first()
    )


@require_GET
def similar(request: HttpRequest) -> JsonResponse:
    """Published answers that may already cover what the citizen is typing."""
    cases = similar_published(request.GET.get("q", "")[:500])
    return JsonResponse(
        {
            "results": [
                {
                    "title": case.public_title,
                    "agency": case.agency.name,
                    "url": reverse("portal:published_detail", args=[case.submission.tracking_code]),
                }
                for case in cases
            ]
        }
    )


def track(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "lookup")
        if action == "lookup":
            form = TrackForm(request.POST)
            case = _lookup(request, form)
            if case is None:
                return _track_form_page(request, form)
            return redirect(_track_url(case.submission.tracking_code))
        case = _granted_case(request, request.POST.get("code", ""))
        if case is None:
            # The session expired or was never granted: ask for the secret again.
            return _track_form_page(request, TrackForm(initial={"code": request.POST.get("code")}))
        return _case_action(request, case, action)

    code = request.GET.get("code", "")
    if code and (request.GET.get("token") or request.GET.get("phone")):
        # The link sent to the submitter: check it, then continue without the secret in the URL.
        form = TrackForm(request.GET)
        case = _lookup(request, form)
        if case is None:
            return _track_form_page(request, form)
        return redirect(_track_url(case.submission.tracking_code))
    case = _granted_case(request, code) if code else None
    if case is None:
        return _track_form_page(request, TrackForm(initial={"code": code}))
    return _case_page(request, case)


def _case_page(
    request: HttpRequest, case: Case, *, files_dropped: bool = False, **forms: PortalForm
) -> HttpResponse:
    now = timezone.now()
    info_request = None
    if case.status == Status.NEEDS_INFO:
        info_request = (
            case.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        )
    rating = Rating.objects.filter(case=case).first()
    can_rate = case.status in RATEABLE and rating is None
    can_dispute = (
        case.status in DISPUTABLE and case.dispute_until is not None and now <= case.dispute_until
    )
    main_case = case.merged_into if case.status == Status.MERGED else None
    reply_form = forms.get("reply") or (ReplyForm() if case.status == Status.NEEDS_INFO else None)
    rating_form = forms.get("rate") or (RatingForm() if can_rate else None)
    dispute_form = forms.get("dispute") or (DisputeForm() if can_dispute else None)
    for form in (reply_form, rating_form, dispute_form):
        if form is not None:
            form.describe_errors()
    context = {
        "case": case,
        "submission": case.submission,
        "code": format_tracking_code(case.submission.tracking_code),
        "timeline": public_timeline(case),
        "answer": approved_answer(case),
        "info_request": info_request,
        "reply_form": reply_form,
        "rating": rating,
        "rating_form": rating_form,
        "dispute_form": dispute_form,
        "main_case": main_case,
        "main_answer": approved_answer(main_case) if main_case else None,
        "max_attachments": settings.PAKN_MAX_ATTACHMENTS,
        "max_upload_mb": settings.PAKN_MAX_UPLOAD_MB,
        "files_dropped": files_dropped,
    }
    return render(request, "portal/track_case.html", context)


def _case_action(request: HttpRequest, case: Case, action: str) -> HttpResponse:
    form: PortalForm
    try:
        if action == "reply":
            form = ReplyForm(request.POST, request.FILES)
            if form.is_valid():
                submission_provide_info(
                    case=case,
                    text=form.cleaned_data["text"],
                    attachments=form.cleaned_data["attachments"],
                )
                messages.success(request, _("Đã gửi thông tin bổ sung. Cảm ơn bạn."))
                return redirect(_track_url(case.submission.tracking_code))
        elif action == "rate":
            form = RatingForm(request.POST)
            if form.is_valid():
                score = form.cleaned_data["score"]
                if score is None:
                    form.add_error("score", _("Vui lòng chọn mức độ hài lòng từ 1 đến 5."))
                else:
                    submission_rate(case=case, score=score, comment=form.cleaned_data["comment"])
                    messages.success(request, _("Cảm ơn bạn đã đánh giá câu trả lời."))
                    return redirect(_track_url(case.submission.tracking_code))
        elif action == "dispute":
            form = DisputeForm(request.POST)
            if form.is_valid():
                submission_dispute(case=case, reason=form.cleaned_data["reason"])
                messages.success(
                    request,
                    _("Đã ghi nhận ý kiến của bạn. Phản ánh được mở lại để cơ quan xử lý tiếp."),
                )
                return redirect(_track_url(case.submission.tracking_code))
        elif action == "forget":
            access.forget(request, case.submission.tracking_code)
            messages.success(request, _("Đã xoá quyền xem phản ánh này trên thiết bị này."))
            return redirect("portal:track")
        else:
            return redirect(_track_url(case.submission.tracking_code))
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
    except IllegalTransition as exc:
        messages.error(request, exc.message)
        return redirect(_track_url(case.submission.tracking_code))
    return _case_page(request, case, files_dropped=bool(request.FILES), **{action: form})


# --------------------------------------------------------------------------------------------
# Published answers

PAGE_SIZE = 20


def _published_filters(request: HttpRequest) -> tuple[PublishedFilterForm, dict[str, Any]]:
    form = PublishedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, data


def _search(data: dict[str, Any]) -> Any:
    return search_published(
        q=data.get("q") or "",
        field_id=data.get("field"),
        province_id=data.get("province"),
        kind=data.get("kind") or "",
        agency_id=data.get("agency"),
        since=data.get("since"),
        until=data.get("until"),
    )


def published_list(request: HttpRequest) -> HttpResponse:
    form, data = _published_filters(request)
    cases = _search(data)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    # The list is the default and works without JavaScript; the map is a second view of the
    # same filters, drawn from ``published_map``.
    view = "map" if request.GET.get("view") == "map" else "list"
    context: dict[str, Any] = {
        "form": form,
        "query": query.urlencode(),
        "filtered": any(data.values()),
        "view": view,
    }
    if view == "map":
        context["map_url"] = f"{reverse('portal:published_map')}?{query.urlencode()}"
    else:
        page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        # A search ranks only the newest RANK_WINDOW matches: say so when there were more.
        context["rank_window"] = (
            number_format(RANK_WINDOW, force_grouping=True)
            if data.get("q") and page.paginator.count >= RANK_WINDOW
            else None
        )
    return render(request, "portal/published_list.html", context)


@require_GET
def published_map(request: HttpRequest) -> JsonResponse:
    """Clusters of the published answers that have a public place, with the list's filters."""
    _form, data = _published_filters(request)
    zoom = request.GET.get("zoom", "6")
    bbox = None
    if request.GET.get("bbox"):
        try:
            bbox = parse_bbox(request.GET["bbox"])
        except ValueError:
            return JsonResponse(
                {
                    "code": "invalid_bbox",
                    "message": _(
                        "Vùng bản đồ không hợp lệ: cần 4 số “kinh độ nhỏ nhất, vĩ độ nhỏ nhất, "
                        "kinh độ lớn nhất, vĩ độ lớn nhất”."
                    ),
                },
                status=422,
            )
    return JsonResponse(
        published_clusters(cases=_search(data), zoom=int(zoom) if zoom.isdigit() else 6, bbox=bbox)
    )


def published_detail(request: HttpRequest, tracking_code: str) -> HttpResponse:
    try:
        code = normalize_tracking_code(tracking_code)
    except InvalidTrackingCode:
        raise Http404 from None
    case = published_cases().filter(submission__tracking_code=code).first()
    if case is None:
        raise Http404
    return render(
        request,
        "portal/published_detail.html",
        {
            "case": case,
            "code": format_tracking_code(code),
            "answer": approved_answer(case),
            "point": public_location(case_id=case.pk),
            "point_radius": PUBLIC_RADIUS_M,
        },
    )
