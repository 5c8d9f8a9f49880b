"""How a delivery attempt can fail: the difference decides whether it is tried again."""

from __future__ import annotations


class DeliveryError(Exception):
    """A message could not be handed to its gateway."""


class TransientDeliveryError(DeliveryError):
    """Worth another try later: timeouts, refused connections, 5xx answers, SMTP 4xx."""


class PermanentDeliveryError(DeliveryError):
    """Trying again cannot help: the gateway refused the message or the address."""


class DeliverySkipped(DeliveryError):
    """Nothing to send through: the channel is switched off here (no SMS gateway)."""
