"""Writes of the intelligence app: training classifier versions, activating them, and officers'
verdicts on suggested duplicates.

Training is CPU work of seconds to minutes: it runs in a command, the nightly job or a
background step, never in a web request.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.metrics import accuracy_score, f1_score
from threadpoolctl import threadpool_limits

from pakn.accounts.models import User
from pakn.cases import services as case_services
from pakn.cases.log import append_event
from pakn.cases.models import Case
from pakn.cases.rules import allowed_from, can_act
from pakn.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from pakn.ops.steps import step

from . import classifier, moderation, selectors
from .models import ClassifierTask, ClassifierVersion, DuplicateLabel, VersionStatus

log = logging.getLogger(__name__)

# One example in five is held out, chosen by a hash of its stable key: the same examples are held
# out at every training, so no version has seen them and any two versions compare fairly.
HOLDOUT_EVERY = 5


class NotEnoughData(Exception):
    """Too few labelled examples to train a classifier for a task."""


def in_holdout(key: str) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % HOLDOUT_EVERY == 0


def model_bytes(model: classifier.TextClassifier) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        classifier.save(model, path)
        return path.read_bytes()


def model_from_bytes(data: bytes | memoryview) -> classifier.TextClassifier:
    """A model from its stored bytes. Only bytes this platform wrote: unpickling runs code."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        path.write_bytes(bytes(data))
        return classifier.load(path)


@dataclass(frozen=True)
class _Learner:
    """How one kind of model is fitted, applied, stored and read back."""

    pipeline: str
    fit: Callable[[list[str], list[str], dict[str, Any]], Any]
    predict: Callable[[Any, list[str]], list[str]]
    dump: Callable[[Any], bytes]
    load: Callable[[bytes | memoryview], Any]
    min_examples: int = 2


def _fit_text(texts: list[str], labels: list[str], params: dict[str, Any]) -> Any:
    return classifier.build_pipeline(**params).fit(texts, labels)


_TEXT = _Learner(
    pipeline=classifier.MODEL_VERSION,
    fit=_fit_text,
    predict=lambda model, texts: [str(p) for p in model.predict(texts)],
    dump=model_bytes,
    load=model_from_bytes,
)
_MODERATION = _Learner(
    pipeline=moderation.MODEL_VERSION,
    fit=lambda texts, labels, params: moderation.ModerationModel(texts, labels),
    predict=lambda model, texts: [str(p) for p in model.pipeline.predict(texts)],
    dump=moderation.save_bytes,
    load=moderation.load_bytes,
    min_examples=moderation.MIN_TRAINING_LABELS,
)


def _learner(task: str) -> _Learner:
    return _MODERATION if task == ClassifierTask.MODERATION else _TEXT


def _scores(
    learner: _Learner, model: Any, texts: list[str], truth: list[str]
) -> tuple[float, float, dict[str, float]]:
    """macro-F1 over the labels of the held-out set, accuracy, and F1 per label."""
    predicted = learner.predict(model, texts)
    labels = sorted(set(truth))
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return (
        float(np.mean(per_class)),
        float(accuracy_score(truth, predicted)),
        {label: round(float(f), 4) for label, f in zip(labels, per_class, strict=True)},
    )


