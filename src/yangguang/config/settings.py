"""yangguang settings — one module, every deployment choice read from the environment.

YANGGUANG_ENV=local (default, what `make run` uses) or production. Production requires
SECRET_KEY and ALLOWED_HOSTS and turns on every HTTPS protection; bad values stop start-up with
a clear message instead of running half-configured.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值“{raw}”无效：应为 true 或 false。")


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值“{raw}”无效：应为整数。") from None
    if value < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value} 无效：不能小于 {minimum}。")
    return value


ENVIRONMENT = _env("YANGGUANG_ENV", "local")
if ENVIRONMENT not in {"local", "production"}:
    raise ImproperlyConfigured(
        f"环境变量 YANGGUANG_ENV 的值“{ENVIRONMENT}”无效：应为 local 或 production。"
    )
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(_env("YANGGUANG_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = _env("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY 太短：生产环境至少需要 50 个字符。")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY。")
    # Local use: generated once and kept under ./var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不能打开 DEBUG。")

ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须设置 ALLOWED_HOSTS（以逗号分隔的域名）。")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
for _host in ALLOWED_HOSTS:
    if "/" in _host or " " in _host:
        raise ImproperlyConfigured(
            f"ALLOWED_HOSTS 中的“{_host}”无效：只写域名或 IP（如 gov.example.cn），"
            "不要带 https:// 或路径。"
        )
CSRF_TRUSTED_ORIGINS = [o.strip() for o in _env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS 中的“{_origin}”无效：应以 https:// 开头，如 https://gov.example.cn。"
        )

INSTALLED_APPS = [
    "yangguang.orgs.adminsite.YangguangAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN
    "yangguang.core",
    "yangguang.orgs",
    "yangguang.disclosure",
    "yangguang.search",
    "yangguang.foi",
    "yangguang.reports",
    "yangguang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yangguang.api.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yangguang.core.middleware.ControlCharacterPathMiddleware",
    "yangguang.orgs.auth.ConsoleAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yangguang.core.middleware.RequestContextMiddleware",
    "yangguang.core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "yangguang.config.urls"
WSGI_APPLICATION = "yangguang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yangguang.core.context_processors.site",
            ],
        },
    },
]


_SQLITE_OPTIONS: dict[str, object] = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    " PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# Connections kept across requests, as for PostgreSQL: opening one per request (connect, the
# four PRAGMAs, reading the schema on the first query) cost about 0.8 ms of CPU per request —
# search pages under gunicorn went from 436 to 618 requests/s with them kept (bench_search).
# Health checks make a connection that broke between requests reconnect instead of failing.
_SQLITE_CONNECTION: dict[str, object] = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}


def _database() -> dict[str, object]:
    url = _env("DATABASE_URL")
    if not url:
        # Embedded default: SQLite in WAL mode under ./var/. IMMEDIATE transactions take the
        # write lock up front, so concurrent writers queue instead of failing mid-transaction.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "yangguang.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
            **_SQLITE_CONNECTION,
        }
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"环境变量 DATABASE_URL 无效（{exc}）：示例 postgres://用户@主机:5432/库名"
        ) from None
    engine = str(config.get("ENGINE", ""))
    if "postgresql" not in engine and "sqlite" not in engine:
        raise ImproperlyConfigured(
            "DATABASE_URL 只支持 PostgreSQL（postgres://）或 SQLite（sqlite:///）。"
        )
    name = str(config.get("NAME") or "")
    if not name or name == ":memory:":
        raise ImproperlyConfigured(
            "环境变量 DATABASE_URL 缺少数据库名：示例 postgres://用户@主机:5432/库名"
            " 或 sqlite:////绝对路径/yangguang.sqlite3"
        )
    if "sqlite" in engine:
        extra: Any = config.get("OPTIONS") or {}
        config["OPTIONS"] = {**_SQLITE_OPTIONS, **dict(extra)}
        config.update(_SQLITE_CONNECTION)
    suffix = _env("YG_TEST_DB_SUFFIX")
    if suffix and "postgresql" in engine:
        config["TEST"] = {"NAME": f"test_{config.get('NAME')}_{suffix}"}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "yangguang.orgs.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": _env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yangguang.orgs.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = ["yangguang.orgs.auth.LockoutModelBackend"]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failed logins and idle session timeout (configurable).
LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = _env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
SESSION_COOKIE_AGE = _env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Query codes of tracking numbers: after repeated wrong codes a number is locked for a while —
# for the client (IP address) that made them, and for everyone after TOTAL failures from all.
TRACKING_MAX_FAILURES = _env_int("TRACKING_MAX_FAILURES", 5, minimum=1)
TRACKING_MAX_FAILURES_TOTAL = _env_int("TRACKING_MAX_FAILURES_TOTAL", 50, minimum=1)
TRACKING_LOCK_MINUTES = _env_int("TRACKING_LOCK_MINUTES", 30, minimum=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = _env("TIME_ZONE", "Asia/Shanghai")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"环境变量 TIME_ZONE 的值“{TIME_ZONE}”不是有效的时区。") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_env("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Files served at the site root: /favicon.ico, which browsers ask for on every page whatever
# the <link rel="icon"> says (it was a 404 each time). No collectstatic needed.
WHITENOISE_ROOT = PACKAGE_DIR / "static_root"
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if _env("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _env("CACHE_URL"),
        }
    }

# Security: strict in production; `manage.py check --deploy` must be clean there.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe the health check over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

YANGGUANG = {
    "SITE_NAME": _env("SITE_NAME", "阳光政务"),
    # Demo data refuses to load in production unless forced (issue 2, point 10).
    "ALLOW_DEMO": not PRODUCTION,
    "SEARCH_BACKEND": _env("SEARCH_BACKEND"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING")},
}
