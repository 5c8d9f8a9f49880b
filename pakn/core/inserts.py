"""INSERT of new model rows with the SQL built once per model, for the hot write paths.

Building an INSERT through the ORM compiler costs more than running it (about half a
millisecond for a model of thirty fields, every time); intake writes four such rows per
submission, inside the transaction that holds SQLite's write lock. Values still go through each
field's ``pre_save`` and ``get_db_prep_save``, so defaults, ``auto_now_add``, JSON and
datetimes come out exactly as ``Model.save`` would write them. ``Model.save()`` itself and the
``pre_save``/``post_save`` signals are not run: use this only for models whose ``save`` adds
nothing (or whose caller does it) and that nobody observes through signals.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Field, Model

_STATEMENTS: dict[tuple[type[Model], str, int], tuple[str, tuple[Field[object, object], ...]]] = {}


def _statement(
    model: type[Model], using: str, rows: int
) -> tuple[str, tuple[Field[object, object], ...]]:
    key = (model, using, rows)
    found = _STATEMENTS.get(key)
    if found is None:
        connection = connections[using]
        quote = connection.ops.quote_name
        meta = model._meta
        fields = tuple(
            f
            for f in meta.local_concrete_fields
            if f is not meta.pk and not getattr(f, "generated", False)
        )
        one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "  # noqa: S608 - quoted names from the model, values as parameters  # nosec B608
            f"VALUES {', '.join([one_row] * rows)} RETURNING {quote(str(meta.pk.column))}"
        )
        found = _STATEMENTS[key] = (sql, fields)  # type: ignore[assignment]
    return found  # type: ignore[return-value]


def insert(objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert new instances of one model in one statement and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    sql, fields = _statement(model, using, len(objs))
    connection = connections[using]
    for obj in objs:
        # Copies the key of a related object saved after it was assigned, as save() does.
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Rows come back in VALUES order on SQLite and PostgreSQL (bulk_create relies on it).
        pks = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
