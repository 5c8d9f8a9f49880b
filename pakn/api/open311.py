"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), served under /open311/v2/.

Services are the active fields (``service_code`` = field code); a service request is a
submission, identified by its tracking code. Every resource answers in JSON
(``Content-Type: application/json``) and XML (``Content-Type: text/xml``, UTF-8 declared in
the XML declaration), and every error is the specification's list of ``{code, description}``
with a Vietnamese description.

What a GET shows, following DESIGN.md §4 (“nothing else about a case is public”):

- a **published** case (published, or closed after publication): its redacted public title and
  body as ``description``, the approved answer as ``service_notice``, commune and province as
  ``address`` (never the street address typed by the submitter), and the point rounded to three
  decimals (about 100 m) so a published report does not pin down someone's home;
- a case that a partner sent itself through Open311, **only when the request carries that same
  ``api_key``**: status-only (status, notes, agency, dates, service code), without text or
  place: the partner holds the text it sent, and the public sees nothing until publication;
- nothing else: any other tracking code answers 404 as if it did not exist.

POST creates the submission through the intake service (channel Open311, the key's partner
name in ``source_instance``). The tracking code exists at once, so the answer carries
``service_request_id``; it also carries a ``token`` for clients written for the token flow,
and ``tokens/{token}`` resolves it. An ``Idempotency-Key`` header makes a retried POST return
the first request instead of creating another.

Rate limits: a POST with a valid key counts against that key (``PAKN_API_OFFICER_RATE``:
partner systems send on behalf of many people from one address); requests with a missing or
wrong key count per client address (``PAKN_API_PUBLIC_WRITE_RATE``) and past the limit every
POST from that address is refused for the window, which stops key guessing.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pakn.accounts.models import PartnerKey, PartnerScope
from pakn.accounts.partner_keys import KeyRefused, partner_key_authenticate
from pakn.cases import services
from pakn.cases.models import DONE_STATUSES, Answer, AnswerStatus, Case, Status
from pakn.core import ratelimit
from pakn.core.errors import DomainError
from pakn.core.text import fold
from pakn.core.tracking import (
    InvalidTrackingCode,
    format_tracking_code,
    normalize_tracking_code,
)
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.submissions.models import Channel, Kind, Submission
from pakn.taxonomy.models import Field

from . import idempotency, open311_xml

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation last changed in a way clients may care about (discovery.changeset).
CHANGESET = "2026-12-01T00:00:00+07:00"
MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)
MAX_IDS = 100
PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED)
_ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_]+)\]")
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Which Open311 parameter to name when the intake service refuses one of its fields.
_PARAMETER = {
    "kind": "attribute[kind]",
    "title": "attribute[title]",
    "body": "description",
    "submitter_name": "first_name, last_name",
    "organisation_name": "attribute[organisation_name]",
    "phone": "phone",
    "email": "email",
    "location": "lat, long",
    "field": "service_code",
    "commune": "address_id",
    "province": "address_id",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = list(descriptions)


# ---------------------------------------------------------------------------- responses


def _respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(open311_xml.render(root, data), content_type="text/xml", status=status)
    body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, content_type="application/json", status=status)


def _errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    return _respond(
        fmt, "errors", [{"code": status, "description": text} for text in descriptions], status
    )


def _domain_error(fmt: str, exc: DomainError) -> HttpResponse:
    # The specification's codes: 403 and 404 as they are, any other refusal is bad input.
    status = exc.http_status if exc.http_status in (403, 404) else 400
    if exc.fields:
        descriptions = [
            f"{_PARAMETER.get(name, name)}: {message}" for name, message in exc.fields.items()
        ]
    else:
        descriptions = [exc.message]
    return _errors(fmt, status, descriptions)


def endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Method check (405), and every error in the specification's shape."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> Any:
            if request.method not in methods:
                response = _errors(
                    fmt,
                    405,
                    [
                        _("Phương thức %(method)s không được hỗ trợ ở địa chỉ này.")
                        % {"method": request.method}
                    ],
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return _errors(fmt, exc.status, exc.descriptions)
            except DomainError as exc:
                return _domain_error(fmt, exc)

        return wrapped

    return decorator


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# ---------------------------------------------------------------------------- discovery, services


@endpoint("GET", "HEAD")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    data = {
        "changeset": CHANGESET,
        "contact": _("Quản trị hệ thống PAKN: %(site)s") % {"site": settings.SITE_URL},
        "key_service": _(
            "Khóa API (api_key) do quản trị viên cấp cho từng hệ thống đối tác; "
            "liên hệ quản trị hệ thống để đăng ký."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{settings.SITE_URL}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond(fmt, "discovery", data)


def _keywords(field: Field) -> str:
    words = [fold(field.name), field.name_en.strip(), field.code.replace("-", " ")]
    return ", ".join(dict.fromkeys(word for word in words if word))


@endpoint("GET", "HEAD")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    fields = Field.objects.active().select_related("parent").order_by("parent_id", "position")
    data = [
        {
            "service_code": field.code,
            "service_name": field.name,
            "description": field.description or field.name,
            # Every service has attributes: at least the kind of submission.
            "metadata": True,
            "type": "realtime",
            "keywords": _keywords(field),
            "group": field.parent.name if field.parent else field.name,
        }
        for field in fields
    ]
    return _respond(fmt, "services", data)


def attributes() -> list[dict[str, Any]]:
    """The attributes of every service, in ``order``; ``values`` only for list types."""
    yes_no = [{"key": "true", "name": _("Có")}, {"key": "false", "name": _("Không")}]
    return [
        {
            "variable": True,
            "code": "kind",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": _("Chọn một giá trị (key) trong danh sách."),
            "order": 1,
            "description": _("Loại: phản ánh, kiến nghị, sáng kiến hay giải pháp."),
            "values": [{"key": key, "name": str(label)} for key, label in Kind.choices],
        },
        {
            "variable": True,
            "code": "title",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Từ 5 đến 250 ký tự."),
            "order": 2,
            "description": _("Tiêu đề ngắn; để trống thì lấy phần đầu của mô tả (description)."),
        },
        {
            "variable": True,
            "code": "organisation_name",
            "datatype": "string",
            "required": False,
            "datatype_description": _("Tối đa 255 ký tự."),
            "order": 3,
            "description": _("Tên tổ chức, doanh nghiệp khi người gửi là tổ chức."),
        },
        {
            "variable": True,
            "code": "anonymous",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("true hoặc false; mặc định false."),
            "order": 4,
            "description": _("Ẩn danh với công chúng: chỉ cơ quan xử lý biết danh tính người gửi."),
            "values": yes_no,
        },
    ]


@endpoint("GET", "HEAD")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    if not Field.objects.active().filter(code=code).exists():
        raise Open311Error(404, _("Không có dịch vụ (lĩnh vực) mã “%(code)s”.") % {"code": code})
    return _respond(fmt, "service_definition", {"service_code": code, "attributes": attributes()})


# ---------------------------------------------------------------------------- requests: reading


def _status_notes(case: Case, answer: Answer | None) -> str:
    notes = case.get_status_display()
    if answer is not None:
        notes = f"{notes}. {_('Kết quả')}: {answer.get_outcome_display()}"
    return str(notes)


def _request_out(case: Case, *, public: bool) -> dict[str, Any]:
    """One service request; ``public`` False gives the status-only form (module docstring)."""
    submission = case.submission
    field = submission.field
    answers: list[Answer] = getattr(case, "approved_answers", [])
    answer = answers[0] if answers and public else None
    place = [unit.name for unit in (submission.commune, submission.province) if unit]

    def rounded(value: float | None) -> float | None:
        return round(value, 3) if public and value is not None else None

    return {
        "service_request_id": format_tracking_code(submission.tracking_code),
        "status": "closed" if case.status in DONE_STATUSES else "open",
        "status_notes": _status_notes(case, answer),
        "service_name": field.name if field else "",
        "service_code": field.code if field else "",
        "description": f"{case.public_title}\n\n{case.public_body}" if public else "",
        "agency_responsible": case.agency.name,
        "service_notice": answer.public_text if answer else "",
        "requested_datetime": _iso(submission.created_at),
        "updated_datetime": _iso(case.status_changed_at),
        "expected_datetime": _iso(case.due_at),
        "address": ", ".join(place) if public else "",
        "address_id": str(submission.commune.code) if public and submission.commune else None,
        "zipcode": None,
        "lat": rounded(submission.latitude),
        "long": rounded(submission.longitude),
        "media_url": None,
    }


def _published() -> Q:
    return Q(status__in=PUBLIC_STATUSES, published_at__isnull=False)


def _sent_with(key: PartnerKey) -> Q:
    return Q(
        submission__channel=Channel.OPEN311,
        submission__source_instance__endswith=f"[{key.prefix}]",
    )


def _visible_cases(key: PartnerKey | None) -> QuerySet[Case]:
    visible = _published() | _sent_with(key) if key else _published()
    return (
        Case.objects.filter(visible)
        .select_related(
            "agency", "submission__field", "submission__province", "submission__commune"
        )
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.filter(status=AnswerStatus.APPROVED).order_by(
                    "-approved_at"
                ),
                to_attr="approved_answers",
            )
        )
    )


def _rows(cases: Iterable[Case]) -> list[dict[str, Any]]:
    return [
        _request_out(case, public=case.status in PUBLIC_STATUSES and case.published_at is not None)
        for case in cases
    ]


def _reading_key(params: QueryDict) -> PartnerKey | None:
    """A GET may carry the api_key of the partner, to see its own unpublished requests."""
    raw = params.get("api_key", "")
    return partner_key_authenticate(raw=raw, scope=PartnerScope.OPEN311_WRITE) if raw else None


def _tracking_code(text: str) -> str:
    try:
        return normalize_tracking_code(text)
    except InvalidTrackingCode as exc:
        raise Open311Error(400, f"service_request_id: {exc}") from None


def _date(params: QueryDict, name: str) -> datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    # An unencoded "+07:00" in a query string arrives as " 07:00".
    value = parse_datetime(re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw))
    if value is None or value.tzinfo is None:
        raise Open311Error(
            400,
            _(
                "%(name)s: cần ngày giờ ISO 8601 có múi giờ, ví dụ 2026-12-01T08:00:00+07:00 "
                "hoặc 2026-12-01T01:00:00Z."
            )
            % {"name": name},
        )
    return value


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The specification's default: the 90 days up to end_date (or now), or from start_date."""
    if start is None:
        end = end or timezone.now()
        return end - MAX_SPAN, end
    return start, end or start + MAX_SPAN


