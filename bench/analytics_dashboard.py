"""Supervisor dashboard latency over N synthetic cases (default 1,000,000; --quick 50,000).

Builds a throw-away SQLite database (or loads into DATABASE_URL with --use-database-url, which
must be an empty, migrated database), loads the shared benchmark data set (``load_cases.load``:
the 553-agency national tree of ``_dataset.build_tree`` and N realistic cases over the last
twelve months, with answers, deadlines, ratings, map points and chained logs), rebuilds the
rollups once, then times:

- the dashboard selector and the full dashboard page (HTML, as a superadmin) for the root
  agency over twelve months, and for one province;
- the hot-spot query, the public statistics (uncached), and an incremental refresh of 1,000
  changed cases.

Prints figures (median and worst of the repeated runs); it does not pass or fail. The last line
is one JSON object, for bench/run.py.

    python bench/analytics_dashboard.py --quick
    python bench/analytics_dashboard.py            # 1M cases
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load_cases  # noqa: E402


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 cases")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default="", help="SQLite file to build (default: a temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--use-database-url", action="store_true", help="load into DATABASE_URL")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    if args.quick:
        args.n = 50_000
    return args


def setup_django(args: argparse.Namespace) -> Path | None:
    path = None
    if not args.use_database_url:
        # tmpfs when there is one: the figures measure the queries, not a shared disk.
        folder = "/dev/shm" if Path("/dev/shm").is_dir() else None
        path = (
            Path(args.db) if args.db else Path(tempfile.mkdtemp(dir=folder)) / "analytics.sqlite3"
        )
        if path.exists():
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PAKN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    call_command("migrate", verbosity=0)
    return path


def timed(func, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


def main() -> None:
    args = parse()
    path = setup_django(args)
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from pakn.accounts.models import Agency
    from pakn.analytics import selectors
    from pakn.analytics.models import Rollup
    from pakn.analytics.rollups import refresh_cases, rollups_rebuild
    from pakn.cases.models import Case, Status

    loaded = load_cases.load(n=args.n, seed=args.seed, rebuild=False)
    root, leaves = loaded.tree.root, loaded.tree.leaves
    load_seconds = loaded.seconds["load"]
    print(f"loaded {args.n:,} cases into {len(leaves) + 1} agencies in {load_seconds:.1f} s")

    started = time.perf_counter()
    rollups_rebuild()
    rebuild_seconds = time.perf_counter() - started
    rollup_rows = Rollup.objects.count()
    print(f"rollups rebuilt in {rebuild_seconds:.1f} s: {rollup_rows:,} rollup rows")

    period = selectors.Period.last_months(12)
    province = Agency.objects.get(code="bench-tinh-0")
    admin = loaded.people.superadmin
    client = Client()
    client.force_login(admin)
    query = f"from={period.start:%Y-%m}&to={period.end:%Y-%m}"

    def page(agency: Agency) -> None:
        response = client.get(f"/backoffice/analytics/?agency={agency.pk}&{query}")
        assert response.status_code == 200, response.status_code

    board = selectors.dashboard(agency=root, period=period)
    figures = {
        "selector_root": timed(lambda: selectors.dashboard(agency=root, period=period), args.runs),
        "page_root": timed(lambda: page(root), args.runs),
        "selector_province": timed(
            lambda: selectors.dashboard(agency=province, period=period), args.runs
        ),
        "page_province": timed(lambda: page(province), args.runs),
        "hotspots_root_zoom6": timed(
            lambda: selectors.hotspots(agency=root, period=period, zoom=6), args.runs
        ),
        "public_stats_uncached": timed(
            lambda: (cache.clear(), selectors.public_stats(period)), args.runs
        ),
    }
    ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[:1000])
    Case.objects.filter(pk__in=ids, status__in=[Status.SUBMITTED, Status.ACCEPTED]).update(
        status=Status.IN_PROGRESS
    )
    Case.objects.filter(pk__in=ids, answered_at__isnull=True).update(
        answered_at=timezone.now(),
        status=Status.ANSWERED,
    )
    started = time.perf_counter()
    with transaction.atomic():
        changed = refresh_cases(ids)
    refresh_ms = (time.perf_counter() - started) * 1000

    print(
        f"\nroot dashboard: {board.figures.received:,} received, {board.figures.answered:,} answered, "
        f"on time {100 * (board.figures.on_time_rate or 0):.1f}%, median {board.figures.median_days} wd"
    )
    print(f"{'measure':28} {'median ms':>10} {'max ms':>10}")
    for name, values in figures.items():
        print(f"{name:28} {values['median_ms']:>10} {values['max_ms']:>10}")
    print(f"{'incremental refresh 1,000':28} {refresh_ms:>10.1f}   ({changed} changed)")
    result = {
        "cases": args.n,
        "agencies": len(leaves) + 1,
        "database": "sqlite" if path else "DATABASE_URL",
        "load_seconds": round(load_seconds, 1),
        "rebuild_seconds": round(rebuild_seconds, 1),
        "rollup_rows": rollup_rows,
        **{f"{k}_median_ms": v["median_ms"] for k, v in figures.items()},
        **{f"{k}_max_ms": v["max_ms"] for k, v in figures.items()},
        "refresh_1000_cases_ms": round(refresh_ms, 1),
    }
    if path is not None and not args.keep:
        for suffix in ("", "-wal", "-shm", ".writers"):  # .writers: pakn.core.sqlite3 lock
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if not args.db:
            path.parent.rmdir()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
