"""A small agency tree with one officer per role, shared by every test package."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pakn.accounts.models import Agency, Membership, Role, User
from pakn.cases import services as S
from pakn.cases.models import Case, RoutingRule
from tests.factories import AgencyFactory, FieldFactory, UserFactory

PASSWORD = "mật-khẩu-an-toàn-2026"


@dataclass
class World:
    root: Agency
    parent: Agency
    a: Agency
    b: Agency
    intake: User
    handler: User
    leader: User
    handler_b: User
    intake_b: User
    supervisor: User
    superadmin: User
    citizen: User
    field_id: int

    def intake_data(self, **overrides: object) -> S.IntakeData:
        values: dict[str, object] = dict(
            kind="report",
            title="Rác thải tồn đọng <script>alert(1)</script> ở phường Đông Kinh",
            body="Rác không được thu gom đã một tuần, bốc mùi hôi thối. Liên hệ 0912345678.",
            submitter_name="Nguyễn Văn An",
            phone="0912 345 678",
            email="an@example.vn",
            consent=True,
            field_id=self.field_id,
        )
        values.update(overrides)
        return S.IntakeData(**values)  # type: ignore[arg-type]

    def new_case(self, **overrides: object) -> Case:
        return S.submission_intake(data=self.intake_data(**overrides)).case


def _member(user: User, agency: Agency, role: str) -> User:
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    root = AgencyFactory(code="trung-uong", level="central")
    parent = AgencyFactory(code="tinh", parent=root)
    a = AgencyFactory(code="so-a", parent=parent)
    b = AgencyFactory(code="so-b", parent=parent)
    field = FieldFactory(code="moi-truong")
    RoutingRule.objects.create(field=field, agency=a)
    return World(
        root=root,
        parent=parent,
        a=a,
        b=b,
        intake=_member(UserFactory(username="intake-a"), a, Role.INTAKE),
        handler=_member(UserFactory(username="handler-a"), a, Role.HANDLER),
        leader=_member(UserFactory(username="leader-a"), a, Role.LEADER),
        handler_b=_member(UserFactory(username="handler-b"), b, Role.HANDLER),
        intake_b=_member(UserFactory(username="intake-b"), b, Role.INTAKE),
        supervisor=_member(UserFactory(username="supervisor-parent"), parent, Role.SUPERVISOR),
        superadmin=User.objects.create_superuser("super", PASSWORD, email="super@example.vn"),
        citizen=UserFactory(username="citizen"),
        field_id=field.pk,
    )


def drive(world: World, case: Case, to: str) -> Case:
    """Move a fresh case along the happy path up to status ``to``."""
    path = [
        "submitted",
        "accepted",
        "in_progress",
        "answer_review",
        "answered",
        "published",
        "closed",
    ]
    steps = {
        "accepted": lambda c: S.case_accept(case=c, actor=world.intake),
        "in_progress": lambda c: S.case_assign(case=c, actor=world.intake, assignee=world.handler),
        "answer_review": lambda c: S.case_draft_answer(
            case=c,
            actor=world.handler,
            outcome="accepted",
            text="Đã thu gom rác và bố trí lịch cố định.",
        ),
        "answered": lambda c: S.case_approve_answer(case=c, actor=world.leader),
        "published": lambda c: S.case_publish(case=c, actor=world.leader),
        "closed": lambda c: S.case_close(case=c, actor=world.leader),
    }
    for status in path[1 : path.index(to) + 1]:
        steps[status](case)
        case.refresh_from_db()
    return case
