"""Citizen-facing forms. They parse and render; the services in ``pakn.cases`` decide what is
valid, and their Vietnamese messages are attached back to the fields here."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pakn.accounts.models import Agency
from pakn.core.memo import ProcessMemo
from pakn.core.widgets import FastSelect, OptionList
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.submissions.models import Kind, SubmitterType
from pakn.taxonomy.models import Field

KIND_HELP = {
    Kind.REPORT: _("Một khó khăn, vướng mắc, việc chưa đúng bạn gặp trong thực tế."),
    Kind.RECOMMENDATION: _("Đề nghị sửa đổi một quy định, chính sách hay thủ tục."),
    Kind.INITIATIVE: _("Một ý tưởng mới giúp công việc chung tốt hơn."),
    Kind.SOLUTION: _("Một cách làm cụ thể để giải quyết một vấn đề."),
}

ACCEPTED_FILES = (
    "image/*,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,"
    "application/msword,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)


class MultipleFileInput(forms.FileInput):
    """Carries the upload limits for portal.js to warn before a refused file is sent (a 14 MB
    photo over a phone connection); the server's check stays the authority."""

    allow_multiple_selected = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {
            **(attrs or {}),
            "data-max-upload-mb": settings.PAKN_MAX_UPLOAD_MB,
            "data-max-files": settings.PAKN_MAX_ATTACHMENTS,
        }
        return super().get_context(name, value, attrs)


