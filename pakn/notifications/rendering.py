"""The notification templates: which exist, who they are for, and how they are rendered.

Each template is a folder ``templates/notifications/<name>/`` with ``subject.txt``,
``body.txt``, ``body.html`` and ``sms.txt``. Source strings are Vietnamese; the English
catalogue lives in this app's ``locale/``. Messages are rendered once, when the notification is
created, so the delivery log keeps exactly what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from pakn.core.text import strip_diacritics

CITIZEN_TEMPLATES = frozenset(
    {
        "submission_received",
        "info_requested",
        "transferred",
        "merged",
        "answered",
        "published",
        "returned",
        "rejected",
        "reopened",
    }
)
OFFICER_TEMPLATES = frozenset(
    {
        "case_received",
        "case_assigned",
        "due_soon",
        "overdue",
        "escalated",
        "screening_overdue",
        "screening_escalated",
        "approval_needed",
        "answer_returned",
        "coordination_requested",
        "coordination_answered",
        "info_provided",
    }
)
# Messages about the account itself (proving an email or phone, resetting a password): sent to
# the address being proved whatever the notification preferences say.
ACCOUNT_TEMPLATES = frozenset(
    {"account_verify_email", "account_verify_phone", "password_reset", "password_reset_code"}
)
# Officers get SMS only when a case needs attention now; everything else waits in the inbox.
URGENT_OFFICER_TEMPLATES = frozenset(
    {"overdue", "escalated", "screening_overdue", "screening_escalated"}
)
TEMPLATES = CITIZEN_TEMPLATES | OFFICER_TEMPLATES | ACCOUNT_TEMPLATES

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
# Keys the workflow passes; each defaults to "" so a missing one renders as nothing.
CONTEXT_KEYS = (
    "code",
    "title",
    "agency",
    "reason",
    "question",
    "due_at",
    "link",
    "outcome",
    "main_code",
    "days_overdue",
    "otp",
)
SUBJECT_MAX_CHARS = 250

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str = ""
    text: str = ""
    html: str = ""
    sms: str = ""
    summary: str = ""


def check_template(name: str) -> None:
    if name not in TEMPLATES:
        raise ValueError(f"Unknown notification template {name!r}")


def sms_allowed(template: str) -> bool:
    return (
        template in CITIZEN_TEMPLATES
        or template in URGENT_OFFICER_TEMPLATES
        or template in ACCOUNT_TEMPLATES
    )


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def absolute_url(link: str) -> str:
    if not link or "://" in link:
        return link
    return settings.SITE_URL + ("" if link.startswith("/") else "/") + link


def render_message(
    *,
    template: str,
    context: Mapping[str, Any],
    language: str | None = None,
    recipient_name: str = "",
    email: bool = True,
    sms: bool = True,
    summary: bool = True,
) -> RenderedMessage:
    """Render the parts the chosen channels need, in ``language`` (Vietnamese by default)."""
    check_template(template)
    ctx: dict[str, Any] = dict.fromkeys(CONTEXT_KEYS, "")
    ctx.update(context)
    ctx["link"] = absolute_url(str(ctx["link"] or ""))
    ctx["recipient_name"] = recipient_name
    folder = f"notifications/{template}"
    parts: dict[str, str] = {}
    with translation.override(language_or_default(language)):
        if email or summary:
            subject = _one_line(render_to_string(f"{folder}/subject.txt", ctx))
            parts["subject"] = subject[:SUBJECT_MAX_CHARS]
        if email:
            ctx["subject"] = parts["subject"]
            parts["text"] = _tidy(render_to_string(f"{folder}/body.txt", ctx))
            parts["html"] = render_to_string(f"{folder}/body.html", ctx).strip()
        if sms:
            # Without diacritics an SMS fits the 7-bit alphabet: 160 characters, not 70.
            parts["sms"] = _one_line(strip_diacritics(render_to_string(f"{folder}/sms.txt", ctx)))
        if summary:
            # The in-app line: same words as the SMS, with diacritics and without the link,
            # which the inbox shows on its own.
            parts["summary"] = _one_line(render_to_string(f"{folder}/sms.txt", {**ctx, "link": ""}))
    return RenderedMessage(**parts)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _tidy(text: str) -> str:
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"
