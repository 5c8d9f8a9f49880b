from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.accounts.models import Membership, Role

from .publication import public_answer

if TYPE_CHECKING:
    from pakn.accounts.models import User


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận")
    NEEDS_INFO = "needs_info", _("Chờ bổ sung thông tin")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    TRANSFERRED = "transferred", _("Đã chuyển hệ thống khác")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWER_REVIEW = "answer_review", _("Chờ lãnh đạo duyệt")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai")
    RETURNED = "returned", _("Trả lại, hướng dẫn")
    REJECTED = "rejected", _("Từ chối")
    MERGED = "merged", _("Đã gộp")
    CLOSED = "closed", _("Đã đóng")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.ANSWER_REVIEW,
)
DONE_STATUSES = (
    Status.ANSWERED,
    Status.PUBLISHED,
    Status.CLOSED,
    Status.RETURNED,
    Status.REJECTED,
    Status.MERGED,
    Status.TRANSFERRED,
)


# Statuses whose deadline clock runs (needs_info pauses it).
CLOCK_RUNNING = tuple(s for s in OPEN_STATUSES if s != Status.NEEDS_INFO)


def overdue_q(now: Any, prefix: str = "") -> Q:
    """Cases past their current deadline: the screening deadline while a case waits to be
    screened, the answer deadline otherwise; a paused case is never overdue. ``prefix`` lets
    the same question be asked across a relation (``"cases__"``)."""
    p = prefix
    screening = Q(**{f"{p}status": Status.SUBMITTED, f"{p}screening_due_at__lt": now})
    answer = Q(**{f"{p}status__in": CLOCK_RUNNING, f"{p}due_at__lt": now})
    return screening | answer


def due_soon_q(now: Any, until: Any, prefix: str = "") -> Q:
    """Cases whose current deadline falls in [now, until) and that are not already overdue."""
    p = prefix
    screening = Q(
        **{
            f"{p}status": Status.SUBMITTED,
            f"{p}screening_due_at__gte": now,
            f"{p}screening_due_at__lt": until,
        }
    )
    answer = Q(**{f"{p}status__in": CLOCK_RUNNING, f"{p}due_at__gte": now, f"{p}due_at__lt": until})
    unscreened = Q(**{f"{p}status": Status.SUBMITTED, f"{p}screening_due_at__isnull": False})
    return (screening | (answer & ~unscreened)) & ~overdue_q(now, prefix)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thông thường")
    URGENT = "urgent", _("Khẩn")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: Any = None) -> CaseQuerySet:
        """Open cases past their current deadline (see ``overdue_q``)."""
        return self.filter(overdue_q(now or timezone.now()))

    def due_within(self, *, hours: int, now: Any = None) -> CaseQuerySet:
        now = now or timezone.now()
        return self.filter(due_soon_q(now, now + timedelta(hours=hours)))

    def visible_to(self, user: User) -> CaseQuerySet:
        from .permissions import visible_agency_filter

        return self.filter(visible_agency_filter(user))


