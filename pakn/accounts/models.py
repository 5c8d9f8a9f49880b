from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedCharField
from pakn.core.phones import normalize_phone
from pakn.core.tracking import hash_token

PATH_STEP = 7  # digits per path segment: room for ten million agencies


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        if not username:
            raise ValueError("Cần tên đăng nhập.")
        email = extra.pop("email", None)
        user = self.model(username=username, email=self.normalize_email(email) or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: citizen, intermediary or officer. Logs in by username, email or phone."""

    username = models.CharField(_("tên đăng nhập"), max_length=150, unique=True)
    email = models.EmailField(_("email"), null=True, blank=True, unique=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, null=True, blank=True, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    email_verified_at = models.DateTimeField(_("xác thực email lúc"), null=True, blank=True)
    is_staff = models.BooleanField(_("vào trang quản trị"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    notify_email = models.BooleanField(_("nhận thông báo qua email"), default=True)
    notify_sms = models.BooleanField(_("nhận thông báo qua SMS"), default=True)
    notify_in_app = models.BooleanField(_("nhận thông báo trong ứng dụng"), default=True)
    # Citizen accounts (pakn.accounts.citizens): verified phone, consent given at registration,
    # and the intermediary flag an admin grants to commune offices, village heads, schools and
    # community digital-technology teams so they may submit on someone's behalf.
    phone_verified_at = models.DateTimeField(_("xác thực số điện thoại lúc"), null=True, blank=True)
    data_consent_at = models.DateTimeField(
        _("đồng ý xử lý dữ liệu cá nhân lúc"), null=True, blank=True
    )
    is_intermediary = models.BooleanField(
        _("được gửi hộ"),
        default=False,
        help_text=_("Cho phép gửi phản ánh thay cho người dân (có ghi nhận sự đồng ý của họ)."),
    )
    # Per event type: "template:channel" pairs the person turned off (notifications app).
    notify_muted = models.JSONField(_("thông báo đã tắt theo loại"), default=list, blank=True)
    intermediary_organisation = models.CharField(
        _("đơn vị gửi hộ"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: UBND xã Thất Khê, Tổ công nghệ số cộng đồng thôn Nà Pàn."),
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.phone:
            self.phone = normalize_phone(self.phone) or self.phone
        if self.email:
            self.email = type(self).objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def wants(self, template: str, channel: str) -> bool:
        """False if the person turned this event off on this channel (the channel switches
        ``notify_*`` are checked by the caller)."""
        return f"{template}:{channel}" not in (self.notify_muted or ())

    def get_short_name(self) -> str:
        return self.get_full_name()


class Level(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh")
    COMMUNE = "commune", _("Xã")
    OTHER = "other", _("Đơn vị khác")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        """The agency and all its descendants, with one indexed prefix query."""
        return self.filter(path__startswith=agency.path)


class Agency(models.Model):
    """A government body or unit in the tree central → province → commune (+ other units)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of zero-padded ids ("0000001/0000004/"), kept by save(): a subtree is
    # one prefix scan instead of a recursive query.
    path = models.CharField(max_length=255, editable=False, default="")
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn đặt trụ sở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fields = models.ManyToManyField(
        "taxonomy.Field", verbose_name=_("lĩnh vực thẩm quyền"), blank=True
    )
    areas = models.ManyToManyField(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn thẩm quyền"),
        blank=True,
        related_name="competent_agencies",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'.
            models.Index(
                fields=["path"], opclasses=["varchar_pattern_ops"], name="accounts_agency_path"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None:
            super().save(*args, **kwargs)
            self.path = self._compute_path()
            type(self).objects.filter(pk=self.pk).update(path=self.path)
            return
        old_path, self.path = self.path, self._compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            type(self).objects.filter(path__startswith=old_path).update(
                path=Concat(
                    Value(self.path),
                    Substr("path", len(old_path) + 1),
                    output_field=models.CharField(),
                )
            )

    def _compute_path(self) -> str:
        prefix = ""
        if self.parent_id:
            parent = type(self).objects.only("path").get(pk=self.parent_id)
            if self.path and parent.path.startswith(self.path):
                raise ValueError("Không thể đặt một cơ quan làm cấp dưới của chính nó.")
            prefix = parent.path
        return f"{prefix}{self.pk:0{PATH_STEP}d}/"

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1)

    def ancestors(self) -> AgencyQuerySet:
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        return type(self).objects.filter(pk__in=ids).order_by(Length("path"))  # type: ignore[return-value]

    def is_within(self, other: Agency) -> bool:
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    INTAKE = "intake", _("Đầu mối tiếp nhận")
    HANDLER = "handler", _("Cán bộ xử lý")
    LEADER = "leader", _("Lãnh đạo")
    SUPERVISOR = "supervisor", _("Giám sát")
    ADMIN = "admin", _("Quản trị cơ quan")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, agency__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò tại cơ quan")
        verbose_name_plural = _("vai trò tại cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="accounts_membership_unique"
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="accounts_mem_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 is stored."""

    TOKEN_PREFIX = "pakn_"  # noqa: S105 - a public prefix, not a secret

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("đầu mã"), max_length=16, editable=False)
    scopes = models.CharField(_("phạm vi"), max_length=200, default="read write")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def lookup(cls, raw: str) -> ApiToken | None:
        return (
            cls.objects.usable().select_related("user").filter(token_hash=hash_token(raw)).first()
        )


class PartnerScope(models.TextChoices):
    OPEN311_WRITE = "open311:write", _("Gửi yêu cầu qua Open311")
    SUBMISSIONS_WRITE = "submissions:write", _("Gửi phản ánh qua API")
    CASES_READ = "cases:read", _("Đọc hồ sơ qua API")


class PartnerKeyQuerySet(models.QuerySet["PartnerKey"]):
    def usable(self) -> PartnerKeyQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class PartnerKey(models.Model):
    """A key held by a partner system (an Open311 client, another government system), not by
    a person; only its SHA-256 is stored and the raw key is shown once, when it is issued."""

    KEY_PREFIX = "pakn_pk_"
    PREFIX_LENGTH = len(KEY_PREFIX) + 8

    name = models.CharField(_("hệ thống đối tác"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("đầu khóa"), max_length=20, unique=True, editable=False)
    scopes = models.CharField(_("phạm vi"), max_length=200, default=PartnerScope.OPEN311_WRITE)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("thay mặt cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_keys",
    )
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    objects = PartnerKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API đối tác")
        verbose_name_plural = _("khóa API đối tác")
        ordering = ["name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes.split()

    @property
    def source_label(self) -> str:
        """What a submission sent with this key records as its source system: the partner's
        name for people, the unique prefix so the key's own submissions can be found again
        even after the partner is renamed."""
        suffix = f" [{self.prefix}]"
        return self.name[: 120 - len(suffix)] + suffix


class TOTPDevice(models.Model):
    """An authenticator app enrolled as a second factor. Required for admins, offered to every
    officer."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedCharField(editable=False)
    confirmed_at = models.DateTimeField(_("kích hoạt lúc"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("xác thực hai lớp")
        verbose_name_plural = _("xác thực hai lớp")

    def __str__(self) -> str:
        return f"TOTP {self.user}"

    def verify(self, code: str) -> bool:
        """Accept a code once: a replayed code (same or earlier step) is refused."""
        from .totp import matching_step

        step = matching_step(self.secret, code)
        if step is None or step <= self.last_step:
            return False
        updated = type(self).objects.filter(pk=self.pk, last_step__lt=step).update(last_step=step)
        if updated == 1:
            self.last_step = step
        return updated == 1


class CodePurpose(models.TextChoices):
    VERIFY_PHONE = "verify_phone", _("Xác thực số điện thoại")
    RESET_PASSWORD = "reset_password", _("Đặt lại mật khẩu")


class PhoneCode(models.Model):
    """A 6-digit code sent by SMS; only its keyed hash is stored. One live code per user and
    purpose: issuing a new one retires the old, a few wrong tries or the expiry end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="phone_codes")
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    phone = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=64, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác thực SMS")
        verbose_name_plural = _("mã xác thực SMS")
        indexes = [
            models.Index(fields=["user", "purpose", "-created_at"], name="accounts_code_live")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.user}"
