"""Intake throughput: POST /api/v1/submissions against a bare one-row-insert view, same server,
same database (a throw-away SQLite file, or the PostgreSQL database of DATABASE_URL, dropped
and created again). Prints one JSON line of figures."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server, fresh_postgres, load


def submission(n: int) -> dict[str, object]:
    return {
        "kind": "report",
        "title": f"Đèn đường hỏng cột số {n} đường Trần Đăng Ninh",
        "body": f"Cột đèn số {n} không sáng đã ba đêm, đoạn đường rất tối, dễ xảy ra tai nạn.",
        "submitter": {"name": "Nguyễn Văn An", "phone": "0912345678"},
        "consent": True,
    }


PENDING_STEPS = (
    "from pakn.ops.models import Step; "
    "print(Step.objects.exclude(status__in=['done', 'failed']).count())"
)


def drain_seconds(server: Server, timeout: float = 600) -> float | None:
    """Seconds until no step is left to run (None if the worker did not finish in time)."""
    started = time.time()
    while time.time() - started < timeout:
        out = server.manage("shell", "--no-imports", "-c", PENDING_STEPS).split()
        if int(out[-1] if out else 0) == 0:
            return round(time.time() - started, 1)
        time.sleep(0.5)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds = 5 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PAKN_VAR_DIR": tmp,
            "PAKN_BENCH_ENDPOINTS": "true",
            "PAKN_API_PUBLIC_WRITE_RATE": "",
            "PAKN_LOG_LEVEL": "ERROR",
            "PAKN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        database = os.environ.get("DATABASE_URL", "")
        if database.startswith("postgres"):
            fresh_postgres(database)
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        server = Server(env)
        server.manage("migrate", "--no-input")
        server.manage("createcachetable")
        server.manage("seed_demo", "--cases", "0")
        with server:
            bare = load(
                server.port,
                "POST",
                "/bench/insert",
                lambda n: {"n": n},
                seconds=seconds,
                concurrency=args.concurrency,
            )
            intake = load(
                server.port,
                "POST",
                "/api/v1/submissions",
                submission,
                seconds=seconds,
                concurrency=args.concurrency,
                headers_for=lambda n: {"Idempotency-Key": f"bench-{n}"},
            )
            drain = drain_seconds(server)
    print(
        json.dumps(
            {
                "intake_rps": round(intake["rps"], 1),
                "intake_p95_ms": round(intake["p95_ms"], 1),
                "intake_errors": intake["errors"],
                "bare_insert_rps": round(bare["rps"], 1),
                "bare_insert_p95_ms": round(bare["p95_ms"], 1),
                "intake_to_bare_ratio": round(intake["rps"] / bare["rps"], 3)
                if bare["rps"]
                else 0.0,
                # How long after the load the worker needed to finish every side effect
                # (messages, duplicates, moderation) of the submissions acknowledged during it.
                "worker_drain_seconds": drain,
                "concurrency": args.concurrency,
                "seconds": seconds,
                "database": "postgresql" if database.startswith("postgres") else "sqlite",
            }
        )
    )


if __name__ == "__main__":
    main()
