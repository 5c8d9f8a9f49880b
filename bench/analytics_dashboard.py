"""Supervisor dashboard latency over N synthetic cases (default 1,000,000; --quick 50,000).

Builds a throw-away SQLite database (or loads into DATABASE_URL with --use-database-url, which
must be an empty, migrated database), creates an agency tree like a national deployment (root,
8 ministries, 34 provinces with 5 departments and 10 communes each: 553 agencies), bulk-loads N
submissions and cases spread over the last twelve months (with answers, deadlines, ratings and
map points), rebuilds the rollups once, then times:

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
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 10_000
PROVINCES = 34
DEPARTMENTS = 5
COMMUNES = 10
MINISTRIES = 8
FIELDS = 20


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


def build_tree(rng: random.Random) -> tuple[object, list[object], list[tuple[float, float]]]:
    from pakn.accounts.models import Agency, Level

    root = Agency.objects.create(code="bench-root", name="Văn phòng Chính phủ", level=Level.CENTRAL)
    leaves: list[object] = []
    centres: list[tuple[float, float]] = []
    for m in range(MINISTRIES):
        leaves.append(
            Agency.objects.create(
                code=f"bench-bo-{m}", name=f"Bộ số {m + 1}", level=Level.CENTRAL, parent=root
            )
        )
        centres.append((21.03, 105.85))
    for p in range(PROVINCES):
        centre = (rng.uniform(9.0, 22.8), rng.uniform(103.0, 109.0))
        province = Agency.objects.create(
            code=f"bench-tinh-{p}", name=f"UBND tỉnh số {p + 1}", level=Level.PROVINCE, parent=root
        )
        leaves.append(province)
        centres.append(centre)
        for d in range(DEPARTMENTS):
            leaves.append(
                Agency.objects.create(
                    code=f"bench-so-{p}-{d}",
                    name=f"Sở {d + 1} tỉnh {p + 1}",
                    level=Level.PROVINCE,
                    parent=province,
                )
            )
            centres.append(centre)
        for c in range(COMMUNES):
            leaves.append(
                Agency.objects.create(
                    code=f"bench-xa-{p}-{c}",
                    name=f"UBND xã {c + 1} tỉnh {p + 1}",
                    level=Level.COMMUNE,
                    parent=province,
                )
            )
            centres.append((centre[0] + rng.uniform(-0.4, 0.4), centre[1] + rng.uniform(-0.4, 0.4)))
    return root, leaves, centres


def load_cases(n: int, rng: random.Random, leaves: list, centres: list) -> float:
    from django.utils import timezone

    from pakn.cases.models import Case, Rating, Status
    from pakn.core.workdays import VN_TZ, add_working_days, to_local_date
    from pakn.geo.models import AdministrativeUnit, UnitLevel
    from pakn.submissions.models import Channel, Kind, Submission
    from pakn.taxonomy.models import Field

    fields = [
        Field.objects.create(code=f"bench-field-{i}", name=f"Lĩnh vực {i + 1}").pk
        for i in range(FIELDS)
    ]
    provinces = list(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", flat=True)
    ) or [None]
    kinds = [k.value for k in Kind]
    channels = [c.value for c in Channel]
    open_statuses = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ANSWER_REVIEW]
    done_other = [Status.RETURNED, Status.REJECTED, Status.MERGED]
    answered_statuses = [Status.ANSWERED, Status.PUBLISHED, Status.CLOSED]
    now = timezone.now()
    due_on = functools.lru_cache(maxsize=None)(
        lambda day: add_working_days(datetime.combine(day, dtime(9), tzinfo=VN_TZ), 20)
    )
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    started = time.perf_counter()
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        submissions, cases_data = [], []
        for i in range(size):
            index = made + i
            leaf = rng.randrange(len(leaves))
            received = now - timedelta(days=rng.uniform(0, 365))
            located = rng.random() < 0.4
            lat, lon = centres[leaf]
            code = "".join(alphabet[(index >> (5 * k)) & 31] for k in range(5)) + "".join(
                rng.choice(alphabet) for _ in range(4)
            )
            submissions.append(
                Submission(
                    tracking_code=code,
                    access_token_hash="0" * 64,
                    kind=rng.choice(kinds),
                    field_id=rng.choice(fields),
                    title=f"Phản ánh số {index}",
                    body="Nội dung phản ánh, kiến nghị tổng hợp cho đo hiệu năng.",
                    search_text=f"phan anh so {index}",
                    latitude=rng.gauss(lat, 0.08) if located else None,
                    longitude=rng.gauss(lon, 0.08) if located else None,
                    province_id=rng.choice(provinces),
                    submitter_name="Nguyễn Văn A",
                    channel=rng.choice(channels),
                )
            )
            roll = rng.random()
            due = due_on(to_local_date(received))
            answered_at = None
            if roll < 0.7:
                answered_at = min(now, received + timedelta(days=rng.expovariate(1 / 18)))
                status = rng.choice(answered_statuses)
            elif roll < 0.8:
                status = rng.choice(done_other)
            else:
                status = rng.choice(open_statuses)
            cases_data.append((leaves[leaf].pk, status, received, due, answered_at))
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        cases = [
            Case(
                submission_id=s.pk,
                agency_id=agency_id,
                status=status,
                received_at=received,
                due_at=due,
                answered_at=answered_at,
            )
            for s, (agency_id, status, received, due, answered_at) in zip(
                submissions, cases_data, strict=True
            )
        ]
        Case.objects.bulk_create(cases, batch_size=BATCH)
        Rating.objects.bulk_create(
            [
                Rating(case_id=c.pk, score=rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0])
                for c in cases
                if c.answered_at is not None and rng.random() < 0.4
            ],
            batch_size=BATCH,
        )
        made += size
    return time.perf_counter() - started


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

    from pakn.accounts.models import Agency, User
    from pakn.analytics import selectors
    from pakn.analytics.models import Rollup
    from pakn.analytics.rollups import refresh_cases, rollups_rebuild
    from pakn.cases.models import Case, Status

    rng = random.Random(args.seed)
    root, leaves, centres = build_tree(rng)
    load_seconds = load_cases(args.n, rng, leaves, centres)
    print(f"loaded {args.n:,} cases into {len(leaves) + 1} agencies in {load_seconds:.1f} s")

    started = time.perf_counter()
    rollups_rebuild()
    rebuild_seconds = time.perf_counter() - started
    rollup_rows = Rollup.objects.count()
    print(f"rollups rebuilt in {rebuild_seconds:.1f} s: {rollup_rows:,} rollup rows")

    period = selectors.Period.last_months(12)
    province = Agency.objects.get(code="bench-tinh-0")
    admin = User.objects.create_superuser("bench-admin", "x", email="bench@example.vn")
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
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if not args.db:
            path.parent.rmdir()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
