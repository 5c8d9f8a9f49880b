"""django-helpdesk beside PAKN at the same data size, same WSGI server, same loopback client.

Creates its own virtualenv ``var/bench/helpdesk-venv`` (``pip install django-helpdesk`` from
PyPI, with psycopg and granian), generates a minimal Django project for it in
``var/bench/helpdesk-project`` on its own throw-away PostgreSQL database, loads N tickets with
COPY, serves it with granian (2 workers) and measures:

- public ticket submission: its public form POST ``/tickets/submit/`` (with its CSRF token),
  beside our ``POST /api/v1/submissions``;
- the staff ticket list: its page ``/tickets/`` and the JSON the page loads
  (``/datatables_ticket_list/<query>``, 25 rows, open tickets), beside our inbox (root
  supervisor and province officer, 20 rows);

and prints the ratios (ours / theirs for requests per second). N defaults to 100,000 (--quick
10,000) on both sides; PAKN's side is loaded by ``load_cases.load``. If django-helpdesk cannot be
installed or run, the figures for PAKN still print with the reason in ``helpdesk_error``.

    python bench/helpdesk_compare.py --quick
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _dataset as ds  # noqa: E402
import load_cases  # noqa: E402
from _server import free_port, load  # noqa: E402

VENV = ROOT / "var" / "bench" / "helpdesk-venv"
PROJECT = ROOT / "var" / "bench" / "helpdesk-project"

SETTINGS = """
import os
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "hdproject.wsgi.application"
_url = os.environ["HELPDESK_DATABASE_URL"]
from urllib.parse import urlsplit
_p = urlsplit(_url)
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _p.path.lstrip("/"),
    "USER": _p.username or "postgres", "PASSWORD": _p.password or "",
    "HOST": _p.hostname or "127.0.0.1", "PORT": _p.port or 5432, "CONN_MAX_AGE": 60,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
STATIC_URL = "/static/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGIN_URL = "/login/"
HELPDESK_TEAMS_MODE_ENABLED = False  # teams need pinax-teams; not needed to compare
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""
WSGI = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""
# Runs inside the helpdesk virtualenv: migrate, COPY N tickets, create the staff session.
SIDE = r"""
import json, os, random, sys, time
from datetime import timedelta
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from helpdesk.models import Queue, Ticket
from helpdesk.query import query_to_base64

n = int(sys.argv[1])
call_command("migrate", verbosity=0)
queue = Queue.objects.create(title="Phản ánh", slug="pakn", allow_public_submission=True)
fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
defaults = {f.column: f.get_default() for f in fields}
rng = random.Random(1)
now = timezone.now()
started = time.perf_counter()
raw = connection.cursor().connection
table = Ticket._meta.db_table
cols = [f.column for f in fields]
with connection.cursor() as c:
    c.execute("SET synchronous_commit TO off")
with raw.cursor() as cur, cur.copy(
    f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN'
) as copy:
    for i in range(n):
        created = now - timedelta(days=rng.uniform(0, 365))
        values = dict(defaults)
        values.update({
            "title": f"Phản ánh số {i}: ổ gà trên đường Trần Hưng Đạo",
            "queue_id": queue.pk,
            "created": created,
            "modified": created,
            "submitter_email": f"nguoidan{i % 5000}@example.vn",
            "status": rng.choice([1, 1, 2, 3, 4]),
            "on_hold": False,
            "description": "Đoạn đường xuất hiện nhiều ổ gà sâu, trời mưa nước đọng, người đi xe "
            "máy đã bị ngã. Đề nghị cơ quan chức năng sớm sửa chữa.",
            "resolution": None,
            "priority": 3,
            "secret_key": f"{i:012d}",
        })
        copy.write_row([values.get(c) for c in cols])
with connection.cursor() as c:
    c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})")
    c.execute("ANALYZE")
load_s = time.perf_counter() - started
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
User = get_user_model()
staff = User.objects.create_superuser("bench-staff", "staff@example.vn", "bench-pass")
session = SessionStore()
session[SESSION_KEY] = str(staff.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
session.create()
query = query_to_base64({"filtering": {"status__in": [1, 2]}, "sorting": "created",
                         "search_string": "", "sortreverse": False})
print(json.dumps({"load_s": load_s, "queue": queue.pk, "session": session.session_key,
                  "datatables": f"/datatables_ticket_list/{query}?draw=1&start=0&length=25"}))
"""


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def install() -> None:
    python = VENV / "bin" / "python"
    if not python.exists():
        out = run([sys.executable, "-m", "venv", str(VENV)])
        if out.returncode:
            raise RuntimeError(f"venv: {out.stderr.strip()[-300:]}")
    out = run([str(python), "-c", "import helpdesk, granian, psycopg"])
    if out.returncode:
        out = run(
            [
                str(VENV / "bin" / "pip"),
                "install",
                "-q",
                "django-helpdesk",
                "psycopg[binary]",
                "granian",
            ],
            timeout=900,
        )
        if out.returncode:
            raise RuntimeError(f"pip install django-helpdesk failed: {out.stderr.strip()[-400:]}")
    package = PROJECT / "hdproject"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(SETTINGS)
    (package / "urls.py").write_text(URLS)
    (package / "wsgi.py").write_text(WSGI)
    (PROJECT / "side.py").write_text(SIDE)


