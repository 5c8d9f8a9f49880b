"""Latency of the intake suggestions (kind, field, agency) with the active classifier versions.

Uses the database in DATABASE_URL (e.g. after ``seed_demo`` and ``classifier_train``), loads the
active versions once (cold load), then asks for the top-3 suggestions of ``--cases`` stored
cases one at a time, as the post-intake step does. Prints one JSON line; it does not pass or fail.

    DATABASE_URL=sqlite:///var/pakn.sqlite3 python bench/classifier_suggest.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pakn.cases.models import Case
    from pakn.intelligence import suggest

    start = time.perf_counter()
    models = suggest.active_models()
    cold = time.perf_counter() - start
    texts = [
        f"{title}\n{body}"
        for title, body in Case.objects.values_list("submission__title", "submission__body")[
            : args.cases
        ]
    ]
    start = time.perf_counter()
    found = [suggest.suggest(text) for text in texts]
    per_case = (time.perf_counter() - start) / max(1, len(texts))
    with CaptureQueriesContext(connection) as queries:
        suggest.suggest(texts[0] if texts else "")
    tops = [f["agency"][0]["confidence"] for f in found if f.get("agency")]
    print(
        json.dumps(
            {
                "tasks": sorted(models),
                "cases": len(texts),
                "cold_load_seconds": round(cold, 3),
                "ms_per_case": round(per_case * 1000, 2),
                "queries_per_case": len(queries),
                "agency_at_or_above_auto_route": sum(
                    c >= settings.PAKN_AUTO_ROUTE_CONFIDENCE for c in tops
                ),
                "agency_low_confidence": sum(c < settings.PAKN_AI_LOW_CONFIDENCE for c in tops),
            }
        )
    )


if __name__ == "__main__":
    main()
