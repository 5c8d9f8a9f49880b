"""What the public sees of an answer. An answer is written to one citizen and often names them
("Kính gửi ông …, SĐT …"); every public surface (portal, API, Open311, partner webhooks) and the
officer's publish preview go through :func:`public_answer`, so they can never disagree. Only the
submitter's own tracking view shows the answer as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pakn.core.redaction import Redaction, redact

__all__ = ["KIND_NAMES", "public_answer", "redacted_kinds_label"]

# What the publish preview tells the officer was hidden, one name per kind of pakn.core.redaction.
KIND_NAMES = {
    "email": _("email"),
    "phone": _("số điện thoại"),
    "id_number": _("số giấy tờ tùy thân"),
    "plate": _("biển số xe"),
    "bank_account": _("số tài khoản"),
    "address": _("địa chỉ"),
    "name": _("họ tên"),
}


def public_answer(*, text: str) -> Redaction:
    """The answer text with personal data replaced by labels, and what was replaced."""
    return redact(text)


def redacted_kinds_label(redaction: Redaction) -> str:
    """ "số điện thoại, họ tên": the kinds of personal data a redaction removed."""
    return ", ".join(str(KIND_NAMES.get(kind, kind)) for kind in redaction.kinds)
