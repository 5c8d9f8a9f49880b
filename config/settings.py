"""PAKN settings: one module, every deployment difference read from environment variables."""

from __future__ import annotations

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from pakn.core.env import (
    SettingsError,
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_list,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PAKN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("PAKN_DEBUG", False)
SECRET_KEY = env_str("PAKN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("PAKN_PRODUCTION", False):
        raise SettingsError("PAKN_SECRET_KEY chưa được đặt: bắt buộc khi PAKN_PRODUCTION=true.")
    SECRET_KEY = "pakn-insecure-development-key-change-me-0123456789abcdef"  # noqa: S105
# Key for personal data encrypted at rest (identity numbers). Rotating it: put the new key first
# and keep the old ones after it, comma-separated, until every row has been re-saved.
FIELD_ENCRYPTION_KEYS = env_list("PAKN_FIELD_ENCRYPTION_KEYS", [])
ALLOWED_HOSTS = env_list("PAKN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PAKN_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("PAKN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "pakn.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves the API docs page's assets locally (no CDN)
    "rules.apps.AutodiscoverRulesConfig",
    "pakn.core",
    "pakn.ops",
    "pakn.audit",
    "pakn.geo",
    "pakn.taxonomy",
    "pakn.submissions",
    "pakn.notifications",
    "pakn.cases",
    "pakn.intelligence",
    "pakn.analytics",
    "pakn.federation",
    "pakn.portal",
    "pakn.backoffice",
    "pakn.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pakn.api.middleware.VietnameseApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pakn.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pakn.audit.middleware.AdminAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pakn.backoffice.chrome.context",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(VAR_DIR / "pakn.sqlite3"))}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("PAKN_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "pakn.core.sqlite3":
    # A fresh clone has no var/ yet; SQLite cannot create the file without its folder.
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and the single writer work side by side; IMMEDIATE takes the write lock
    # at BEGIN so concurrent writers queue instead of failing mid-transaction, on a file lock
    # (pakn.core.sqlite3) rather than busy_timeout's sleeps; `timeout` bounds either wait.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use in-memory databases, one per xdist worker; said explicitly because test runners
    # (pytest-django) only recognise Django's own engine name as SQLite.
    DATABASES["default"].setdefault("TEST", {"NAME": ":memory:"})
if env_str("DATABASE_REPLICA_URL", ""):
    # Analytics reads go to a streaming replica; everything else to the primary.
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASE_ROUTERS = ["pakn.ops.routers.AnalyticsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "pakn.accounts.backends.EmailPhoneUsernameBackend",
]
# The password policy (issue #9); the subclasses only give Vietnamese messages.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "pakn.accounts.passwords.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "full_name", "email", "phone"]},
    },
    {"NAME": "pakn.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "pakn.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "pakn.accounts.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "/backoffice/login/"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("PAKN_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG

# A cache every web process shares (rate limits, login lockout, public statistics): the
# database by default, Redis when PAKN_REDIS_URL is set.
_REDIS_URL = env_str("PAKN_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pakn_cache"}
    )
}

# Backups: JSON lines with full-precision datetimes (see pakn/ops/serializers.py).
SERIALIZATION_MODULES = {"pakn-jsonl": "pakn.ops.serializers"}

