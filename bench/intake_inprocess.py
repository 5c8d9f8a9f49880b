"""Intake cost in one process, with Django's test client: CPU and wall milliseconds and SQL
queries per request for POST /api/v1/submissions and for the bare one-row insert. Less noisy than the HTTP
load of intake_throughput.py on a shared machine. ``--profile`` prints a cProfile breakdown.
Prints one JSON line of figures."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_throughput import submission  # noqa: E402 - found through sys.path above


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true", help="print one intake's SQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            {
                "PAKN_VAR_DIR": tmp,
                "PAKN_BENCH_ENDPOINTS": "true",
                "PAKN_API_PUBLIC_WRITE_RATE": "100000/m",
                "PAKN_LOG_LEVEL": "ERROR",
                "PAKN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "DJANGO_SETTINGS_MODULE": "config.settings",
            }
        )
        database = os.environ.get("DATABASE_URL", "")
        if database.startswith("postgres"):
            from _server import fresh_postgres

            fresh_postgres(database)
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        print(json.dumps(run(args)))


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", "--no-input", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", "--cases", "0", verbosity=0)
    client = Client()
    counter = [0]

    def intake() -> Any:
        counter[0] += 1
        n = counter[0]
        return client.post(
            "/api/v1/submissions",
            submission(n),
            content_type="application/json",
            headers={"Idempotency-Key": f"inproc-{n}"},
        )

    def bare() -> Any:
        counter[0] += 1
        return client.post("/bench/insert", {"n": counter[0]}, content_type="application/json")

    figures: dict[str, Any] = {}
    for name, call in (("bare_insert", bare), ("intake", intake)):
        for _ in range(20):  # warm up: imports, caches, prepared connections
            assert call().status_code == 201
        with CaptureQueriesContext(connection) as queries:
            assert call().status_code == 201
        figures[f"{name}_queries"] = len(queries.captured_queries)
        if args.queries and name == "intake":
            for q in queries.captured_queries:
                print(q["sql"][:300], file=sys.stderr)
        timings = []
        cpu_started = time.process_time()
        profiler = cProfile.Profile() if args.profile and name == "intake" else None
        for _ in range(args.requests):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            response = call()
            if profiler:
                profiler.disable()
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.content
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(60)
        # CPU time is what a shared, loaded machine disturbs least.
        figures[f"{name}_cpu_ms"] = round(
            (time.process_time() - cpu_started) * 1000 / args.requests, 2
        )
        figures[f"{name}_ms_median"] = round(statistics.median(timings), 2)
    from pakn.ops.models import Step
    from pakn.ops.steps import run_pending_now

    pending = Step.objects.count()
    started = time.process_time()
    run_pending_now()
    # What the worker spends per acknowledged submission, on the same CPU in the benchmark.
    figures["worker_cpu_ms_per_intake"] = round(
        (time.process_time() - started) * 1000 / max(pending // 2, 1), 2
    )
    figures["intake_to_bare_cpu_ratio"] = round(
        figures["bare_insert_cpu_ms"] / figures["intake_cpu_ms"], 3
    )
    # Every intake (and the worker's events) must leave the hash chain intact.
    call_command("verify_case_log", stdout=io.StringIO())
    figures["case_log_verified"] = True
    figures["database"] = connection.vendor
    figures["requests"] = args.requests
    return figures


if __name__ == "__main__":
    main()
