from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedCharField
from pakn.core.text import fold
from pakn.core.tracking import format_tracking_code, token_matches


class Kind(models.TextChoices):
    REPORT = "report", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    INITIATIVE = "initiative", _("Sáng kiến")
    SOLUTION = "solution", _("Giải pháp")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    MOBILE = "mobile", _("Thiết bị di động")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    FEDERATION = "federation", _("Liên thông")
    INTERMEDIARY = "intermediary", _("Gửi hộ")
    PHONE = "phone", _("Điện thoại")
    PAPER = "paper", _("Văn bản giấy")


class SubmitterType(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Submission(models.Model):
    """What a person or an organisation sent: kept exactly as received."""

    tracking_code = models.CharField(_("mã tra cứu"), max_length=9, unique=True, editable=False)
    access_token_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    field = models.ForeignKey(
        "taxonomy.Field",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    title = models.CharField(_("tiêu đề"), max_length=250)
    body = models.TextField(_("nội dung"))
    search_text = models.TextField(editable=False, default="")

    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    address = models.CharField(_("địa chỉ nơi xảy ra"), max_length=300, blank=True)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    submitter_type = models.CharField(
        _("người gửi là"),
        max_length=16,
        choices=SubmitterType.choices,
        default=SubmitterType.PERSON,
    )
    submitter_name = models.CharField(_("họ và tên"), max_length=200)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)
    submitter_phone = models.CharField(_("số điện thoại"), max_length=16, blank=True, db_index=True)
    submitter_email = models.EmailField(_("email"), blank=True)
    submitter_address = models.CharField(_("địa chỉ liên hệ"), max_length=300, blank=True)
    submitter_id_number = EncryptedCharField(_("số CCCD/CMND"), blank=True)
    is_anonymous = models.BooleanField(_("ẩn danh với công chúng"), default=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    intermediary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi hộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions_on_behalf",
    )
    intermediary_note = models.CharField(_("ghi chú gửi hộ"), max_length=300, blank=True)
    consent_at = models.DateTimeField(_("đồng ý xử lý dữ liệu cá nhân lúc"), null=True, blank=True)

    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    source_instance = models.CharField(_("hệ thống nguồn"), max_length=120, blank=True)
    external_id = models.CharField(_("mã ở hệ thống nguồn"), max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-created_at"]
        # Map drill-downs (inbox ``bbox``, public clusters) range over latitude first.
        indexes = [models.Index(fields=["latitude", "longitude"], name="submission_map_latlng")]

    def __str__(self) -> str:
        return f"{self.display_code} — {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.fill_search_text()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def fill_search_text(self) -> None:
        """What search matches: the text without diacritics (also for inserts that skip save)."""
        self.search_text = fold(f"{self.title} {self.body}")

    @property
    def display_code(self) -> str:
        return format_tracking_code(self.tracking_code) if self.tracking_code else ""

    def check_access_token(self, token: str) -> bool:
        return bool(token) and token_matches(token, self.access_token_hash)


class AttachmentPurpose(models.TextChoices):
    SUBMISSION = "submission", _("Kèm phản ánh")
    INFO_REPLY = "info_reply", _("Bổ sung thông tin")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField(
        max_length=16, choices=AttachmentPurpose.choices, default=AttachmentPurpose.SUBMISSION
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
