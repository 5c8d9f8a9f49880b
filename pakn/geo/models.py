from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pakn.core.text import fold


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã, phường, đặc khu")


class AdministrativeUnit(models.Model):
    """A province or a commune of the two-level structure in force since 1 July 2025."""

    code = models.PositiveIntegerField(_("mã"))
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="geo_unit_level_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def province(self) -> AdministrativeUnit:
        return self.parent if self.parent_id else self  # type: ignore[return-value]
