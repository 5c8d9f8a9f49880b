"""Which submissions a logged-in person may see as theirs ("Phản ánh của tôi").

Privacy rule, decided for issue #4: a submission belongs to an account when

1. it was sent while logged in to that account (``Submission.account``), or
2. it was sent **without** an account (``account`` is empty: anonymously, or by an intermediary
   on the person's behalf) with a contact the account has **proved**: the email once its link
   was opened (``email_verified_at``), the phone once its SMS code was entered
   (``phone_verified_at``).

Matching happens when the list is read, not by copying the account onto old rows: nothing is
attached before the proof, an unverified account sees only rule 1, and a submission another
logged-in account sent with the same contact stays that account's. The acknowledgment of every
such submission already went to that contact with its tracking link, so the proof shows nobody
anything the contact's holder could not already open.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pakn.accounts.models import User
from pakn.cases.models import Case
from pakn.core.tracking import InvalidTrackingCode, normalize_tracking_code


def _owner_filter(user: User) -> Q:
    owned = Q(submission__account=user)
    proved = Q()
    if user.email and user.email_verified_at:
        proved |= Q(submission__submitter_email=user.email.lower())
    if user.phone and user.phone_verified_at:
        proved |= Q(submission__submitter_phone=user.phone)
    if proved:
        owned |= Q(submission__account__isnull=True) & proved
    return owned


def cases_of(user: User) -> QuerySet[Case]:
    """The person's own submissions, newest first, ready for a list (one query per page)."""
    return (
        Case.objects.filter(_owner_filter(user))
        .select_related("submission", "agency")
        .order_by("-submission__created_at", "-pk")
    )


def cases_sent_on_behalf_by(user: User) -> QuerySet[Case]:
    """What an intermediary sent for other people."""
    return (
        Case.objects.filter(submission__intermediary=user)
        .select_related("submission", "agency")
        .order_by("-submission__created_at", "-pk")
    )


def owned_case_id(user: User, code: str) -> int | None:
    """The case id behind ``code`` if the person owns it (or sent it on someone's behalf)."""
    try:
        normalized = normalize_tracking_code(code)
    except InvalidTrackingCode:
        return None
    return (
        Case.objects.filter(submission__tracking_code=normalized)
        .filter(_owner_filter(user) | Q(submission__intermediary=user))
        .values_list("pk", flat=True)
        .first()
    )
