"""The classifier learns from officers: labels, versions, retraining, suggestions, auto-routing."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pakn.cases import routing
from pakn.cases import services as S
from pakn.cases.models import Case, Status
from pakn.intelligence import classifier, hooks, selectors, services, suggest
from pakn.intelligence.models import ClassifierVersion, VersionStatus
from tests.intelligence.learning import use_small_starter
from tests.world import World

pytestmark = pytest.mark.django_db

TEXT = "Rác thải ở đầu ngõ không được thu gom cả tuần, bốc mùi hôi thối, đề nghị xử lý."


@pytest.fixture
def small(tmp_path, monkeypatch, world: World) -> World:
    use_small_starter(tmp_path, monkeypatch)
    return world


def intake(world: World, **overrides: object) -> Case:
    """A new case after its post-intake hooks ran (the worker's job, outside the test's commit)."""
    case = world.new_case(**overrides)
    S.run_post_intake_hooks(case.pk)
    case.refresh_from_db()
    return case


def test_a_classification_is_a_training_label_with_the_corrected_value(small: World) -> None:
    case = small.new_case(kind="report")
    assert selectors.training_examples(task="kind") == []
    S.case_classify(case=case, actor=small.intake, kind="recommendation")
    (example,) = selectors.training_examples(task="kind")
    assert (example.key, example.label) == (f"case:{case.pk}", "recommendation")
    assert "Rác thải tồn đọng" in example.text
    (field_example,) = selectors.training_examples(task="field")
    assert field_example.label == "moi-truong"


def test_agency_labels_come_from_acceptance_and_manual_transfers(small: World) -> None:
    accepted = small.new_case()
    S.case_accept(case=accepted, actor=small.intake)
    moved = small.new_case()
    S.case_transfer(
        case=moved, actor=small.intake, to_agency=small.b, reason="Không đúng thẩm quyền"
    )
    untouched = small.new_case()
    labels = {e.key: e.label for e in selectors.training_examples(task="agency")}
    assert labels == {f"case:{accepted.pk}": "so-a", f"case:{moved.pk}": "so-b"}
    assert f"case:{untouched.pk}" not in labels


def test_classifier_train_creates_an_active_version_with_metrics(small: World, capsys) -> None:
    call_command("classifier_train", "--task", "kind")
    version = ClassifierVersion.objects.get(task="kind")
    assert version.status == VersionStatus.ACTIVE and version.number == 1
    assert version.used_starter and version.n_labels == 0
    assert version.n_examples + version.n_holdout == 45 and version.n_holdout > 0
    assert 0.0 <= version.macro_f1 <= 1.0 and 0.0 <= version.accuracy <= 1.0
    assert set(version.per_class_f1) <= {"report", "recommendation", "initiative", "solution"}
    assert sum(version.label_counts.values()) == 45
    assert version.training_seconds > 0 and version.pipeline == classifier.MODEL_VERSION
    assert services.model_from_bytes(version.artifact).top_k([TEXT])[0]
    assert '"macro_f1"' in capsys.readouterr().out


class _AlwaysFirst(classifier.TextClassifier):
    """A deliberately bad model: the same label for every text."""

    def predict(self, texts):  # type: ignore[no-untyped-def]
        return super().predict(texts)[:0].tolist() + [self.classes_[0]] * len(texts)


def test_a_worse_new_version_stays_a_candidate(small: World, monkeypatch) -> None:
    first = services.classifier_train(task="kind", triggered_by="test")
    assert first.status == VersionStatus.ACTIVE
    monkeypatch.setattr(classifier, "build_pipeline", lambda **kw: _AlwaysFirst(**kw))
    second = services.classifier_train(task="kind", triggered_by="test")
    first.refresh_from_db()
    assert second.status == VersionStatus.CANDIDATE and first.status == VersionStatus.ACTIVE
    assert second.macro_f1 < second.active_macro_f1 == pytest.approx(first.macro_f1)
    assert "không kích hoạt" in second.decision
    forced = services.classifier_train(task="kind", triggered_by="test", force_activate=True)
    first.refresh_from_db()
    assert forced.status == VersionStatus.ACTIVE and first.status == VersionStatus.RETIRED


def test_the_daily_job_retrains_only_when_there_are_new_labels(small: World) -> None:
    hooks.classifier_retrain_job()
    tasks = set(ClassifierVersion.objects.values_list("task", flat=True))
    assert tasks == {"kind", "field"}  # one agency only in this world: nothing to learn yet
    count = ClassifierVersion.objects.count()
    hooks.classifier_retrain_job()
    assert ClassifierVersion.objects.count() == count
    case = small.new_case()
    S.case_classify(case=case, actor=small.intake, kind="recommendation")
    hooks.classifier_retrain_job()
    assert ClassifierVersion.objects.filter(task="kind").count() == 2
    assert ClassifierVersion.objects.filter(task="field").count() == 2
    assert ClassifierVersion.objects.get(task="kind", number=2).n_labels == 1


def test_the_model_loads_and_suggests_with_the_network_disabled(small: World, monkeypatch) -> None:
    services.classifier_train(task="kind", triggered_by="test")
    suggest.clear_cache()

    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    found = suggest.suggest(TEXT)
    assert [item["label"] for item in found["kind"]][:1] and len(found["kind"]) == 3
    assert found["kind"][0]["name"] in {"Phản ánh", "Kiến nghị", "Sáng kiến", "Giải pháp"}
    assert sum(item["confidence"] for item in found["kind"]) <= 1.0 + 1e-6
    assert found["models"] == {"kind": "v1"}


def test_a_newly_activated_version_is_picked_up_by_running_processes(small: World) -> None:
    first = services.classifier_train(task="kind", triggered_by="test")
    assert suggest.active_models()["kind"].version_id == first.pk
    second = services.classifier_train(task="kind", triggered_by="test", force_activate=True)
    assert suggest.active_models()["kind"].version_id == second.pk


def test_intake_writes_top_three_suggestions_in_bounded_queries(small: World) -> None:
    services.classifier_train(task="kind", triggered_by="test")
    services.classifier_train(task="field", triggered_by="test")
    case = intake(small)
    assert len(case.suggestions["kind"]) == 3 and len(case.suggestions["field"]) == 3
    assert {"label", "name", "confidence"} <= set(case.suggestions["field"][0])
    assert "duplicates" in case.suggestions  # other hooks' keys are kept
    suggest.active_models()  # models already loaded: a warm process
    case = Case.objects.select_related("submission").get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        hooks.suggest_classification(case)
    assert len(queries) <= 5


def _fake_agency_suggestion(monkeypatch, code: str, confidence: float) -> None:
    monkeypatch.setattr(
        suggest,
        "suggest",
        lambda text: {
            "agency": [{"label": code, "name": code, "confidence": confidence}],
            "models": {"agency": "v7"},
        },
    )


def test_low_confidence_never_auto_routes(small: World, monkeypatch, settings) -> None:
    settings.PAKN_AUTO_ROUTE_CONFIDENCE = 0.85
    _fake_agency_suggestion(monkeypatch, "so-b", 0.84)
    case = intake(small, field_id=None)
    assert case.agency == routing.default_intake_agency() == small.root
    assert case.suggestions["agency"][0]["label"] == "so-b"
    assert not case.events.filter(action="auto_route").exists()
    assert not S.case_auto_route(case=case, to_agency=small.b, confidence=0.5, model_version="x")
    case.refresh_from_db()
    assert case.agency == small.root


def test_high_confidence_auto_routes_once_and_logs_it(small: World, monkeypatch, settings) -> None:
    settings.PAKN_AUTO_ROUTE_CONFIDENCE = 0.85
    _fake_agency_suggestion(monkeypatch, "so-b", 0.93)
    case = small.new_case(field_id=None)
    before = case.received_at
    S.run_post_intake_hooks(case.pk)
    case.refresh_from_db()
    assert case.agency == small.b and case.status == Status.SUBMITTED
    assert case.received_at > before
    (event,) = case.events.filter(action="auto_route")
    assert event.actor is None
    assert event.data == {
        "from_agency": small.root.code,
        "to_agency": "so-b",
        "confidence": 0.93,
        "model_version": "agency v7",
    }
    # Never twice: not even back to another agency with an even surer model.
    assert not S.case_auto_route(case=case, to_agency=small.a, confidence=0.99, model_version="x")
    hooks.suggest_classification(Case.objects.select_related("submission").get(pk=case.pk))
    assert case.events.filter(action="auto_route").count() == 1


def test_a_case_routed_by_a_rule_is_not_moved_by_the_ai(small: World, monkeypatch) -> None:
    _fake_agency_suggestion(monkeypatch, "so-b", 0.99)
    case = intake(small)  # the world's rule sends this field to agency A
    assert case.agency == small.a
    assert not case.events.filter(action="auto_route").exists()


def test_only_a_submitted_case_is_auto_routed(small: World) -> None:
    case = small.new_case(field_id=None)
    S.case_accept(case=case, actor=small.superadmin)
    assert not S.case_auto_route(case=case, to_agency=small.b, confidence=0.99, model_version="x")


def test_moderators_decisions_train_a_versioned_moderation_model(world: World) -> None:
    from pakn.intelligence import moderation
    from pakn.intelligence.models import ModerationLabel

    ModerationLabel.objects.bulk_create(
        [ModerationLabel(text=f"Vay tiền nhanh giải ngân trong ngày, inbox ngay {i}", label="spam")
         for i in range(15)]
        + [ModerationLabel(text=f"Đèn đường khu phố {i} bị hỏng, đề nghị sửa", label="ok")
           for i in range(15)]
    )  # fmt: skip
    hooks.moderation_retrain_job()
    version = ClassifierVersion.objects.get(task="moderation")
    assert version.status == VersionStatus.ACTIVE and version.n_labels == 30
    assert version.pipeline == moderation.MODEL_VERSION and version.macro_f1 is not None
    model = moderation.current_model()
    assert model is not None and set(model.classes) == {"spam", "ok"}
    hooks.moderation_retrain_job()  # no new decision: no new version
    assert ClassifierVersion.objects.filter(task="moderation").count() == 1
    assert suggest.active_models() == {}  # moderation is not a text-classifier suggestion
