from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.cases.conftest import World, drive, world  # noqa: F401


@pytest.fixture
def as_user(client: Client) -> Any:
    """Log the test client in as a user and return it."""

    def login(user: Any) -> Client:
        client.force_login(user)
        return client

    return login
