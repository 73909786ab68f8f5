"""Settings of the НОКО information system.

Everything that differs between a laptop demo, CI and production comes from
environment variables (see docs/deploy.md); values are validated at start-up.
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url

from lib.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NOKO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("NOKO_TESTING", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ConfigError("SECRET_KEY is not set (set DEBUG=1 for a local demo)")
    SECRET_KEY = "insecure-local-demo-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    # domain apps, in the order of the assessment flow
    "audit",
    "registry",
    "accounts",
    "jobs",
    "cycles",
    "council",
    "surveys",
    "sitecheck",
    "expertise",
    "scoring",
    "plans",
    "busgov",
    "reports",
    "portal",
    "demo",
    "noko",  # operations: backup/restore/queue_probe commands, the queue probe job
]

MIDDLEWARE = [
    "noko.health.HealthCheckMiddleware",  # /healthz answers before host checks and HTTPS redirects
    "django.middleware.security.SecurityMiddleware",
    "noko.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "noko.security.RateLimitMiddleware",
]

ROOT_URLCONF = "noko.urls"
WSGI_APPLICATION = "noko.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    }
]

# Database: SQLite file for the demo; DATABASE_URL (postgres://…) for CI and production.
_default_sqlite = f"sqlite:///{VAR_DIR / 'noko.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_sqlite)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL={DATABASE_URL!r}: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # PostgreSQL's JIT compiles the few large aggregates (a region's answers, results) for longer than it then
    # saves (about 0.1 s per query measured); every other query is too small to reach it
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if env_str("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_IMPORT_FILE_SIZE = env_int("MAX_IMPORT_FILE_SIZE", 60 * 1024 * 1024, minimum=1024)

# Background jobs: django-tasks with its database backend, the same on SQLite and PostgreSQL.
# NOKO_TASKS_IMMEDIATE=1 runs jobs in-process (tests, and the demo without a worker).
if env_bool("NOKO_TASKS_IMMEDIATE", TESTING):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job whose worker sent no heartbeat for JOB_LEASE_SECONDS is queued again, up to JOB_MAX_ATTEMPTS runs.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60, minimum=2)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Public base URL used in survey links, QR codes and letters.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Production hardening (docs/deploy.md) ------------------------------------------------------
# Behind nginx: the proxy terminates TLS and sets X-Forwarded-Proto; TRUSTED_PROXIES lists the proxy
# addresses whose X-Forwarded-For is believed (client addresses for rate limits).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
if env_bool("BEHIND_TLS_PROXY", not DEBUG and not TESTING):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # preloading is the owner's decision for the whole parent domain, not the application's
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
if not DEBUG and not TESTING:
    if len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY must be at least 50 random characters in production (SECRET_KEY_FILE)")
    if not SESSION_COOKIE_SECURE:
        raise ConfigError("SECURE_COOKIES=0 is only allowed with DEBUG=1")

# Content-Security-Policy (noko.security): scripts only from our origin or with the request's nonce
# (<script nonce="{{ request.csp_nonce }}">); inline style attributes stay allowed (htmx, progress bars).
CSP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "{nonce}"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_str("CSP_REPORT_URI"):
    CSP_POLICY["report-uri"] = [env_str("CSP_REPORT_URI")]
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
SECURITY_EXTRA_HEADERS = {"Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()"}

# Cache: rate-limit counters must be shared by every process and host, so production uses the
# database table (created by `manage.py createcachetable`); locmem:// for the demo and tests,
# redis://host:6379/0 if the redis package is installed.
CACHE_URL = env_str("CACHE_URL", "locmem://" if DEBUG or TESTING else "db://noko_cache")
if CACHE_URL.startswith("db://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_URL[5:]}}
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "noko"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    raise ConfigError(f"CACHE_URL={CACHE_URL!r}: expected db://<table>, locmem:// or redis://host:port/db")

_RATE_RE = re.compile(r"^\s*[1-9]\d*\s*/\s*(?:[1-9]\d*)?\s*[smhd]\s*$")

# Rate limits (lib.ratelimit): login lockout per username and per address, and request limits by URL
# name or namespace. Generous on purpose: a whole school class may share one address.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", not TESTING)
LOGIN_THROTTLE = {
    "views": ["accounts:login", "admin:login"],
    "user_rate": env_str("LOGIN_RATE_PER_USER", "5/15m"),
    "ip_rate": env_str("LOGIN_RATE_PER_IP", "30/15m"),
}
RATE_LIMITS = [
    {"match": "portal:", "rate": env_str("RATE_LIMIT_PUBLIC", "600/m"), "key": "ip"},
    {"match": "api:", "rate": env_str("RATE_LIMIT_API", "1200/m"), "key": "user_or_ip"},
]
for _name, _rate in [
    ("LOGIN_RATE_PER_USER", LOGIN_THROTTLE["user_rate"]),
    ("LOGIN_RATE_PER_IP", LOGIN_THROTTLE["ip_rate"]),
    ("RATE_LIMIT_PUBLIC", RATE_LIMITS[0]["rate"]),
    ("RATE_LIMIT_API", RATE_LIMITS[1]["rate"]),
]:
    if not _RATE_RE.match(_rate):
        raise ConfigError(f"{_name}={_rate!r}: expected <count>/<period>, e.g. 10/m or 5/15m")

# Static files: WhiteNoise serves hashed, compressed copies with far-future caching in production
# (`manage.py collectstatic` at every upgrade); plain storage for the demo and tests.
if not DEBUG and not TESTING:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Health checks (noko.health) and backups (noko.backup).
HEALTH_QUEUE_MAX_AGE = env_int("HEALTH_QUEUE_MAX_AGE", 900, minimum=1)
BACKUP_DIR = env_str("BACKUP_DIR", str(VAR_DIR / "backups"))
