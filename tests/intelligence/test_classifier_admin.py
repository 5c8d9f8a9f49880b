"""The admin of classifier versions: metrics shown, activate a version, retrain in the background."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.intelligence import services
from pakn.intelligence.models import ClassifierVersion, VersionStatus
from pakn.ops.models import Step
from pakn.ops.steps import run_step
from tests.intelligence.learning import use_small_starter
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world: World, tmp_path, monkeypatch):
    use_small_starter(tmp_path, monkeypatch)
    client.force_login(world.superadmin)
    return client


def test_versions_are_listed_with_metrics_and_open(admin_client) -> None:
    version = services.classifier_train(task="kind", triggered_by="test")
    html = admin_client.get(reverse("admin:intelligence_classifierversion_changelist")).content
    assert f"{version.macro_f1:.3f}".encode() in html
    assert "Huấn luyện lại ngay".encode() in html
    detail = admin_client.get(
        reverse("admin:intelligence_classifierversion_change", args=[version.pk])
    )
    assert detail.status_code == 200 and "F1 theo nhãn" in detail.content.decode()


def test_activate_this_version(admin_client) -> None:
    first = services.classifier_train(task="kind", triggered_by="test")
    second = services.classifier_train(task="kind", triggered_by="test")
    ClassifierVersion.objects.filter(pk=second.pk).update(status=VersionStatus.CANDIDATE)
    ClassifierVersion.objects.filter(pk=first.pk).update(status=VersionStatus.ACTIVE)
    response = admin_client.post(
        reverse("admin:intelligence_classifierversion_changelist"),
        {"action": "activate_version", "_selected_action": [second.pk]},
    )
    assert response.status_code == 302
    statuses = dict(ClassifierVersion.objects.values_list("number", "status"))
    assert statuses == {1: VersionStatus.RETIRED, 2: VersionStatus.ACTIVE}


def test_retrain_now_runs_as_a_background_step_not_in_the_request(admin_client) -> None:
    response = admin_client.post(reverse("admin:intelligence_classifierversion_retrain"))
    assert response.status_code == 302
    assert not ClassifierVersion.objects.exists()  # nothing trained in the web request
    step = Step.objects.get(name="intelligence.classifier_train")
    assert step.payload["task"] == "all"
    run_step(step.pk)
    assert set(ClassifierVersion.objects.values_list("task", flat=True)) == {"kind", "field"}


def test_retrain_needs_a_post(admin_client) -> None:
    response = admin_client.get(reverse("admin:intelligence_classifierversion_retrain"))
    assert response.status_code == 405
