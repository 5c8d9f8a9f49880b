"""What a browser session has proved about submissions, so secrets stay out of URLs.

After a look-up by code plus token or phone, the session holds the case id for that code; the
access token itself is kept only for the success page right after a submission.
"""

from __future__ import annotations

from django.http import HttpRequest

from pakn.cases.models import Case

TRACK_KEY = "pakn_track"
RECEIPT_KEY = "pakn_receipts"
MAX_REMEMBERED = 20


def _remember(request: HttpRequest, key: str, code: str, value: object) -> None:
    remembered = dict(request.session.get(key, {}))
    remembered.pop(code, None)
    remembered[code] = value
    # Oldest first (dicts keep insertion order): a shared computer does not pile up access.
    while len(remembered) > MAX_REMEMBERED:
        remembered.pop(next(iter(remembered)))
    request.session[key] = remembered


def grant(request: HttpRequest, case: Case) -> None:
    _remember(request, TRACK_KEY, case.submission.tracking_code, case.pk)


def granted_case_id(request: HttpRequest, code: str) -> int | None:
    value = request.session.get(TRACK_KEY, {}).get(code)
    return value if isinstance(value, int) else None


def keep_receipt(request: HttpRequest, code: str, token: str) -> None:
    _remember(request, RECEIPT_KEY, code, token)


def receipt_token(request: HttpRequest, code: str) -> str | None:
    value = request.session.get(RECEIPT_KEY, {}).get(code)
    return value if isinstance(value, str) else None


def forget(request: HttpRequest, code: str) -> None:
    """Remove a submission's access from this browser (a shared or borrowed device)."""
    for key in (TRACK_KEY, RECEIPT_KEY):
        remembered = dict(request.session.get(key, {}))
        if remembered.pop(code, None) is not None:
            request.session[key] = remembered
