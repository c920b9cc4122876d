"""poscare settings: everything that differs between machines comes from the environment.

Each helper below parses one variable and fails loudly (ImproperlyConfigured) on a bad value,
so a typo in a deployment stops the process at start instead of misbehaving later.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)


def weak_secret_key(key: str) -> str:
    """Why `key` is too weak to sign sessions and password-reset links, or "" when it is not.
    Django's own deployment check (security.W009), plus the placeholders we ship."""
    if key == DEV_SECRET_KEY or key.startswith(("dev-only", "django-insecure-", "change-me")):
        return "it is the development key or a placeholder"
    if len(key) < 50 or len(set(key)) < 5:
        return "it has fewer than 50 characters or fewer than 5 different ones"
    return ""


if not DEBUG and (_weakness := weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY is weak ({_weakness}); with DEBUG off poscare needs a strong one: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
# HTTPS only: redirect plain HTTP, secure-only cookies, HSTS. On by default with DEBUG off; the
# demo and `make serve` (plain HTTP on 127.0.0.1) turn it off.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # A year; poscare has its own host name, so subdomains and the browsers' preload list too
    # (HSTS_SUBDOMAINS=0 / HSTS_PRELOAD=0 where the domain is shared with plain-HTTP sites).
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The reverse proxies in front of poscare (nginx, a load balancer), as addresses or CIDRs:
# X-Forwarded-For is believed only when one of them sent the request (core/client_ip.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or CIDR"
        ) from None
# The desk's mailbox: mail to it (and to its signed reply addresses) becomes tickets.
DESK_MAILBOX = env_str("DESK_MAILBOX", "desk@poscare.example.cn")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Form widgets render through TEMPLATES (FORM_RENDERER below): templates/django/forms/ may
    # replace Django's own widget templates, the rest are found in django.forms.
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    # Two-factor login: TOTP devices (accounts/two_factor.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # poscare, one app per domain (see README's architecture map)
    "core",
    "accounts",
    "directory",
    "merchants",
    "terminals",
    "desk",
    "payments",
    "assistant",
    "outreach",
    "notifications",
    "fleet",
    "channels",
    "ledger",
    "helpcentre",
    "chargebacks",
    "statements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Static files straight from the WSGI server (gunicorn): compressed, cached forever.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request: card numbers are masked where they come in.
    "core.middleware.PanMaskingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the two-factor code step?
    "django_otp.middleware.OTPMiddleware",
    # Staff who enrolled enter a code; TWO_FACTOR_ROLES must enrol first (accounts/middleware.py).
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
    # A lost database or Redis connection in a view: 503 in both languages, not a 500.
    "core.middleware.OutageMiddleware",
]

ROOT_URLCONF = "poscare.urls"
# Widgets through the project's template engine, so that templates/django/forms/widgets/
# select.html (options inline, not one include each) is the one used.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "poscare.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "desk.status.outage_banner",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'poscare.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # A kept connection is tested before each request reuses it, so a database restart
        # or a terminated backend costs the requests in flight, not a restart of poscare.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20)
