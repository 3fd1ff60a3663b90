"""SaaSync settings, read from the environment with django-environ.

Development (the default, DEBUG=true) runs with embedded defaults: SQLite under var/, a file cache,
and Celery on kombu's filesystem transport, so `make run` needs no services. Production (DEBUG=false)
refuses to start unless every secret and service URL is given, because a silently generated key or
a fallback SQLite database in production would lose data or sessions.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAASYNC_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def env_value(name: str, default: str | None = None) -> str | None:
    """`NAME`, or the contents of the file named by `NAME_FILE` (Docker/Kubernetes secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


DEBUG = env.bool("DEBUG", default=True)
TESTING = env.bool("SAASYNC_TESTING", default=False)

REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    # Without these, webhooks would point at 127.0.0.1 and verification emails would go to the log.
    "SAASYNC_PUBLIC_URL",
    "EMAIL_URL",
)
if not DEBUG:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env_value(name)]
    if missing:
        raise ImproperlyConfigured(
            "SaaSync is running with DEBUG=false but these settings are missing: "
            + ", ".join(missing)
            + ". Set each one as an environment variable (or NAME_FILE pointing to a file "
            "holding it); see the environment table in README.md."
        )

# Development-only fallbacks: never used when DEBUG=false (checked above).
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"
# A fixed Fernet key so a dev database stays readable across restarts; production must set its own.
_DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMzI="

SECRET_KEY = env_value("SECRET_KEY", _DEV_SECRET_KEY)
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in (env_value("FIELD_ENCRYPTION_KEYS", _DEV_FIELD_ENCRYPTION_KEY) or "").split(",")
    if key.strip()
]
ALLOWED_HOSTS = [
    h.strip() for h in (env_value("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]") or "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env_value("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()]

# Where merchants' stores send webhooks; the public address of this deployment.
SAASYNC_PUBLIC_URL = (env_value("SAASYNC_PUBLIC_URL", "http://127.0.0.1:8000") or "").rstrip("/")
# Merchant-supplied store URLs may point at private addresses only in dev, tests and the demo.
SAASYNC_ALLOW_PRIVATE_URLS = env.bool("SAASYNC_ALLOW_PRIVATE_URLS", default=DEBUG)
# Extra CA bundle for stores (the test/demo simulators use a self-signed CA); True = system store.
SAASYNC_STORE_CA_BUNDLE: str | bool = env_value("SAASYNC_STORE_CA_BUNDLE") or True
CHARTMOGUL_API_URL = (env_value("CHARTMOGUL_API_URL", "https://api.chartmogul.com") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "allauth",
    "allauth.account",
    "saasync.accounts",
    "audit",
    "connections",
    "sync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "saasync.urls"
WSGI_APPLICATION = "saasync.wsgi.application"
ASGI_APPLICATION = "saasync.asgi.application"

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
                "saasync.accounts.context_processors.tenants",
            ],
        },
    },
]

_database_url = env_value("DATABASE_URL")
if _database_url:
    DATABASES = {"default": env.db_url_config(_database_url)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "saasync.sqlite3",
            # web, worker and beat share the file: wait for locks instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_value("REDIS_URL")
# Fetched store data may be cached for one hour at most (privacy promise); nothing may exceed it.
CACHE_MAX_TTL_SECONDS = 3600
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="saasync"),
        }
    }
else:
    # A file cache is shared by the web, worker and beat processes of `make run` (locmem is not).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "TIMEOUT": 300,
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email login, mandatory verification, its rate limits (on by default) in the cache.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "saasync.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "saasync.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SaaSync] "
DEFAULT_FROM_EMAIL = env_value("DEFAULT_FROM_EMAIL", "SaaSync <no-reply@saasync.local>")

_email_url = env_value("EMAIL_URL")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "saasync" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {"TITLE": "SaaSync API", "VERSION": "0.1.0"}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/celery.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _celery_dir = VAR_DIR / "celery"
    for sub in ("queue", "processed", "control"):
        (_celery_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Exchange bindings; kombu's default is a `control/` folder in the working directory.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "audit.redaction.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # urllib3 logs full request lines, which for query-string auth would carry credentials.
        "urllib3": {"level": "WARNING"},
    },
}