TASKS = {
    "default": {
        "BACKEND": env_str("PAKN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

_MAIL_BACKEND = env_str("PAKN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("PAKN_EMAIL_HOST", "localhost"),
        "port": env_int("PAKN_EMAIL_PORT", 25, minimum=1),
        "username": env_str("PAKN_EMAIL_HOST_USER", ""),
        "password": env_str("PAKN_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("PAKN_EMAIL_USE_TLS", False),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("PAKN_DEFAULT_FROM_EMAIL", "PAKN <no-reply@pakn.local>")

# A production without a configured gateway must not log SMS as sent: its default is "none".
PAKN_SMS_BACKEND = env_choice(
    "PAKN_SMS_BACKEND",
    "none" if env_bool("PAKN_PRODUCTION", False) else "log",
    {"log", "http", "none"},
)
PAKN_SMS_HTTP_URL = env_str("PAKN_SMS_HTTP_URL", "")
PAKN_SMS_HTTP_TOKEN = env_str("PAKN_SMS_HTTP_TOKEN", "")
if PAKN_SMS_BACKEND == "http" and not PAKN_SMS_HTTP_URL:
    raise SettingsError("PAKN_SMS_BACKEND=http cần PAKN_SMS_HTTP_URL.")

PAKN_DEMO_PASSWORD = env_str("PAKN_DEMO_PASSWORD", "pakn-demo-2026")
PAKN_DEFAULT_INTAKE_AGENCY = env_str("PAKN_DEFAULT_INTAKE_AGENCY", "")
PAKN_AUTO_ROUTE_CONFIDENCE = env_float("PAKN_AUTO_ROUTE_CONFIDENCE", 0.85)
# Below this the case screen warns that the AI is unsure of its first suggestion.
PAKN_AI_LOW_CONFIDENCE = env_float("PAKN_AI_LOW_CONFIDENCE", 0.6)
PAKN_DUPLICATE_THRESHOLD = env_float("PAKN_DUPLICATE_THRESHOLD", 0.45)
PAKN_MAX_BODY_CHARS = env_int("PAKN_MAX_BODY_CHARS", 10000, minimum=100)
PAKN_MAX_UPLOAD_MB = env_int("PAKN_MAX_UPLOAD_MB", 10, minimum=1)
PAKN_MAX_ATTACHMENTS = env_int("PAKN_MAX_ATTACHMENTS", 5, minimum=0)
PAKN_METRICS_TOKEN = env_str("PAKN_METRICS_TOKEN", "")
# Rate limits ("N/s", "N/m", "N/h" or "N/d"; empty turns one off).
PAKN_API_PUBLIC_WRITE_RATE = env_rate("PAKN_API_PUBLIC_WRITE_RATE", "20/m")
PAKN_API_LOOKUP_RATE = env_rate("PAKN_API_LOOKUP_RATE", "60/m")
PAKN_API_OFFICER_RATE = env_rate("PAKN_API_OFFICER_RATE", "600/m")
# Admins must pass a second factor; on by default in production, off for the local demo
# (officers who enrolled a device are always asked).
PAKN_REQUIRE_ADMIN_2FA = env_bool("PAKN_REQUIRE_ADMIN_2FA", env_bool("PAKN_PRODUCTION", False))
PAKN_BENCH_ENDPOINTS = env_bool("PAKN_BENCH_ENDPOINTS", False)
# Federation (liên thông): this instance's id, sent to peers in X-PAKN-Peer, and the timeout
# of each outgoing request (peers and partner webhooks).
PAKN_INSTANCE_ID = env_str("PAKN_INSTANCE_ID", "pakn")
PAKN_FEDERATION_TIMEOUT = env_int("PAKN_FEDERATION_TIMEOUT", 10, minimum=1)
# How long a process keeps routing rules, deadline policies and fields before reading them again.
PAKN_CONFIG_CACHE_SECONDS = env_int("PAKN_CONFIG_CACHE_SECONDS", 30, minimum=0)
PAKN_STEP_LEASE_SECONDS = env_int("PAKN_STEP_LEASE_SECONDS", 300, minimum=1)
PAKN_WORKER_HEARTBEAT_MAX_AGE = env_int("PAKN_WORKER_HEARTBEAT_MAX_AGE", 180, minimum=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content Security Policy: scripts only from this site (or with the per-request nonce), no
# plugins, no framing; map tiles from the configured tile server.
PAKN_MAP_TILE_URL = env_str("PAKN_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
_TILE_ORIGIN = "/".join(PAKN_MAP_TILE_URL.split("/")[:3]) if "://" in PAKN_MAP_TILE_URL else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("PAKN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
if SESSION_COOKIE_SECURE:
    # Behind TLS (PAKN_SECURE_COOKIES=true): HSTS and HTTPS redirects from the proxy's header.
    SECURE_HSTS_SECONDS = env_int("PAKN_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PAKN_SSL_REDIRECT", True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env_choice("PAKN_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOG_FORMAT = env_choice("PAKN_LOG_FORMAT", "plain", {"plain", "json"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pakn.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
