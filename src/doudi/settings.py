"""Doudi settings, all from the environment.

DOUDI_DATA_DIR   data directory (default ./var): embedded SQLite database, DuckDB/Parquet store, keys
DATABASE_URL     another database, e.g. postgresql://user@127.0.0.1:5432/doudi (default: SQLite in the data dir)
DOUDI_DEBUG      "1" to turn debug on (off by default)
DOUDI_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
DOUDI_HTTPS      "1" behind TLS: HSTS, secure cookies, HTTPS redirect (docs/operations.md)
DOUDI_TRUSTED_PROXIES  addresses/networks of reverse proxies whose X-Forwarded-For is believed
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from doudi.core import keys

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("DOUDI_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DOUDI_DEBUG", "") in {"1", "true", "yes"}
SECRET_KEY = keys.secret_key(DATA_DIR)
DOUDI_FIELD_KEY = keys.field_key(DATA_DIR)
DOUDI_INDEX_KEY = keys.index_key(DATA_DIR)
DOUDI_AUDIT_KEY = keys.audit_key(DATA_DIR)
# proxies whose X-Forwarded-For is believed (comma-separated addresses/networks); none by default
DOUDI_TRUSTED_PROXIES = os.environ.get("DOUDI_TRUSTED_PROXIES", "")
# signed checkpoints of the audit chain's head, outside the database (append-only file)
DOUDI_AUDIT_ANCHORS = Path(os.environ.get("DOUDI_AUDIT_ANCHORS") or DATA_DIR / "audit-anchors.log")
DOUDI_AUDIT_ANCHOR_EVERY = int(os.environ.get("DOUDI_AUDIT_ANCHOR_EVERY", "100"))
ALLOWED_HOSTS = [h for h in os.environ.get("DOUDI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
if "testserver" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # bundled Swagger UI templates and static files for /api/v1/docs (no CDN)
    "doudi.core",
    "doudi.regions",
    "doudi.accounts",
    "doudi.registry",
    "doudi.exchange",
    "doudi.matching",
    "doudi.policy",
    "doudi.casework",
    "doudi.payments",
    "doudi.monitoring",
    "doudi.letters",
    "doudi.pipeline",
    "doudi.web",
    "doudi.devtools",
    "doudi.tempaid",
    "doudi.complaints",
    "doudi.disclosure",
    "doudi.spotchecks",
    "doudi.dashboards",
    "doudi.evaluation",
    "doudi.services",
    "doudi.charity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "doudi.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "doudi.core.scoping.ScopeMiddleware",
    "doudi.core.middleware.SupervisorAccessLogMiddleware",
]

ROOT_URLCONF = "doudi.urls"
WSGI_APPLICATION = "doudi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_PATH = DATA_DIR / "doudi.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_SQLITE_PATH),
            "OPTIONS": {
                # WAL lets the web app read while an import or the task worker writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                    " PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DOUDI_DUCKDB_PATH = DATA_DIR / "analytics.duckdb"
DOUDI_STORE_DIR = DATA_DIR / "store"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["doudi.accounts.auth.ThrottledModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Login throttling (accounts.auth): failures per username+address before a lock, and its length.
DOUDI_LOGIN_MAX_FAILURES = int(os.environ.get("DOUDI_LOGIN_MAX_FAILURES", "5"))
DOUDI_LOGIN_LOCK_SECONDS = int(os.environ.get("DOUDI_LOGIN_LOCK_SECONDS", "900"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# DOUDI_HTTPS=1: served over TLS (directly or behind a proxy that terminates it, see docs/operations.md):
# HSTS, cookies sent over HTTPS only, plain HTTP redirected; the proxy's X-Forwarded-Proto says https.
HTTPS = os.environ.get("DOUDI_HTTPS", "") in {"1", "true", "yes"}
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DOUDI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # the load balancer's health check may probe over plain HTTP on the private address
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from finders; the root only needs to exist
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve without collectstatic on the embedded default
# Uploaded evidence (visit photos) is private: no MEDIA_URL is served; views stream files after checks.
MEDIA_ROOT = DATA_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DOUDI_TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DOUDI_LOG_LEVEL", "WARNING")},
}
