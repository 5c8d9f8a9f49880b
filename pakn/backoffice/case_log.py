"""The case log as officers read it: who acted (a person, the submitter or the system) and what
changed, in words, from the codes and ids the log keeps in ``CaseEvent.data``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from pakn.accounts.models import Agency
from pakn.cases.models import CaseEvent
from pakn.submissions.models import Channel, Kind
from pakn.taxonomy.models import Field

from .templatetags.backoffice_tags import event_label

# Written with no officer as the actor by the submitter's own hand (tracking page, API).
SUBMITTER_ACTIONS = frozenset({"info_provided", "dispute", "rate"})


@dataclass(frozen=True)
class LogLine:
    event: CaseEvent
    label: str
    actor: str
    changes: list[str]


@dataclass(frozen=True)
class _Names:
    fields_by_id: dict[int, str]
    fields_by_code: dict[str, str]
    agencies: dict[str, str]

    def field(self, value: Any) -> str:
        if value is None or value == "":
            return _("(chưa chọn)")
        if isinstance(value, int):
            return self.fields_by_id.get(value, str(value))
        return self.fields_by_code.get(str(value), str(value))

    def agency(self, code: Any) -> str:
        return self.agencies.get(str(code), str(code)) if code else _("(không có)")


def log_lines(events: Iterable[CaseEvent]) -> list[LogLine]:
    """One line per event; the names behind the ids and codes cost two queries in all."""
    events = list(events)
    field_ids: set[int] = set()
    field_codes: set[str] = set()
    agency_codes: set[str] = set()
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if event.action == "classify":
            for key in ("before", "after"):
                value = (data.get(key) or {}).get("field")
                if isinstance(value, int):
                    field_ids.add(value)
            code = (data.get("suggested") or {}).get("field")
            if code:
                field_codes.add(str(code))
        for key in ("from_agency", "to_agency", "suggested", "chosen", "routed_to"):
            if event.action != "classify" and isinstance(data.get(key), str):
                agency_codes.add(data[key])
    fields = list(Field.objects.filter(pk__in=field_ids).values_list("pk", "code", "name")) + list(
        Field.objects.filter(code__in=field_codes).values_list("pk", "code", "name")
    )
    names = _Names(
        fields_by_id={pk: name for pk, _code, name in fields},
        fields_by_code={code: name for _pk, code, name in fields},
        agencies=dict(Agency.objects.filter(code__in=agency_codes).values_list("code", "name")),
    )
    return [
        LogLine(
            event=event,
            label=event_label(event.action),
            actor=_actor(event),
            changes=_changes(event, names),
        )
        for event in events
    ]


def _actor(event: CaseEvent) -> str:
    # The intake line is the system's automatic receipt, whoever sent the submission (the
    # sender is named in its changes); other lines without an officer are the submitter's own
    # or the system's (auto-routing, expiry, a peer system's update).
    if event.action == "submitted":
        return _("Hệ thống")
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    if event.action in SUBMITTER_ACTIONS:
        return _("Người gửi")
    return _("Hệ thống")


def _kind(value: Any) -> str:
    return str(Kind(value).label) if value in Kind.values else _("(chưa chọn)")


def _with_confidence(text: str, value: Any) -> str:
    if not isinstance(value, int | float):
        return text
    return _("%(text)s (độ tin cậy %(percent)s%%)") % {"text": text, "percent": round(value * 100)}


def _changes(event: CaseEvent, names: _Names) -> list[str]:
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    action = event.action
    if action == "submitted":
        sender = event.actor.get_full_name() if event.actor is not None else event.actor_label
        channel = data.get("channel")
        who = (
            _("Người nhập hộ: %(name)s")
            if channel == Channel.INTERMEDIARY
            else _("Người gửi: %(name)s")
        )
        lines = [who % {"name": sender}] if sender else []
        if channel in Channel.values:
            lines.append(_("Kênh: %(channel)s") % {"channel": Channel(channel).label})
        return lines
    if action == "classify":
        return _classify_changes(data, names)
    if action == "agency_review":
        line = _("Gợi ý của AI: %(suggested)s → cán bộ chọn: %(chosen)s") % {
            "suggested": _with_confidence(
                names.agency(data.get("suggested")), data.get("confidence")
            ),
            "chosen": names.agency(data.get("chosen")),
        }
        verdict = _("Cán bộ sửa gợi ý.") if data.get("corrected") else _("Cán bộ đồng ý gợi ý.")
        return [line, verdict]
    if action in ("transfer", "auto_route") and "to_agency" in data:
        line = _("Cơ quan: %(before)s → %(after)s") % {
            "before": names.agency(data.get("from_agency")),
            "after": names.agency(data.get("to_agency")),
        }
        return [_with_confidence(line, data.get("confidence"))]
    if action == "rate" and isinstance(data.get("score"), int):
        return [_("Mức hài lòng: %(score)s/5") % {"score": data["score"]}]
    return []


def _classify_changes(data: dict[str, Any], names: _Names) -> list[str]:
    before = data.get("before") or {}
    after = data.get("after") or {}
    lines = []
    if before.get("kind") != after.get("kind"):
        lines.append(
            _("Loại: %(before)s → %(after)s")
            % {"before": _kind(before.get("kind")), "after": _kind(after.get("kind"))}
        )
    if before.get("field") != after.get("field"):
        lines.append(
            _("Lĩnh vực: %(before)s → %(after)s")
            % {"before": names.field(before.get("field")), "after": names.field(after.get("field"))}
        )
    if not lines:
        lines.append(
            _("Giữ nguyên loại “%(kind)s”, lĩnh vực “%(field)s”.")
            % {"kind": _kind(after.get("kind")), "field": names.field(after.get("field"))}
        )
    suggested = data.get("suggested") or {}
    if suggested:
        parts = []
        if "kind" in suggested:
            parts.append(_("loại “%(kind)s”") % {"kind": _kind(suggested["kind"])})
        if "field" in suggested:
            parts.append(_("lĩnh vực “%(field)s”") % {"field": names.field(suggested["field"])})
        lines.append(_("Gợi ý của AI: %(parts)s") % {"parts": ", ".join(parts)})
    return lines
