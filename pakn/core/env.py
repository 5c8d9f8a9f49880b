"""Typed readers for environment variables.

Every reader fails loudly with :class:`SettingsError` naming the variable and the bad value,
so a misconfigured deployment stops at start-up with one clear line instead of a traceback
deep inside Django (healthchecks' ``envbool`` habit).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class SettingsError(Exception):
    """A setting has a value PAKN cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise SettingsError(f"{name}={raw!r} không hợp lệ: dùng true/false, 1/0, yes/no hoặc on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} không hợp lệ: cần một số nguyên.") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name}={raw!r} không hợp lệ: phải lớn hơn hoặc bằng {minimum}.")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0, maximum: float = 1.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} không hợp lệ: cần một số thực.") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name}={raw!r} không hợp lệ: phải trong khoảng {minimum}–{maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise SettingsError(f"{name}={value!r} không hợp lệ: chọn một trong {allowed}.")
    return value


def env_database(name: str, default_sqlite_path: str) -> dict[str, object]:
    """Parse ``DATABASE_URL`` (``sqlite:///path`` or ``postgres://…``) into Django's form."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return _sqlite(default_sqlite_path)
    parsed = urlparse(raw)
    if parsed.scheme == "sqlite":
        path = parsed.path[1:] if parsed.path.startswith("//") else parsed.path
        if parsed.netloc or not path:
            raise SettingsError(
                f"{name}={raw!r} không hợp lệ: SQLite cần dạng sqlite:///duong/dan/tep.sqlite3."
            )
        return _sqlite(path)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        dbname = parsed.path.lstrip("/")
        if not parsed.hostname and not dbname:
            raise SettingsError(f"{name}={raw!r} không hợp lệ: thiếu máy chủ hoặc tên CSDL.")
        try:
            port = parsed.port
        except ValueError:
            raise SettingsError(f"{name}={raw!r} không hợp lệ: cổng không đúng.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dbname or "pakn",
            "USER": parsed.username or "",
            "PASSWORD": parsed.password or "",
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
        }
    raise SettingsError(
        f"{name}={raw!r} không hợp lệ: chỉ hỗ trợ sqlite:///… hoặc postgres://… (PostgreSQL)."
    )


def _sqlite(path: str) -> dict[str, object]:
    return {"ENGINE": "pakn.core.sqlite3", "NAME": path}


def env_rate(name: str, default: str) -> str:
    """A rate limit such as "20/m"; empty disables it."""
    value = os.environ.get(name, default).strip()
    if not value:
        return ""
    count, _, unit = value.partition("/")
    if not count.isdigit() or unit not in {"s", "m", "h", "d"}:
        raise SettingsError(f"{name}={value!r} không hợp lệ: dùng dạng 20/m (s, m, h hoặc d).")
    return value