def form_load(
    port: int, path: str, fields_for: Any, *, seconds: float, concurrency: int
) -> dict[str, float]:
    """Closed-loop POST of a Django form with its CSRF token (fetched once per client)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.time() + seconds
    counter = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        page = response.read().decode()
        cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = match.group(1) if match else ""
        local = []
        while time.time() < stop:
            with lock:
                counter[0] += 1
                n = counter[0]
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields_for(n)})
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "Referer": f"http://127.0.0.1:{port}{path}",
                },
            )
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - started)
            if response.status >= 400:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
    }


def summary(result: dict[str, float]) -> dict[str, float]:
    return {
        "rps": round(result["rps"], 1),
        "p50_ms": round(result["p50_ms"], 1),
        "p95_ms": round(result["p95_ms"], 1),
        "errors": int(result["errors"]),
        "load_avg": round(os.getloadavg()[0], 2),
    }


def measure_helpdesk(n: int, seconds: float, concurrency: int) -> dict[str, Any]:
    install()
    url = ds.create_database(name=f"pakn_bench_hd_{os.getpid()}")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        env = {
            **os.environ,
            "HELPDESK_DATABASE_URL": url,
            "PYTHONPATH": str(PROJECT),
            "DJANGO_SETTINGS_MODULE": "hdproject.settings",
        }
        out = run(
            [str(VENV / "bin" / "python"), "side.py", str(n)], cwd=PROJECT, env=env, timeout=7200
        )
        if out.returncode:
            last = (out.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"django-helpdesk set-up failed: {last[:400]}")
        side = json.loads(out.stdout.strip().splitlines()[-1])
        port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    str(VENV / "bin" / "granian"),
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--log-level",
                    "error",
                    "hdproject.wsgi:application",
                ],
                cwd=PROJECT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/tickets/submit/")
                status = conn.getresponse().status
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("django-helpdesk server did not start") from None
                time.sleep(0.5)
        if status != 200:
            raise RuntimeError(f"django-helpdesk public form answered HTTP {status}")
        staff = {"Cookie": f"sessionid={side['session']}"}
        figures: dict[str, Any] = {"helpdesk_load_s": round(side["load_s"], 1)}
        figures["helpdesk_submit"] = summary(
            form_load(
                port,
                "/tickets/submit/",
                lambda i: {
                    "queue": side["queue"],
                    "title": f"Đèn đường hỏng cột số {i}",
                    "body": f"Cột đèn số {i} không sáng đã ba đêm, đoạn đường rất tối.",
                    "priority": 3,
                    "submitter_email": f"nguoidan{i}@example.vn",
                },
                seconds=seconds,
                concurrency=concurrency,
            )
        )
        for name, path in (
            ("helpdesk_list_page", "/tickets/"),
            ("helpdesk_list_json", side["datatables"]),
        ):
            figures[name] = summary(
                load(
                    port,
                    "GET",
                    path,
                    None,
                    seconds=seconds,
                    concurrency=concurrency,
                    headers_for=lambda _n: staff,
                )
            )
        return figures
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, 15)
                p.wait(timeout=10)
        ds.drop_database(url)


def measure_pakn(n: int, seconds: float, concurrency: int) -> dict[str, Any]:
    import web_latency
    from _server import Server, collectstatic

    env = {
        "PAKN_API_OFFICER_RATE": "",
        "PAKN_API_PUBLIC_WRITE_RATE": "",
        "PAKN_LOG_LEVEL": "ERROR",
        "PAKN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with tempfile.TemporaryDirectory() as tmp, ds.throwaway_database() as url:
        env["PAKN_VAR_DIR"] = tmp
        os.environ.update(env)
        load_cases.setup_django(url)
        loaded = load_cases.load(n=n, rebuild=False)
        figures: dict[str, Any] = {"pakn_load_s": round(loaded.seconds["load"], 1)}
        server = Server({**env, "DATABASE_URL": url})
        collectstatic({**env, "DATABASE_URL": url})
        from django.db import connections

        with server:
            officer = {"Cookie": web_latency.session_cookie(loaded.people.officer)}
            root = {"Cookie": web_latency.session_cookie(loaded.people.supervisor)}
            connections.close_all()
            figures["pakn_submit"] = summary(
                load(
                    server.port,
                    "POST",
                    "/api/v1/submissions",
                    lambda i: {
                        "kind": "report",
                        "title": f"Đèn đường hỏng cột số {i}",
                        "body": f"Cột đèn số {i} không sáng đã ba đêm, đoạn đường rất tối.",
                        "submitter": {"name": "Nguyễn Văn An", "phone": "0912345678"},
                        "consent": True,
                    },
                    seconds=seconds,
                    concurrency=concurrency,
                    headers_for=lambda i: {"Idempotency-Key": f"cmp-{i}"},
                )
            )
            for name, headers in (("pakn_inbox_root", root), ("pakn_inbox_officer", officer)):
                figures[name] = summary(
                    load(
                        server.port,
                        "GET",
                        "/backoffice/",
                        None,
                        seconds=seconds,
                        concurrency=concurrency,
                        headers_for=lambda _n, h=headers: h,
                    )
                )
        connections.close_all()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 on each side")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if args.quick:
        args.n, args.seconds = 10_000, 5
    figures: dict[str, Any] = {"n": args.n, "concurrency": args.concurrency}
    if not ds.postgres_reachable():
        print(
            json.dumps(
                {
                    **figures,
                    "error": "no PostgreSQL server reachable (DATABASE_URL or 127.0.0.1:5432)",
                }
            )
        )
        return
    figures.update(measure_pakn(args.n, args.seconds, args.concurrency))
    try:
        figures.update(measure_helpdesk(args.n, args.seconds, args.concurrency))
    except Exception as exc:
        figures["helpdesk_error"] = f"{type(exc).__name__}: {exc}"
    pairs = [
        ("submit_rps_ratio", "pakn_submit", "helpdesk_submit"),
        ("list_rps_ratio_root_vs_page", "pakn_inbox_root", "helpdesk_list_page"),
        ("list_rps_ratio_root_vs_json", "pakn_inbox_root", "helpdesk_list_json"),
    ]
    for key, ours, theirs in pairs:
        if ours in figures and theirs in figures and figures[theirs]["rps"]:
            figures[key] = round(figures[ours]["rps"] / figures[theirs]["rps"], 2)
    print(f"{'request':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'err':>5} {'load':>5}")
    for key, value in figures.items():
        if isinstance(value, dict):
            print(
                f"{key:24} {value['rps']:>8} {value['p50_ms']:>8} {value['p95_ms']:>8} "
                f"{value['errors']:>5} {value['load_avg']:>5}"
            )
    flat: dict[str, Any] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    print(json.dumps(flat))


if __name__ == "__main__":
    main()