# The assistant's optional second opinion for messages it is unsure about (issue 11): an
# OpenAI-compatible chat endpoint (vLLM, Ollama: "http://127.0.0.1:11434/v1"); off when empty.
ASSISTANT_SECOND_OPINION_URL = env_str("ASSISTANT_SECOND_OPINION_URL", "")
ASSISTANT_SECOND_OPINION_MODEL = env_str("ASSISTANT_SECOND_OPINION_MODEL", "qwen2.5:7b-instruct")
ASSISTANT_SECOND_OPINION_TIMEOUT_MS = env_int("ASSISTANT_SECOND_OPINION_TIMEOUT_MS", 1500)
ASSISTANT_SECOND_OPINION_API_KEY = env_str("ASSISTANT_SECOND_OPINION_API_KEY", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite holds a handful of concurrent users (the demo: web threads, task worker,
    # scheduler) only with all three: WAL lets readers run beside the one writer; the busy
    # timeout makes a second writer wait instead of failing with "database is locked"; and
    # IMMEDIATE transactions take the write lock at BEGIN, because a DEFERRED transaction
    # that reads first and writes later cannot wait for the lock (SQLite fails it at once).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000};"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: the Django Tasks API. The database backend needs no extra server;
# TASK_BACKEND=rq moves the queue to Redis for deployments with many worker machines;
# TASK_BACKEND=immediate runs tasks in-process (tests).
TASK_BACKEND = env_str("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # RQ while Redis answers; the database queue ("fallback") when it does not.
    "rq": {"BACKEND": "core.task_backends.ResilientRQBackend", "QUEUES": ["default"]},
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND={TASK_BACKEND!r}: use one of {sorted(_TASK_BACKENDS)}"
    )
TASKS = {"default": _TASK_BACKENDS[TASK_BACKEND]}
if TASK_BACKEND == "rq":
    TASKS["fallback"] = _TASK_BACKENDS["database"]
    # django_rq brings the worker command: `manage.py rqworker --job-class django_tasks_rq.Job`.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("LOGIN_THROTTLING", True)
# The same client address as every other limit (X-Forwarded-For only from TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "core.client_ip.axes_client_ip"

# Two-factor login (TOTP): required for these roles, available to every staff user.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["supervisor", "admin"])
_unknown_roles = set(TWO_FACTOR_ROLES) - {"l1", "l2", "supervisor", "admin"}
if _unknown_roles:
    raise ImproperlyConfigured(f"TWO_FACTOR_ROLES: unknown staff roles {sorted(_unknown_roles)}")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "poscare")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` gathers the files here; WhiteNoise serves them. With DEBUG off they
# carry a content hash in their names (so browsers may cache them for ever) and come
# pre-compressed; `make serve`, the deploy units and the container run collectstatic first.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body without its files (JSON, form fields): the transaction batch API is the largest.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 20 * 1024 * 1024)
# Uploads are never served from a public /media/ route: a view scopes each file, then sends it
# itself ("django") or lets the web server send it from an internal location
# ("x-accel-redirect" for nginx, under UPLOAD_INTERNAL_URL; "x-sendfile" for Apache).
UPLOAD_SERVING = env_str("UPLOAD_SERVING", "django")
if UPLOAD_SERVING not in {"django", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        f"UPLOAD_SERVING={UPLOAD_SERVING!r}: use django, x-accel-redirect or x-sendfile"
    )
UPLOAD_INTERNAL_URL = env_str("UPLOAD_INTERNAL_URL", "/protected-media/")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "poscare <noreply@poscare.local>")

# The tamper-evident ledger (ledger/checkpoints.py): the log's name, its Ed25519 signing key(s)
# from the environment or a file, and how often at most a checkpoint is signed.
LEDGER_ORIGIN = env_str("LEDGER_ORIGIN", "poscare.example/ledger")
LEDGER_SIGNING_KEY = env_str("LEDGER_SIGNING_KEY", "")
LEDGER_SIGNING_KEY_FILE = Path(
    env_str("LEDGER_SIGNING_KEY_FILE", str(VAR_DIR / "ledger-signing.key"))
)
LEDGER_CREATE_KEY = env_bool("LEDGER_CREATE_KEY", DEBUG)
LEDGER_CHECKPOINT_SECONDS = env_int("LEDGER_CHECKPOINT_SECONDS", 60)
# Verifier keys of signing keys rotated away: their checkpoints still pass the audit.
LEDGER_PAST_VERIFIER_KEYS = env_list("LEDGER_PAST_VERIFIER_KEYS", [])

# Rows per page on every list page and API list (core.pagination).
PAGE_SIZE = 50

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": PAGE_SIZE,
    "DEFAULT_SCHEMA_CLASS": "core.schema.PoscareAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "verify": "10/min", "scam_report": "5/hour"},
    # A service's PermissionDeniedError becomes a 403 with the reason in Chinese and English.
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "poscare API",
    "DESCRIPTION": "Merchant service center for POS acquirers",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status", "channel" or "kind": each enum gets its model's name.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "desk.models.Ticket.Status",
        "TicketChannelEnum": "desk.models.Ticket.Channel",
        "TransactionStatusEnum": "payments.vocabulary.TransactionStatus",
        "ContactChannelEnum": "outreach.models.Channel",
        "RemoteActionKindEnum": "fleet.models.RemoteAction.Kind",
    },
    # A path served with and without its trailing slash is documented once.
    "PREPROCESSING_HOOKS": ["core.schema.drop_trailing_slash_aliases"],
}

# Content-Security-Policy (django-csp): scripts, styles, fonts and fetches from poscare itself
# only — no inline script or style attribute, no eval (htmx runs with allowEval off, see
# templates/base.html), no framing, forms post only to poscare. Images may also be data: URLs
# (the empty favicon, Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pan": {"()": "core.masking.PanMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pan"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The development server's access log goes through the masking filter too.
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
DEFAULT_EXCEPTION_REPORTER = "core.errors.MaskingExceptionReporter"

# Provider adapters for SMS and automated voice calls (dotted paths; logging adapters by default).
SMS_PROVIDER = env_str("SMS_PROVIDER", "notifications.transports.sms.LoggingSmsProvider")
VOICE_PROVIDER = env_str("VOICE_PROVIDER", "notifications.transports.voice.LoggingVoiceProvider")
# `manage.py serve`: how much lower the task workers' and the scheduler's CPU priority is than
# the web server's (a nice increment, 0–19; 0 = the same).
WORKER_NICE = env_int("WORKER_NICE", 10)
if not 0 <= WORKER_NICE <= 19:
    raise ImproperlyConfigured(f"WORKER_NICE={WORKER_NICE}: use 0 to 19")
# WeChat Official Account API (template messages): the base URL and a timeout in seconds.
WECHAT_API_BASE = env_str("WECHAT_API_BASE", "https://api.weixin.qq.com")
WECHAT_API_TIMEOUT = env_int("WECHAT_API_TIMEOUT", 5)

# Demo-only conveniences (README lists the demo logins).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-pass-2026")
