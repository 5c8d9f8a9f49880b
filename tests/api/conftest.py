from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pakn.accounts.tokens import api_token_issue
from tests.world import World, drive

__all__ = ["World", "drive"]


class Api:
    """The Django test client speaking JSON, optionally as an officer with a Bearer token."""

    def __init__(self, client: Client, token: str = "") -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict[str, Any] | None = None, **meta: str):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers, **meta)

    def post(self, path: str, body: Any = None, **meta: str):
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
            **meta,
        )


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """Rate-limit counters live in the (database) cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def as_officer(client: Client):
    """as_officer(user, scopes="read write") → an Api authenticated with a fresh token."""

    def make(user, scopes: str = "read write") -> Api:
        _token, raw = api_token_issue(user=user, scopes=scopes)
        return Api(Client(), raw)

    return make


def submission_payload(w: World, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "report",
        "field_id": w.field_id,
        "title": "Đèn đường hỏng <script>alert(1)</script> ở phường Đông Kinh",
        "body": "Ba cột đèn trên đường Lê Lợi không sáng đã hai tuần, rất nguy hiểm ban đêm.",
        "submitter": {
            "type": "person",
            "name": "Trần Thị Bình",
            "phone": "0987 654 321",
            "email": "binh@example.vn",
            "address": "12 Lê Lợi, Đông Kinh",
        },
        "is_anonymous": False,
        "consent": True,
    }
    payload.update(overrides)
    return payload
