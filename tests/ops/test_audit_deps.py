from __future__ import annotations

import runpy
from pathlib import Path

AUDIT = runpy.run_path(str(Path(__file__).resolve().parents[2] / "bin" / "audit-deps"))


def test_audit_fails_on_a_vulnerable_pin(capsys):
    report = {
        "dependencies": [
            {"name": "django", "version": "6.1.0", "vulns": [{"id": "PYSEC-2026-1"}]},
            {"name": "pillow", "version": "13.0.0", "vulns": []},
        ]
    }
    assert AUDIT["verdict"](report) == 1
    assert "VULNERABLE django==6.1.0: PYSEC-2026-1" in capsys.readouterr().out


def test_audit_passes_and_counts_packages_the_service_does_not_know(capsys):
    report = {
        "dependencies": [
            {"name": "pillow", "version": "13.0.0", "vulns": []},
            {"name": "pyvi", "version": "0.1.1", "skip_reason": "not found"},
        ]
    }
    assert AUDIT["verdict"](report) == 0
    assert "1 of 2 pinned packages checked, 1 not known" in capsys.readouterr().out
