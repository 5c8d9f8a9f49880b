from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pakn.core.env import SettingsError, env_bool, env_database, env_float, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_rejects_nonsense_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(SettingsError, match="X_FLAG='maybe'"):
        env_bool("X_FLAG")


def test_env_int_checks_type_and_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "abc")
    with pytest.raises(SettingsError, match="số nguyên"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-5")
    with pytest.raises(SettingsError, match="lớn hơn hoặc bằng 0"):
        env_int("X_NUM", 1, minimum=0)


def test_env_float_range(monkeypatch):
    monkeypatch.setenv("X_F", "1.5")
    with pytest.raises(SettingsError):
        env_float("X_F", 0.5)


def test_database_url_default_is_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env_database("DATABASE_URL", "/tmp/x.sqlite3")["ENGINE"].endswith("sqlite3")


def test_database_url_postgres_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p%40ss@db.local:5433/pakn")
    db = env_database("DATABASE_URL", "/tmp/x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.local", "5433", "pakn", "u")


@pytest.mark.parametrize(
    "url", ["nonsense", "mysql://x/y", "sqlite://", "postgres://h:notaport/db"]
)
def test_bad_database_url_is_refused(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        env_database("DATABASE_URL", "/tmp/x.sqlite3")


def test_bad_setting_stops_start_up_with_one_clear_line():
    env = {**os.environ, "DATABASE_URL": "nonsense"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DATABASE_URL='nonsense'" in lines[0]
    assert "Traceback" not in result.stderr


def test_production_without_an_sms_gateway_does_not_pretend_to_send():
    code = "from django.conf import settings; print(settings.PAKN_SMS_BACKEND)"
    env = {k: v for k, v in os.environ.items() if k != "PAKN_SMS_BACKEND"}
    env.update(
        PAKN_PRODUCTION="true", PAKN_SECRET_KEY="k" * 50, DJANGO_SETTINGS_MODULE="config.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "none", result.stderr
