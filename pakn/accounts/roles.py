"""Who holds which role where: one cached read of a user's memberships per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Membership, Role


@dataclass(frozen=True)
class RoleMap:
    """A user's active roles: agency id → roles, and the paths of their agencies."""

    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    is_superadmin: bool = False

    def has(self, agency_id: int, *roles: str) -> bool:
        held = self.roles.get(agency_id, frozenset())
        return any(r in held for r in roles)

    def agencies_with(self, *roles: str) -> list[int]:
        return [a for a, held in self.roles.items() if any(r in held for r in roles)]

    def supervises(self, agency_path: str) -> bool:
        """True when the user is a supervisor of an agency whose subtree holds this path."""
        return any(
            agency_path.startswith(self.paths[a]) for a in self.agencies_with(Role.SUPERVISOR)
        )

    @property
    def is_officer(self) -> bool:
        return self.is_superadmin or bool(self.roles)


def role_map(user: Any) -> RoleMap:
    if user is None or not getattr(user, "is_authenticated", False):
        return RoleMap()
    cached = getattr(user, "_pakn_role_map", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    paths: dict[int, str] = {}
    for agency_id, path, role in (
        Membership.objects.active()
        .filter(user=user)
        .values_list("agency_id", "agency__path", "role")
    ):
        roles.setdefault(agency_id, set()).add(role)
        paths[agency_id] = path
    result = RoleMap(
        roles={a: frozenset(r) for a, r in roles.items()},
        paths=paths,
        is_superadmin=bool(user.is_superuser),
    )
    user._pakn_role_map = result
    return result
