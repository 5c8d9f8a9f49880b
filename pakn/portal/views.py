from __future__ import annotations

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pakn.cases.models import Case, Rating, Status
from pakn.cases.services import (
    IntakeData,
    find_case_for_submitter,
    submission_dispute,
    submission_intake,
    submission_provide_info,
    submission_rate,
)
from pakn.core.errors import IllegalTransition, NotFound, ValidationFailed
from pakn.core.paging import CappedPaginator
from pakn.core.tracking import InvalidTrackingCode, format_tracking_code, normalize_tracking_code
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.submissions.models import Channel, Submission, SubmitterType
from pakn.taxonomy.models import Field

from . import access, ratelimit
from .forms import (
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
from .selectors import headline_figures, published_cases, search_published, similar_published
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


def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _submit_page(request, SubmitForm())
    files_dropped = bool(request.FILES)
    if "choose_province" in request.POST:
        # Without JavaScript the commune list is filled by re-rendering the form for the
        # chosen province; nothing typed is lost, only files must be chosen again.
        initial = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}
        initial.pop("commune", None)
        return _submit_page(request, SubmitForm(initial=initial), files_dropped=files_dropped)
    form = SubmitForm(request.POST, request.FILES)
    if form.honeypot_filled:
        form.add_error(None, _("Không gửi được phản ánh. Vui lòng thử lại."))
        return _submit_page(request, form, files_dropped=files_dropped)
    if not form.is_valid():
        return _submit_page(request, form, files_dropped=files_dropped)
    data = form.cleaned_data
    key = data.get("idempotency_key") or ""
    if not valid_idempotency_key(key):
        key = new_idempotency_key()
    address = ratelimit.client_address(request)
    if ratelimit.exceeded("submit-ip", address, ratelimit.SUBMISSIONS) and not (
        Submission.objects.filter(idempotency_key=f"web:{key}").exists()
    ):
        form.add_error(
            None, _("Bạn đã gửi nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau.")
        )
        return _submit_page(request, form, files_dropped=files_dropped)
    try:
        result = submission_intake(
            data=IntakeData(
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                submitter_name=data["submitter_name"],
                channel=Channel.WEB,
                field_id=data["field"],
                phone=data["phone"],
                email=data["email"],
                submitter_type=data["submitter_type"] or SubmitterType.PERSON,
                organisation_name=data["organisation_name"],
                submitter_address=data["submitter_address"],
                id_number=data["id_number"],
                is_anonymous=data["is_anonymous"],
                consent=data["consent"],
                address=data["address"],
                province_id=data["province"],
                commune_id=data["commune"],
                account=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
                idempotency_key=f"web:{key}",
                attachments=data["attachments"],
            )
        )
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
        return _submit_page(request, form, files_dropped=files_dropped)
    if result.created:
        ratelimit.record("submit-ip", address, ratelimit.SUBMISSION_WINDOW)
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
            "qr_svg": mark_safe(_qr_svg(track_url)),  # noqa: S308
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
    if ratelimit.exceeded("lookup-ip", address, ratelimit.LOOKUP_FAILURES) or ratelimit.exceeded(
        "lookup-code", code_key, ratelimit.LOOKUP_FAILURES
    ):
        form.add_error(None, _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút."))
        return None
    try:
        case = find_case_for_submitter(
            code=data["code"], token=data["token"].strip(), phone=data["phone"]
        )
    except ValidationFailed as exc:
        form.add_service_errors(exc.fields, exc.message)
        return None
    except NotFound:
        ratelimit.record("lookup-ip", address, ratelimit.LOOKUP_WINDOW)
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


def _track_form_page(request: HttpRequest, form: TrackForm, status: int = 200) -> HttpResponse:
    form.describe_errors()
    return render(request, "portal/track_form.html", {"form": form}, status=status)


def _granted_case(request: HttpRequest, code: str) -> Case | None:
    try:
        normalized = normalize_tracking_code(code)
    except InvalidTrackingCode:
        return None
    case_id = access.granted_case_id(request, normalized)
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


def published_list(request: HttpRequest) -> HttpResponse:
    form = PublishedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = search_published(
        q=data.get("q") or "",
        field_id=data.get("field"),
        province_id=data.get("province"),
        kind=data.get("kind") or "",
        agency_id=data.get("agency"),
        since=data.get("since"),
        until=data.get("until"),
    )
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/published_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": any(data.values())},
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
        },
    )
