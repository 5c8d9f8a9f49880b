"""What the intelligence app plugs into the platform: post-intake hooks and periodic jobs.

Hooks only suggest: they write ``case.suggestions["duplicates"]`` and
``case.suggestions["moderation"]``, merged with what other hooks wrote (the classifier's
"kind", "field", "agency"), and never change the case's state.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from pakn.cases.models import Case
from pakn.cases.services import register_post_intake_hook
from pakn.ops.scheduler import periodic

from . import duplicates, moderation, topics

log = logging.getLogger(__name__)


def merge_suggestions(case_id: int, values: dict[str, Any]) -> None:
    """Set some keys of ``case.suggestions``, keeping the others, under a row lock (the hooks
    run inside the step's transaction)."""
    current = (
        Case.objects.select_for_update().filter(pk=case_id).values_list("suggestions", flat=True)
    )
    existing = next(iter(current), None)
    merged = {**(existing or {}), **values}
    Case.objects.filter(pk=case_id).update(suggestions=merged)


def suggest_duplicates(case: Case) -> None:
    """Look for earlier cases first, then add this one to the index for the cases to come."""
    found = duplicates.find_duplicates(case)
    duplicates.index_case(case)
    merge_suggestions(case.pk, {"duplicates": found})


def suggest_moderation(case: Case) -> None:
    submission = case.submission
    flags = moderation.moderate(f"{submission.title}\n{submission.body}")
    merge_suggestions(case.pk, {"moderation": [flag.as_dict() for flag in flags]})


register_post_intake_hook("intelligence.duplicates", suggest_duplicates)
register_post_intake_hook("intelligence.moderation", suggest_moderation)


@periodic("intelligence.duplicates_index", every=timedelta(minutes=1))
def duplicates_index_job() -> None:
    done = duplicates.index_pending()
    if done:
        log.info("duplicate index: %s cases indexed", done)


@periodic("intelligence.topics_refresh", every=timedelta(days=7))
def topics_refresh_job() -> None:
    snapshot = topics.refresh_topics()
    log.info(
        "emerging topics: %s topics from %s cases", snapshot.topics.count(), snapshot.case_count
    )
