"""One form per workflow action. A form only parses what the officer typed; its ``perform``
calls the one service that does the work (and checks role and state)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from pakn.accounts.models import Agency, User
from pakn.cases import services
from pakn.cases.models import Case, Outcome, Status
from pakn.core.redact import redact_personal_data
from pakn.core.tracking import InvalidTrackingCode, normalize_tracking_code
from pakn.core.widgets import FastSelect, FastSelectMultiple
from pakn.federation import selectors as federation_selectors
from pakn.federation.models import Peer
from pakn.federation.services import peer_forward_case
from pakn.geo.bbox import Bbox, parse_bbox
from pakn.submissions.models import Channel, Kind
from pakn.taxonomy.models import Field

from . import selectors

CONFIRM_LABEL = _("Tôi đã kiểm tra và xác nhận thao tác này")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; content, size and count are checked by the service."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]


class ActionForm(forms.Form):
    """Base of the action forms: a confirmation box on every transition that is not a note."""

    action: ClassVar[str]
    title: ClassVar[Any]
    button: ClassVar[Any]
    accesskey: ClassVar[str] = ""
    danger: ClassVar[bool] = False
    needs_confirm: ClassVar[bool] = True

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        if self.needs_confirm:
            self.fields["confirm"] = forms.BooleanField(
                label=CONFIRM_LABEL,
                required=True,
                error_messages={"required": _("Vui lòng đánh dấu ô xác nhận.")},
            )

    @classmethod
    def offered(cls) -> bool:
        """Whether the case screen shows this form at all (beyond role and state)."""
        return True

    def perform(self) -> Any:
        raise NotImplementedError


def _reason(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập nội dung này.")},
    )


class AcceptForm(ActionForm):
    action, title, button, accesskey = "accept", _("Tiếp nhận"), _("Tiếp nhận hồ sơ"), "t"
    note = _reason(_("Ghi chú (không bắt buộc)"), required=False)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_accept(case=self.case, actor=self.user, note=d["note"])


class ReturnForm(ActionForm):
    action, title, button, danger = "return", _("Trả lại, hướng dẫn"), _("Trả lại"), True
    reason = _reason(_("Hướng dẫn cho người gửi (nơi có thẩm quyền, lý do)"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_return(case=self.case, actor=self.user, reason=d["reason"])


class RejectForm(ActionForm):
    action, title, button, danger = "reject", _("Từ chối"), _("Từ chối hồ sơ"), True
    reason = _reason(_("Lý do từ chối (nội dung vi phạm)"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_reject(case=self.case, actor=self.user, reason=d["reason"])


class MergeForm(ActionForm):
    action, title, button, danger = "merge", _("Gộp hồ sơ trùng"), _("Gộp vào hồ sơ chính"), True
    into = forms.CharField(
        label=_("Mã tra cứu hoặc số hồ sơ chính"),
        max_length=20,
        error_messages={"required": _("Vui lòng nhập mã hồ sơ chính.")},
    )
    reason = _reason(_("Lý do (không bắt buộc)"), required=False)

    def clean_into(self) -> Case:
        value = self.cleaned_data["into"].strip()
        cases = Case.objects.visible_to(self.user)
        found = None
        if value.isdigit():
            found = cases.filter(pk=int(value)).first()
        if found is None:
            try:
                code = normalize_tracking_code(value)
            except InvalidTrackingCode as exc:
                raise ValidationError(str(exc)) from None
            found = cases.filter(submission__tracking_code=code).first()
        if found is None:
            raise ValidationError(_("Không tìm thấy hồ sơ chính."))
        return found

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_merge(
            case=self.case, actor=self.user, into=d["into"], reason=d["reason"]
        )


class AgencyChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    # Django's own empty label ("- Select an option -") has no Vietnamese translation.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("— Chọn cơ quan —"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return "— " * max(obj.depth - 1, 0) + str(obj.short_name or obj.name)


def _offer_agencies(field: forms.Field, *, exclude_id: int | None = None) -> None:
    """Show ``transfer_targets(exclude_id)`` from the per-process option list instead of one
    model instance and one template per agency; the field's queryset still checks the choice."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = selectors.transfer_targets(exclude_id=exclude_id)
    empty = None if field.empty_label is None else str(field.empty_label)
    options = selectors.agency_options(
        empty_label=empty, indented=isinstance(field, AgencyChoiceField)
    )
    field.widget.choices = options if exclude_id is None else options.without(exclude_id)


