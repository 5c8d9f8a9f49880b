from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BenchRow, Heartbeat


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, object]] = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": str(exc)[:200]}
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = {"ok": not pending, "pending": len(pending)}

    max_age = timedelta(seconds=settings.PAKN_WORKER_HEARTBEAT_MAX_AGE)
    seen = dict(Heartbeat.objects.values_list("name", "seen_at"))
    now = timezone.now()
    for name in ("worker", "scheduler"):
        at = seen.get(name)
        checks[name] = {
            "ok": at is not None and now - at <= max_age,
            "seen_at": at.isoformat() if at else None,
        }
    if not checks["scheduler"]["ok"] and not checks["worker"]["ok"]:
        # The worker's heartbeat is a task the scheduler enqueues (it proves the queue works end
        # to end): with the scheduler down the worker cannot be judged, only the scheduler.
        checks["worker"]["note"] = "unknown: the scheduler, which sends the worker's probe, is down"
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@csrf_exempt
@require_POST
def bench_insert(request: HttpRequest) -> JsonResponse:
    """One-row insert: what the cheapest possible write costs in this server and database.

    Mounted only when PAKN_BENCH_ENDPOINTS=true (benchmarks), never in production."""
    row = BenchRow.objects.create(payload=request.body.decode(errors="replace")[:4000])
    return JsonResponse({"id": row.pk}, status=201)
