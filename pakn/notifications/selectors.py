"""Reading in-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from pakn.accounts.models import User

from .models import Notification, NotificationChannel


def inbox_for(user: User, limit: int = 20) -> list[Notification]:
    """The user's latest in-app notifications, newest first, read or not."""
    return list(
        Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def unread_for(user: User) -> QuerySet[Notification]:
    """The user's unread in-app notifications, newest first (``.count()`` for a badge)."""
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.IN_APP, read_at__isnull=True
    ).order_by("-created_at", "-pk")
