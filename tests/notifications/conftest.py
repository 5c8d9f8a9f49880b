from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from pakn.accounts.models import User
from pakn.notifications import sms

# Hostile defaults: diacritics everywhere, markup in free text.
CONTEXT: dict[str, Any] = {
    "code": "K7M3-9XQ2C",
    "title": 'Ổ gà <script>alert("x")</script> trên đường Nguyễn Trãi',
    "agency": "Sở Khoa học và Công nghệ tỉnh Quảng Ninh",
    "reason": "Không thuộc thẩm quyền <b>của</b> xã.\nĐề nghị gửi Sở Xây dựng.",
    "question": "Ông/Bà vui lòng gửi ảnh hiện trường & vị trí chính xác?",
    "due_at": datetime(2026, 3, 1, 20, 0, tzinfo=UTC),  # 2 March in Hà Nội
    "link": "https://pakn.gov.vn/track/K7M3-9XQ2C/?token=Q2h4bWJ0dGtKcVN4b0FmZ1pXWkx",
    "outcome": "Tiếp thu, sẽ sửa chữa",
    "main_code": "AB2C-3DE4F",
    "days_overdue": 3,
}

_numbers = itertools.count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(**extra: Any) -> User:
        n = next(_numbers)
        values: dict[str, Any] = {
            "email": f"can.bo{n}@example.vn",
            "phone": f"09{n:08d}",
            "full_name": f"Nguyễn Thị Hồng <i>{n}</i>",
        }
        values.update(extra)
        # No password: these users never log in, and hashing one costs a third of a second.
        return User.objects.create_user(f"user{n}", None, **values)

    return make


@pytest.fixture
def sms_outbox() -> Iterator[list[sms.SmsMessage]]:
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@dataclass
class Gateway:
    """A fake SMS gateway: answers with the queued status codes, then 200."""

    url: str = ""
    responses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self, request: dict[str, Any]) -> int:
        with self._lock:
            self.requests.append(request)
            return self.responses.pop(0) if self.responses else 200


@pytest.fixture
def sms_gateway(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = gateway.next_status(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            if gateway.delay:
                threading.Event().wait(gateway.delay)
            payload = json.dumps({"status": status}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    # A proxy from the environment must not intercept the local gateway.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    settings.PAKN_SMS_BACKEND = "http"
    settings.PAKN_SMS_HTTP_URL = gateway.url
    settings.PAKN_SMS_HTTP_TOKEN = "test-token"
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