class Case(models.Model):
    """The handling record of one submission at its current competent agency."""

    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.PROTECT, related_name="case"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan xử lý"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    urgency = models.CharField(
        _("mức độ"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    received_at = models.DateTimeField(_("cơ quan nhận lúc"), default=timezone.now)
    screening_due_at = models.DateTimeField(_("hạn tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính hạn lúc"), null=True, blank=True)
    status_before_pause = models.CharField(max_length=16, blank=True)
    extended_at = models.DateTimeField(_("gia hạn lúc"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    progress_due_at = models.DateTimeField(_("hạn cập nhật tiến độ"), null=True, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    dispute_until = models.DateTimeField(_("hạn phản hồi kết quả"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("gộp vào hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    public_title = models.CharField(_("tiêu đề công khai"), max_length=250, blank=True)
    public_body = models.TextField(_("nội dung công khai"), blank=True)
    public_search = models.TextField(editable=False, blank=True)
    # The title's own key, so that search can rank a match in the title above one in the body.
    public_title_search = models.TextField(editable=False, blank=True)
    # Claims for periodic jobs: a conditional UPDATE on these makes a reminder or an escalation
    # happen once even when two schedulers overlap.
    due_soon_notified_for = models.DateTimeField(null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    escalated_for = models.DateTimeField(null=True, blank=True, editable=False)
    # The same for the screening deadline; a level counts only for the deadline it was reached
    # for, so a new screening deadline (transfer, pause) starts again from nothing.
    screening_escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    screening_escalated_for = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when an officer confirmed or corrected kind and field: such cases are training labels.
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    classified_at = models.DateTimeField(null=True, blank=True, editable=False)
    log_seq = models.PositiveIntegerField(default=0, editable=False)
    log_head = models.CharField(max_length=64, blank=True, editable=False)
    suggestions = models.JSONField(_("gợi ý của AI"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="cases_agency_status_due"),
            models.Index(fields=["agency", "-received_at"], name="cases_agency_received"),
            models.Index(fields=["assignee", "status"], name="cases_assignee_status"),
            models.Index(fields=["status", "due_at"], name="cases_status_due"),
            # "Due soon" and "overdue" ask for cases waiting to be screened by their screening
            # deadline: a range in this index rather than every case waiting to be screened.
            models.Index(fields=["status", "screening_due_at"], name="cases_status_screening_due"),
            models.Index(fields=["status", "-published_at"], name="cases_status_published"),
            # Lists over a whole subtree (supervisors, superadmins, the API) page newest first:
            # walking this index backwards stops after a page instead of sorting every case.
            models.Index(fields=["-received_at", "-id"], name="cases_received_id"),
            # The public list and search page by publication over both public statuses; one
            # ordered partial index instead of sorting every published case per request.
            models.Index(
                fields=["-published_at", "-id"],
                name="cases_public_published",
                condition=models.Q(status__in=["published", "closed"], published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission.display_code} ({self.get_status_display()})"

    @property
    def current_due_at(self) -> Any:
        """The deadline that runs now: screening while the case waits to be screened, the
        answer deadline after (the same rule as ``overdue_q``)."""
        if self.status == Status.SUBMITTED and self.screening_due_at is not None:
            return self.screening_due_at
        return self.due_at

    @property
    def is_overdue_now(self) -> bool:
        due = self.current_due_at
        return self.status in CLOCK_RUNNING and due is not None and due < timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == Status.NEEDS_INFO


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise CaseLogImmutable("Nhật ký hồ sơ chỉ được ghi thêm, không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise CaseLogImmutable("Nhật ký hồ sơ chỉ được ghi thêm, không được xoá.")


class CaseLogImmutable(Exception):
    pass


class CaseEvent(models.Model):
    """One line of the append-only, hash-chained case log."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("thao tác"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.TextField(_("lý do, nội dung"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(_("người gửi xem được"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="cases_event_case_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise CaseLogImmutable("Nhật ký hồ sơ chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise CaseLogImmutable("Nhật ký hồ sơ chỉ được ghi thêm, không được xoá.")


class RoutingRule(models.Model):
    """(field, area, kind) → competent agency; the most specific matching rule wins."""

    field = models.ForeignKey(
        "taxonomy.Field",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("loại"), max_length=16, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("cơ quan có thẩm quyền"), on_delete=models.CASCADE
    )
    priority = models.SmallIntegerField(_("ưu tiên"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("quy tắc định tuyến")
        verbose_name_plural = _("quy tắc định tuyến")

    def __str__(self) -> str:
        return f"{self.field or '*'} / {self.unit or '*'} / {self.kind or '*'} → {self.agency}"


class DeadlinePolicy(models.Model):
    """Working-day deadlines; the most specific active policy applies, else the defaults."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("loại"), max_length=16, blank=True)
    field = models.ForeignKey(
        "taxonomy.Field",
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    urgency = models.CharField(_("mức độ"), max_length=8, blank=True, choices=Urgency.choices)
    screening_days = models.PositiveSmallIntegerField(_("hạn tiếp nhận (ngày làm việc)"), default=3)
    answer_days = models.PositiveSmallIntegerField(_("hạn trả lời (ngày làm việc)"), default=20)
    progress_interval_days = models.PositiveSmallIntegerField(
        _("cập nhật tiến độ khi quá hạn (ngày)"), default=7
    )
    due_soon_hours = models.PositiveSmallIntegerField(_("nhắc trước hạn (giờ)"), default=48)
    needs_info_return_days = models.PositiveSmallIntegerField(
        _("trả lại nếu không bổ sung sau (ngày làm việc)"), default=15
    )
    dispute_days = models.PositiveSmallIntegerField(
        _("thời hạn phản hồi kết quả (ngày)"), default=15
    )

    class Meta:
        verbose_name = _("quy định thời hạn")
        verbose_name_plural = _("quy định thời hạn")

    def __str__(self) -> str:
        return (
            f"{self.agency or '*'} / {self.kind or '*'} / {self.field or '*'} / "
            f"{self.urgency or '*'}: {self.screening_days}+{self.answer_days}"
        )


class InfoRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="info_requests")
    question = models.TextField(_("nội dung cần bổ sung"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("thông tin bổ sung"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.question[:60]


class CoordinationRequest(models.Model):
    """A handler asks another agency for input, with its own deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="coordinations")
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan phối hợp"),
        on_delete=models.PROTECT,
        related_name="coordination_requests",
    )
    question = models.TextField(_("nội dung đề nghị phối hợp"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("hạn phối hợp"))
    response = models.TextField(_("ý kiến phối hợp"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị phối hợp")
        verbose_name_plural = _("đề nghị phối hợp")
        indexes = [
            models.Index(fields=["agency", "responded_at"], name="cases_coord_agency_open"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.question[:60]}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Tiếp thu, sẽ thực hiện")
    EXPLAINED = "explained", _("Giải thích, làm rõ")
    RULE_AMENDED = "rule_amended", _("Đã hoặc sẽ sửa đổi quy định")
    FORWARDED = "forwarded", _("Chuyển cơ quan có thẩm quyền")
    NOT_ACCEPTED = "not_accepted", _("Không tiếp thu, có lý do")


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt")


class Answer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answers")
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices)
    text = models.TextField(_("nội dung trả lời"))
    status = models.CharField(max_length=12, choices=AnswerStatus.choices, default="draft")
    # Empty for an answer written in another PAKN system and received through federation.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trả lời")
        verbose_name_plural = _("trả lời")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.get_status_display()})"

    @property
    def public_text(self) -> str:
        """The text every public surface shows (personal data hidden)."""
        return public_answer(text=self.text).text

    @property
    def signer_role(self) -> str:
        """The signer's title, in the reader's language: "Lãnh đạo" when the signer is the
        leader of the answering agency who approved the answer. A signer typed by hand carries
        their own title, so nothing is added."""
        reviewer = self.reviewed_by
        if reviewer is None or self.signer_name != reviewer.get_full_name():
            return ""
        leads = Membership.objects.filter(
            user=reviewer, agency_id=self.case.agency_id, role=Role.LEADER
        ).exists()
        return str(Role.LEADER.label) if leads else ""


class AnswerAttachment(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="answers/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class Rating(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    comment = models.TextField(_("nhận xét"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="cases_rating_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"
