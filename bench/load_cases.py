"""Load N realistic cases fast: PostgreSQL COPY (psycopg 3), or executemany on SQLite.

Writes, per case, the submission (Vietnamese text from per-field templates, 15 % typed without
diacritics, place in a real commune of the agency's province), the case in its final state with
working-day deadlines, the case log with real hash chains (``verify_case_log`` passes), the
answer, a rating for some answered cases, and the duplicate-index rows (submission and public
scope, computed with the product's MinHash code); then rebuilds the analytics rollups
(``analytics_rebuild``). Also creates the agency tree (``_dataset.build_tree``), one handler per
agency, a province officer, a root supervisor and a superadmin.

    python bench/load_cases.py --n 50000                 # throw-away PostgreSQL database
    python bench/load_cases.py --n 50000 --sqlite        # throw-away SQLite file
    python bench/load_cases.py --n 1000000 --keep        # keep pakn_bench_<pid>

The last stdout line is JSON (rows/s per table, seconds per phase).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import _dataset as ds  # noqa: E402

BATCH = 5_000


@dataclass
class People:
    handlers: list[int]  # per leaf
    handler_labels: list[str]
    officer: Any = None  # intake + handler + leader of the first province
    supervisor: Any = None  # supervisor of the root
    superadmin: Any = None


@dataclass
class Loaded:
    cases: int
    tree: ds.Tree
    people: People
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        load = self.seconds.get("load", 0.0) or 1e-9
        total = sum(self.rows.values())
        return {
            "cases": self.cases,
            "rows": total,
            "rows_per_s": round(total / load),
            "cases_per_s": round(self.cases / load),
            **{f"{k}_s": round(v, 1) for k, v in self.seconds.items()},
            **{f"rows_{k}": v for k, v in self.rows.items()},
        }


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PAKN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def make_people(tree: ds.Tree) -> People:
    from django.contrib.auth.hashers import make_password

    from pakn.accounts.models import Membership, Role, User

    password = make_password(ds.PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=f"bench-xl-{i}", full_name=f"Cán bộ xử lý {i + 1}", password=password)
            for i in range(len(tree.leaves))
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, agency=leaf, role=Role.HANDLER)
            for u, leaf in zip(users, tree.leaves, strict=True)
        ]
    )
    province = tree.provinces[0]
    officer = User.objects.create(
        username="bench-tinh", full_name="Đầu mối tỉnh", password=password
    )
    for role in (Role.INTAKE, Role.HANDLER, Role.LEADER):
        Membership.objects.create(user=officer, agency=province, role=role)
    supervisor = User.objects.create(
        username="bench-giamsat", full_name="Giám sát trung ương", password=password
    )
    Membership.objects.create(user=supervisor, agency=tree.root, role=Role.SUPERVISOR)
    superadmin = User.objects.create_superuser("bench-admin", ds.PASSWORD, email="b@example.vn")
    return People([u.pk for u in users], [str(u) for u in users], officer, supervisor, superadmin)


def columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


class Writer:
    """Rows per table in a batch, then one COPY (PostgreSQL) or executemany (SQLite) each."""

    def __init__(self, connection: Any) -> None:
        from pakn.cases.models import Answer, Case, CaseEvent, Rating
        from pakn.intelligence.models import DuplicateSignature
        from pakn.submissions.models import Submission

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.models = {
            "submission": Submission,
            "case": Case,
            "event": CaseEvent,
            "answer": Answer,
            "rating": Rating,
            "signature": DuplicateSignature,
        }
        self.columns = {name: columns(m) for name, m in self.models.items()}
        self.index = {
            name: {c: i for i, c in enumerate(cols)} for name, cols in self.columns.items()
        }
        self.defaults = {
            name: [None if f.primary_key else f.get_default() for f in m._meta.concrete_fields]
            for name, m in self.models.items()
        }
        # Columns whose Python values the driver cannot take as they are: JSON always, and
        # datetimes on SQLite (stored as naive UTC text, as Django does).
        self.convert = {
            name: [
                (i, "json" if f.get_internal_type() == "JSONField" else "datetime")
                for i, f in enumerate(m._meta.concrete_fields)
                if f.get_internal_type() == "JSONField"
                or (not self.postgres and f.get_internal_type() == "DateTimeField")
            ]
            for name, m in self.models.items()
        }
        self.rows: dict[str, list[list[Any]]] = {name: [] for name in self.models}
        self.counts = dict.fromkeys(self.models, 0)

    def add(self, name: str, values: dict[str, Any]) -> None:
        row = self.defaults[name].copy()
        index = self.index[name]
        for column, value in values.items():
            row[index[column]] = value
        for i, kind in self.convert[name]:
            value = row[i]
            if kind == "json":
                row[i] = json.dumps(value, ensure_ascii=False)
            elif value is not None:
                row[i] = value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        self.rows[name].append(row)

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            for name, rows in self.rows.items():
                if not rows:
                    continue
                table = self.models[name]._meta.db_table
                cols = ", ".join(f'"{c}"' for c in self.columns[name])
                if self.postgres:
                    raw = self.connection.connection
                    with (
                        raw.cursor() as cursor,
                        cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
                    ):
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(self.columns[name]))
                    with self.connection.cursor() as cursor:
                        cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
                self.counts[name] += len(rows)
                rows.clear()

    def begin(self) -> None:
        """PostgreSQL bulk-load settings: secondary indexes are dropped and rebuilt after the
        load (one sort per index instead of a B-tree insert per row, 30 of them on the
        duplicate index), commits do not wait for the disk, and, when the role may, foreign
        keys are not re-checked row by row (the generator only writes ids it created)."""
        self.dropped: list[str] = []
        if not self.postgres:
            if not self.connection.in_atomic_block:  # a test's transaction: keep its settings
                with self.connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous=OFF")
            return
        tables = [m._meta.db_table for m in self.models.values()]
        with self.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(definition)
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")

    def end(self) -> None:
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for definition in self.dropped:
                cursor.execute(definition)
        self.reset_sequences()

    def reset_sequences(self) -> None:
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            for model in self.models.values():
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
                )


def next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def load(*, n: int, seed: int = 20261201, signatures: bool = True, rebuild: bool = True) -> Loaded:
    """Load ``n`` cases into the configured (migrated) database."""
    from django.db import connection
    from django.utils import timezone

    from pakn.cases.log import GENESIS
    from pakn.cases.models import Answer, Case, CaseEvent, Rating
    from pakn.cases.search import search_key as public_key
    from pakn.core.workdays import to_local_date
    from pakn.intelligence import duplicates as D
    from pakn.intelligence.models import DuplicateSignature, SignatureScope
    from pakn.submissions.models import Submission
    from pakn.taxonomy.models import Field

    rng = random.Random(seed)
    started = time.perf_counter()
    tree = ds.build_tree(rng)
    people = make_people(tree)
    fields = [
        Field.objects.get_or_create(code=f"bench-{code}", defaults={"name": name})[0].pk
        for code, name, _titles, _bodies in ds.FIELDS
    ]
    setup_seconds = time.perf_counter() - started

    writer = Writer(connection)
    ids = {
        "case": next_id(Case),
        "submission": next_id(Submission),
        "event": next_id(CaseEvent),
        "answer": next_id(Answer),
        "rating": next_id(Rating),
        "signature": next_id(DuplicateSignature),
    }
    first_case = ids["case"]
    statuses = list(ds.STATUS_WEIGHTS)
    weights = list(ds.STATUS_WEIGHTS.values())
    kinds = ["report"] * 6 + ["recommendation"] * 3 + ["initiative", "solution"]
    channels = ["web"] * 5 + ["mobile"] * 3 + ["api", "phone", "paper", "intermediary"]
    now = timezone.now()
    leaf_codes = [leaf.code for leaf in tree.leaves]
    dispute_days = 15
    dup_batch: list[tuple[int, list[str], list[int], int | None, str, datetime, bool]] = []

    def flush_signatures() -> None:
        if not dup_batch:
            return
        signatures_ = ds.minhashes([pieces for _c, _t, pieces, *_ in dup_batch])
        bands = {
            scope: D.band_hashes(signatures_, scope)
            for scope in (SignatureScope.SUBMISSION, SignatureScope.PUBLIC)
        }
        for i, (case_id, tokens, _p, commune_id, phone, received, public) in enumerate(dup_batch):
            for scope in (SignatureScope.SUBMISSION, SignatureScope.PUBLIC):
                if scope == SignatureScope.PUBLIC and not public:
                    continue
                writer.add(
                    "signature",
                    {
                        "id": ids["signature"],
                        "case_id": case_id,
                        "scope": scope.value,
                        "tokens": " ".join(tokens),
                        "commune_id": commune_id,
                        "phone_key": D.phone_key(phone)
                        if scope == SignatureScope.SUBMISSION
                        else "",
                        "received_at": received,
                        "created_at": now,
                        **dict(zip(D.BAND_FIELDS, map(int, bands[scope][i]), strict=True)),
                    },
                )
                ids["signature"] += 1
        dup_batch.clear()

    load_started = time.perf_counter()
    writer.begin()
    for index in range(n):
        case_id = ids["case"]
        submission_id = ids["submission"]
        leaf = rng.randrange(len(tree.leaves))
        province_id, communes = tree.places[leaf]
        commune_id, commune_name = rng.choice(communes)
        status = rng.choices(statuses, weights)[0]
        is_open = status in ("submitted", "needs_info", "accepted", "in_progress", "answer_review")
        # Old cases are mostly finished; open ones are recent (some of them overdue).
        age = rng.uniform(0, 45) if is_open else rng.uniform(2, 365)
        received = now - timedelta(days=age)
        f = rng.randrange(len(ds.FIELDS))
        _code, _name, titles, bodies = ds.FIELDS[f]
        values = {
            "place": commune_name or "địa phương",
            "street": rng.choice(ds.STREETS),
            "n": rng.randint(2, 300),
            "days": rng.randint(2, 40),
        }
        without_marks = rng.random() < 0.15
        title_text = ds.render(rng.choice(titles), values, without_marks=without_marks)
        body_text = ds.render(rng.choice(bodies), values, without_marks=without_marks)
        title, body = title_text.typed, body_text.typed
        search_key = f"{title_text.key} {body_text.key}"
        phone = f"09{rng.randrange(10_000_000, 99_999_999)}"
        name = rng.choice(ds.NAMES)
        channel = rng.choice(channels)
        lat, lon = tree.centres[leaf]
        located = rng.random() < 0.4
        writer.add(
            "submission",
            {
                "id": submission_id,
                "tracking_code": ds.tracking_code(case_id),
                "access_token_hash": "0" * 64,
                "kind": rng.choice(kinds),
                "field_id": fields[f],
                "title": title[:250],
                "body": body,
                "search_text": search_key,
                "latitude": rng.gauss(lat, 0.05) if located else None,
                "longitude": rng.gauss(lon, 0.05) if located else None,
                "address": f"Đường {values['street']}, {commune_name}" if located else "",
                "province_id": province_id,
                "commune_id": commune_id or None,
                "submitter_name": name,
                "submitter_phone": phone,
                "consent_at": received,
                "channel": channel,
                "created_at": received,
                "idempotency_key": None,
            },
        )
        agency = tree.leaves[leaf]
        handler = people.handlers[leaf]
        handler_label = people.handler_labels[leaf]
        day = to_local_date(received)
        screening_due = ds.due_after_cached(day, 3)
        due = ds.due_after_cached(day, 20)
        # The case's history: submitted, then the path to its final status.
        moments = [received]
        moment = received
        end = now - timedelta(minutes=1)
        for _step in ds.PATHS[status]:
            moment = min(end, moment + timedelta(days=rng.expovariate(1 / 4)))
            moments.append(moment)
        prev, seq = GENESIS, 0
        from_status = ""
        history = [("submitted", "submitted"), *ds.PATHS[status]]
        answered_at = published_at = closed_at = None
        for (action, to_status), at in zip(history, moments, strict=True):
            seq += 1
            event = {
                "case_id": case_id,
                "seq": seq,
                "action": action,
                "actor_id": None if action == "submitted" else handler,
                "actor_label": name if action == "submitted" else handler_label,
                "agency_id": agency.pk,
                "from_status": from_status,
                "to_status": to_status,
                "reason": "",
                "data": (
                    {"channel": channel, "routed_to": leaf_codes[leaf]}
                    if action == "submitted"
                    else {}
                ),
                "is_public": True,
                "created_at": at,
                "prev_hash": prev,
            }
            event["hash"] = ds.event_hash(event)
            writer.add("event", {"id": ids["event"], **event})
            ids["event"] += 1
            prev, from_status = event["hash"], to_status
            if to_status == "answered":
                answered_at = at
            elif to_status == "published":
                published_at = at
            elif to_status == "closed":
                closed_at = at
        public = status == "published" or (status == "closed" and rng.random() < 0.5)
        if public and published_at is None:
            published_at = answered_at
        assigned = status in ("in_progress", "answer_review", "answered", "published", "closed")
        writer.add(
            "case",
            {
                "id": case_id,
                "submission_id": submission_id,
                "status": status,
                "status_changed_at": moments[-1],
                "agency_id": agency.pk,
                "assignee_id": handler if assigned else None,
                "urgency": "urgent" if rng.random() < 0.03 else "normal",
                "received_at": received,
                "screening_due_at": screening_due,
                "due_at": due,
                "paused_at": moments[-1] if status == "needs_info" else None,
                "status_before_pause": "submitted" if status == "needs_info" else "",
                "answered_at": answered_at,
                "published_at": published_at if public else None,
                "closed_at": closed_at,
                "dispute_until": answered_at + timedelta(days=dispute_days)
                if answered_at
                else None,
                "merged_into_id": (
                    rng.randrange(first_case, case_id - index % BATCH)
                    if status == "merged" and case_id - index % BATCH > first_case
                    else None
                ),
                "public_title": title[:250] if public else "",
                "public_body": body if public else "",
                "public_search": public_key(f"{title[:250]} {body}") if public else "",
                "public_title_search": public_key(title[:250]) if public else "",
                "log_seq": seq,
                "log_head": prev,
                "suggestions": {},
                "created_at": received,
                "updated_at": moments[-1],
            },
        )
        if status in ("answer_review", "answered", "published", "closed"):
            approved = status != "answer_review"
            writer.add(
                "answer",
                {
                    "id": ids["answer"],
                    "case_id": case_id,
                    "outcome": rng.choice(ds.OUTCOMES),
                    "text": rng.choice(ds.ANSWERS).format(days=values["days"]),
                    "status": "approved" if approved else "in_review",
                    "drafted_by_id": handler,
                    "reviewed_by_id": handler if approved else None,
                    "signer_name": "Phó Chủ tịch UBND" if approved else "",
                    "created_at": moments[-2] if len(moments) > 1 else received,
                    "updated_at": moments[-1],
                    "approved_at": answered_at,
                },
            )
            ids["answer"] += 1
            if approved and rng.random() < 0.4:
                writer.add(
                    "rating",
                    {
                        "id": ids["rating"],
                        "case_id": case_id,
                        "score": rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 4])[0],
                        "comment": "",
                        "created_at": moments[-1],
                    },
                )
                ids["rating"] += 1
        if signatures:
            tokens = [*title_text.tokens, *body_text.tokens][: D.MAX_TOKENS]
            if tokens:
                dup_batch.append(
                    (
                        case_id,
                        tokens,
                        [*title_text.pieces, *body_text.pieces],
                        commune_id or None,
                        phone,
                        received,
                        public,
                    )
                )
        ids["case"] += 1
        ids["submission"] += 1
        if (index + 1) % BATCH == 0:
            flush_signatures()
            writer.flush()
            if (index + 1) % 100_000 == 0:
                print(f"{index + 1:,} cases", file=sys.stderr, flush=True)
    flush_signatures()
    writer.flush()
    copied = time.perf_counter()
    writer.end()
    load_seconds = time.perf_counter() - load_started
    index_seconds = time.perf_counter() - copied
    analyse_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = {
        "setup": setup_seconds,
        "load": load_seconds,
        "of_which_indexes": index_seconds,
        "analyze": time.perf_counter() - analyse_started,
    }
    if rebuild:
        from django.core.management import call_command

        rebuild_started = time.perf_counter()
        call_command("analytics_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115
        seconds["rollups"] = time.perf_counter() - rebuild_started
    return Loaded(n, tree, people, seconds, dict(writer.counts))


def existing() -> Loaded:
    """The tree and people of a database this module loaded earlier (``--keep``)."""
    from pakn.accounts.models import Agency, Membership, Role, User
    from pakn.cases.models import Case

    leaves = list(Agency.objects.filter(code__startswith="bench-").exclude(code="bench-root"))
    handler_of = dict(
        Membership.objects.filter(
            role=Role.HANDLER, user__username__startswith="bench-xl-"
        ).values_list("agency_id", "user_id")
    )
    tree = ds.Tree(Agency.objects.get(code="bench-root"), leaves, [])
    tree.provinces = [a for a in leaves if a.code.startswith("bench-tinh-")]
    people = People(
        [handler_of.get(a.pk, 0) for a in leaves],
        [],
        User.objects.get(username="bench-tinh"),
        User.objects.get(username="bench-giamsat"),
        User.objects.get(username="bench-admin"),
    )
    return Loaded(Case.objects.count(), tree, people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--sqlite", action="store_true", help="a throw-away SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--name", default="", help="PostgreSQL database name (pakn_bench_…)")
    parser.add_argument("--verify", action="store_true", help="run verify_case_log afterwards")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    if args.sqlite or not ds.postgres_reachable():
        folder = tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None)
        run(args, f"sqlite:///{folder}/bench.sqlite3")
        return
    url = ds.create_database(name=args.name)
    try:
        run(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept {url}", file=sys.stderr)
        else:
            ds.drop_database(url)


def run(args: argparse.Namespace, url: str) -> None:
    setup_django(url)
    loaded = load(n=args.n, seed=args.seed)
    figures = loaded.figures()
    figures["database"] = "postgresql" if url.startswith("postgres") else "sqlite"
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    if args.verify:
        from pakn.cases.log import verify_chain

        started = time.perf_counter()
        broken = verify_chain()
        figures["verify_s"] = round(time.perf_counter() - started, 1)
        figures["chain_ok"] = broken is None
    print(
        f"loaded {loaded.cases:,} cases ({sum(loaded.rows.values()):,} rows) in "
        f"{loaded.seconds['load']:.1f} s: {figures['rows_per_s']:,} rows/s, "
        f"{figures['cases_per_s']:,} cases/s",
        file=sys.stderr,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
