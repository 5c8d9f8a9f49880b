"""The case log in words: every action has a label, changes are spelled out, the system's own
steps are credited to "Hệ thống"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape

from pakn.api.presenters import TIMELINE_LABELS
from pakn.backoffice.templatetags.backoffice_tags import EVENT_LABELS
from pakn.cases import services as S
from pakn.portal.timeline import ACTION_LABELS
from tests.world import World

from .test_suggestions import agency_suggestion, page, with_suggestions

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
WRITERS = [ROOT / "pakn/cases/services.py"] + [
    path
    for folder in ("pakn/federation", "pakn/intelligence")
    for path in (ROOT / folder).rglob("*.py")
    if "management" not in path.parts
]
# action="…", including a choice between two (`action="progress" if progress else "note"`).
ACTION = re.compile(r'\baction=("\w+"(?:\s+if\s[^\n]*?else\s+"\w+")?)')


def written_actions() -> set[str]:
    found: set[str] = set()
    for path in WRITERS:
        for match in ACTION.finditer(path.read_text()):
            found.update(re.findall(r'"(\w+)"', match.group(1)))
    return found


def test_the_scan_finds_the_actions_of_every_writer():
    actions = written_actions()
    assert {"submitted", "note", "progress", "classify", "auto_route", "agency_review"} <= actions
    assert {"duplicate_dismissed", "remote_answer", "dispute", "info_expired"} <= actions


@pytest.mark.parametrize(
    "labels", [EVENT_LABELS, ACTION_LABELS, TIMELINE_LABELS], ids=["backoffice", "portal", "api"]
)
def test_every_logged_action_has_a_label(labels):
    assert sorted(written_actions() - set(labels)) == []


def _log(html: str) -> str:
    return html.split('id="h-log"', 1)[1]


def test_classify_shows_the_kind_and_field_before_and_after(as_user, world: World) -> None:
    case = with_suggestions(
        world.new_case(kind="report"),
        kind=[{"label": "report", "name": "Phản ánh", "confidence": 0.5}],
    )
    S.case_classify(case=case, actor=world.intake, kind="recommendation")
    log = _log(page(as_user(world.intake), case))
    assert "Phân loại" in log and ">classify<" not in log
    assert "Loại: Phản ánh → Kiến nghị" in log
    assert "Gợi ý của AI: loại “Phản ánh”" in log


def test_agency_review_shows_the_suggestion_and_the_choice(as_user, world: World) -> None:
    case = with_suggestions(world.new_case(), agency=agency_suggestion(world))
    S.case_review_agency(case=case, actor=world.handler, agency=world.a)
    log = _log(page(as_user(world.handler), case))
    assert (
        f"Gợi ý của AI: {escape(world.b.name)} (độ tin cậy 72%) → cán bộ chọn: "
        f"{escape(world.a.name)}"
    ) in log
    assert "Cán bộ sửa gợi ý." in log


def test_system_steps_are_credited_to_the_system_not_the_citizen(as_user, world: World) -> None:
    case = world.new_case()
    assert S.case_auto_route(case=case, to_agency=world.b, confidence=0.99, model_version="t1")
    html = page(as_user(world.intake_b), case)
    actors = re.findall(r'<span class="event-actor">(.*?)</span>', _log(html))
    assert actors == ["Hệ thống", "Hệ thống"]
    name = escape(case.submission.submitter_name)
    assert f"Người gửi: {name}" in _log(html)
    assert f"Cơ quan: {escape(world.a.name)} → {escape(world.b.name)} (độ tin cậy 99%)" in _log(
        html
    )
