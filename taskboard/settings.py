"""Taskboard settings.

Every value that differs between a laptop and production comes from the
environment (or an optional `.env` file) through django-environ, read once here.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DJANGO_DEBUG=(bool, True),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]", "testserver"]),
    DJANGO_CSRF_TRUSTED_ORIGINS=(list, []),
    DJANGO_LOG_LEVEL=(str, "INFO"),
    CHATKIT_DOMAIN_KEY=(str, "domain_pk_localhost_dev"),
    CHATKIT_UI=(str, "auto"),
)
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DJANGO_DEBUG")
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-taskboard-dev-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_vite",
    # Serves Swagger UI's own files for /api/docs (otherwise it loads them from a CDN).
    "ninja",
    "servestatic",
    "taskboard",
    "chatkit_app",
]

MIDDLEWARE = [
    # Django's own middleware, with the hooks that do no I/O run on the event loop
    # instead of a trip each to the request's sync thread (taskboard/middleware.py).
    "taskboard.middleware.EventLoopSecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "taskboard.middleware.EventLoopSessionMiddleware",
    "taskboard.middleware.EventLoopCommonMiddleware",
    "taskboard.middleware.EventLoopCsrfViewMiddleware",
    "taskboard.middleware.EventLoopAuthenticationMiddleware",
    "taskboard.middleware.EventLoopMessageMiddleware",
    "taskboard.middleware.EventLoopXFrameOptionsMiddleware",
    # A database that cannot be reached answers 503 rather than 500.
    "taskboard.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "taskboard.urls"
ASGI_APPLICATION = "taskboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite by default, anything django-environ understands otherwise
# (postgres://… uses psycopg 3).
# An empty DATABASE_URL (a blank line in .env) means the default, like an unset one.
DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers
    # queue on the timeout instead of failing a lock upgrade half way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # A file (not shared-cache memory) so tests with real threads behave like production.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
    if (
        DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        and DATABASES["default"]["CONN_MAX_AGE"] == 0
    ):
        # A pool of open connections per process (psycopg_pool): a request borrows one
        # and gives it back when it ends, instead of connecting and authenticating anew.
        # Under ASGI each request runs its ORM calls on a thread of its own, so
        # persistent connections (CONN_MAX_AGE > 0, which excludes the pool) stay with
        # threads that are not reused.
        # Its size bounds the connections per process: processes x size must stay
        # under PostgreSQL's max_connections (100 by default).
        pool_setting = env.str("DJANGO_DB_POOL_SIZE", default="20")
        if not pool_setting.isdecimal() or int(pool_setting) < 1:
            raise ImproperlyConfigured(
                f"DJANGO_DB_POOL_SIZE must be a whole number of connections, 1 or more, "
                f"not {pool_setting!r}."
            )
        pool_size = int(pool_setting)
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, pool_size),
            "max_size": pool_size,
            # Seconds a request waits for a free connection before it fails.
            "timeout": 10,
        }
        # With the pool, Django has it check each connection as it is lent (an empty
        # query), so that after a database restart the dead ones are replaced instead
        # of lent to requests that would fail.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: in memory for one process, Redis when processes must share it.
REDIS_URL = env("REDIS_URL", default=None)
REDIS_TIMEOUT_SECONDS = 5


def redis_channel_layer(url: str) -> dict:
    """The channel layer for the Redis server and database that `url` names."""
    # Pub/Sub channels belong to the whole Redis server, not to one database, so the
    # database number goes into the channel prefix: apps (or test runs) on different
    # databases of one server stay apart, as they would with keys.
    database = urlsplit(url).path.strip("/") or "0"
    return {
        # Pub/Sub: a broadcast is one PUBLISH, fanned out to the process's open boards
        # in memory, where the list-based RedisChannelLayer pops it from Redis once per
        # socket (bench/: first to last of 100 sockets, 19 ms → 10 ms).
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    # redis-py's default pool of 100 connections refuses a burst of
                    # board sockets.
                    "max_connections": 1000,
                    # A Redis that hangs (or a failover under way) costs a write at
                    # most this long before its broadcast is given up
                    # (tests/faults/test_redis_outage.py); said here rather than
                    # left to redis-py's defaults, which have been None.
                    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                    "socket_timeout": REDIS_TIMEOUT_SECONDS,
                }
            ],
            "prefix": f"taskboard.db{database}",
        },
    }


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: the Vite build is a static source; ServeStatic serves it from
# the ASGI app itself, so Daphne needs no separate file server.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST]
# Serve straight from the sources while developing (and in tests, where
# pytest-django turns settings.DEBUG off later); with DJANGO_DEBUG=0 serve the
# collectstatic output in STATIC_ROOT, as a deployment does.
SERVESTATIC_USE_FINDERS = DEBUG
SERVESTATIC_AUTOREFRESH = DEBUG
DJANGO_VITE = {
    "default": {
        "dev_mode": False,
        "manifest_path": FRONTEND_DIST / ".vite" / "manifest.json",
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the frontend reads it to send X-CSRFToken
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# ChatKit and the model.
OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="")
CHATKIT_MODEL = env("CHATKIT_MODEL", default="gpt-4.1-mini" if OPENAI_API_KEY else "offline")
# Which OpenAI API talks to the model; unset: the Responses API for OpenAI itself,
# Chat Completions with OPENAI_BASE_URL (what every compatible server speaks).
OPENAI_API = env("OPENAI_API", default="")
if OPENAI_API not in ("", "responses", "chat_completions"):
    raise ImproperlyConfigured(
        f"OPENAI_API={OPENAI_API!r}: use responses or chat_completions (or leave it unset)."
    )
# Seconds without a byte from the model before its request fails (then retried once).
CHATKIT_MODEL_TIMEOUT = env.float("CHATKIT_MODEL_TIMEOUT", default=60.0)
if CHATKIT_MODEL_TIMEOUT <= 0:
    raise ImproperlyConfigured(f"CHATKIT_MODEL_TIMEOUT={CHATKIT_MODEL_TIMEOUT}: use seconds > 0.")
CHATKIT_DOMAIN_KEY = env("CHATKIT_DOMAIN_KEY")
# Which chat panel the page shows: "auto" (OpenAI's when its CDN script arrives in
# time, else the built-in one), "builtin" (never requests the CDN) or "openai".
CHATKIT_UI_CHOICES = ("auto", "builtin", "openai")
CHATKIT_UI = env("CHATKIT_UI").strip().lower()
if CHATKIT_UI not in CHATKIT_UI_CHOICES:
    raise ImproperlyConfigured(
        f"CHATKIT_UI must be one of {', '.join(CHATKIT_UI_CHOICES)}; got {CHATKIT_UI!r}."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "chatkit_stream_errors": {"()": "chatkit_app.logs.DropStreamErrors"},
        "once_a_minute": {"()": "taskboard.logs.OnceAMinute"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's default configuration gives "django" a console handler of its own
        # (while DEBUG is on) and lets it propagate to the root one: every request
        # warning was printed twice. Leave the printing to the root handler.
        "django": {"handlers": []},
        # The /chatkit endpoint logs what chatkit's server would log with a traceback.
        "chatkit": {"filters": ["chatkit_stream_errors"]},
        # While Redis is down, its Pub/Sub reader logs a traceback every second.
        "channels_redis.pubsub": {"filters": ["once_a_minute"]},
        "taskboard": {"level": env("DJANGO_LOG_LEVEL"), "propagate": True},
        "chatkit_app": {"level": env("DJANGO_LOG_LEVEL"), "propagate": True},
    },
}