def classifier_train(
    *, task: str, triggered_by: str, force_activate: bool = False, **params: Any
) -> ClassifierVersion:
    """Train a new version of one task's model from the labels (see
    ``selectors.training_examples``), plus, for the text tasks, the starter set while the
    deployment has fewer than ``selectors.STARTER_UNTIL`` labels of its own.

    The new version is measured on the held-out examples, and so is the active version; it
    becomes active only when it is at least as good (macro-F1) or when ``force_activate``;
    otherwise it stays a candidate and ``decision`` says why. ``params`` go to the pipeline.
    """
    if task not in ClassifierTask.values:
        raise ValueError(f"unknown classifier task {task!r}")
    learner = _learner(task)
    own = selectors.training_examples(task=task)
    starter = (
        selectors.starter_examples(task=task)
        if task != ClassifierTask.MODERATION and len(own) < selectors.STARTER_UNTIL
        else []
    )
    examples = own + starter
    holdout = [e for e in examples if in_holdout(e.key)]
    train = [e for e in examples if not in_holdout(e.key)]
    if len({e.label for e in train}) < 2 or len(train) < learner.min_examples:
        raise NotEnoughData(
            f"Chưa đủ dữ liệu để huấn luyện “{ClassifierTask(task).label}”: cần ít nhất "
            f"{learner.min_examples} mẫu của ít nhất hai nhãn (hiện có {len(examples)} mẫu)."
        )
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        model = learner.fit([e.text for e in train], [e.label for e in train], params)
        seconds = time.perf_counter() - start
        macro_f1 = accuracy = None
        per_class: dict[str, float] = {}
        active_f1: float | None = None
        active = (
            ClassifierVersion.objects.filter(task=task, status=VersionStatus.ACTIVE)
            .only("pk", "number", "artifact")
            .first()
        )
        if holdout:
            texts, truth = [e.text for e in holdout], [e.label for e in holdout]
            macro_f1, accuracy, per_class = _scores(learner, model, texts, truth)
            if active is not None:
                try:
                    active_f1 = _scores(learner, learner.load(active.artifact), texts, truth)[0]
                except ValueError:
                    active_f1 = None  # written by an older pipeline: it cannot run any more
    activate, decision = _decide(force_activate, active, holdout, macro_f1, active_f1)
    last_at = max((e.at for e in own if e.at is not None), default=None)
    version = _store(
        task=task,
        data=learner.dump(model),
        pipeline=learner.pipeline,
        n_examples=len(train),
        n_holdout=len(holdout),
        n_labels=len(own),
        last_label_at=last_at,
        used_starter=bool(starter),
        label_counts=dict(Counter(e.label for e in examples).most_common()),
        macro_f1=macro_f1,
        accuracy=accuracy,
        per_class_f1=per_class,
        active_macro_f1=active_f1,
        training_seconds=round(seconds, 3),
        triggered_by=triggered_by[:120],
        decision=decision,
    )
    if activate:
        classifier_version_activate(version=version, note=decision)
    log.info("classifier %s v%s: %s", task, version.number, decision)
    return version


def _decide(
    force: bool,
    active: ClassifierVersion | None,
    holdout: list[selectors.Example],
    macro_f1: float | None,
    active_f1: float | None,
) -> tuple[bool, str]:
    if force:
        return True, "Kích hoạt theo yêu cầu (--activate)."
    if active is None:
        return True, "Chưa có phiên bản đang dùng: kích hoạt phiên bản đầu tiên."
    if not holdout or macro_f1 is None:
        return False, "Không có mẫu kiểm tra để so sánh với phiên bản đang dùng: giữ làm ứng viên."
    if active_f1 is None:
        return True, (
            f"Phiên bản đang dùng v{active.number} được tạo bởi thuật toán cũ, không chạy được: "
            "thay bằng phiên bản mới."
        )
    if macro_f1 + 1e-9 >= active_f1:
        return True, (
            f"macro-F1 {macro_f1:.3f} ≥ {active_f1:.3f} của v{active.number} trên cùng "
            f"{len(holdout)} mẫu kiểm tra: kích hoạt."
        )
    return False, (
        f"macro-F1 {macro_f1:.3f} < {active_f1:.3f} của v{active.number} trên cùng "
        f"{len(holdout)} mẫu kiểm tra: giữ làm ứng viên, không kích hoạt."
    )


