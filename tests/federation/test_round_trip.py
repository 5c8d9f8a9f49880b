"""Two real PAKN instances on loopback, each with its own database, in one test run.

Instance A is this test process (pytest-django's live server on the test database); instance B
is a second process (``manage.py runserver``) on its own SQLite file in a temporary folder,
migrated and configured through ``manage.py shell``. A forwards a case to B; B's officers accept,
assign, draft, approve and publish it through B's services; B's signed webhooks come back to
A's live server; and the submitter finds B's answer on A's /track/ page with their one code.
Background steps are run synchronously in each instance (A: here; B: in its shell command), so
the test waits on no worker.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pakn.cases import services as S
from pakn.cases.models import Status
from pakn.federation.models import Delivery, DeliveryStatus, Forwarding, Peer
from pakn.federation.services import peer_forward_case
from pakn.ops import steps
from pakn.ops.models import Step, StepStatus
from tests.factories import AgencyFactory
from tests.world import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
A_TO_B = "khoá-lạng-sơn-gửi-quốc-gia"
B_TO_A = "khoá-quốc-gia-gửi-lạng-sơn"
ANSWER_TEXT = "Bộ đã chỉ đạo thu gom rác tồn đọng và bố trí lịch thu gom cố định hằng ngày."

SETUP_B = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from pakn.accounts.models import Agency, Membership, Role, User
from pakn.cases.models import RoutingRule
from pakn.federation.models import Peer
from pakn.taxonomy.models import Field
root = Agency.objects.create(code="bo-nnmt", name="Bộ Nông nghiệp và Môi trường", level="central")
link = Agency.objects.create(code="he-thong-ls", name="Hệ thống PAKN tỉnh Lạng Sơn", level="other", parent=root)
field = Field.objects.create(code="moi-truong", name="Môi trường")
RoutingRule.objects.create(field=field, agency=root)
for role in ("intake", "handler", "leader"):
    user = User.objects.create_user(f"b-{{role}}", "mật-khẩu-2026", full_name=f"Cán bộ {{role}}")
    Membership.objects.create(user=user, agency=root, role=role)
Peer.objects.create(code="lang-son", name="Hệ thống PAKN tỉnh Lạng Sơn", base_url="{a_url}",
    agency=link, outgoing_secret="{b_to_a}", incoming_secret="{a_to_b}")
print("SETUP-OK")
"""

ACT_B = """
import json
from pakn.accounts.models import User
from pakn.cases import services as S
from pakn.cases.models import Case
from pakn.ops import steps
from pakn.ops.models import Step, StepStatus
case = Case.objects.get(submission__external_id="{code}", submission__source_instance="lang-son")
intake, handler, leader = (User.objects.get(username=f"b-{{r}}") for r in ("intake", "handler", "leader"))
S.case_accept(case=case, actor=intake)
S.case_assign(case=case, actor=intake, assignee=handler)
S.case_draft_answer(case=case, actor=handler, outcome="accepted", text="{answer}", signer_name="Thứ trưởng Trần Thị Bình")
S.case_approve_answer(case=case, actor=leader)
S.case_publish(case=case, actor=leader)
for _round in range(10):
    due = list(Step.objects.filter(name__startswith="federation.", status=StepStatus.PENDING).values_list("pk", flat=True))
    if not due:
        break
    for pk in due:
        steps.run_step(pk)
from pakn.federation.models import Delivery
print("ACT-RESULT " + json.dumps([[d.event, d.status, d.last_status_code, d.last_error] for d in Delivery.objects.order_by("pk")]))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def instance_b(tmp_path, live_server):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}",
        "PAKN_VAR_DIR": str(tmp_path),
        "PAKN_MEDIA_ROOT": str(tmp_path / "media"),
        "PAKN_INSTANCE_ID": "quoc-gia",
        "PAKN_TASKS_BACKEND": "django.tasks.backends.dummy.DummyBackend",
        "PAKN_API_PUBLIC_WRITE_RATE": "",
        "PAKN_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    # One process migrates and configures B (each Django start costs seconds on a busy CPU).
    setup = SETUP_B.format(a_url=live_server.url, a_to_b=A_TO_B, b_to_a=B_TO_A)
    assert "SETUP-OK" in _manage(env, "shell", "-c", setup, timeout=120)
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise AssertionError(f"instance B did not start: {server.stderr.read()[-2000:]!r}")
        time.sleep(0.2)
    try:
        yield url, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _run_federation_steps() -> None:
    for pk in Step.objects.filter(
        name__startswith="federation.", status=StepStatus.PENDING
    ).values_list("pk", flat=True):
        steps.run_step(pk)


def test_case_forwarded_to_another_instance_comes_back_answered_on_track(
    world: World, instance_b, client, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    b_url, b_env = instance_b
    national = AgencyFactory(code="he-thong-qg", name="Hệ thống PAKN quốc gia", parent=world.root)
    peer = Peer.objects.create(
        code="quoc-gia",
        name="Hệ thống PAKN quốc gia",
        base_url=b_url,
        agency=national,
        outgoing_secret=A_TO_B,
        incoming_secret=B_TO_A,
    )
    settings.PAKN_INSTANCE_ID = "lang-son"
    issued = S.submission_intake(data=world.intake_data())
    code = issued.tracking_code

    # A forwards: the step POSTs the signed case to B, which answers with its own code.
    peer_forward_case(
        case=issued.case, actor=world.intake, peer=peer, reason="Thuộc thẩm quyền Bộ."
    )
    _run_federation_steps()
    forwarding = Forwarding.objects.get(case=issued.case)
    delivery = Delivery.objects.get(forwarding=forwarding)
    assert delivery.status == DeliveryStatus.DELIVERED, delivery.last_error
    assert forwarding.remote_tracking_code and forwarding.remote_tracking_code != code

    # B's officers handle it; B's webhooks come back to A's live server.
    output = _manage(b_env, "shell", "-c", ACT_B.format(code=code, answer=ANSWER_TEXT))
    line = next(x for x in output.splitlines() if x.startswith("ACT-RESULT "))
    b_deliveries = json.loads(line.removeprefix("ACT-RESULT "))
    assert [d[1] for d in b_deliveries] == ["delivered"] * 5, b_deliveries

    case = issued.case
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED
    forwarding.refresh_from_db()
    assert forwarding.remote_status == Status.PUBLISHED
    timeline = list(case.events.order_by("seq").values_list("action", flat=True))
    assert timeline[:2] == ["submitted", "forward"]
    assert "remote_answer" in timeline and timeline[-1] == "remote_publish"

    # The submitter follows their one code on A and reads B's answer there.
    page = client.get(f"/track/?code={code}&token={issued.access_token}", follow=True)
    text = page.content.decode()
    assert ANSWER_TEXT in text and "Thứ trưởng Trần Thị Bình" in text
    assert forwarding.remote_tracking_code not in text
