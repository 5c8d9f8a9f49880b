"""Every transition against every role: who may act, and everybody else is refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from pakn.cases import services as S
from pakn.cases.models import Case, Status
from pakn.core.errors import IllegalTransition, PermissionDenied
from tests.cases.conftest import drive

ACTORS = [
    "anonymous",
    "citizen",
    "intake",
    "handler",
    "leader",
    "officer_b",
    "supervisor",
    "superadmin",
]

# Written out by hand from DESIGN.md §2–3, independently of pakn.cases.rules.
ALLOWED = {
    "accept": {"intake", "leader", "superadmin"},
    "return": {"intake", "leader", "superadmin"},
    "reject": {"intake", "leader", "superadmin"},
    "merge": {"intake", "leader", "superadmin"},
    "transfer": {"intake", "leader", "superadmin"},
    "request_info": {"intake", "handler", "leader", "superadmin"},
    "assign": {"intake", "leader", "superadmin"},
    "coordinate": {"handler", "leader", "superadmin"},
    "note": {"intake", "handler", "leader", "superadmin"},
    "draft_answer": {"handler", "leader", "superadmin"},
    "approve_answer": {"leader", "superadmin"},
    "return_answer": {"leader", "superadmin"},
    "publish": {"leader", "superadmin"},
    "close": {"leader", "superadmin"},
    "reopen": {"leader", "superadmin"},
    "extend": {"leader", "superadmin"},
}

START = {
    "accept": "submitted",
    "return": "submitted",
    "reject": "submitted",
    "merge": "submitted",
    "transfer": "accepted",
    "request_info": "in_progress",
    "assign": "accepted",
    "coordinate": "in_progress",
    "note": "in_progress",
    "draft_answer": "in_progress",
    "approve_answer": "answer_review",
    "return_answer": "answer_review",
    "publish": "answered",
    "close": "answered",
    "reopen": "closed",
    "extend": "in_progress",
}

EXPECTED_STATUS = {
    "accept": Status.ACCEPTED,
    "return": Status.RETURNED,
    "reject": Status.REJECTED,
    "merge": Status.MERGED,
    "transfer": Status.SUBMITTED,
    "request_info": Status.NEEDS_INFO,
    "assign": Status.IN_PROGRESS,
    "coordinate": Status.IN_PROGRESS,
    "note": Status.IN_PROGRESS,
    "draft_answer": Status.ANSWER_REVIEW,
    "approve_answer": Status.ANSWERED,
    "return_answer": Status.IN_PROGRESS,
    "publish": Status.PUBLISHED,
    "close": Status.CLOSED,
    "reopen": Status.IN_PROGRESS,
    "extend": Status.IN_PROGRESS,
}


def actor_for(world, name):
    return {
        "anonymous": AnonymousUser(),
        "citizen": world.citizen,
        "intake": world.intake,
        "handler": world.handler,
        "leader": world.leader,
        "officer_b": world.handler_b,
        "supervisor": world.supervisor,
        "superadmin": world.superadmin,
    }[name]


def perform(world, action, case, actor):
    calls = {
        "accept": lambda: S.case_accept(case=case, actor=actor),
        "return": lambda: S.case_return(
            case=case, actor=actor, reason="Nội dung khiếu nại, gửi Ban Tiếp công dân."
        ),
        "reject": lambda: S.case_reject(case=case, actor=actor, reason="Lời lẽ xúc phạm."),
        "merge": lambda: S.case_merge(
            case=case, actor=actor, into=world.new_case(title="Hồ sơ chính về rác thải")
        ),
        "transfer": lambda: S.case_transfer(
            case=case, actor=actor, to_agency=world.b, reason="Thuộc thẩm quyền sở B."
        ),
        "request_info": lambda: S.case_request_info(
            case=case, actor=actor, question="Cho biết số nhà cụ thể."
        ),
        "assign": lambda: S.case_assign(case=case, actor=actor, assignee=world.handler),
        "coordinate": lambda: S.case_coordinate(
            case=case, actor=actor, agencies=[world.b], question="Đề nghị cho ý kiến."
        ),
        "note": lambda: S.case_note(case=case, actor=actor, text="Đã gọi điện cho người gửi."),
        "draft_answer": lambda: S.case_draft_answer(
            case=case, actor=actor, outcome="explained", text="Giải thích chi tiết về quy định."
        ),
        "approve_answer": lambda: S.case_approve_answer(case=case, actor=actor),
        "return_answer": lambda: S.case_return_answer(
            case=case, actor=actor, comment="Bổ sung căn cứ pháp lý."
        ),
        "publish": lambda: S.case_publish(case=case, actor=actor),
        "close": lambda: S.case_close(case=case, actor=actor),
        "reopen": lambda: S.case_reopen(
            case=case, actor=actor, reason="Người dân phản hồi chưa khắc phục."
        ),
        "extend": lambda: S.case_extend(
            case=case, actor=actor, reason="Cần khảo sát hiện trường.", days=5
        ),
    }
    return calls[action]()


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", ACTORS)
def test_role_matrix(world, action, who):
    case = drive(world, world.new_case(), START[action])
    events_before = case.events.count()
    actor = actor_for(world, who)
    if who in ALLOWED[action]:
        perform(world, action, case, actor)
        case = Case.objects.get(pk=case.pk)
        assert case.status == EXPECTED_STATUS[action]
        assert case.events.count() > events_before
        last = case.events.order_by("-seq").first()
        assert last.actor_id == actor.pk
    else:
        with pytest.raises(PermissionDenied):
            perform(world, action, case, actor)
        case = Case.objects.get(pk=case.pk)
        assert case.status == START[action]
        assert case.events.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action,state",
    [
        ("approve_answer", "submitted"),
        ("accept", "in_progress"),
        ("publish", "answer_review"),
        ("draft_answer", "submitted"),
        ("close", "in_progress"),
        ("assign", "submitted"),
        ("reopen", "in_progress"),
    ],
)
def test_illegal_transition_is_refused_even_for_superadmin(world, action, state):
    case = drive(world, world.new_case(), state)
    with pytest.raises(IllegalTransition, match="trạng thái"):
        perform(world, action, case, world.superadmin)
    assert Case.objects.get(pk=case.pk).status == state