def _search(request: HttpRequest) -> list[dict[str, Any]]:
    params = request.GET
    cases = _visible_cases(_reading_key(params))
    ids = [part.strip() for part in params.get("service_request_id", "").split(",") if part.strip()]
    if ids:
        # The specification: a list of ids overrides every other parameter.
        if len(ids) > MAX_IDS:
            raise Open311Error(
                400, _("service_request_id: tối đa %(n)d mã mỗi lần.") % {"n": MAX_IDS}
            )
        codes = [_tracking_code(text) for text in ids]
        found = {
            case.submission.tracking_code: case
            for case in cases.filter(submission__tracking_code__in=codes)
        }
        return _rows(found[code] for code in dict.fromkeys(codes) if code in found)

    start, end = _window(_date(params, "start_date"), _date(params, "end_date"))
    if end < start:
        raise Open311Error(400, _("end_date phải sau start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("Khoảng từ start_date đến end_date không được quá 90 ngày."))
    cases = cases.filter(submission__created_at__gte=start, submission__created_at__lte=end)

    service_codes = [
        part.strip() for part in params.get("service_code", "").split(",") if part.strip()
    ]
    if service_codes:
        cases = cases.filter(submission__field__code__in=service_codes)
    statuses = {part.strip() for part in params.get("status", "").split(",") if part.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status: chỉ nhận open hoặc closed (cách nhau bằng dấu phẩy)."))
    if statuses == {"open"}:
        cases = cases.exclude(status__in=DONE_STATUSES)
    elif statuses == {"closed"}:
        cases = cases.filter(status__in=DONE_STATUSES)
    return _rows(cases.order_by("-submission__created_at", "-pk")[:MAX_REQUESTS])


@endpoint("GET", "HEAD", "POST")
def request_collection(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        status, body = _create(request)
        return _respond(fmt, "service_requests", body, status)
    return _respond(fmt, "service_requests", _search(request))


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    try:
        code = normalize_tracking_code(request_id)
    except InvalidTrackingCode as exc:
        # An id that cannot exist is not found (the reason helps whoever mistyped it).
        raise Open311Error(404, f"{_('Không tìm thấy yêu cầu này')}: {exc}") from None
    case = _visible_cases(_reading_key(request.GET)).filter(submission__tracking_code=code).first()
    if case is None:
        raise Open311Error(
            404, _("Không tìm thấy yêu cầu %(id)s.") % {"id": format_tracking_code(code)}
        )
    return _respond(fmt, "service_requests", _rows([case]))


# ---------------------------------------------------------------------------- tokens


def _request_token(tracking_code: str) -> str:
    """An unforgeable token that names the request (no table needed to resolve it)."""
    mac = salted_hmac("pakn.open311.token", tracking_code).hexdigest()[:20]
    return f"{tracking_code}-{mac}"


@endpoint("GET", "HEAD")
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    code, _sep, _mac = token.partition("-")
    not_found = Open311Error(404, _("Không tìm thấy mã token này."))
    if not constant_time_compare(_request_token(code), token):
        raise not_found
    if not Submission.objects.filter(tracking_code=code).exists():
        raise not_found
    data = [{"service_request_id": format_tracking_code(code), "token": token}]
    return _respond(fmt, "service_requests", data)


# ---------------------------------------------------------------------------- requests: creating


def _refuse_guessing(request: HttpRequest) -> tuple[str, int] | None:
    """The counter of failed keys for this address, or None when the limit is off."""
    rate = str(settings.PAKN_API_PUBLIC_WRITE_RATE or "")
    if not rate:
        return None
    limit, window = ratelimit.parse_rate(rate)
    counter = f"rl:open311-badkey:{ratelimit.client_ip(request)}:{int(time.time() // window)}"
    if ratelimit.current(counter) >= limit:
        raise Open311Error(429, _("Quá nhiều lần gửi với khóa API sai; vui lòng thử lại sau."))
    return counter, window


def _authenticate(request: HttpRequest) -> PartnerKey:
    counter = _refuse_guessing(request)
    try:
        key = partner_key_authenticate(
            raw=request.POST.get("api_key", ""), scope=PartnerScope.OPEN311_WRITE
        )
    except KeyRefused:
        if counter is not None:
            ratelimit.increment(*counter)
        raise
    rate = str(settings.PAKN_API_OFFICER_RATE or "")
    if rate and not ratelimit.hit("open311-key", f"key:{key.pk}", rate):
        raise Open311Error(429, _("Hệ thống đối tác gửi quá nhiều yêu cầu; vui lòng thử lại sau."))
    return key


def _title_from(description: str) -> str:
    """The first line of the description, cut at a word near 100 characters."""
    first = " ".join(description.strip().split("\n", 1)[0].split())
    if len(first) <= 100:
        return first
    return first[:100].rsplit(" ", 1)[0] + "…"


def _number(post: QueryDict, name: str, errors: list[str]) -> float | None:
    raw = post.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(_("%(name)s: cần số thập phân (độ), ví dụ 21.8537.") % {"name": name})
        return None
    return value


def _intake_data(post: QueryDict, key: PartnerKey, idempotency_key: str) -> services.IntakeData:
    errors: list[str] = []
    code = post.get("service_code", "").strip()
    field = Field.objects.active().filter(code=code).first() if code else None
    if not code:
        errors.append(_("service_code: bắt buộc; danh sách mã ở services.json."))
    elif field is None:
        errors.append(
            _("service_code: không có dịch vụ (lĩnh vực) mã “%(code)s”.") % {"code": code}
        )

    values: dict[str, str] = {}
    for name in post:
        match = _ATTRIBUTE.fullmatch(name)
        if match:
            values[match.group(1)] = post.get(name, "").strip()
    defined = {attribute["code"]: attribute for attribute in attributes()}
    for name in sorted(set(values) - set(defined)):
        errors.append(
            _("attribute[%(name)s]: thuộc tính không có trong định nghĩa dịch vụ.") % {"name": name}
        )
    for name, attribute in defined.items():
        value = values.get(name, "")
        keys = [item["key"] for item in attribute.get("values", [])]
        if attribute["required"] and not value:
            errors.append(
                _("attribute[%(name)s]: bắt buộc (%(keys)s).")
                % {"name": name, "keys": ", ".join(keys)}
            )
        elif value and keys and value not in keys:
            errors.append(
                _("attribute[%(name)s]: “%(value)s” không hợp lệ; chọn một trong %(keys)s.")
                % {"name": name, "value": value, "keys": ", ".join(keys)}
            )

    latitude, longitude = _number(post, "lat", errors), _number(post, "long", errors)
    address = post.get("address_string", "").strip()
    address_id = post.get("address_id", "").strip()
    commune = None
    if address_id:
        commune = (
            AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, code=address_id).first()
            if address_id.isdigit()
            else None
        )
        if commune is None:
            errors.append(
                _("address_id: cần mã xã, phường (đơn vị hành chính 2025); “%(id)s” không có.")
                % {"id": address_id}
            )
    has_point = post.get("lat", "").strip() or post.get("long", "").strip()
    if not (has_point or address or address_id):
        errors.append(_("Cần vị trí: lat và long, hoặc address_string, hoặc address_id."))

    media_url = post.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except DjangoValidationError:
            errors.append(_("media_url: cần một địa chỉ http(s) hợp lệ."))
    if errors:
        raise Open311Error(400, *errors)

    description = post.get("description", "").strip()
    body = description
    if media_url:
        body = f"{description}\n\n{_('Ảnh, video kèm theo')}: {media_url}"
    # Vietnamese names read family name first: họ (last_name) then tên (first_name).
    name = " ".join(f"{post.get('last_name', '')} {post.get('first_name', '')}".split())
    organisation = values.get("organisation_name", "")
    account, device = post.get("account_id", "").strip(), post.get("device_id", "").strip()
    # The partner's own identifiers of the person and device, kept for officers and support.
    partner_ids = " ".join(
        f"{label}:{value}" for label, value in (("account", account), ("device", device)) if value
    )
    return services.IntakeData(
        kind=values.get("kind", ""),
        field_id=field.pk if field else None,
        title=values.get("title") or _title_from(description),
        body=body,
        channel=Channel.OPEN311,
        submitter_type="organisation" if organisation else "person",
        submitter_name=name,
        organisation_name=organisation,
        phone=post.get("phone", ""),
        email=post.get("email", ""),
        is_anonymous=values.get("anonymous") == "true",
        latitude=latitude,
        longitude=longitude,
        address=address,
        commune_id=commune.pk if commune else None,
        idempotency_key=idempotency_key or None,
        source_instance=key.source_label,
        external_id=partner_ids[:120],
    )


def _create(request: HttpRequest) -> tuple[int, list[dict[str, Any]]]:
    if request.content_type not in _FORM_TYPES:
        raise Open311Error(
            400,
            _("Gửi yêu cầu dạng application/x-www-form-urlencoded (hoặc multipart/form-data)."),
        )
    key = _authenticate(request)
    header = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    idempotency_key = f"open311:{key.pk}:{header}" if header else ""
    data = _intake_data(request.POST, key, idempotency_key)
    if idempotency_key:
        first = (
            Submission.objects.filter(idempotency_key=idempotency_key).only("title", "body").first()
        )
        if first is not None and (
            first.title != " ".join(data.title.split()) or first.body != data.body.strip()
        ):
            raise Open311Error(400, _("Idempotency-Key: mã này đã được dùng cho một yêu cầu khác."))
    result = services.submission_intake(data=data)
    case = result.case
    notice = _("Đã tiếp nhận; cơ quan tiếp nhận: %(agency)s.") % {"agency": case.agency.name}
    if case.due_at:
        notice += " " + _("Hạn trả lời dự kiến: %(date)s.") % {
            "date": timezone.localtime(case.due_at).strftime("%d/%m/%Y")
        }
    account = request.POST.get("account_id", "").strip()
    body = [
        {
            "service_request_id": format_tracking_code(result.tracking_code),
            "token": _request_token(result.tracking_code),
            "service_notice": notice,
            "account_id": account or None,
        }
    ]
    return (201 if result.created else 200), body


@csrf_exempt
def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /open311/v2/ answers in the specification's error shape."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return _errors(
        fmt, 404, [_("Không có tài nguyên Open311 này: /open311/v2/%(path)s") % {"path": path}]
    )
