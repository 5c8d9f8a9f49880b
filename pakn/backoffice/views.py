"""Agency back office: thin views that parse input, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pakn.accounts import lockout
from pakn.accounts.models import Agency, Role, User
from pakn.accounts.roles import role_map
from pakn.cases import services
from pakn.cases.models import AnswerAttachment, Case, CoordinationRequest, Outcome
from pakn.cases.publication import public_answer, redacted_kinds_label
from pakn.cases.rules import allowed_from, available_actions, can_act
from pakn.core.errors import DomainError, IllegalTransition, PermissionDenied, ValidationFailed
from pakn.core.paging import SEARCH_COUNT_CAP, CappedPaginator
from pakn.core.redact import redact_personal_data
from pakn.core.tracking import format_tracking_code
from pakn.federation import selectors as federation_selectors
from pakn.intelligence import moderation
from pakn.intelligence import services as intelligence_services
from pakn.submissions.models import Attachment

from . import access, case_log, selectors
from .access import officer_required
from .chrome import chrome, page_scope
from .forms import (
    ACTION_FORMS,
    ActionForm,
    AgencyReviewForm,
    BulkForm,
    CoordinationResponseForm,
    DraftAnswerForm,
    DuplicateReviewForm,
    InboxFilterForm,
)

# Where each action's form sits on the case screen.
PRIMARY = ("accept", "assign", "request_info", "approve_answer", "return_answer", "publish")
SECONDARY = ("note", "progress", "coordinate", "extend")
STATUS_FOR_ERROR = {ValidationFailed: 422, IllegalTransition: 409, PermissionDenied: 403}


# --------------------------------------------------------------------------------------------
# Logging in


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("Tên đăng nhập, email hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": gettext_lazy("Tài khoản này đã bị khoá."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and lockout.is_locked(username):
            raise forms.ValidationError(
                _("Đăng nhập sai quá nhiều lần; tài khoản tạm khoá 15 phút."), code="locked"
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("backoffice:inbox")


class LogoutView(auth_views.LogoutView):
    next_page = "backoffice:login"


@require_POST
@officer_required
def switch_agency(request: HttpRequest) -> HttpResponse:
    try:
        agency_id = int(request.POST.get("agency", ""))
    except ValueError:
        agency_id = 0
    if not access.set_current_agency(request, agency_id):
        messages.error(request, _("Bạn không có vai trò tại cơ quan này."))
    return redirect(_safe_next(request) or reverse("backoffice:inbox"))


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/backoffice/") and not nxt.startswith("//") else ""


# --------------------------------------------------------------------------------------------
# Inbox


@require_GET
@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    scope = page_scope(request)
    now = timezone.now()
    queues = scope.queues()
    # A reader's natural view is everything in the subtree; a worker starts at their first queue.
    default_queue = "all" if scope.subtree or not queues else queues[0].key
    queue = request.GET.get("queue", default_queue)
    if queue not in {q.key for q in queues}:
        queue = default_queue
    form = InboxFilterForm(
        request.GET or None,
        fields=selectors.inbox_field_choices(),
        provinces=selectors.inbox_province_choices(),
    )
    filters = form.filters()
    cases = selectors.apply_filters(selectors.queue_cases(scope, queue, now), filters, now)
    paginator = CappedPaginator(
        selectors.inbox_rows(cases),
        form.page_size(),
        cap=SEARCH_COUNT_CAP if filters.q else None,
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "code": format_tracking_code(case.submission.tracking_code),
            "badge": selectors.deadline_badge(case, now),
            "duplicate": selectors.has_duplicate_suggestion(case),
        }
        for case in page.object_list
    ]
    counts = selectors.queue_counts(scope, now)
    can_bulk = _can_bulk(request, scope)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/inbox.html",
        chrome(
            request,
            scope,
            queue=queue,
            queues=[(q, counts.get(q.key, 0)) for q in queues],
            form=form,
            page=page,
            rows=rows,
            querystring=query.urlencode(),
            queue_query=_without(request, "queue", "page"),
            bulk_form=BulkForm(agency_id=scope.agency.pk if scope.agency else None)
            if can_bulk
            else None,
        ),
    )


def _can_bulk(request: HttpRequest, scope: selectors.Scope) -> bool:
    """Bulk assign and transfer are screening work: intake and leaders (each case is still
    checked by its service)."""
    return bool(scope.roles & {Role.INTAKE, Role.LEADER}) or role_map(request.user).is_superadmin


def _without(request: HttpRequest, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@require_POST
@officer_required
def bulk(request: HttpRequest) -> HttpResponse:
    scope = page_scope(request)
    user = request.user
    assert isinstance(user, User)
    if not _can_bulk(request, scope):
        return access.refused(request, _("Bạn không có quyền giao hoặc chuyển hồ sơ."))
    form = BulkForm(request.POST, agency_id=scope.agency.pk if scope.agency else None)
    back = _safe_next(request) or reverse("backoffice:inbox")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    d = form.cleaned_data
    visible = Case.objects.visible_to(user).select_related("submission", "agency")
    cases = {c.pk: c for c in visible.filter(pk__in=d["cases"])}
    done = 0
    for case_id in d["cases"]:
        case = cases.get(case_id)
        if case is None:
            messages.error(request, _("Hồ sơ số %(id)s: không tìm thấy.") % {"id": case_id})
            continue
        try:
            if d["bulk_action"] == "assign":
                services.case_assign(case=case, actor=user, assignee=d["assignee"])
            else:
                services.case_transfer(
                    case=case, actor=user, to_agency=d["to_agency"], reason=d["reason"]
                )
            done += 1
        except DomainError as exc:
            code = format_tracking_code(case.submission.tracking_code)
            messages.error(request, f"{code}: {exc.message}")
    if done:
        messages.success(request, _("Đã xử lý %(n)d hồ sơ.") % {"n": done})
    return redirect(back)


# --------------------------------------------------------------------------------------------
# The case screen


def _action_forms(
    case: Case, user: User, actions: list[str], prefill: dict[str, dict[str, Any]]
) -> dict[str, ActionForm]:
    forms_: dict[str, ActionForm] = {}
    for action in actions:
        form_class = ACTION_FORMS.get(action)
        if form_class is None or not form_class.offered():
            continue
        initial: dict[str, Any] = {}
        if form_class is DraftAnswerForm:
            draft = selectors.working_answer(case)
            if draft is not None:
                initial = {
                    "outcome": draft.outcome,
                    "text": draft.text,
                    "signer_name": draft.signer_name,
                }
        initial.update(prefill.get(action, {}))
        forms_[action] = form_class(case=case, user=user, initial=initial)
    return forms_


def _preview(case: Case, *, outcome: str, text: str, signer: str, draft: bool) -> dict[str, Any]:
    """The publish preview shows the answer exactly as the public will (public_answer), and
    which kinds of personal data were hidden so the officer can reword rather than be surprised."""
    answer = public_answer(text=text)
    return {
        "title": case.public_title or redact_personal_data(case.submission.title),
        "body": case.public_body or redact_personal_data(case.submission.body),
        "outcome": outcome,
        "text": answer.text,
        "hidden": redacted_kinds_label(answer),
        "signer": signer,
        "draft": draft,
    }


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    bound: ActionForm | None = None,
    error: str = "",
    preview: dict[str, Any] | None = None,
    status: int = 200,
    agency_form: AgencyReviewForm | None = None,
    duplicate_form: DuplicateReviewForm | None = None,
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    actions = available_actions(user, case)
    prefill: dict[str, dict[str, Any]] = {}
    merge_into = request.GET.get("merge_into", "")
    if merge_into.isdigit():
        # "Gộp" next to a suggested duplicate opens the merge form already filled in.
        prefill["merge"] = {"into": merge_into}
    action_forms = _action_forms(case, user, actions, prefill)
    if bound is not None:
        action_forms[bound.action] = bound
    suggestions = selectors.suggestion_lists(case)
    # A suggested duplicate this officer may not open is not shown at all: not even that it
    # exists (it may belong to another agency).
    duplicate_cases = selectors.duplicate_cases(user, suggestions.get("duplicates", []))
    if "duplicates" in suggestions:
        suggestions["duplicates"] = [
            d for d in suggestions["duplicates"] if d.get("case_id") in duplicate_cases
        ]
        if not suggestions["duplicates"]:
            del suggestions["duplicates"]
    review = _suggestion_context(case, user, suggestions, agency_form, duplicate_form)
    answers = list(selectors.case_answers(case))
    approved = next((a for a in answers if a.status == "approved"), None)
    working = selectors.working_answer(case)
    if preview is None:
        shown = approved or working
        preview = _preview(
            case,
            outcome=str(shown.get_outcome_display()) if shown else "",
            text=shown.text if shown else "",
            signer=shown.signer_name if shown else "",
            draft=shown is not None and shown is not approved,
        )
    events = list(selectors.case_timeline(case))
    forwarding = federation_selectors.forwarding_for(case)
    scope = page_scope(request)
    return render(
        request,
        "backoffice/case.html",
        chrome(
            request,
            scope,
            case=case,
            submission=case.submission,
            code=format_tracking_code(case.submission.tracking_code),
            badge=selectors.deadline_badge(case, timezone.now()),
            attachments=list(case.submission.attachments.all()),
            log=case_log.log_lines(events),
            forwarding=forwarding,
            forwarding_failed=forwarding is not None
            and federation_selectors.forward_failed(forwarding),
            notes=[e for e in events if e.action in ("note", "progress")],
            info_requests=list(case.info_requests.select_related("requested_by")),
            coordinations=list(case.coordinations.select_related("agency", "responded_by")),
            coordination_forms=[
                (r, CoordinationResponseForm(prefix=f"coord-{r.pk}"))
                for r in selectors.open_coordination_for(user, case)
            ],
            suggestions=suggestions,
            duplicate_cases=duplicate_cases,
            **review,
            answers=answers,
            preview=preview,
            primary=[action_forms[a] for a in PRIMARY if a in action_forms],
            answer_form=action_forms.get("draft_answer"),
            secondary=[action_forms[a] for a in SECONDARY if a in action_forms],
            other=[
                f
                for a, f in action_forms.items()
                if a not in PRIMARY and a not in SECONDARY and a != "draft_answer"
            ],
            bound_action=bound.action if bound is not None else "",
            error=error,
            read_only=not actions,
            can_label=can_act(user, "note", case),
            can_merge="merge" in actions,
            merge_into=merge_into,
        ),
        status=status,
    )


def _suggestion_context(
    case: Case,
    user: User,
    suggestions: dict[str, list[dict[str, Any]]],
    agency_form: AgencyReviewForm | None,
    duplicate_form: DuplicateReviewForm | None,
) -> dict[str, Any]:
    """What the suggestion section needs: which suggestions are unsure, the ids behind the
    "choose this" buttons (added to the items), and the forms that answer the agency and
    duplicate suggestions."""
    ids = selectors.suggested_ids(suggestions)
    for key in ("field", "agency"):
        if key in suggestions:
            suggestions[key] = [
                {**item, "choice_id": ids[key].get(str(item.get("label")))}
                for item in suggestions[key]
            ]
    if agency_form is None:
        top = (suggestions.get("agency") or [{}])[0]
        agency_form = AgencyReviewForm(
            initial={"agency": ids["agency"].get(str(top.get("label")), case.agency_id)}
        )
    low = {
        key
        for key in ("kind", "field", "agency")
        if isinstance((suggestions.get(key) or [{}])[0].get("confidence"), int | float)
        and suggestions[key][0]["confidence"] < settings.PAKN_AI_LOW_CONFIDENCE
    }
    return {
        "suggested_ids": ids,
        "low_confidence": low,
        # Role and state: a closed case shows its suggestions without the forms.
        "can_review": can_act(user, "classify", case) and case.status in allowed_from("classify"),
        "agency_form": agency_form,
        "duplicate_form": duplicate_form,
    }


@require_GET
@officer_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access.visible_case_or_404(request.user, case_id)
    return _case_page(request, case)


@require_POST
@officer_required
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    case = access.visible_case_or_404(user, case_id)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    if not can_act(user, action, case):
        # Readers (supervisors, coordinating agencies) see the case but never act on it.
        return access.refused(request, _("Bạn chỉ được xem hồ sơ này, không được xử lý."))
    form = form_class(request.POST, request.FILES, case=case, user=user)
    if not form.is_valid():
        return _case_page(
            request,
            case,
            bound=form,
            error=_("Vui lòng kiểm tra lại các ô được đánh dấu."),
            status=422,
        )
    if isinstance(form, DraftAnswerForm) and "preview" in request.POST:
        d = form.cleaned_data
        return _case_page(
            request,
            case,
            bound=form,
            preview=_preview(
                case,
                outcome=str(Outcome(d["outcome"]).label),
                text=d["text"],
                signer=d["signer_name"],
                draft=True,
            ),
        )
    try:
        form.perform()
    except DomainError as exc:
        for name, message in exc.fields.items():
            if name in form.fields:
                form.add_error(name, message)
        return _case_page(
            request,
            case,
            bound=form,
            error=exc.message,
            status=STATUS_FOR_ERROR.get(type(exc), 400),
        )
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": form.title})
    if not access.can_see_case(user, case.pk):
        # A transfer (or forward) moves the case out of the officer's agencies: its page would
        # now be a 404, so the inbox is where the work continues.
        messages.info(
            request,
            _("Hồ sơ %(code)s đã chuyển khỏi phạm vi của bạn.")
            % {"code": format_tracking_code(case.submission.tracking_code)},
        )
        return HttpResponseRedirect(reverse("backoffice:inbox"))
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))


@require_POST
@officer_required
def coordination_respond(request: HttpRequest, case_id: int, request_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    case = access.visible_case_or_404(user, case_id)
    coordination = CoordinationRequest.objects.filter(case=case, pk=request_id).first()
    if coordination is None:
        raise Http404
    form = CoordinationResponseForm(request.POST, prefix=f"coord-{coordination.pk}")
    if form.is_valid():
        try:
            services.coordination_respond(
                request=coordination, actor=user, response=form.cleaned_data["response"]
            )
        except PermissionDenied as exc:
            return access.refused(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã gửi ý kiến phối hợp."))
    else:
        messages.error(request, _("Vui lòng nhập ý kiến phối hợp."))
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))


@require_GET
@officer_required
def attachment(request: HttpRequest, case_id: int, kind: str, file_id: int) -> HttpResponseBase:
    """A file of a case, to the officers who may see the case (never by its storage URL)."""
    case = access.visible_case_or_404(request.user, case_id)
    item: Attachment | AnswerAttachment | None
    if kind not in ("submission", "answer"):
        raise Http404
    if kind == "submission":
        item = Attachment.objects.filter(submission_id=case.submission_id, pk=file_id).first()
    else:
        item = AnswerAttachment.objects.filter(answer__case=case, pk=file_id).first()
    if item is None or not item.file:
        raise Http404
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name,
        content_type=item.content_type,
    )


@require_POST
@officer_required
def moderation_label(request: HttpRequest, case_id: int) -> HttpResponse:
    """An officer confirms or dismisses a moderation flag: a label the model learns from."""
    user = request.user
    assert isinstance(user, User)
    case = access.visible_case_or_404(user, case_id)
    if not can_act(user, "note", case):
        return access.refused(request, _("Bạn chỉ được xem hồ sơ này, không được xử lý."))
    flag = request.POST.get("flag", "")
    confirmed = request.POST.get("verdict") == "confirm"
    if flag not in moderation.LABELS:
        messages.error(request, _("Cảnh báo không hợp lệ."))
    elif request.POST.get("confirm") != "on":
        messages.error(request, _("Vui lòng đánh dấu ô xác nhận."))
    else:
        moderation.moderation_label_record(
            text=f"{case.submission.title}\n{case.submission.body}",
            label=flag if confirmed else moderation.OK,
            decided_by=user,
            case=case,
        )
        messages.success(request, _("Đã ghi nhận đánh giá của bạn để AI học thêm."))
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))


@require_POST
@officer_required
def review_agency(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """Accept the AI's competent agency, or correct it: either way a label the AI learns from."""
    user = request.user
    assert isinstance(user, User)
    case = access.visible_case_or_404(user, case_id)
    if not can_act(user, "classify", case):
        return access.refused(request, _("Bạn chỉ được xem hồ sơ này, không được xử lý."))
    form = AgencyReviewForm(request.POST)
    if not form.is_valid():
        return _case_page(
            request, case, agency_form=form, error=_("Vui lòng kiểm tra lại các ô được đánh dấu."),
            status=422,
        )  # fmt: skip
    try:
        case = services.case_review_agency(
            case=case, actor=user, agency=form.cleaned_data["agency"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except PermissionDenied as exc:
        return access.refused(request, exc.message)
    except DomainError as exc:
        return _case_page(
            request, case, agency_form=form, error=exc.message,
            status=STATUS_FOR_ERROR.get(type(exc), 400),
        )  # fmt: skip
    messages.success(request, _("Đã ghi nhận cơ quan có thẩm quyền; AI sẽ học từ lựa chọn này."))
    return _back_to(user, case)


@require_POST
@officer_required
def review_duplicate(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """Merge into a suggested duplicate or dismiss it: either way a label on the pair."""
    user = request.user
    assert isinstance(user, User)
    case = access.visible_case_or_404(user, case_id)
    if not can_act(user, "classify", case):
        return access.refused(request, _("Bạn chỉ được xem hồ sơ này, không được xử lý."))
    form = DuplicateReviewForm(request.POST)
    other = None
    if form.is_valid():
        other = Case.objects.visible_to(user).filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error(None, _("Không tìm thấy hồ sơ được gợi ý là trùng."))
    if other is None:
        return _case_page(
            request, case, duplicate_form=form,
            error=_("Vui lòng kiểm tra lại các ô được đánh dấu."), status=422,
        )  # fmt: skip
    try:
        intelligence_services.duplicate_review(
            case=case, actor=user, other=other,
            is_duplicate=form.cleaned_data["verdict"] == "merge",
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except PermissionDenied as exc:
        return access.refused(request, exc.message)
    except DomainError as exc:
        return _case_page(
            request, case, duplicate_form=form, error=exc.message,
            status=STATUS_FOR_ERROR.get(type(exc), 400),
        )  # fmt: skip
    if form.cleaned_data["verdict"] == "merge":
        messages.success(request, _("Đã gộp hồ sơ; AI ghi nhận đây là cặp trùng lặp."))
    else:
        messages.success(request, _("Đã ghi nhận: không trùng lặp. AI sẽ học từ đánh giá này."))
    return _back_to(user, case)


def _back_to(user: User, case: Case) -> HttpResponseRedirect:
    """The case again, or the inbox when the case left the officer's sight (transferred)."""
    if Case.objects.visible_to(user).filter(pk=case.pk).exists():
        return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))
    return HttpResponseRedirect(reverse("backoffice:inbox"))


# --------------------------------------------------------------------------------------------
# Leader and supervisor


@require_GET
@officer_required
def approvals(request: HttpRequest) -> HttpResponse:
    scope = page_scope(request)
    if scope.agency is None or Role.LEADER not in scope.roles:
        return access.refused(request, _("Trang này dành cho lãnh đạo cơ quan."))
    user = request.user
    assert isinstance(user, User)
    items = [
        {
            "case": case,
            "answer": answer,
            "code": format_tracking_code(case.submission.tracking_code),
            "badge": selectors.deadline_badge(case, timezone.now()),
        }
        for case, answer in selectors.approvals(scope.agency.pk)
    ]
    return render(request, "backoffice/approvals.html", chrome(request, scope, items=items))


@require_GET
@officer_required
def team(request: HttpRequest) -> HttpResponse:
    scope = page_scope(request)
    if scope.agency is None or Role.LEADER not in scope.roles:
        return access.refused(request, _("Trang này dành cho lãnh đạo cơ quan."))
    workload = selectors.team_workload(scope.agency.pk, timezone.now())
    return render(request, "backoffice/team.html", chrome(request, scope, workload=workload))


@require_GET
@officer_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    scope = page_scope(request)
    supervised = selectors.supervised_agencies(user)
    if not supervised:
        return access.refused(request, _("Trang này dành cho cán bộ giám sát."))
    agency = supervised[0]
    wanted = request.GET.get("agency", "")
    if wanted.isdigit():
        chosen = Agency.objects.filter(pk=int(wanted)).first()
        if chosen is not None and any(chosen.is_within(a) for a in supervised):
            agency = chosen
        else:
            raise Http404
    now = timezone.now()
    return render(
        request,
        "backoffice/overview.html",
        chrome(
            request,
            scope,
            agency=agency,
            supervised=supervised,
            statuses=selectors.status_counts(agency),
            overdue=[
                {
                    "case": c,
                    "code": format_tracking_code(c.submission.tracking_code),
                    "badge": selectors.deadline_badge(c, now),
                }
                for c in selectors.overdue_cases(agency, now)
            ],
            rates=selectors.on_time_rates(agency, now),
        ),
    )