class MultipleFileField(forms.FileField):
    """Several files in one input; the upload checks (content, size, count) are the service's."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def valid_idempotency_key(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def field_choices() -> list[tuple[Any, Any]]:
    """Top-level fields as options and their children grouped under them."""
    fields = list(Field.objects.active().order_by("position", "name"))
    children: dict[int, list[Field]] = {}
    for f in fields:
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f)
    choices: list[tuple[Any, Any]] = [("", _("— Chọn lĩnh vực (không bắt buộc) —"))]
    for f in fields:
        if f.parent_id:
            continue
        kids = children.get(f.pk)
        if kids:
            choices.append((f.name, [(f.pk, f.name)] + [(k.pk, k.name) for k in kids]))
        else:
            choices.append((f.pk, f.name))
    return choices


def province_choices() -> list[tuple[Any, str]]:
    units = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("name")
    return [("", str(_("— Chọn tỉnh, thành phố —")))] + [(u.pk, u.name) for u in units]


def commune_choices(province_id: int | None) -> list[tuple[Any, str]]:
    if province_id is None:
        return [("", str(_("— Chọn tỉnh, thành phố trước —")))]
    units = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, parent_id=province_id
    ).order_by("name")
    return [("", str(_("— Chọn xã, phường —")))] + [(u.pk, u.name) for u in units]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PortalForm(forms.Form):
    """Ties each error to its input (aria-describedby, aria-invalid) for screen readers."""

    # Labels too long for the error summary at the top of the page.
    short_labels: dict[str, Any] = {}

    def error_items(self) -> list[dict[str, Any]]:
        """Field errors for the summary, in the order of the form, each linking to its input."""
        return [
            {
                "id": self[name].auto_id,
                "label": self.short_labels.get(name, self[name].label),
                "message": self.errors[name][0],
            }
            for name in self.fields
            if name in self.errors
        ]

    def add_service_errors(self, fields: Mapping[str, str], message: str) -> None:
        for key, text in fields.items():
            if key in self.fields:
                self.add_error(key, text)
            else:
                self.add_error(None, text)
        if not fields:
            self.add_error(None, message)

    def describe_errors(self) -> None:
        for name, bound in ((n, self[n]) for n in self.fields):
            ids = []
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                self.fields[name].widget.attrs["aria-invalid"] = "true"
            if ids:
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


# --- Map pin and preview holding (h-map): kept apart so other changes to SubmitForm merge. ---
class PinAndPreviewFields(forms.Form):
    """The map pin (filled by the map script; absent without JavaScript) and the token of the
    files held between the preview and "Gửi" (``pakn.submissions.holding``)."""

    latitude = forms.FloatField(
        label=_("Vĩ độ"), required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=_("Kinh độ"), required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    held = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)


class SubmitForm(PinAndPreviewFields, PortalForm):
    short_labels = {"consent": _("Đồng ý xử lý dữ liệu cá nhân")}

    kind = forms.ChoiceField(
        label=_("Bạn muốn gửi"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    field = forms.TypedChoiceField(
        label=_("Lĩnh vực"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Chọn lĩnh vực gần nhất với nội dung. Nếu không chắc, hãy để trống: "
            "cán bộ tiếp nhận sẽ phân loại giúp bạn."
        ),
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=250,
        required=False,
        help_text=_("Một câu ngắn nói rõ vấn đề, ví dụ: “Đèn đường hỏng trên đường Lê Lợi”."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Việc gì, ở đâu, từ khi nào, ảnh hưởng ra sao, bạn đề nghị điều gì."),
    )
    attachments = MultipleFileField(
        label=_("Ảnh, tài liệu kèm theo"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_FILES, "multiple": True}),
    )
    province = forms.TypedChoiceField(
        label=_("Tỉnh, thành phố"), coerce=int, empty_value=None, required=False
    )
    commune = forms.TypedChoiceField(
        label=_("Xã, phường, đặc khu"), coerce=int, empty_value=None, required=False
    )
    address = forms.CharField(
        label=_("Địa chỉ nơi xảy ra"),
        max_length=300,
        required=False,
        help_text=_("Số nhà, tên đường, thôn, tổ dân phố hoặc một địa điểm dễ nhận biết."),
    )
    submitter_type = forms.ChoiceField(
        label=_("Người gửi là"),
        choices=SubmitterType.choices,
        widget=forms.RadioSelect,
        initial=SubmitterType.PERSON,
        required=False,
    )
    submitter_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        max_length=255,
        required=False,
        help_text=_("Chỉ điền khi bạn gửi thay mặt một tổ chức, doanh nghiệp, trường học…"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Cần số điện thoại hoặc email để cơ quan trả lời bạn."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "inputmode": "email"}
        ),
    )
    submitter_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    id_number = forms.CharField(
        label=_("Số CCCD (không bắt buộc)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số trên căn cước công dân; chỉ cơ quan xử lý được xem."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Ẩn danh với công chúng"),
        required=False,
        help_text=_(
            "Tên và thông tin liên hệ của bạn vẫn được gửi tới cơ quan xử lý để trả lời bạn, "
            "nhưng không bao giờ được công khai. Khi câu trả lời được đăng công khai, "
            "nội dung phản ánh sẽ được ẩn các thông tin cá nhân."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi đồng ý để cơ quan nhà nước xử lý dữ liệu cá nhân của tôi nhằm giải quyết "
            "phản ánh, kiến nghị này, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân."
        ),
        required=False,
    )
    # A field people never see: a bot that fills every input gives itself away.
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = field_choices()  # type: ignore[attr-defined]
        self.fields["province"].choices = province_choices()  # type: ignore[attr-defined]
        source = self.data if self.is_bound else self.initial
        province_id = _int_or_none(source.get("province"))
        self.fields["commune"].choices = commune_choices(province_id)  # type: ignore[attr-defined]
        self.fields["body"].widget.attrs["maxlength"] = str(settings.PAKN_MAX_BODY_CHARS)
        self.fields["body"].max_length = settings.PAKN_MAX_BODY_CHARS  # type: ignore[attr-defined]
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    @property
    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get("website", "")).strip())

    def kind_options(self) -> list[dict[str, Any]]:
        """The radio buttons of ``kind`` with their plain-words explanation."""
        return [
            {"widget": w, "help": KIND_HELP.get(w.data["value"], "")}
            for w in self["kind"].subwidgets
        ]


class TrackForm(PortalForm):
    code = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=20,
        required=False,
        help_text=_("9 ký tự, ví dụ K7M3-9XQ2C; có trong tin nhắn, email xác nhận."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    token = forms.CharField(
        label=_("Mã bí mật"),
        max_length=100,
        required=False,
        help_text=_("Có trong đường dẫn theo dõi gửi cho bạn."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Hoặc số điện thoại đã dùng khi gửi"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class ReplyForm(PortalForm):
    text = forms.CharField(
        label=_("Thông tin bổ sung"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Ảnh, tài liệu kèm theo"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_FILES, "multiple": True}),
    )


class RatingForm(PortalForm):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng với câu trả lời"),
        choices=[
            (5, _("5 — Rất hài lòng")),
            (4, _("4 — Hài lòng")),
            (3, _("3 — Bình thường")),
            (2, _("2 — Chưa hài lòng")),
            (1, _("1 — Rất không hài lòng")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Nhận xét (không bắt buộc)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class DisputeForm(PortalForm):
    reason = forms.CharField(
        label=_("Vì sao bạn chưa đồng ý với kết quả?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class PublishedFilterForm(forms.Form):
    """Search of published answers (GET, so results can be linked and bookmarked)."""

    q = forms.CharField(
        label=_("Tìm trong các câu trả lời"),
        max_length=200,
        required=False,
        help_text=_("Gõ có dấu hay không dấu đều được, ví dụ “den duong”."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    field = forms.TypedChoiceField(
        label=_("Lĩnh vực"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    province = forms.TypedChoiceField(
        label=_("Tỉnh, thành phố"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=[("", _("Tất cả")), *Kind.choices],
        required=False,
        widget=FastSelect,
    )

    agency = forms.TypedChoiceField(
        label=_("Cơ quan trả lời"),
        widget=FastSelect,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Gồm cả các đơn vị trực thuộc."),
    )
    since = forms.DateField(
        label=_("Công khai từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = _published_filter_options.get(get_language())
        for name in ("agency", "field", "province"):
            # An OptionList is kept as it is by the field and its widget: no copy per request.
            self.fields[name].choices = options[name]  # type: ignore[attr-defined]


def _load_published_filter_options(_language: Hashable) -> dict[str, OptionList]:
    agencies = Agency.objects.active().order_by("path").values_list("pk", "path", "name")
    fields = field_choices()
    fields[0] = ("", _("Tất cả lĩnh vực"))
    provinces = province_choices()
    provinces[0] = ("", str(_("Tất cả tỉnh, thành phố")))
    return {
        "agency": OptionList(
            [("", _("Tất cả cơ quan"))]
            + [(pk, "— " * (path.count("/") - 1) + name) for pk, path, name in agencies]
        ),
        "field": OptionList(fields),
        "province": OptionList(provinces),
    }


# The public search page offers every active agency, field and province on each request; they
# change through the admin, whose saves forget them (pakn.cases.apps, pakn.portal.apps; see
# pakn.core.memo). Keyed by language: the "all" labels are translated.
_published_filter_options = ProcessMemo(_load_published_filter_options)


# --------------------------------------------------------------------------------------------
# "Gửi hộ": an intermediary's extra part of /submit/ (kept apart from SubmitForm on purpose)

BEHALF_MODE = "behalf"


class BehalfForm(PortalForm):
    """In "gửi hộ" mode the submitter fields of SubmitForm hold the person's details; this
    form adds the intermediary's confirmation that the person consented, and a note."""

    short_labels = {"behalf_consent": _("Người dân đã đồng ý")}

    mode = forms.CharField(widget=forms.HiddenInput, required=False, initial=BEHALF_MODE)
    behalf_consent = forms.BooleanField(
        label=_(
            "Tôi xác nhận người có tên trên đã đồng ý để tôi gửi phản ánh này thay họ, và đồng ý "
            "để cơ quan nhà nước xử lý dữ liệu cá nhân của họ nhằm giải quyết phản ánh, theo "
            "Nghị định 13/2023/NĐ-CP."
        ),
        required=False,
    )
    intermediary_note = forms.CharField(
        label=_("Ghi chú gửi hộ (không bắt buộc)"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: “đọc qua điện thoại”, “người dân đến trực tiếp nhà văn hoá thôn”."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("behalf_consent"):
            self.add_error(
                "behalf_consent",
                _("Cần xác nhận người dân đã đồng ý cho bạn gửi hộ và cho xử lý dữ liệu cá nhân."),
            )
        return data
