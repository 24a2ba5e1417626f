"""One settings module for every environment, driven by environment variables.

With nothing set, the portal runs embedded: SQLite, in-memory channel layer, local-memory cache and
eager Celery. DATABASE_URL switches to PostgreSQL; REDIS_URL moves the channel layer, the cache and the
Celery broker to Redis. Every variable is documented in .env.example. portal/checks.py refuses a
production start (DEBUG off) on the development secret key, the in-memory layer or eager Celery.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    # A typo in a boolean must not silently flip a safety switch.
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


# --- Core -----------------------------------------------------------------------------------------

DEV_SECRET_KEY = "dev-insecure-kai-portal-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

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
    "channels",
    "django_htmx",
    "portal",
    "arena",
    "ax_catalog",
    "portal.evaluation",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {
                # Eager Celery and the ASGI thread pool write at the same time: take the write lock up
                # front and wait for it rather than failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Keep connections: the websocket path opens one per database_sync_to_async call otherwise.
            "CONN_MAX_AGE": None,
            # A file, not memory, so the browser tests' in-process server threads see the same data.
            "TEST": {"NAME": str(VAR_DIR / "test_portal.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery broker ----------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "kai:channels"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kai",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kai"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# No broker configured means nobody runs a worker: do the work inline instead of queueing it forever.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULE = {
    # Keeps the pair sampler away from endpoints that stopped answering.
    "probe-model-endpoints": {"task": "arena.tasks.endpoints_probe", "schedule": 60.0},
    # Live leaderboard: every view refitted from the votes once a minute.
    "refresh-leaderboard": {"task": "arena.tasks.leaderboard_refresh", "schedule": 60.0},
    # Conversations past the retention period are deleted once a day.
    "purge-old-conversations": {"task": "arena.tasks.conversations_purge", "schedule": 24 * 3600.0},
    # Voters whose choices are improbable under the current ratings are flagged for review.
    "scan-voter-anomalies": {"task": "arena.tasks.voter_anomaly_scan", "schedule": 3600.0},
    # Each finished day's ledger root is stored (and shown on the methodology page).
    "publish-ledger-roots": {
        "task": "arena.tasks.ledger_roots_publish",
        "schedule": crontab(hour=0, minute=5),
    },
}

# --- Auth and sessions ----------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# --- Internationalisation: Korean first, English second -------------------------------------------

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static files: ours plus packages from node_modules, served by WhiteNoise ----------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- API ------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {"TITLE": "K-AI portal API", "VERSION": "1.0.0"}

# --- Stage evaluation -----------------------------------------------------------------------------

# A Hugging Face-compatible hub for derivative-model counts (GET {hub}/api/models?filter=base_model:...).
MODEL_HUB_URL = os.environ.get("MODEL_HUB_URL", "https://huggingface.co")

# --- Arena ----------------------------------------------------------------------------------------

# Salt for pseudonymous voter ids; rotate per campaign in production.
ARENA_VOTER_SALT = os.environ.get("ARENA_VOTER_SALT", "dev-voter-salt")
ARENA_MAX_TURNS = env_int("ARENA_MAX_TURNS", 5)
ARENA_MAX_PROMPT_CHARS = env_int("ARENA_MAX_PROMPT_CHARS", 4000)
ARENA_MAX_OUTPUT_TOKENS = env_int("ARENA_MAX_OUTPUT_TOKENS", 1024)
ARENA_CONNECT_TIMEOUT = float(os.environ.get("ARENA_CONNECT_TIMEOUT", "5"))
ARENA_FIRST_TOKEN_TIMEOUT = float(os.environ.get("ARENA_FIRST_TOKEN_TIMEOUT", "60"))
ARENA_IDLE_TIMEOUT = float(os.environ.get("ARENA_IDLE_TIMEOUT", "30"))
ARENA_TOTAL_TIMEOUT = float(os.environ.get("ARENA_TOTAL_TIMEOUT", "180"))
# A model is ranked only once it has this many valid votes in a view ("not enough votes yet" before).
LEADERBOARD_MIN_VOTES = env_int("LEADERBOARD_MIN_VOTES", 300)
LEADERBOARD_BOOTSTRAP_ROUNDS = env_int("LEADERBOARD_BOOTSTRAP_ROUNDS", 1000)
# Published with every snapshot so anyone can rebuild the intervals from the export.
LEADERBOARD_SEED = env_int("LEADERBOARD_SEED", 0)
# Sent as the system message to every model in a battle (empty: none). Asks for anonymity; the
# stream masker catches what the model says anyway.
ARENA_ANONYMITY_PROMPT = os.environ.get(
    "ARENA_ANONYMITY_PROMPT",
    "당신은 블라인드 평가에 참여한 AI 도우미입니다. "
    "당신의 이름, 모델명, 개발사나 소속 회사를 밝히거나 암시하지 마세요. "
    "질문에 한국어로 정확하고 도움이 되게 답하세요.",
)
# Identity verification for the citizen panel. The development provider is refused in production.
ARENA_VERIFICATION_PROVIDER = os.environ.get(
    "ARENA_VERIFICATION_PROVIDER", "portal.verification.DevelopmentProvider"
)
# Usage limits (counted in the cache, so in Redis across processes when REDIS_URL is set).
ARENA_BATTLES_PER_HOUR = env_int("ARENA_BATTLES_PER_HOUR", 30)
ARENA_VOTES_PER_DAY = env_int("ARENA_VOTES_PER_DAY", 300)
ARENA_CHARS_PER_2H_PER_NETWORK = env_int("ARENA_CHARS_PER_2H_PER_NETWORK", 100_000)
ARENA_PROMPT_REPEATS_PER_DAY = env_int("ARENA_PROMPT_REPEATS_PER_DAY", 50)
# A vote cast sooner than this after the last token cannot have read both answers: kept, not counted.
ARENA_MIN_SECONDS_TO_VOTE = float(os.environ.get("ARENA_MIN_SECONDS_TO_VOTE", "2"))
# Days a conversation is kept (stated in the privacy notice); older ones are purged daily.
ARENA_RETENTION_DAYS = env_int("ARENA_RETENTION_DAYS", 365)
# Optional OpenAI-compatible moderation endpoint for prompts (base URL ending in /v1); empty: rules only.
ARENA_MODERATION_URL = os.environ.get("ARENA_MODERATION_URL", "")
ARENA_MODERATION_MODEL = os.environ.get("ARENA_MODERATION_MODEL", "omni-moderation-latest")
ARENA_MODERATION_KEY_ENV = os.environ.get("ARENA_MODERATION_KEY_ENV", "")
# Where `make run` serves the built-in demo models; seed_demo registers them at this address.
DEMO_MODELS_URL = os.environ.get("DEMO_MODELS_URL", "http://127.0.0.1:8001")

# --- AX catalogue ---------------------------------------------------------------------------------

# Imports (`import_usecases`): larger files are refused before they are read, with a clear message.
AX_IMPORT_MAX_BYTES = env_int("AX_IMPORT_MAX_BYTES", 50_000_000)
AX_IMPORT_MAX_ROWS = env_int("AX_IMPORT_MAX_ROWS", 50_000)
# The licence of the open-data downloads (공공누리 제1유형 unless the ministry sets another).
AX_OPEN_DATA_LICENCE = os.environ.get("AX_OPEN_DATA_LICENCE", "공공누리 제1유형 (출처표시)")
AX_OPEN_DATA_LICENCE_URL = os.environ.get(
    "AX_OPEN_DATA_LICENCE_URL", "https://www.kogl.or.kr/info/licenseType1.do"
)
# Public feedback on a record: comments one network may send per hour.
AX_FEEDBACK_PER_HOUR = env_int("AX_FEEDBACK_PER_HOUR", 5)
# Load the search analyser when a web or worker process starts (off only for tools that never search).
AX_SEARCH_WARM_UP = os.environ.get("AX_SEARCH_WARM_UP", "1") == "1"

# --- Logging: endpoint keys and prompts are never logged --------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
