"""Reads of the intelligence app: the classifier's training labels and its active versions."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db.models import Count, Max

from pakn.accounts.models import Agency
from pakn.cases import routing
from pakn.cases.models import Case, CaseEvent
from pakn.submissions.models import Kind
from pakn.taxonomy.models import Field

from .models import (
    TEXT_TASKS,
    ClassifierTask,
    ClassifierVersion,
    DuplicateLabel,
    ModerationLabel,
    VersionStatus,
)

STARTER_PATH = Path(__file__).parent / "data" / "starter_examples.csv"
# Below this many labels of its own, a deployment also learns from the starter examples.
STARTER_UNTIL = 300
# Officers' decisions on where a case belongs, in log order; the latest one per case wins.
AGENCY_LABEL_ACTIONS = ("accept", "transfer", "agency_review")


@dataclass(frozen=True)
class Example:
    """One labelled text. ``key`` is stable across trainings (it decides the held-out split)."""

    key: str
    text: str
    label: str
    at: datetime | None = None


def case_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def training_examples(*, task: str) -> list[Example]:
    """The deployment's own labels for a classifier task, from what officers decided.

    - ``kind`` and ``field``: every case an officer classified (``case_classify``, confirmed or
      corrected), labelled with the case's current kind / field code, i.e. the corrected value.
    - ``agency``: for every case, the latest officer decision about where it belongs, from the
      case log: accepting it (the accepting agency is competent), transferring it by hand (the
      receiving agency is where it should have gone), or answering the AI's agency suggestion
      (the agency chosen). Automatic routing by the AI is not a label, so the model never learns
      from its own guesses; an agency accepting an auto-routed case is.

    - ``moderation``: every moderator's decision (``ModerationLabel``: a confirmed or dismissed
      flag, ``ok`` for a dismissed one).

    Labels of inactive fields or agencies are left out (they can no longer be suggested).
    """
    if task == ClassifierTask.MODERATION:
        return [
            Example(f"moderation:{pk}", text, label, at)
            for pk, text, label, at in ModerationLabel.objects.order_by("pk").values_list(
                "pk", "text", "label", "created_at"
            )
        ]
    if task in (ClassifierTask.KIND, ClassifierTask.FIELD):
        rows = (
            Case.objects.filter(classified_at__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "submission__title",
                "submission__body",
                "submission__kind",
                "submission__field__code",
                "submission__field__is_active",
                "classified_at",
            )
        )
        examples = []
        for pk, title, body, kind, field_code, field_active, at in rows:
            if task == ClassifierTask.KIND:
                label = kind
            else:
                if not field_code or not field_active:
                    continue
                label = field_code
            examples.append(Example(f"case:{pk}", case_text(title, body), label, at))
        return examples
    if task == ClassifierTask.AGENCY:
        latest: dict[int, tuple[str, str, datetime]] = {}
        events = (
            CaseEvent.objects.filter(action__in=AGENCY_LABEL_ACTIONS)
            .exclude(action="transfer", actor__isnull=True)
            .order_by("case_id", "seq")
            .values_list(
                "case_id",
                "action",
                "agency__code",
                "data",
                "created_at",
                "case__submission__title",
                "case__submission__body",
            )
        )
        for case_id, action, agency_code, data, at, title, body in events:
            code: str | None
            if action == "accept":
                code = agency_code
            elif action == "transfer":
                code = (data or {}).get("to_agency")
            else:
                code = (data or {}).get("chosen")
            if code:
                latest[case_id] = (code, case_text(title, body), at)
        active = set(Agency.objects.active().values_list("code", flat=True))
        return [
            Example(f"case:{case_id}", text, code, at)
            for case_id, (code, text, at) in sorted(latest.items())
            if code in active
        ]
    raise ValueError(f"unknown classifier task {task!r}")


def starter_examples(*, task: str, path: Path | None = None) -> list[Example]:
    """The starter set written for PAKN (``data/starter_examples.csv``) for a deployment that has
    few labels yet, limited to the labels this deployment has.

    Kinds are the product's own; fields are matched by code; for ``agency`` each example goes to
    the agency the routing rules give its field (without an area), and is skipped when no rule
    names one (the default intake agency is not a competent agency).
    """
    with (path or STARTER_PATH).open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] in Kind.values]
    if task == ClassifierTask.KIND:
        return [Example(_starter_key(row), row["text"], row["kind"]) for row in rows]
    fields = dict(Field.objects.active().values_list("code", "pk"))
    if task == ClassifierTask.FIELD:
        return [
            Example(_starter_key(row), row["text"], row["field"])
            for row in rows
            if row["field"] in fields
        ]
    if task == ClassifierTask.AGENCY:
        default = routing.default_intake_agency()
        competent: dict[tuple[str, str], str | None] = {}
        examples = []
        for row in rows:
            key = (row["field"], row["kind"])
            if key not in competent and row["field"] in fields:
                agency = routing.route(
                    field_id=fields[row["field"]],
                    province_id=None,
                    commune_id=None,
                    kind=row["kind"],
                )
                competent[key] = agency.code if agency.pk != default.pk else None
            code = competent.get(key)
            if code:
                examples.append(Example(_starter_key(row), row["text"], code))
        return examples
    raise ValueError(f"unknown classifier task {task!r}")


def label_stats(*, task: str) -> tuple[int, datetime | None]:
    """How many labels a task has and when the latest was given: what tells the scheduled jobs
    whether anything is new. Moderation's is one aggregate (it is checked every 15 minutes)."""
    if task == ClassifierTask.MODERATION:
        stats = ModerationLabel.objects.aggregate(n=Count("pk"), last=Max("created_at"))
        return stats["n"], stats["last"]
    own = training_examples(task=task)
    return len(own), max((e.at for e in own if e.at is not None), default=None)


def _starter_key(row: dict[str, str]) -> str:
    # By content, not by line: editing the file keeps the other rows on the same side of the split.
    return "starter:" + hashlib.sha256(row["text"].encode()).hexdigest()[:16]


def active_version_keys() -> dict[str, tuple[int, str]]:
    """Text task → (id, checksum) of its active version: the one cheap query made at every
    intake. The checksum recognises a version even where ids are reused (test databases)."""
    return {
        task: (pk, sha)
        for task, pk, sha in ClassifierVersion.objects.filter(
            status=VersionStatus.ACTIVE, task__in=TEXT_TASKS
        ).values_list("task", "pk", "artifact_sha256")
    }


def latest_version(*, task: str) -> ClassifierVersion | None:
    return ClassifierVersion.objects.filter(task=task).defer("artifact").order_by("-number").first()


def duplicate_label_pairs() -> list[tuple[str, str, int]]:
    """Officers' verdicts on suggested duplicates as ``(text_a, text_b, 1 = same issue)``, the
    latest verdict per pair, for evaluating the duplicate threshold (``duplicates_eval``)."""
    latest: dict[tuple[int, int], tuple[str, str, int]] = {}
    for a, b, same, title_a, body_a, title_b, body_b in DuplicateLabel.objects.order_by(
        "pk"
    ).values_list(
        "case_id",
        "other_id",
        "is_duplicate",
        "case__submission__title",
        "case__submission__body",
        "other__submission__title",
        "other__submission__body",
    ):
        latest[(min(a, b), max(a, b))] = (
            case_text(title_a, body_a),
            case_text(title_b, body_b),
            int(same),
        )
    return list(latest.values())
