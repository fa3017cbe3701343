"""Settings for partyplans, read from the environment.

DJANGO_ENV=development (the default) runs on SQLite with a throwaway secret key.
DJANGO_ENV=production refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS
and turns on every HTTPS protection `manage.py check --deploy` asks for.
See .env.example for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "treebeard",
    "simple_history",
    "axes",
    "django_tasks_db",
    "common",
    "organizations",
    "quotas",
    "admissions",
    "reports",
    "submissions",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "common.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "partyplans.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "partyplans.urls"
WSGI_APPLICATION = "partyplans.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite unless DATABASE_URL says otherwise (postgres://user@127.0.0.1:5432/partyplans).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
# Notifications are e-mailed as well when a mail server is named (submissions/notify.py):
# then MAILERS (Django 6.1's replacement of the EMAIL_* settings) has a "default" mailer.
MAILERS = {}
if os.environ.get("DJANGO_EMAIL_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": os.environ["DJANGO_EMAIL_HOST"], "port": env_int("DJANGO_EMAIL_PORT", 25)},
    }
    DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
else:  # no mail server: notifications stay in the app, nothing is sent (so no "default" mailer)
    SILENCED_SYSTEM_CHECKS = ["mail.W001"]

if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica of the primary; report reads go there (common/db.py).
    DATABASES["replica"] = dj_database_url.config(env="DATABASE_REPLICA_URL", conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# SQLite, the embedded default of a small board, under concurrent writes (bench/writes.py:
# 12 users saving member counts while reading lost 64 of 180 saves to "database is
# locked" before): the WAL journal lets readers go on while one writes; a writing
# transaction takes the write lock when it begins (BEGIN IMMEDIATE), so two transactions
# that read and then write wait for each other instead of one failing at once (SQLite
# cannot wait in that case); and a writer waits up to SQLITE_TIMEOUT seconds for the lock.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": env_int("SQLITE_TIMEOUT", 20),
}
for _db in DATABASES.values():
    if _db["ENGINE"].endswith("sqlite3"):
        _db["OPTIONS"] = {**SQLITE_OPTIONS, **_db.get("OPTIONS", {})}
    if _db["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiles the report queries (large estimated costs from their
        # correlated subqueries) for 0.2-0.6 s each, more than running them takes.
        _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASE_ROUTERS = ["common.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first (Django's recommended hasher): a login costs ~0.1 s of CPU instead of ~1 s
# for PBKDF2 at Django 6's 1.5 million iterations, which queued every board member behind
# the others when a province logs in at 8 o'clock (bench/RESULTS.md, load test). Existing
# PBKDF2 hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the username from that address for 15 minutes.
# The address is the client's, not the load balancer's: with DJANGO_TRUSTED_PROXY_COUNT=N
# (the number of proxies in front of gunicorn that append to X-Forwarded-For) it is the
# N-th address from the right of that header (partyplans/proxy.py); 0 reads the connection.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "partyplans.proxy.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Vietnamese first; English by the switch in the header, remembered in a cookie.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Stored files (signed plan documents, background exports) live outside any served folder
# and have no URL: views check the user's scope and send them (common/files.py).
PRIVATE_FILES_ROOT = Path(env_str("DJANGO_PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "common.files.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads above this size wait in a temporary file, not in memory; form fields (not files) above
# DATA_UPLOAD_MAX_MEMORY_SIZE are refused. Neither limits a file's size: the imports do (below).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The .xlsx imports (organizations/xlsx.py, README "Security limits"): checked before a file is
# opened (its size, its zip archive) and while it is read (rows, counting empty ones; time).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_TIME_BUDGET_SECONDS = env_int("IMPORT_TIME_BUDGET_SECONDS", 20)
IMPORT_ZIP_MAX_ENTRIES = env_int("IMPORT_ZIP_MAX_ENTRIES", 500)
IMPORT_ZIP_MAX_ENTRY_BYTES = env_int("IMPORT_ZIP_MAX_ENTRY_BYTES", 100 * 1024 * 1024)
IMPORT_ZIP_MAX_TOTAL_BYTES = env_int("IMPORT_ZIP_MAX_TOTAL_BYTES", 250 * 1024 * 1024)
IMPORT_ZIP_MAX_RATIO = env_int("IMPORT_ZIP_MAX_RATIO", 100)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Shared by every worker process on one machine; use Redis/memcached across app servers.
# The engine's answers and rendered dashboards (reports/cache.py). Embedded default: a
# file cache that every gunicorn worker of this machine shares (Django's, looking at its
# folder's size once every 20 writes: partyplans/cache.py). Several app servers:
# REDIS_URL=redis://host:6379/0 (Django's own Redis backend; needs the `redis` package).
# Never the local-memory cache with several workers: a write seen by one worker would not
# make the others' answers stale.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "partyplans.cache.FileCache",
            "LOCATION": env_str("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}
# A filter left empty keeps every row: "Tất cả", not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Security: cookies and headers. The HTTPS settings apply in production only.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (Django's own middleware): scripts only from our static files, no
# inline script or event handler (tests/test_security.py checks the templates), nothing
# from another origin. Inline styles stay allowed: the server-made SVG charts carry
# <style> elements and progress bars a width; styles cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    # Django's own messages once (its default handler and then the root's printed
    # "Watching for file changes" twice): through the root's handler only.
    "loggers": {"django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING", "propagate": True}},
}

# Admission procedure numbers (docs/statute-rules.md): the texts change every few years, so each
# is a setting with the documented default.
ADMISSION_RULES = {
    "MIN_AGE_YEARS": env_int("ADMISSION_MIN_AGE_YEARS", 18),
    "CONSENT_AGE_YEARS": env_int("ADMISSION_CONSENT_AGE_YEARS", 60),
    "CERTIFICATE_VALID_MONTHS": env_int("ADMISSION_CERTIFICATE_VALID_MONTHS", 60),
    "INTRODUCTION_STALE_MONTHS": env_int("ADMISSION_INTRODUCTION_STALE_MONTHS", 12),
    # An introducing member has worked, studied or lived with the candidate this long.
    "INTRODUCER_KNOWN_MONTHS": env_int("ADMISSION_INTRODUCER_KNOWN_MONTHS", 12),
    # The lowest education level accepted (a value of admissions.models.Education).
    "MIN_EDUCATION": env_str("ADMISSION_MIN_EDUCATION", "lower_secondary"),
    # Re-admission (uncertain, from restatements of 24-QĐ/TW point 3.5):
    # months since the earlier membership ended, and the ways of ending that bar it.
    "READMISSION_MIN_MONTHS": env_int("ADMISSION_READMISSION_MIN_MONTHS", 36),
    "READMISSION_BARRED": env_list("ADMISSION_READMISSION_BARRED", "expelled"),
    "DECISION_WORKING_DAYS": env_int("ADMISSION_DECISION_WORKING_DAYS", 60),
    "CEREMONY_WORKING_DAYS": env_int("ADMISSION_CEREMONY_WORKING_DAYS", 30),
    "RECOGNITION_WORKING_DAYS": env_int("ADMISSION_RECOGNITION_WORKING_DAYS", 30),
    "PROBATION_MONTHS": env_int("ADMISSION_PROBATION_MONTHS", 12),
    "STUCK_MONTHS": env_int("ADMISSION_STUCK_MONTHS", 6),
    "ALERT_DAYS": env_int("ADMISSION_ALERT_DAYS", 30),
}
