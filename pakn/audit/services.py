from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditEvent

# Form fields never copied into the log, whatever the admin page is.
_SECRET_FIELDS = ("password", "token", "secret", "key", "csrfmiddlewaretoken", "otp", "code")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``obj`` fills the object fields from a model instance."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_id, label = actor.pk, actor_label or actor.get_username()
    else:
        actor_id, label = None, actor_label
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor_id,
        actor_label=label[:200],
        object_type=object_type[:100],
        object_id=object_id[:100],
        object_repr=object_repr[:300],
        detail=detail or {},
        path=(request.path if request is not None else "")[:300],
        ip=client_ip(request),
    )


def safe_form_summary(data: Any) -> dict[str, Any]:
    """The names of the fields an admin form sent, and the values of harmless ones (selected
    ids, action names): enough to know what was done, never a password or key."""
    summary: dict[str, Any] = {}
    for name in data:
        if any(secret in name.lower() for secret in _SECRET_FIELDS):
            continue
        if name in ("action", "_selected_action", "select_across", "index", "post"):
            summary[name] = data.getlist(name)[:100]
    summary["fields"] = sorted(n for n in data if not any(s in n.lower() for s in _SECRET_FIELDS))[
        :100
    ]
    return summary
