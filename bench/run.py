"""`make bench` / `make bench-quick`: run every benchmark, print a table of figures and write
them to bench/results/latest.json. Each benchmark is a script whose last stdout line is JSON."""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# (name, script, extra arguments for the full run, timeout of the full run in seconds);
# --quick is passed for `make bench-quick` (20 minutes at most each).
BENCHMARKS = [
    ("intake", "intake_throughput.py", [], 1800),
    ("duplicates", "duplicates_1m.py", ["--json"], 1800),
    ("dashboard", "analytics_dashboard.py", [], 3600),
    ("classifier", "classifier_victsd.py", [], 1800),
    # 1M cases loaded with COPY into a throw-away PostgreSQL database (SQLite when no server).
    ("web", "web_latency.py", [], 4 * 3600),
    ("helpdesk", "helpdesk_compare.py", [], 3600),
]


def run(script: Path, args: list[str], timeout: int) -> dict[str, object]:
    started = time.time()
    try:
        out = subprocess.run(
            [sys.executable, str(script), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout}s"}
    lines = [line for line in out.stdout.strip().splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    figures = json.loads(lines[-1])
    figures["wall_seconds"] = round(time.time() - started, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    results: dict[str, object] = {
        "quick": args.quick,
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    for name, script, full_args, full_timeout in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        path = HERE / script
        if not path.exists():
            results[name] = {"error": "benchmark script not present"}
            continue
        results[name] = run(
            path,
            [*full_args, "--quick"] if args.quick else full_args,
            timeout=1200 if args.quick else full_timeout,
        )
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    latest = out_dir / "latest.json"
    if args.only and latest.exists():
        # Re-running some benchmarks keeps the figures of the others from the last run.
        previous = json.loads(latest.read_text())
        if previous.get("quick") == args.quick:
            for name, figures in results.items():
                if name in args.only:
                    previous[name] = figures
                    previous[f"{name}_measured_at"] = results["started_at"]
            results = previous
    (out_dir / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"{'benchmark':<12} {'figure':<28} value")
    for name, figures in results.items():
        if not isinstance(figures, dict) or name == "machine":
            continue
        for key, value in figures.items():
            print(f"{name:<12} {key:<28} {value}")
    print(f"\nwritten to {out_dir / 'latest.json'}")


if __name__ == "__main__":
    main()
