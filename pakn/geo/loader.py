"""Load the administrative units from the ``vietnam-provinces`` package."""

from __future__ import annotations

from typing import Any

from pakn.core.text import fold


def load_units(unit_model: Any) -> int:
    """Create or update every province and commune; returns how many rows were written.

    Takes the model class so that the data migration can pass its historical model.
    """
    from vietnam_provinces import Province, Ward

    existing = {(u.level, u.code): u for u in unit_model.objects.all()}
    written = 0
    provinces = {}
    new = []
    for p in Province.iter_all():
        key = ("province", int(p.code))
        unit = existing.get(key)
        values = {
            "name": p.name,
            "division_type": str(p.division_type.value),
            "codename": p.codename,
            "name_folded": fold(p.name),
        }
        if unit is None:
            unit = unit_model(level="province", code=int(p.code), **values)
            unit.save()
            written += 1
        provinces[int(p.code)] = unit
    for w in Ward.iter_all():
        key = ("commune", int(w.code))
        if key in existing:
            continue
        new.append(
            unit_model(
                level="commune",
                code=int(w.code),
                name=w.name,
                division_type=str(w.division_type.value),
                codename=w.codename,
                name_folded=fold(w.name),
                parent=provinces[int(w.province_code)],
            )
        )
    unit_model.objects.bulk_create(new, batch_size=1000)
    return written + len(new)
