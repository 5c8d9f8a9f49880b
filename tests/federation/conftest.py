from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from pakn.federation import selectors, transport
from pakn.federation.models import Peer
from pakn.federation.signing import signed_headers
from tests.factories import AgencyFactory
from tests.world import World

OUR_SECRET = "khoá-gửi-đi-của-chúng-ta-2026"
THEIR_SECRET = "khoá-của-hệ-thống-quốc-gia-2026"


@dataclass
class FakeTransport:
    """Stands in for the network: records each request, answers from a queue (default 200)."""

    replies: list[Any] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> transport.Response:
        self.sent.append({"url": url, "body": body, "headers": headers})
        reply = self.replies.pop(0) if self.replies else (200, {"result": "applied"})
        if isinstance(reply, Exception):
            raise reply
        status, doc = reply
        return transport.Response(status, json.dumps(doc).encode())

    def json(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.sent[index]["body"])


@pytest.fixture
def fake_http(monkeypatch) -> FakeTransport:
    fake = FakeTransport()
    monkeypatch.setattr(transport, "post", fake)
    return fake


@pytest.fixture(autouse=True)
def _fresh_listening():
    selectors.forget_listening()
    yield
    selectors.forget_listening()


@pytest.fixture
def peer(world: World) -> Peer:
    national = AgencyFactory(code="pakn-quoc-gia", name="Hệ thống PAKN quốc gia", parent=world.root)
    return Peer.objects.create(
        code="quoc-gia",
        name="Hệ thống PAKN quốc gia",
        base_url="https://pakn.example.gov.vn/",
        agency=national,
        outgoing_secret=OUR_SECRET,
        incoming_secret=THEIR_SECRET,
    )


def signed(peer_code: str, secret: str, doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """Django test-client keyword arguments for a signed JSON POST."""
    body = json.dumps(doc, ensure_ascii=False).encode()
    headers = {**signed_headers(secret=secret, body=body, **kw), "X-PAKN-Peer": peer_code}
    return {"data": body, "content_type": "application/json", "headers": headers}
