"""Kind, field and agency suggestions from the active classifier versions.

Models are loaded from the database once per process and kept; each call makes one cheap query
for the ids of the active versions and reloads a task's model only when its id changed (another
process activated a new version). Loading reads bytes and unpickles them: no network, no disk
besides a temporary file. Inference is a prediction, never a training.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from pakn.accounts.models import Agency
from pakn.submissions.models import Kind
from pakn.taxonomy.models import Field

from . import classifier, selectors
from .models import ClassifierTask, ClassifierVersion
from .services import model_from_bytes

TOP_K = 3


@dataclass(frozen=True)
class LoadedModel:
    version_id: int
    sha256: str
    number: int
    model: classifier.TextClassifier

    @property
    def name(self) -> str:
        return f"v{self.number}"


_lock = threading.Lock()
_models: dict[str, LoadedModel] = {}


def active_models() -> dict[str, LoadedModel]:
    """Task → its active model, reloaded when the active version changed."""
    keys = selectors.active_version_keys()
    with _lock:
        for task in list(_models):
            if task not in keys:
                del _models[task]
        for task, (version_id, sha256) in keys.items():
            loaded = _models.get(task)
            if loaded is not None and (loaded.version_id, loaded.sha256) == (version_id, sha256):
                continue
            row = ClassifierVersion.objects.filter(pk=version_id).values_list("number", "artifact")
            found = next(iter(row), None)
            if found is None:
                continue  # retired between the two queries; the next call sees the new one
            try:
                model = model_from_bytes(found[1])
            except ValueError:
                _models.pop(task, None)  # an older pipeline's file: suggest nothing until retrained
                continue
            _models[task] = LoadedModel(version_id, sha256, found[0], model)
        return dict(_models)


def clear_cache() -> None:
    with _lock:
        _models.clear()


def suggest(text: str) -> dict[str, Any]:
    """``{"kind"|"field"|"agency": [{label, name, confidence}] (best first),
    "models": {task: "vN"}}`` for the tasks that have an active version."""
    models = active_models()
    result: dict[str, Any] = {}
    for task, loaded in models.items():
        result[task] = [
            {"label": str(label), "name": str(label), "confidence": round(p, 4)}
            for label, p in loaded.model.top_k([text], k=TOP_K)[0]
        ]
    _name(
        result.get(ClassifierTask.KIND),
        lambda codes: {k: str(Kind(k).label) for k in codes if k in Kind.values},
    )
    _name(
        result.get(ClassifierTask.FIELD),
        lambda codes: dict(Field.objects.filter(code__in=codes).values_list("code", "name")),
    )
    _name(
        result.get(ClassifierTask.AGENCY),
        lambda codes: dict(Agency.objects.filter(code__in=codes).values_list("code", "name")),
    )
    if models:
        result["models"] = {task: loaded.name for task, loaded in models.items()}
    return result


def _name(items: list[dict[str, Any]] | None, names_of: Any) -> None:
    if not items:
        return
    names = names_of([item["label"] for item in items])
    for item in items:
        item["name"] = names.get(item["label"], item["label"])