def _store(*, task: str, data: bytes, **fields: Any) -> ClassifierVersion:
    for _attempt in range(3):
        number = (
            ClassifierVersion.objects.filter(task=task).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        try:
            with transaction.atomic():
                return ClassifierVersion.objects.create(
                    task=task,
                    number=number,
                    artifact=data,
                    artifact_sha256=hashlib.sha256(data).hexdigest(),
                    **fields,
                )
        except IntegrityError:
            continue  # another trainer took this number at the same moment
    raise RuntimeError(f"could not number a new {task} classifier version")


def classifier_version_activate(*, version: ClassifierVersion, note: str = "") -> ClassifierVersion:
    """Make ``version`` the one its task uses; the previously active one is retired."""
    with transaction.atomic():
        ClassifierVersion.objects.select_for_update().filter(task=version.task).exclude(
            pk=version.pk
        ).filter(status=VersionStatus.ACTIVE).update(status=VersionStatus.RETIRED)
        version.status = VersionStatus.ACTIVE
        version.activated_at = timezone.now()
        if note and note not in version.decision:
            version.decision = f"{version.decision}\n{note}".strip()
        version.save(update_fields=["status", "activated_at", "decision"])
    return version


def has_new_labels(*, task: str) -> bool:
    """Whether the labels changed since the task's latest version (or it has none, or it was
    built by another version of the pipeline)."""
    latest = selectors.latest_version(task=task)
    if latest is None or latest.pipeline != _learner(task).pipeline:
        return True
    count, last_at = selectors.label_stats(task=task)
    return count != latest.n_labels or last_at != latest.last_label_at


def classifier_retrain_if_needed(
    *, triggered_by: str, tasks: Sequence[str] = tuple(ClassifierTask.values)
) -> list[ClassifierVersion]:
    """Train each task whose labels changed since its latest version; nothing otherwise."""
    created = []
    for task in tasks:
        if not has_new_labels(task=task):
            log.info("classifier %s: no new labels, not retrained", task)
            continue
        try:
            created.append(classifier_train(task=task, triggered_by=triggered_by))
        except NotEnoughData as exc:
            log.info("classifier %s: %s", task, exc)
    return created


@step("intelligence.classifier_train")
def classifier_train_step(task: str, triggered_by: str) -> None:
    """Retraining asked for in the admin, run by the worker."""
    tasks = ClassifierTask.values if task == "all" else [task]
    for one in tasks:
        try:
            classifier_train(task=one, triggered_by=triggered_by)
        except NotEnoughData as exc:
            log.warning("classifier %s: %s", one, exc)


# --------------------------------------------------------------------------------------------
# Duplicates: every verdict on a suggested pair is a label


def duplicate_review(
    *, case: Case, actor: User, other: Case, is_duplicate: bool, reason: str = ""
) -> Case:
    """The officer's verdict on a suggested duplicate: merge into ``other`` (through
    ``case_merge``) or dismiss the suggestion. Both are recorded as a ``DuplicateLabel`` on the
    pair, so the duplicate threshold can be evaluated against officers' decisions."""
    suggested = {
        item.get("case_id"): item
        for item in (case.suggestions or {}).get("duplicates") or []
        if isinstance(item, dict)
    }
    if other.pk not in suggested:
        raise ValidationFailed(
            _("Hồ sơ này không nằm trong các gợi ý trùng lặp."),
            fields={"other": _("Chọn hồ sơ khác.")},
        )
    similarity = suggested[other.pk].get("similarity")
    with transaction.atomic():
        if is_duplicate:
            case = case_services.case_merge(
                case=case, actor=actor, into=other, reason=reason or "Gộp theo gợi ý trùng lặp."
            )
        else:
            case = Case.objects.select_for_update().select_related("agency").get(pk=case.pk)
            if not can_act(actor, "classify", case):
                raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
            if case.status not in allowed_from("classify"):
                raise IllegalTransition(_("Hồ sơ đã kết thúc, không thể đánh giá gợi ý."))
            remaining = [
                item
                for item in case.suggestions.get("duplicates") or []
                if not (isinstance(item, dict) and item.get("case_id") == other.pk)
            ]
            case.suggestions = {**case.suggestions, "duplicates": remaining}
            case.save(update_fields=["suggestions", "updated_at"])
            append_event(
                case=case,
                action="duplicate_dismissed",
                actor=actor,
                agency=case.agency,
                reason=reason,
                data={"other": other.pk, "similarity": similarity},
            )
        DuplicateLabel.objects.create(
            case=case,
            other=other,
            is_duplicate=is_duplicate,
            similarity=similarity if isinstance(similarity, int | float) else None,
            decided_by=actor,
        )
    return case
