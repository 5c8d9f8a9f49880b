"""How case events reach other systems: the cases layer calls :func:`on_case_event` for every
appended event (inside its transaction); a status change that someone listens to schedules one
fan-out step, committed together with the event."""

from __future__ import annotations

from pakn.cases.models import CaseEvent
from pakn.ops.steps import schedule
from pakn.submissions.models import Channel

from . import selectors


def on_case_event(event: CaseEvent) -> None:
    # Only transitions count: intake (no from_status) is answered synchronously to the sender,
    # and notes or ratings change no status.
    if not event.from_status or not event.to_status:
        return
    submission = event.case.submission
    from_peer = submission.channel == Channel.FEDERATION and bool(submission.source_instance)
    if not from_peer and not selectors.partners_listening():
        return
    schedule("federation.fan_out", case_id=event.case_id, event_id=event.pk)
