from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BANDS = 30  # LSH bands of the duplicate index; see duplicates.py


class SignatureScope(models.TextChoices):
    SUBMISSION = "s", _("Nội dung gửi")
    PUBLIC = "p", _("Nội dung công khai")


class DuplicateSignature(models.Model):
    """One case's MinHash LSH bands, so that any web process finds near-duplicates with one
    indexed query. ``submission`` rows hold the full text as sent (for officers); ``public`` rows
    only the published, redacted text (for the portal)."""

    # No database constraint: the index is derived data, rebuilt from cases at any time, and the
    # benchmark loads millions of rows without cases behind them.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    scope = models.CharField(max_length=1, choices=SignatureScope.choices)
    tokens = models.TextField(blank=True)
    commune_id = models.IntegerField(null=True, blank=True)
    phone_key = models.CharField(max_length=16, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    b00 = models.BigIntegerField(db_index=True)
    b01 = models.BigIntegerField(db_index=True)
    b02 = models.BigIntegerField(db_index=True)
    b03 = models.BigIntegerField(db_index=True)
    b04 = models.BigIntegerField(db_index=True)
    b05 = models.BigIntegerField(db_index=True)
    b06 = models.BigIntegerField(db_index=True)
    b07 = models.BigIntegerField(db_index=True)
    b08 = models.BigIntegerField(db_index=True)
    b09 = models.BigIntegerField(db_index=True)
    b10 = models.BigIntegerField(db_index=True)
    b11 = models.BigIntegerField(db_index=True)
    b12 = models.BigIntegerField(db_index=True)
    b13 = models.BigIntegerField(db_index=True)
    b14 = models.BigIntegerField(db_index=True)
    b15 = models.BigIntegerField(db_index=True)
    b16 = models.BigIntegerField(db_index=True)
    b17 = models.BigIntegerField(db_index=True)
    b18 = models.BigIntegerField(db_index=True)
    b19 = models.BigIntegerField(db_index=True)
    b20 = models.BigIntegerField(db_index=True)
    b21 = models.BigIntegerField(db_index=True)
    b22 = models.BigIntegerField(db_index=True)
    b23 = models.BigIntegerField(db_index=True)
    b24 = models.BigIntegerField(db_index=True)
    b25 = models.BigIntegerField(db_index=True)
    b26 = models.BigIntegerField(db_index=True)
    b27 = models.BigIntegerField(db_index=True)
    b28 = models.BigIntegerField(db_index=True)
    b29 = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chỉ mục trùng lặp")
        verbose_name_plural = _("chỉ mục trùng lặp")
        constraints = [
            models.UniqueConstraint(fields=["case", "scope"], name="intel_signature_case_scope"),
        ]
        indexes = [
            models.Index(fields=["phone_key", "received_at"], name="intel_signature_phone"),
            models.Index(fields=["commune_id", "received_at"], name="intel_signature_place"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.scope}"


class ModerationLabel(models.Model):
    """A moderator's decision on a text: what the moderation model learns from."""

    class Label(models.TextChoices):
        OK = "ok", _("Hợp lệ")
        OFFENSIVE = "offensive", _("Xúc phạm, thô tục")
        INCITING = "inciting", _("Kích động")
        SPAM = "spam", _("Quảng cáo, rác")
        OFF_TOPIC = "off_topic", _("Không đúng chủ đề")
        PERSONAL_DATA = "personal_data", _("Lộ dữ liệu cá nhân")

    text = models.TextField(_("nội dung"))
    label = models.CharField(_("nhãn"), max_length=16, choices=Label.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhãn kiểm duyệt")
        verbose_name_plural = _("nhãn kiểm duyệt")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label}: {self.text[:40]}"


class TopicSnapshot(models.Model):
    """One run of the emerging-topic detection; the dashboards read the latest."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    weeks = models.PositiveSmallIntegerField()
    recent_weeks = models.PositiveSmallIntegerField()
    case_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("đợt phân tích chủ đề")
        verbose_name_plural = _("đợt phân tích chủ đề")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.case_count})"


class Topic(models.Model):
    """A cluster of recent cases, labelled by its key terms and ranked by growth and reach."""

    snapshot = models.ForeignKey(TopicSnapshot, on_delete=models.CASCADE, related_name="topics")
    rank = models.PositiveIntegerField()
    label = models.CharField(_("chủ đề"), max_length=200)
    key_terms = models.JSONField(default=list)
    size = models.PositiveIntegerField(_("số hồ sơ"))
    recent_count = models.PositiveIntegerField(_("số hồ sơ gần đây"))
    baseline_per_week = models.FloatField(_("trung bình mỗi tuần trước đó"))
    growth = models.FloatField(_("tăng trưởng"))
    agency_count = models.PositiveIntegerField(_("số cơ quan"))
    area_count = models.PositiveIntegerField(_("số địa bàn"))
    score = models.FloatField()
    weekly_counts = models.JSONField(default=list)
    case_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = _("chủ đề nổi lên")
        verbose_name_plural = _("chủ đề nổi lên")
        ordering = ["snapshot", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "rank"], name="intel_topic_rank"),
        ]

    def __str__(self) -> str:
        return self.label


class ClassifierTask(models.TextChoices):
    KIND = "kind", _("Loại phản ánh")
    FIELD = "field", _("Lĩnh vực")
    AGENCY = "agency", _("Cơ quan có thẩm quyền")
    MODERATION = "moderation", _("Kiểm duyệt nội dung")


# The tasks of the text classifier (``classifier.py``); moderation has its own small model.
TEXT_TASKS = (ClassifierTask.KIND, ClassifierTask.FIELD, ClassifierTask.AGENCY)


class VersionStatus(models.TextChoices):
    ACTIVE = "active", _("Đang dùng")
    CANDIDATE = "candidate", _("Ứng viên")
    RETIRED = "retired", _("Đã thay thế")


class ClassifierVersion(models.Model):
    """One trained text classifier for one task, with how it was trained and how good it is.

    The fitted model is kept in the database (``artifact``, the bytes written by
    ``classifier.save``) rather than on disk: every web process and worker, on every machine,
    reads the same active version without a shared file system, and a backup of the database
    carries the models with it. Models are small (a few MB for tens of thousands of texts).
    At most one version per task is active.
    """

    task = models.CharField(_("nhiệm vụ"), max_length=16, choices=ClassifierTask.choices)
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=VersionStatus.choices,
        default=VersionStatus.CANDIDATE,
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    activated_at = models.DateTimeField(_("dùng từ"), null=True, blank=True)
    pipeline = models.CharField(_("phiên bản thuật toán"), max_length=40)
    n_examples = models.PositiveIntegerField(_("số mẫu huấn luyện"), default=0)
    n_holdout = models.PositiveIntegerField(_("số mẫu kiểm tra"), default=0)
    n_labels = models.PositiveIntegerField(
        _("số nhãn từ cán bộ"),
        default=0,
        help_text=_("Nhãn của chính hệ thống (không tính bộ mẫu khởi đầu) lúc huấn luyện."),
    )
    last_label_at = models.DateTimeField(null=True, blank=True)
    used_starter = models.BooleanField(_("dùng bộ mẫu khởi đầu"), default=False)
    label_counts = models.JSONField(_("số mẫu theo nhãn"), default=dict, blank=True)
    macro_f1 = models.FloatField(_("macro-F1"), null=True, blank=True)
    accuracy = models.FloatField(_("độ chính xác"), null=True, blank=True)
    per_class_f1 = models.JSONField(_("F1 theo nhãn"), default=dict, blank=True)
    active_macro_f1 = models.FloatField(
        _("macro-F1 của bản đang dùng (cùng tập kiểm tra)"), null=True, blank=True
    )
    training_seconds = models.FloatField(_("thời gian huấn luyện (giây)"), default=0.0)
    triggered_by = models.CharField(_("kích hoạt bởi"), max_length=120, blank=True)
    decision = models.TextField(_("quyết định"), blank=True)
    artifact = models.BinaryField(editable=False)
    artifact_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("phiên bản mô hình phân loại")
        verbose_name_plural = _("phiên bản mô hình phân loại")
        ordering = ["task", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="intel_clfver_task_number"),
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status="active"),
                name="intel_clfver_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_task_display()} v{self.number}"


class DuplicateLabel(models.Model):
    """An officer's verdict on a suggested duplicate pair: merged (same issue) or dismissed.

    The dismissed pairs are the "not a duplicate" examples against which the duplicate
    threshold (``PAKN_DUPLICATE_THRESHOLD``) is evaluated.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    is_duplicate = models.BooleanField(_("trùng lặp"))
    similarity = models.FloatField(_("độ tương đồng"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhãn trùng lặp")
        verbose_name_plural = _("nhãn trùng lặp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id}~{self.other_id}: {self.is_duplicate}"
