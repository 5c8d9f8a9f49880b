"""Latency of the pages officers and citizens use most, over N loaded cases (default 1,000,000
on PostgreSQL; --quick 50,000), served by granian on loopback.

Loads the data set with ``load_cases.load`` into a throw-away database (PostgreSQL
``pakn_bench_<pid>`` when a server is reachable, else SQLite, or ``--sqlite``), then runs a
closed-loop keep-alive load (``_server.load``) against each request for ``--seconds``:

- back-office inbox: province officer (first page, a filtered page, page 50) and root
  supervisor (first page, a filtered page);
- ``GET /api/v1/cases`` with a Bearer token: first page and the page after a cursor;
- public search with and without diacritics: ``/published/?q=…`` and ``GET /api/v1/published``;
- the analytics dashboard of the root agency (superadmin).

Targets (2-core machine): inbox and API case list p95 ≤ 50 ms, public search p95 ≤ 100 ms,
dashboard ≤ 300 ms. Prints a table with the 1-minute load average next to each figure; the last
line is JSON. It does not pass or fail.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _dataset as ds  # noqa: E402
import load_cases  # noqa: E402
from _server import Server, collectstatic, load  # noqa: E402

TARGETS = {"inbox": 50.0, "api_cases": 50.0, "search": 100.0, "dashboard": 300.0}


def session_cookie(user: Any) -> str:
    """A logged-in session for ``user`` stored in the database, as the login view would."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from pakn.accounts.twofactor import SESSION_KEY as TWO_FACTOR

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(  # the backend that logs people in, not a rules one
        b for b in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(b), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[TWO_FACTOR] = True
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def requests_for(
    loaded: load_cases.Loaded, port: int
) -> list[tuple[str, str, str, dict[str, str]]]:
    """(group, name, path, headers) of every measured request."""
    from pakn.accounts.tokens import api_token_issue
    from pakn.analytics import selectors

    people = loaded.people
    officer = {"Cookie": session_cookie(people.officer)}
    supervisor = {"Cookie": session_cookie(people.supervisor)}
    admin = {"Cookie": session_cookie(people.superadmin)}
    _token, raw = api_token_issue(user=people.officer, name="bench", scopes="read")
    _token, raw_root = api_token_issue(user=people.supervisor, name="bench", scopes="read")
    bearer = {"Authorization": f"Bearer {raw}"}
    bearer_root = {"Authorization": f"Bearer {raw_root}"}
    status, body = fetch(port, "/api/v1/cases?limit=20", bearer)
    cursor = json.loads(body).get("next_cursor") if status == 200 else None
    period = selectors.Period.last_months(12)
    dashboard = (
        f"/backoffice/analytics/?agency={loaded.tree.root.pk}"
        f"&from={period.start:%Y-%m}&to={period.end:%Y-%m}"
    )
    return [
        ("inbox", "inbox_officer_first", "/backoffice/", officer),
        (
            "inbox",
            "inbox_officer_filtered",
            "/backoffice/?queue=all&status=in_progress&kind=report",
            officer,
        ),
        ("inbox", "inbox_officer_page_50", "/backoffice/?queue=all&page=50", officer),
        ("inbox", "inbox_root_first", "/backoffice/", supervisor),
        ("inbox", "inbox_root_filtered", "/backoffice/?status=answered&q=duong", supervisor),
        ("api_cases", "api_cases_first", "/api/v1/cases?limit=20", bearer),
        ("api_cases", "api_cases_cursor", f"/api/v1/cases?limit=20&cursor={cursor or ''}", bearer),
        ("api_cases", "api_cases_root_first", "/api/v1/cases?limit=20", bearer_root),
        ("search", "search_page_marks", "/published/?q=ph%E1%BA%A3n+%C3%A1nh", {}),
        ("search", "search_page_plain", "/published/?q=phan+anh", {}),
        ("search", "search_page_rare", "/published/?q=karaoke", {}),
        ("search", "search_api_marks", "/api/v1/published?q=%C4%91%C6%B0%E1%BB%9Dng", {}),
        ("search", "search_api_plain", "/api/v1/published?q=o+ga+duong", {}),
        ("dashboard", "dashboard_root", dashboard, admin),
    ]


def measure(args: argparse.Namespace, url: str, env: dict[str, str]) -> dict[str, Any]:
    load_cases.setup_django(url)
    if args.reuse:
        loaded = load_cases.existing()
        figures: dict[str, Any] = {"reused_database": True}
    else:
        loaded = load_cases.load(n=args.n, seed=args.seed)
        figures = {f"load_{k}": v for k, v in loaded.figures().items()}
    from django.db import connections

    server = Server({**env, "DATABASE_URL": url}, workers=args.workers)
    collectstatic({**env, "DATABASE_URL": url})  # pages use the manifest storage
    with server:
        measured = requests_for(loaded, server.port)
        connections.close_all()
        print(f"{'request':28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'err':>4} {'load':>5}")
        for group, name, path, headers in measured:
            status, _body = fetch(server.port, path, headers)  # warm up (and check)
            result = load(
                server.port,
                "GET",
                path,
                None,
                seconds=args.seconds,
                concurrency=args.concurrency,
                headers_for=lambda _n, h=headers: h,
            )
            load_avg = os.getloadavg()[0]
            row = {
                "status": status,
                "p50_ms": round(result["p50_ms"], 1),
                "p95_ms": round(result["p95_ms"], 1),
                "rps": round(result["rps"], 1),
                "errors": result["errors"],
                "load_avg": round(load_avg, 2),
                "target_p95_ms": TARGETS[group],
            }
            figures.update({f"{name}_{key}": value for key, value in row.items()})
            flag = "" if status == 200 and row["p95_ms"] <= TARGETS[group] else "  MISSED"
            if status != 200:
                flag = f"  HTTP {status}"
            print(
                f"{name:28} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['rps']:>7} "
                f"{row['errors']:>4} {row['load_avg']:>5}{flag}",
                flush=True,
            )
    figures.setdefault("cases_loaded", loaded.cases)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 cases")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--reuse", default="", help="measure this already loaded database URL (load_cases --keep)"
    )
    args = parser.parse_args()
    if args.quick:
        args.n, args.seconds = min(args.n, 50_000), min(args.seconds, 5)
    env = {
        "PAKN_API_OFFICER_RATE": "",
        "PAKN_API_LOOKUP_RATE": "",
        "PAKN_API_PUBLIC_WRITE_RATE": "",
        "PAKN_LOG_LEVEL": "ERROR",
        "PAKN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with tempfile.TemporaryDirectory() as tmp:
        env["PAKN_VAR_DIR"] = tmp
        os.environ.update(env)
        started = time.time()
        if args.reuse:
            figures = measure(args, args.reuse, env)
            figures["database"] = args.reuse.split(":", 1)[0]
            args.n = figures.pop("cases_loaded")
        elif args.sqlite or not ds.postgres_reachable():
            figures = measure(args, f"sqlite:///{tmp}/bench.sqlite3", env)
            figures["database"] = "sqlite"
        else:
            with ds.throwaway_database() as url:
                try:
                    figures = measure(args, url, env)
                finally:
                    from django.db import connections

                    connections.close_all()
            figures["database"] = "postgresql"
    figures["cases"] = args.n
    figures["concurrency"] = args.concurrency
    figures["seconds_per_request"] = args.seconds
    figures["wall_s"] = round(time.time() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
