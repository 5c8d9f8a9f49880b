"""Crash safety: submit under load, SIGKILL the server and the worker mid-way, restart, and
check that every acknowledged submission exists exactly once, that client retries with the same
Idempotency-Key created nothing twice, and that every queued background step completed once.

Runs real processes (granian, db_worker, run_scheduler) on loopback against their own SQLite
database in a temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GRANIAN = Path(sys.executable).with_name("granian")
TOTAL = 120
KILL_AFTER = 40

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class System:
    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "crash.sqlite3"
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.db}",
            "PAKN_VAR_DIR": str(tmp),
            "PAKN_API_PUBLIC_WRITE_RATE": "",
            "PAKN_API_LOOKUP_RATE": "",
            "PAKN_STEP_LEASE_SECONDS": "3",
            "PAKN_LOG_LEVEL": "WARNING",
            "PAKN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = (tmp / "processes.log").open("ab")

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self) -> None:
        # Each in its own process group: granian's worker processes die with their parent.
        common = {
            "cwd": ROOT,
            "env": self.env,
            "stdout": subprocess.DEVNULL,
            "stderr": self.log,
            "start_new_session": True,
        }
        self.procs = [
            subprocess.Popen(
                [
                    str(GRANIAN),
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                    "config.wsgi:application",
                ],
                **common,  # type: ignore[arg-type]
            ),
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2"], **common
            ),  # type: ignore[arg-type]
            subprocess.Popen(
                [sys.executable, "manage.py", "run_scheduler", "--interval", "1"], **common
            ),  # type: ignore[arg-type]
        ]
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        for proc in self.procs:
            assert proc.poll() is None, f"{proc.args} died before the kill (exit {proc.returncode})"
            os.killpg(proc.pid, signal.SIGKILL)
        for proc in self.procs:
            proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db, timeout=30) as conn:
            return conn.execute(sql).fetchall()


def _post(port: int, key: str, n: int) -> dict[str, object] | None:
    body = json.dumps(
        {
            "kind": "report",
            "title": f"Đèn đường hỏng số {n} trên đường Trần Đăng Ninh",
            "body": f"Đèn chiếu sáng cột số {n} không sáng từ ba hôm nay, đường rất tối.",
            "submitter": {"name": "Nguyễn Văn An", "phone": "0912345678"},
            "consent": True,
        }
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/submissions",
        data=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None  # not acknowledged: the client will retry with the same key


def test_sigkill_mid_load_loses_nothing_and_duplicates_nothing(tmp_path):
    system = System(tmp_path)
    system.manage("migrate", "--no-input")
    system.manage("createcachetable")
    system.manage("seed_demo", "--cases", "0")
    system.start()
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    killed = threading.Event()
    refused: list[str] = []

    def client(keys: list[int]) -> None:
        for n in keys:
            key = f"crash-{n}"
            result = _post(system.port, key, n)
            if result is None:
                refused.append(key)
            else:
                with lock:
                    acknowledged[key] = str(result["tracking_code_raw"])
                    if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                        killed.set()

    threads = [threading.Thread(target=client, args=(list(range(i, TOTAL, 4)),)) for i in range(4)]
    for t in threads:
        t.start()
    assert killed.wait(timeout=120)
    system.kill()  # mid-load: requests and background steps in flight die with it
    for t in threads:
        t.join(timeout=120)
    assert refused, "the kill must land while clients are still sending"
    assert len(acknowledged) < TOTAL
    system.start()
    try:
        # Clients retry everything they sent, acknowledged or not, with the same keys.
        for n in range(TOTAL):
            key = f"crash-{n}"
            result = None
            for _ in range(20):
                result = _post(system.port, key, n)
                if result is not None:
                    break
                time.sleep(0.5)
            assert result is not None, key
            if key in acknowledged:
                assert result["tracking_code_raw"] == acknowledged[key], (
                    "a retry changed the answer"
                )
            acknowledged[key] = str(result["tracking_code_raw"])
        # Background work drains: every step done, once.
        deadline = time.time() + 120
        while time.time() < deadline:
            pending = system.query("SELECT COUNT(*) FROM ops_step WHERE status != 'done'")[0][0]
            if pending == 0:
                break
            time.sleep(1)
    finally:
        system.stop()

    rows = system.query("SELECT idempotency_key, tracking_code FROM submissions_submission")
    assert len(rows) == TOTAL
    by_key = {k.removeprefix("api:"): code for k, code in rows}
    assert by_key == acknowledged
    assert system.query("SELECT COUNT(*) FROM cases_case")[0][0] == TOTAL
    assert system.query("SELECT status, COUNT(*) FROM ops_step GROUP BY status") == [
        ("done", system.query("SELECT COUNT(*) FROM ops_step")[0][0])
    ]
    intake_steps = system.query(
        "SELECT json_extract(payload, '$.case_id'), COUNT(*) FROM ops_step WHERE name = 'cases.after_intake' GROUP BY 1"
    )
    assert len(intake_steps) == TOTAL and all(count == 1 for _, count in intake_steps)
    unsent = system.query(
        "SELECT COUNT(*) FROM notifications_notification WHERE template = 'submission_received' AND status != 'sent'"
    )[0][0]
    assert unsent == 0
