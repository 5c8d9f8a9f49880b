"""Duplicate-query latency against N indexed cases (default 1,000,000; --quick 100,000).

Builds a throw-away SQLite database (or uses DATABASE_URL with --use-database-url), creates only
the duplicate-index table, bulk-loads N synthetic signatures computed with the product's own
MinHash/LSH code, then times ``--queries`` duplicate queries through the product's
``duplicates.candidates`` (one indexed SQL query + re-ranking in Python). Half the queries are
reworded copies of loaded texts (so recall@1 is reported), half are new texts.

The synthetic corpus is Vietnamese-like: folded syllables, Zipf-distributed, grouped into 300
topics so that many texts share topic words, as real submissions do (a harder case for LSH than
uniform random text). Prints figures; it does not pass or fail.

    python bench/duplicates_1m.py --quick
    python bench/duplicates_1m.py            # 1M rows
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INITIALS = [
    "b",
    "c",
    "ch",
    "d",
    "g",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
# Folded Vietnamese rimes: with 23 initials about 2,500 syllables, the order of magnitude of the
# folded syllables in everyday use (tones collapse, so "đường", "dương", "đương" are one).
RIMES = """
a ac ach ai am an ang anh ao ap at au ay e ec em en eng eo ep et eu i ia ich iem ien iep iet
ieu im in inh ip it iu o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi
om on ong oo op ot u ua uan uang uat uay uc ue uen uet ui um un ung uoc uoi uom uon uong uot up
ut uu uy uya uych uyen uyet uynh uyt y yen yet yeu
""".split()  # noqa: SIM905
TOPICS = 300
TOPIC_WORDS = 40
BATCH = 2000


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", default="", help="SQLite file to build (default: a temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--use-database-url", action="store_true", help="load into DATABASE_URL")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--reuse", action="store_true", help="with --db: query an already loaded file, load nothing"
    )
    parser.add_argument(
        "--candidate-limit", type=int, default=0, help="override duplicates.CANDIDATE_LIMIT"
    )
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> Path | None:
    path = None
    if not args.use_database_url:
        path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "duplicates-bench.sqlite3"
        if path.exists() and not args.reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return path


def vocabulary(stopwords: frozenset[str]) -> list[str]:
    syllables = sorted({i + r for i in INITIALS for r in RIMES} - stopwords)
    return syllables


def generate(rng: np.random.Generator, n: int, n_syllables: int) -> list[np.ndarray]:
    """Each text: 20–60 content syllables, 40 % from its topic's words, the rest drawn from a
    Zipf–Mandelbrot law p(rank) ∝ 1 / (rank + 10) over all syllables (function words are
    already gone, so the head is flatter than in raw text: the commonest is ~2 %)."""
    cdf = np.cumsum(1.0 / (np.arange(1, n_syllables + 1) + 10.0))
    cdf /= cdf[-1]
    topic_words = np.searchsorted(cdf, rng.random((TOPICS, TOPIC_WORDS)))
    lengths = rng.integers(20, 61, size=n)
    topics = rng.integers(0, TOPICS, size=n)
    docs = []
    for length, topic in zip(lengths, topics, strict=True):
        k = int(length * 0.4)
        own = topic_words[topic][rng.integers(0, TOPIC_WORDS, size=k)]
        general = np.searchsorted(cdf, rng.random(length - k))
        docs.append(np.minimum(np.concatenate([own, general]), n_syllables - 1))
    return docs


def main() -> None:
    args = parse()
    n = 100_000 if args.quick else args.n
    db_path = setup_django(args)

    from django.db import connection, transaction

    from pakn.intelligence import duplicates as D
    from pakn.intelligence.models import DuplicateSignature, SignatureScope

    rng = np.random.default_rng(args.seed)
    words = vocabulary(D.STOPWORDS)
    word_hashes = np.array([D._token_hash(w) for w in words], dtype=np.uint64)
    table = DuplicateSignature._meta.db_table

    generated = loaded = indexed = 0.0
    if not args.reuse:
        # Table first, indexes after the load (much faster than maintaining 21 B-trees row by row).
        with connection.schema_editor() as editor:
            if args.use_database_url and table in connection.introspection.table_names():
                editor.delete_model(DuplicateSignature)
            editor.create_model(DuplicateSignature)
            index_sql = [str(s) for s in editor.deferred_sql]
            editor.deferred_sql = []

        columns = [
            "case_id",
            "scope",
            "tokens",
            "commune_id",
            "phone_key",
            "received_at",
            "created_at",
        ]
        columns += list(D.BAND_FIELDS)
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        started = time.perf_counter()
        docs = generate(rng, n, len(words))
        generated = time.perf_counter() - started
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        from datetime import UTC, datetime, timedelta

        end = datetime.now(UTC).replace(tzinfo=None)
        created = end.isoformat(sep=" ")
        load_started = time.perf_counter()
        for start in range(0, n, BATCH):
            chunk = docs[start : start + BATCH]
            width = max(len(d) for d in chunk)
            padded = np.stack([np.pad(d, (0, width - len(d)), mode="edge") for d in chunk])
            bands = D.band_hashes(D.minhash(word_hashes[padded]))
            rows = [
                (
                    start + i + 1,
                    SignatureScope.SUBMISSION.value,
                    " ".join(words[t] for t in doc),
                    int(rng.integers(1, 3322)),
                    "",
                    (end - timedelta(minutes=int(rng.integers(0, 525_600)))).isoformat(sep=" "),
                    created,
                    *map(int, bands[i]),
                )
                for i, doc in enumerate(chunk)
            ]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(insert, rows)
        loaded = time.perf_counter() - load_started
        index_started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in index_sql:
                cursor.execute(statement)
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
            else:
                cursor.execute(f"ANALYZE {table}")
        indexed = time.perf_counter() - index_started

    # Queries: reworded copies of stored texts (drop ~30 % of the words, add a few, shuffle)
    # and unseen texts.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(case_id) FROM {table}")
        n = int(cursor.fetchone()[0])
    queries: list[tuple[str, int | None]] = []
    for q in range(args.queries):
        if q % 2 == 0:
            source = int(rng.integers(1, n + 1))
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT tokens FROM {table} WHERE case_id = %s", [source])
                doc = np.array(cursor.fetchone()[0].split())
            keep = doc[rng.random(len(doc)) > 0.3]
            extra = np.array([words[i] for i in rng.integers(0, len(words), size=4)])
            tokens = np.concatenate([keep, extra])
            rng.shuffle(tokens)
            queries.append((" ".join(tokens), source))
        else:
            fresh = generate(rng, 1, len(words))[0]
            queries.append((" ".join(words[t] for t in fresh), None))

    limit = args.candidate_limit or D.CANDIDATE_LIMIT
    D.candidates(D.Signature.of(queries[0][0]), scope=SignatureScope.SUBMISSION)  # warm up
    times = []
    sizes = []
    hits = 0
    planted = 0
    for text, source in queries:
        t0 = time.perf_counter()
        signature = D.Signature.of(text)
        found = D.candidates(
            signature,
            scope=SignatureScope.SUBMISSION,
            phone="0912345678",
            commune_id=int(rng.integers(1, 3322)),
            limit=limit,
        )
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(found))
        if source is not None:
            planted += 1
            hits += bool(found) and found[0].case_id == source
    plan = ""
    if connection.vendor == "sqlite":
        signature = D.Signature.of(queries[0][0])
        from django.db.models import Q

        condition = Q()
        for name, value in zip(D.BAND_FIELDS, signature.bands, strict=True):
            condition |= Q(**{name: value})
        sql, params = (
            DuplicateSignature.objects.filter(condition, scope="s")
            .values_list("case_id")[:300]
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "; ".join(str(r[-1]) for r in cursor.fetchall())[:300]
    figures = {
        "rows": n,
        "candidate_limit": limit,
        "queries": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "p99_ms": round(float(np.percentile(times, 99)), 2),
        "mean_candidates": round(float(np.mean(sizes)), 1),
        "reworded_recall_at_1": round(hits / planted, 3) if planted else None,
        "generate_s": round(generated, 1),
        "load_s": round(loaded, 1),
        "index_s": round(indexed, 1),
        "database": connection.vendor,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>22}  {value}")
        if plan:
            print(f"{'plan':>22}  {plan}")
    connection.close()
    if db_path is not None and not args.keep and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
