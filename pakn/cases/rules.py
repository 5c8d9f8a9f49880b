"""Who may do what to a case: the one declared rule set, checked by every service.

Each action names the roles (held in the case's current agency) that may perform it and the
states it starts from. Supervisors of a parent agency read, never act. Superadmins may act.
"""

from __future__ import annotations

from typing import Any

import rules

from pakn.accounts.models import Role
from pakn.accounts.roles import role_map

from .models import Case, Status

S = Status
INTAKE, HANDLER, LEADER = Role.INTAKE, Role.HANDLER, Role.LEADER

# action → (roles in the case's agency, states it may start from)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accept": ((INTAKE, LEADER), (S.SUBMITTED,)),
    "return": ((INTAKE, LEADER), (S.SUBMITTED,)),
    "reject": ((INTAKE, LEADER), (S.SUBMITTED,)),
    "merge": ((INTAKE, LEADER), (S.SUBMITTED, S.ACCEPTED)),
    "transfer": ((INTAKE, LEADER), (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS)),
    "forward": ((INTAKE, LEADER), (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS)),
    "request_info": ((INTAKE, HANDLER, LEADER), (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS)),
    "assign": ((INTAKE, LEADER), (S.ACCEPTED, S.IN_PROGRESS)),
    "coordinate": ((HANDLER, LEADER), (S.IN_PROGRESS,)),
    "note": ((INTAKE, HANDLER, LEADER), tuple(S.values)),
    "classify": ((INTAKE, HANDLER, LEADER), (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.NEEDS_INFO)),
    "progress": ((HANDLER, LEADER), (S.IN_PROGRESS, S.ANSWER_REVIEW)),
    "draft_answer": ((HANDLER, LEADER), (S.IN_PROGRESS,)),
    "approve_answer": ((LEADER,), (S.ANSWER_REVIEW,)),
    "return_answer": ((LEADER,), (S.ANSWER_REVIEW,)),
    "publish": ((LEADER,), (S.ANSWERED,)),
    "close": ((LEADER,), (S.ANSWERED, S.PUBLISHED)),
    "reopen": ((LEADER,), (S.ANSWERED, S.PUBLISHED, S.CLOSED)),
    "extend": ((LEADER,), (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.ANSWER_REVIEW)),
}


def can_act(user: Any, action: str, case: Case) -> bool:
    """Role check only (state is checked separately so the error can say which failed)."""
    roles_needed, _ = ACTIONS[action]
    roles = role_map(user)
    if roles.is_superadmin:
        return True
    return roles.has(case.agency_id, *roles_needed)


def allowed_from(action: str) -> tuple[str, ...]:
    return ACTIONS[action][1]


def can_view(user: Any, case: Case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def available_actions(user: Any, case: Case) -> list[str]:
    """Actions this user may take on this case now (for screens and the API)."""
    return [
        a for a, (_, states) in ACTIONS.items() if case.status in states and can_act(user, a, case)
    ]


def _action_predicate(action: str) -> rules.Predicate:
    def check(user: Any, case: Case | None) -> bool:
        return case is not None and can_act(user, action, case)

    return rules.predicate(check, name=f"can_{action}")


for _action in ACTIONS:
    rules.add_perm(f"cases.{_action}_case", _action_predicate(_action))
rules.add_perm(
    "cases.view_case", rules.predicate(lambda user, case: case is not None and can_view(user, case))
)
