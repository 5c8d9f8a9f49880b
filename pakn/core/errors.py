"""Domain errors with a stable code (for the API) and a Vietnamese message (for people)."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """Bad input: the message (and ``fields``) say what to correct."""

    code = "invalid"
    http_status = 422


class PermissionDenied(DomainError):
    """The actor may not do this; interfaces answer 404 when the case is not visible at all."""

    code = "forbidden"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class IllegalTransition(DomainError):
    """The case is not in a state that allows this action."""

    code = "illegal_transition"
    http_status = 409
