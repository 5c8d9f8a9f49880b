"""Where the UIT-ViCTSD files live, for the classifier benchmarks (kept outside the repository:
the data set is research-only). ``--data-dir`` or ``PAKN_VICTSD_DIR`` moves it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS = ("topic", "toxic", "constructive")


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("PAKN_VICTSD_DIR", ROOT.parent / "shared" / "data" / "victsd")),
    )