class TransferForm(ActionForm):
    action, title, button = "transfer", _("Chuyển cơ quan có thẩm quyền"), _("Chuyển hồ sơ")
    to_agency = AgencyChoiceField(
        label=_("Cơ quan nhận"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Vui lòng chọn cơ quan nhận.")},
    )
    reason = _reason(_("Lý do chuyển"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_agencies(self.fields["to_agency"], exclude_id=self.case.agency_id)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_transfer(
            case=self.case, actor=self.user, to_agency=d["to_agency"], reason=d["reason"]
        )


class ForwardForm(ActionForm):
    action, title, button = (
        "forward",
        _("Chuyển hệ thống PAKN khác (liên thông)"),
        _("Chuyển liên thông"),
    )
    peer = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Hệ thống nhận"),
        queryset=Peer.objects.none(),
        empty_label=_("— Chọn hệ thống —"),
        error_messages={"required": _("Vui lòng chọn hệ thống nhận.")},
    )
    reason = _reason(_("Lý do chuyển"))

    @classmethod
    def offered(cls) -> bool:
        """Shown only where at least one peer is configured."""
        return federation_selectors.active_peers().exists()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["peer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = federation_selectors.active_peers()

    def perform(self) -> Any:
        d = self.cleaned_data
        return peer_forward_case(
            case=self.case, actor=self.user, peer=d["peer"], reason=d["reason"]
        )


class RequestInfoForm(ActionForm):
    action, title, button, accesskey = (
        "request_info",
        _("Yêu cầu bổ sung thông tin"),
        _("Gửi yêu cầu bổ sung"),
        "b",
    )
    question = _reason(_("Nội dung cần người gửi bổ sung"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_request_info(case=self.case, actor=self.user, question=d["question"])


class OfficerChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("— Chọn cán bộ —"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name()


class AssignForm(ActionForm):
    action, title, button, accesskey = "assign", _("Giao xử lý"), _("Giao hồ sơ"), "g"
    needs_confirm = False
    assignee = OfficerChoiceField(
        label=_("Cán bộ xử lý"),
        queryset=User.objects.none(),
        error_messages={"required": _("Vui lòng chọn cán bộ.")},
    )
    note = _reason(_("Ghi chú (không bắt buộc)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.assignable_officers(self.case.agency_id)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_assign(
            case=self.case, actor=self.user, assignee=d["assignee"], note=d["note"]
        )


class CoordinateForm(ActionForm):
    action, title, button = "coordinate", _("Đề nghị phối hợp"), _("Gửi đề nghị phối hợp")
    needs_confirm = False
    agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.none(),
        widget=FastSelectMultiple(attrs={"size": 6}),
        error_messages={"required": _("Chọn ít nhất một cơ quan phối hợp.")},
    )
    question = _reason(_("Nội dung đề nghị phối hợp"))
    days = forms.IntegerField(label=_("Hạn phối hợp (ngày làm việc)"), min_value=1, max_value=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = 5
        _offer_agencies(self.fields["agencies"], exclude_id=self.case.agency_id)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_coordinate(
            case=self.case,
            actor=self.user,
            agencies=list(d["agencies"]),
            question=d["question"],
            days=d["days"],
        )


class NoteForm(ActionForm):
    action, title, button, accesskey = "note", _("Ghi chú nội bộ"), _("Lưu ghi chú"), "c"
    needs_confirm = False
    text = _reason(_("Ghi chú (chỉ cán bộ xem được)"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_note(case=self.case, actor=self.user, text=d["text"])


class ProgressForm(ActionForm):
    action, title, button = "progress", _("Cập nhật tiến độ"), _("Gửi cập nhật tiến độ")
    needs_confirm = False
    text = _reason(_("Tiến độ (người gửi xem được)"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_note(case=self.case, actor=self.user, text=d["text"], progress=True)


class DraftAnswerForm(ActionForm):
    action, title, button, accesskey = (
        "draft_answer",
        _("Dự thảo trả lời"),
        _("Trình lãnh đạo duyệt"),
        "d",
    )
    needs_confirm = False
    outcome = forms.ChoiceField(
        widget=FastSelect,
        label=_("Kết quả"),
        choices=[("", "—"), *Outcome.choices],
        error_messages={"required": _("Vui lòng chọn kết quả trả lời.")},
    )
    text = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Vui lòng nhập nội dung trả lời.")},
    )
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    attachments = MultipleFileField(
        label=_("Văn bản, tài liệu kèm theo"),
        required=False,
        widget=MultipleFileInput(attrs={"multiple": True}),
    )

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_draft_answer(
            case=self.case,
            actor=self.user,
            outcome=d["outcome"],
            text=d["text"],
            signer_name=d["signer_name"],
            submit=self.data.get(self.add_prefix("submit"), "1") != "0",
            attachments=d["attachments"],
        )


class ApproveAnswerForm(ActionForm):
    action, title, button, accesskey = (
        "approve_answer",
        _("Duyệt trả lời"),
        _("Duyệt và gửi trả lời"),
        "y",
    )
    note = _reason(_("Ý kiến (không bắt buộc)"), required=False)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_approve_answer(case=self.case, actor=self.user, note=d["note"])


class ReturnAnswerForm(ActionForm):
    action, title, button, accesskey = (
        "return_answer",
        _("Trả lại dự thảo"),
        _("Trả lại để sửa"),
        "r",
    )
    needs_confirm = False
    comment = _reason(_("Ý kiến chỉnh sửa"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_return_answer(case=self.case, actor=self.user, comment=d["comment"])


class PublishForm(ActionForm):
    action, title, button, accesskey = "publish", _("Công khai"), _("Công khai trả lời"), "p"
    public_title = forms.CharField(label=_("Tiêu đề công khai"), max_length=250, required=False)
    public_body = forms.CharField(
        label=_("Nội dung công khai (đã ẩn thông tin cá nhân)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        submission = self.case.submission
        self.fields["public_title"].initial = redact_personal_data(submission.title)
        self.fields["public_body"].initial = redact_personal_data(submission.body)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_publish(
            case=self.case,
            actor=self.user,
            public_title=d["public_title"],
            public_body=d["public_body"],
        )


class CloseForm(ActionForm):
    action, title, button = "close", _("Đóng hồ sơ"), _("Đóng hồ sơ")
    reason = _reason(_("Ghi chú (không bắt buộc)"), required=False)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_close(case=self.case, actor=self.user, reason=d["reason"])


class ReopenForm(ActionForm):
    action, title, button, danger = "reopen", _("Mở lại hồ sơ"), _("Mở lại"), True
    reason = _reason(_("Lý do mở lại"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_reopen(case=self.case, actor=self.user, reason=d["reason"])


class ExtendForm(ActionForm):
    action, title, button = "extend", _("Gia hạn xử lý"), _("Gia hạn")
    days = forms.IntegerField(
        label=_("Số ngày làm việc gia hạn"),
        min_value=1,
        max_value=60,
        error_messages={"required": _("Vui lòng nhập số ngày.")},
    )
    reason = _reason(_("Lý do gia hạn"))

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_extend(
            case=self.case, actor=self.user, reason=d["reason"], days=d["days"]
        )


class ClassifyForm(ActionForm):
    """Confirm or correct kind and field; the case becomes a training example for the AI."""

    action, title, button = "classify", _("Phân loại"), _("Lưu phân loại")
    needs_confirm = False
    kind = forms.ChoiceField(widget=FastSelect, label=_("Loại"), choices=Kind.choices)
    field = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Lĩnh vực"),
        queryset=Field.objects.active(),
        required=False,
        empty_label=_("— Giữ nguyên —"),
    )

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"kind": case.submission.kind, "field": case.submission.field_id}
        )
        super().__init__(*args, case=case, user=user, **kwargs)

    def perform(self) -> Any:
        d = self.cleaned_data
        return services.case_classify(
            case=self.case,
            actor=self.user,
            kind=d["kind"],
            field_id=d["field"].pk if d["field"] else None,
        )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        AssignForm,
        RequestInfoForm,
        DraftAnswerForm,
        ApproveAnswerForm,
        ReturnAnswerForm,
        PublishForm,
        NoteForm,
        ProgressForm,
        CoordinateForm,
        ExtendForm,
        TransferForm,
        ForwardForm,
        MergeForm,
        ReturnForm,
        RejectForm,
        CloseForm,
        ReopenForm,
        ClassifyForm,
    )
}


class CoordinationResponseForm(forms.Form):
    response = _reason(_("Ý kiến phối hợp"))


# --------------------------------------------------------------------------------------------
# Inbox


PAGE_SIZES = (10, 25, 50, 100)


class BboxField(forms.CharField):
    """``minLng,minLat,maxLng,maxLat`` as the dashboard's hot-spot map links it."""

    def to_python(self, value: Any) -> Bbox | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_bbox(text)
        except ValueError:
            raise forms.ValidationError(
                _(
                    "Vùng bản đồ không hợp lệ: cần 4 số “kinh độ nhỏ nhất, vĩ độ nhỏ nhất, "
                    "kinh độ lớn nhất, vĩ độ lớn nhất”."
                )
            ) from None


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm (không cần dấu)"), required=False, max_length=200)
    status = forms.ChoiceField(
        widget=FastSelect,
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *Status.choices],
    )
    kind = forms.ChoiceField(
        widget=FastSelect,
        label=_("Loại"),
        required=False,
        choices=[("", _("Tất cả")), *Kind.choices],
    )
    field = forms.TypedChoiceField(
        widget=FastSelect, label=_("Lĩnh vực"), required=False, coerce=int, empty_value=None
    )
    province = forms.TypedChoiceField(
        widget=FastSelect, label=_("Địa bàn"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        widget=FastSelect,
        label=_("Kênh"),
        required=False,
        choices=[("", _("Tất cả")), *Channel.choices],
    )
    received_from = forms.DateField(
        label=_("Nhận từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.ChoiceField(
        widget=FastSelect,
        label=_("Thời hạn"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("overdue", _("Quá hạn")),
            ("due_soon", _("Sắp đến hạn")),
            ("on_track", _("Còn hạn")),
            ("paused", _("Tạm dừng (chờ bổ sung)")),
        ],
    )
    duplicates = forms.BooleanField(label=_("Có gợi ý trùng lặp"), required=False)
    sort = forms.ChoiceField(
        widget=FastSelect,
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("-received", _("Mới nhận trước")),
            ("received", _("Cũ nhất trước")),
            ("due", _("Hạn gần nhất trước")),
            ("-due", _("Hạn xa nhất trước")),
            ("status", _("Theo trạng thái")),
            ("-updated", _("Mới cập nhật")),
        ],
    )
    agency = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    bbox = BboxField(label=_("Vùng trên bản đồ"), required=False, widget=forms.HiddenInput)
    size = forms.TypedChoiceField(
        widget=FastSelect,
        label=_("Số dòng mỗi trang"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    def __init__(
        self,
        *args: Any,
        fields: list[tuple[int, str]],
        provinces: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field_choice = self.fields["field"]
        province_choice = self.fields["province"]
        assert isinstance(field_choice, forms.ChoiceField)
        assert isinstance(province_choice, forms.ChoiceField)
        field_choice.choices = [("", _("Tất cả")), *fields]
        province_choice.choices = [("", _("Tất cả")), *provinces]

    def filters(self) -> selectors.InboxFilters:
        d = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return selectors.InboxFilters(
            status=d.get("status") or "",
            kind=d.get("kind") or "",
            field=d.get("field"),
            province=d.get("province"),
            channel=d.get("channel") or "",
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
            deadline=d.get("deadline") or "",
            duplicates=bool(d.get("duplicates")),
            q=(d.get("q") or "").strip(),
            sort=d.get("sort") or "-received",
            agency=d.get("agency"),
            bbox=d.get("bbox"),
        )

    def page_size(self) -> int:
        d = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return int(d.get("size") or 25)


class BulkForm(forms.Form):
    """Bulk assign or transfer: each selected case goes through the service on its own."""

    bulk_action = forms.ChoiceField(
        widget=FastSelect,
        label=_("Thao tác với hồ sơ đã chọn"),
        choices=[("assign", _("Giao xử lý")), ("transfer", _("Chuyển cơ quan"))],
    )
    cases = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": _("Chưa chọn hồ sơ nào.")},
    )
    assignee = OfficerChoiceField(
        label=_("Cán bộ xử lý"), queryset=User.objects.none(), required=False
    )
    to_agency = AgencyChoiceField(
        label=_("Cơ quan nhận"), queryset=Agency.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Lý do chuyển"), required=False, max_length=2000)

    def __init__(self, *args: Any, agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases_field = self.fields["cases"]
        assert isinstance(cases_field, forms.TypedMultipleChoiceField)
        picked = self.data.getlist("cases") if hasattr(self.data, "getlist") else []
        cases_field.choices = [(v, v) for v in picked]
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        if agency_id is not None:
            assignee.queryset = selectors.assignable_officers(agency_id)
        _offer_agencies(self.fields["to_agency"], exclude_id=agency_id)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("bulk_action") == "assign" and not d.get("assignee"):
            self.add_error("assignee", _("Vui lòng chọn cán bộ."))
        if d.get("bulk_action") == "transfer" and not d.get("to_agency"):
            self.add_error("to_agency", _("Vui lòng chọn cơ quan nhận."))
        return d


# --------------------------------------------------------------------------------------------
# Answers to the AI's suggestions: each one is a label the AI learns from


def _confirm() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONFIRM_LABEL,
        required=True,
        error_messages={"required": _("Vui lòng đánh dấu ô xác nhận.")},
    )


class AgencyReviewForm(forms.Form):
    """Accept the suggested competent agency or choose another (a transfer if not this one)."""

    agency = AgencyChoiceField(
        label=_("Cơ quan có thẩm quyền"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Vui lòng chọn cơ quan.")},
    )
    reason = _reason(_("Lý do (không bắt buộc)"), required=False)
    confirm = _confirm()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "agency_review")
        super().__init__(*args, **kwargs)
        _offer_agencies(self.fields["agency"])


class DuplicateReviewForm(forms.Form):
    """Merge into a suggested duplicate, or say it is not one."""

    VERDICTS = (("merge", _("Đúng là trùng: gộp vào hồ sơ này")), ("dismiss", _("Không trùng")))

    other = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        widget=FastSelect,
        choices=VERDICTS,
        error_messages={"required": _("Vui lòng chọn đánh giá.")},
    )
    reason = forms.CharField(label=_("Lý do (không bắt buộc)"), required=False, max_length=5000)
    confirm = _confirm()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "duplicate_review")
        super().__init__(*args, **kwargs)
