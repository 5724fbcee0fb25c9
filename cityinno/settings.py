"""cityinno settings: one file, every difference between machines read from the environment."""

import os
import sys
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _origin(url: str) -> list[str]:
    """`scheme://host[:port]` of an absolute URL, as a one-item list; [] for a path."""
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# --- Core -------------------------------------------------------------------------------------

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", default=False)
# The test suite runs with DEBUG off (as Django's test runner forces) and the development key.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not (DEBUG or TESTING) and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY to a long random value for production, "
        "or set DEBUG=true for local development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

ROOT_URLCONF = "cityinno.urls"
WSGI_APPLICATION = "cityinno.wsgi.application"
SITE_NAME = os.environ.get("SITE_NAME", "cityinno")

# --- Apps -------------------------------------------------------------------------------------

INSTALLED_APPS = [
    # Django's admin, with the newsroom's site as its default (news/admin/site.py).
    "cityinno.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "csp",
    "axes",
    # History of the register and figures (news/models/changes.py); no middleware: the
    # services name who made each change.
    "simple_history",
    "news",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer a load balancer whatever its Host header (see README).
    "news.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside LocaleMiddleware, so it sees (and can correct) the Vary header that one adds.
    "news.caching.HttpCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so a refused query string gets the 400 page in the page's language.
    "news.middleware.QueryStringGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: under /admin/, each person's chosen language, else the browser's.
    "news.admin.language.AdminLanguageMiddleware",
    "news.middleware.AdminNullCharacterGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

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
                "news.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (app servers, `manage.py` commands) share one file on a laptop. WAL lets
    # readers go on while one writes (it adds db.sqlite3-wal and -shm beside the file);
    # IMMEDIATE transactions take the write lock when they begin, so a second writer waits
    # SQLITE_TIMEOUT seconds for it instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # An unreachable server fails a request (503, see news/views/errors.py) in seconds, not
    # after the app server's own timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------

# Local memory on a laptop; with REDIS_URL, one Redis shared by every app server, so whatever one
# process caches (keyed by the content generation, see news/caching.py) another can use.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cityinno"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cityinno"}
    )
}
# HTTP caching of anonymous public pages, feeds, sitemaps, CSV and JSON: how long a browser or a
# proxy may reuse a response (seconds), and how long it may serve a stale one while it asks again.
HTTP_CACHE_MAX_AGE = int(os.environ.get("HTTP_CACHE_MAX_AGE", "60"))
HTTP_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("HTTP_CACHE_STALE_WHILE_REVALIDATE", "300"))

# --- Passwords --------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------------

# English at /news/, Simplified Chinese at /zh-hans/news/: the language is in the URL (see
# README, "Languages"), so every page has one cacheable address per language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# English pages print ISO dates; Chinese pages use Django's Chinese formats.
FORMAT_MODULE_PATH = ["cityinno.formats"]
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded media (hero, body and city images with their renditions) and pending CSV imports go
# only through Django's storage API: files on a laptop, objects in one S3-compatible bucket once
# AWS_STORAGE_BUCKET_NAME is set (README, "Media storage"), so no app server keeps state.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Pending CSV imports are staff data: kept outside MEDIA_ROOT, so /media/ never serves them.
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", BASE_DIR / "private"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
# The /media/ route is for `make run`; with a bucket, media URLs point at the bucket or CDN.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG and not AWS_STORAGE_BUCKET_NAME)
if AWS_STORAGE_BUCKET_NAME:
    # Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
    # an instance role); access to objects from the bucket policy, so no ACL is sent.
    _bucket = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "default_acl": None,
        # A new upload never replaces another's file: a taken name gets a random suffix.
        "file_overwrite": False,
    }
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        # Public: the bucket policy lets anyone read media/*, so URLs are plain and cacheable.
        "OPTIONS": {
            **_bucket,
            "location": "media",
            "querystring_auth": False,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
        },
    }
    _imports_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        # Private: outside the public prefix, never behind the CDN; any URL made for it is signed.
        "OPTIONS": {
            **_bucket,
            "location": "private/imports",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
    # Where browsers fetch media from, for the Content-Security-Policy's img-src (Security).
    MEDIA_ORIGINS = (
        [f"https://{_bucket_domain}"]
        if (_bucket_domain := os.environ.get("AWS_S3_CUSTOM_DOMAIN"))
        else _origin(_bucket["endpoint_url"])
        if _bucket["endpoint_url"]
        else [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        + [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_region}.amazonaws.com"
           for _region in [_bucket["region_name"]] if _region]
    )  # fmt: skip
else:
    MEDIA_ORIGINS = []
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _imports_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT / "imports"},
    }
