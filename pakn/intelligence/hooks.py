"""What the intelligence app plugs into the platform: post-intake hooks and periodic jobs.

Hooks suggest: they write ``case.suggestions["duplicates"]``, ``["moderation"]`` and the
classifier's ``["kind"]``, ``["field"]``, ``["agency"]`` (top 3 ``{label, name, confidence}``),
each merged with what the others wrote. One exception, the design's "above a configurable
threshold routes directly": when no routing rule matched (the case sits at the default intake
agency) and the agency classifier is at least ``PAKN_AUTO_ROUTE_CONFIDENCE`` sure, the case is
routed through ``case_auto_route``. A case that a rule routed is never moved by the AI.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings

from pakn.accounts.models import Agency
from pakn.cases import routing
from pakn.cases.models import Case
from pakn.cases.services import case_auto_route, register_post_intake_hook
from pakn.ops.scheduler import periodic

from . import duplicates, moderation, services, suggest, topics
from .models import ClassifierTask
from .selectors import case_text

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


def suggest_classification(case: Case) -> None:
    submission = case.submission
    found = suggest.suggest(case_text(submission.title, submission.body))
    if not found:
        return  # no active classifier yet
    merge_suggestions(case.pk, found)
    top = (found.get(ClassifierTask.AGENCY) or [None])[0]
    if top is None or top["confidence"] < settings.PAKN_AUTO_ROUTE_CONFIDENCE:
        return  # low confidence only ever suggests
    if case.agency_id != routing.default_intake_agency().pk:
        return
    agency = Agency.objects.active().filter(code=top["label"]).first()
    if agency is not None:
        case_auto_route(
            case=case,
            to_agency=agency,
            confidence=top["confidence"],
            model_version=f"agency {found['models'][ClassifierTask.AGENCY]}",
        )


register_post_intake_hook("intelligence.duplicates", suggest_duplicates)
register_post_intake_hook("intelligence.moderation", suggest_moderation)
register_post_intake_hook("intelligence.classify", suggest_classification)


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


@periodic("intelligence.classifier_retrain", every=timedelta(days=1))
def classifier_retrain_job() -> None:
    """Daily: a new version for each task whose labels changed since its latest version."""
    services.classifier_retrain_if_needed(triggered_by="lịch chạy hằng ngày")


@periodic("intelligence.moderation_retrain", every=timedelta(minutes=15))
def moderation_retrain_job() -> None:
    """Moderators' decisions reach the moderation model within minutes, not a day."""
    services.classifier_retrain_if_needed(
        triggered_by="lịch chạy 15 phút", tasks=[ClassifierTask.MODERATION]
    )
