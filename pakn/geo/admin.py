from __future__ import annotations

from django.contrib import admin

from .models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "division_type", "code", "parent"]
    list_filter = ["level", "division_type"]
    search_fields = ["name", "name_folded", "codename"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