STORAGES = {
    "default": _media_storage,
    "imports": _imports_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Media library: the body editor's Image button ----------------------------------------------
# The article body's editor (django-prose-editor's "configurable" preset) imports this module for
# its LibraryImage extension: Tiptap's image, with the library's id, and a toolbar button that
# opens the library's picker. The body's own sanitiser (news/sanitise.py) has the last word.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/article-editor.js")],
        "extensions": {
            "LibraryImage": html_tags(
                tags=["img"], attributes={"img": ["src", "alt", "width", "height", "data-image-id"]}
            )
        },
    }
]

# --- Security ---------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# BEHIND_PROXY=true says a reverse proxy (nginx, a load balancer) terminates TLS, sets
# X-Forwarded-Proto (replacing any the client sent) and appends the client's address to
# X-Forwarded-For. Only then are those headers believed: without a proxy, anyone can send them.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
# How many proxies append to X-Forwarded-For (a CDN in front of a load balancer is 2).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
if PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT counts the proxies in front of the site: 1 or more.")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every page, public and admin: scripts, styles, fonts and
# images come from this site only; no inline script, style or event handler runs. JSON-LD blocks
# are data, which CSP does not govern. Two exceptions, both for the admin's rich-text editor:
# its import map (an inline script) carries the response's nonce, and the one stylesheet its
# Tiptap core injects is allowed by hash (tests/browser/test_csp.py names a new hash if an
# upgrade changes it). Public pages never read the nonce, so their header stays the same for
# every visitor and they remain cacheable.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


# Static files and uploads served from another host (a CDN, object storage): their origins, from
# STATIC_URL and MEDIA_URL when those are absolute, the bucket's or its custom domain's
# (MEDIA_ORIGINS), plus CSP_MEDIA_ORIGINS. Uploads are images
# only, so their hosts may serve images and nothing else.
CSP_STATIC_ORIGINS = _origin(str(STATIC_URL))
CSP_MEDIA_ORIGINS = sorted(
    {*env_list("CSP_MEDIA_ORIGINS"), *_origin(str(MEDIA_URL)), *MEDIA_ORIGINS}
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, *CSP_STATIC_ORIGINS, NONCE],
        "style-src": [SELF, *CSP_STATIC_ORIGINS, PROSE_EDITOR_STYLE_HASH],
        "img-src": [SELF, *CSP_STATIC_ORIGINS, *CSP_MEDIA_ORIGINS],
        "font-src": [SELF, *CSP_STATIC_ORIGINS],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username from
# one address, that pair is refused for AXES_COOLOFF_TIME, each further try starting the wait
# again. Username and address together, because a newsroom shares one office address (locking
# the address would lock everyone out) and a guesser must not be able to lock a named editor out
# from anywhere. `manage.py axes_reset_username NAME` unlocks sooner (README, "Security").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "news.admin.access.lockout_response"
AXES_VERBOSE = False  # no banner on every command; failures are still logged
# The client's address: X-Forwarded-For as the trusted proxy wrote it, else the connection's.
AXES_CLIENT_IP_CALLABLE = "news.admin.access.client_ip_address"
# Staff sign in through the admin; a password reset link works for an hour (Django: three days).
LOGIN_URL = "admin:login"
PASSWORD_RESET_TIMEOUT = 60 * 60

# --- E-mail -----------------------------------------------------------------------------------

# Everything the site mails (password resets, error reports to ADMINS, notifications) goes through
# Django's mail API with these settings: printed to the console on a laptop, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # TLS from the first byte, usually on port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(
    os.environ.get("EMAIL_PORT", "465" if EMAIL_USE_SSL else "587" if EMAIL_USE_TLS else "25")
)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# Seconds before a silent mail server is given up on, so it cannot hold a worker.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cityinno <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who runs the site: "Ops <ops@example.org>, jo@example.org". They get server error reports, and
# the sign-in lockout page names them as the people to ask.
ADMINS = getaddresses(env_list("ADMINS"))

# --- Notifications ----------------------------------------------------------------------------

# The site's public address, for the absolute links in the newsroom's e-mail (a mail has no
# request to take a host from): SITE_URL, or https:// and the first ALLOWED_HOSTS name in
# production, or the address `make run` serves. Queued mail is sent by `manage.py
# send_queued_mail` (README, "Notifications").
_first_host = next((host for host in ALLOWED_HOSTS if host[:1] not in {"*", "."}), "")
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or (
    f"https://{_first_host}" if _first_host and not DEBUG else "http://localhost:8000"
)
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query:
    raise ImproperlyConfigured(
        "SITE_URL is the site's address without a path, like https://news.example.org."
    )

# --- Logging ----------------------------------------------------------------------------------

# Everything goes to stdout, one JSON object per line (cityinno/logs.py), for the service manager
# or container runtime to collect; LOG_FORMAT=text gives plain lines (the default under DEBUG).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cityinno.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print each line a second time under DEBUG.
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- cityinno ---------------------------------------------------------------------------------

NEWS_PAGE_SIZE = 20
# Hero image uploads: bigger files or more pixels are refused with a form error.
IMAGE_MAX_UPLOAD_BYTES = int(os.environ.get("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))
