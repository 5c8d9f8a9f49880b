"""Start PAKN (granian + worker) on loopback against a throw-away database, for benchmarks."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GRANIAN = str(Path(PY).with_name("granian"))
WORKER_NICE = 10


def fresh_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url``, so each run starts empty."""
    import psycopg
    from psycopg import sql

    parsed = urllib.parse.urlsplit(url)
    name = parsed.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.workers = workers
        self.procs: list[subprocess.Popen[bytes]] = []

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def __enter__(self) -> Server:
        quiet = {
            "cwd": ROOT,
            "env": self.env,
            "stdout": subprocess.DEVNULL,
            "stderr": subprocess.DEVNULL,
            "start_new_session": True,  # stop granian's workers with their parent
        }
        self.procs.append(
            subprocess.Popen(
                [
                    GRANIAN,
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "error",
                    "config.wsgi:application",
                ],
                **quiet,  # type: ignore[arg-type]
            )
        )
        self.procs.append(
            # At a lower CPU priority, as deployed (deploy/systemd, Procfile, bin/run-all): when
            # web and worker share cores, requests go first and the worker drains the backlog.
            subprocess.Popen(
                ["nice", "-n", str(WORKER_NICE), PY, "manage.py", "db_worker", "--interval", "0.5"],
                **quiet,
            )
        )  # type: ignore[arg-type]
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def load(
    port: int,
    method: str,
    path: str,
    body_for: Any,
    *,
    seconds: float,
    concurrency: int,
    headers_for: Any = None,
) -> dict[str, float]:
    """Closed-loop load: `concurrency` keep-alive clients for `seconds`; latency percentiles."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.time() + seconds
    counter = [0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        while time.time() < stop:
            with lock:
                counter[0] += 1
                n = counter[0]
            body = body_for(n) if body_for else None
            headers = {
                "Content-Type": "application/json",
                **(headers_for(n) if headers_for else {}),
            }
            started = time.perf_counter()
            try:
                conn.request(
                    method,
                    path,
                    body=json.dumps(body).encode() if body is not None else None,
                    headers=headers,
                )
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
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
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0,
    }


COLLECTSTATIC = """
import django
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

django.setup()


class Storage(CompressedManifestStaticFilesStorage):
    # The vendored chart.js names a source map that is not shipped; the benchmark only needs
    # the manifest, so JS source-map references are left alone.
    patterns = tuple(p for p in ManifestStaticFilesStorage.patterns if p[0] != "*.js")


settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "__main__.Storage"}}
call_command("collectstatic", interactive=False, verbosity=0)
"""


def collectstatic(env: dict[str, str]) -> None:
    """Write the static files and their manifest into PAKN_VAR_DIR, as the pages need."""
    subprocess.run(
        [PY, "-c", COLLECTSTATIC],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        check=True,
        capture_output=True,
    )
