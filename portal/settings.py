"""One settings module for every environment, driven by environment variables.

With nothing set, the portal runs embedded: SQLite, in-memory channel layer, local-memory cache and
eager Celery. DATABASE_URL switches to PostgreSQL; REDIS_URL moves the channel layer, the cache and the
Celery broker to Redis. Every variable is documented in .env.example.

DEBUG is off unless DJANGO_DEBUG=1 says this is a developer's machine (`make run` and the test suite
set it). With DEBUG off, portal/checks.py refuses to start, in `manage.py` and when the ASGI or WSGI
application loads, on any development convenience: the development secret key or voter salt, the
in-memory layer, eager Celery, the development identity provider, an untrusted proxy configuration.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from core.logs import logging_config

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
DEBUG = env_bool("DJANGO_DEBUG", False)
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
    "core",
    "axes",
    "portal",
    "arena",
    "ax_catalog",
    "evaluation",
]

MIDDLEWARE = [
    # Request counts and latencies by view (django-prometheus): first and last, so they time the rest.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Services raise domain errors, not HTTP ones: NotFound and Forbidden become the 404 and 403 pages.
    "core.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 0)
if DATABASE_URL and DB_POOL_MAX_SIZE:
    # A pool per process (psycopg_pool), what Django advises under ASGI: each request runs in a thread
    # of its own there, so persistent per-thread connections would pile up until PostgreSQL refuses.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 1),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
elif DATABASE_URL:
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
# Threads (and so database connections) per worker for the websockets' database work (core/socket_db.py).
SOCKET_DB_THREADS = env_int("SOCKET_DB_THREADS", 8)

# --- Redis: channel layer, cache, Celery broker ----------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, as long as channels_redis's own
            # 5 s wait for a message: an idle battle socket (a model thinking or stalled for 5 s)
            # died with a Redis TimeoutError. The read may take longer than the wait it asked for.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}], "prefix": "kai:channels"},
        }
    }
    CACHES = {
        "default": {
            # Django's, with one Redis client per pool instead of one per call (core/redis_cache.py).
            "BACKEND": "core.redis_cache.RedisCache",
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
# Inline work behaves as a worker would: a failing task is logged, never raised into the request that
# queued it (a vote is stored and answered whether or not the board's refit after it succeeds).
# A caller that waits for the result (`.get()`) still gets the error.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = "Asia/Seoul"
# The worker logs through LOGGING (JSON lines with request ids) instead of replacing the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The Celery worker serves its own metrics (refresh durations, exclusions) on this port; 0: none.
CELERY_METRICS_PORT = env_int("CELERY_METRICS_PORT", 0)
# How often beat refits the boards, and the least time between two refits that votes ask for.
LEADERBOARD_REFRESH_SECONDS = float(os.environ.get("LEADERBOARD_REFRESH_SECONDS", "60"))
LEADERBOARD_REFRESH_AFTER_VOTE_SECONDS = env_int("LEADERBOARD_REFRESH_AFTER_VOTE_SECONDS", 60)
ENDPOINT_PROBE_SECONDS = float(os.environ.get("ENDPOINT_PROBE_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    # Keeps the pair sampler away from endpoints whose chat completions fail (one short real completion).
    "probe-model-endpoints": {
        "task": "arena.endpoints.tasks.endpoints_probe",
        "schedule": ENDPOINT_PROBE_SECONDS,
    },
    # Drift canaries: the secret prompts at temperature 0, compared with each version's baseline.
    "drift-canaries": {
        "task": "arena.endpoints.tasks.canaries_run",
        "schedule": env_int("ARENA_CANARY_INTERVAL_MINUTES", 360) * 60.0,
    },
    # Live leaderboard: every view refitted from the votes once a minute.
    "refresh-leaderboard": {
        "task": "arena.ratings.tasks.leaderboard_refresh",
        "schedule": LEADERBOARD_REFRESH_SECONDS,
    },
    # Conversations past the retention period are deleted once a day.
    "purge-old-conversations": {"task": "arena.battles.tasks.conversations_purge", "schedule": 24 * 3600.0},
    # Voters whose choices are improbable under the current ratings are flagged for review.
    "scan-voter-anomalies": {"task": "arena.integrity.tasks.voter_anomaly_scan", "schedule": 3600.0},
    # A battle whose turn was never recorded (its process died) is released so it can be voted on.
    "release-stuck-battles": {"task": "arena.battles.tasks.battles_stuck_release", "schedule": 300.0},
    # Expired sessions (mostly anonymous citizens') are not kept: the database's clearsessions.
    "clear-expired-sessions": {"task": "portal.tasks.sessions_clear", "schedule": crontab(hour=4, minute=15)},
    # Each finished day's ledger root is stored (and shown on the methodology page).
    "publish-ledger-roots": {
        "task": "arena.integrity.tasks.ledger_roots_publish",
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
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Expired sessions (most are anonymous citizens' consent sessions) are deleted daily by Celery beat.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)

# Login throttling (django-axes): five wrong passwords lock the account, and separately the address,
# for AXES_COOLOFF_MINUTES. The admin login goes through the same backend. Counts live in the cache
# (Redis in production), so no raw address is written to the database.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.views.login_locked_out"
AXES_VERBOSE = False
if not REDIS_URL:
    # django-axes warns that a local-memory cache is per process. Without Redis the portal is one
    # process (production refuses to start that way), so the count it keeps is the whole count.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

# --- Security headers (production values unless DEBUG; every one can be overridden) -----------------

# Behind a TLS proxy, uvicorn reads X-Forwarded-Proto from the addresses in FORWARDED_ALLOW_IPS, so
# Django sees https without SECURE_PROXY_SSL_HEADER (which would trust the header from anyone).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers, orchestrators and Prometheus reach these over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# No inline script, no inline style, no eval: templates load static files only (JSON data travels in
# json_script blocks, which are not executed). The favicon is a data: URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # CSP 3: 'self' covers ws(s):// to the same host
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The portal uses none of these browser features: a compromised page cannot either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "usb",
    )
}
# Settings whose values may hold passwords (URLs with credentials) never appear on an error page or in
# an error e-mail: see portal/error_reports.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.error_reports.SecretsFilter"
# The addresses of the reverse proxies whose X-Forwarded-For uvicorn believes (uvicorn and gunicorn
# read this variable themselves). Every per-network limit rests on it. Production refuses "*" and an
# unset value: either lets one client pose as anyone, or makes every citizen share the proxy's address
# and its usage limits.
FORWARDED_ALLOW_IPS = os.environ.get("FORWARDED_ALLOW_IPS")
# Who may read /healthz in detail without signing in (besides staff): the monitoring network.
HEALTHZ_DETAIL_NETWORKS = env_list("HEALTHZ_DETAIL_NETWORKS", ["127.0.0.0/8", "::1/128"])

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
    # Model answers as markdown (core/markdown.py has the rules): parser, sanitiser, code colours.
    ("vendor/markdown-it", BASE_DIR / "node_modules" / "markdown-it" / "dist" / "browser"),
    ("vendor/dompurify", BASE_DIR / "node_modules" / "dompurify" / "dist"),
    ("vendor/highlight", BASE_DIR / "node_modules" / "@highlightjs" / "cdn-assets"),
]
# Packages of which the pages use a few files only (portal/staticfiles.py): the design system KRDS (its
# compiled CSS, the tokens it imports and the icons it draws) and two weights of the web font
# Pretendard GOV, in the subset that holds the 2,350 common Hangul syllables, Latin and symbols.
NODE_STATIC_FILES = {
    "vendor/krds": (
        BASE_DIR / "node_modules" / "krds-uiux" / "resources",
        ["css/component/output.css", "css/token/krds_tokens.css", "img/component/icon/*.svg"],
    ),
    "vendor/pretendard-gov": (
        BASE_DIR / "node_modules" / "pretendard-gov" / "dist" / "web" / "static" / "woff2-subset",
        ["PretendardGOV-Regular.subset.woff2", "PretendardGOV-Bold.subset.woff2"],
    ),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "portal.staticfiles.NodeFilesFinder",
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
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # The browser's session only: no HTTP Basic, so the API is no password-guessing door beside the
    # throttled login page.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
    },
    # REMOTE_ADDR is already the client's address (uvicorn applies FORWARDED_ALLOW_IPS); DRF's default
    # would take any X-Forwarded-For a client cares to send.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "K-AI portal API",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["core.api.IsStaff"],
    # One yes/no vocabulary serves several catalogue fields: one schema name for it.
    "ENUM_NAME_OVERRIDES": {"YesNoEnum": "ax_catalog.models.YesNo"},
}

# --- Stage evaluation -----------------------------------------------------------------------------

# A Hugging Face-compatible hub for derivative-model counts (GET {hub}/api/models?filter=base_model:...).
MODEL_HUB_URL = os.environ.get("MODEL_HUB_URL", "https://huggingface.co")
# The largest benchmark evidence file accepted (the page and import_benchmarks); thousands of rows fit.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
# Benchmark reruns whose scores lie further apart than this many points are flagged on the scorecard.
BENCHMARK_RERUN_TOLERANCE = float(os.environ.get("BENCHMARK_RERUN_TOLERANCE", "0.5"))
if not 0 <= BENCHMARK_RERUN_TOLERANCE < float("inf"):  # NaN fails this too: it would flag nothing
    raise ValueError("BENCHMARK_RERUN_TOLERANCE must be a finite number of points >= 0")

# --- Arena ----------------------------------------------------------------------------------------

# Salt for pseudonymous voter ids; rotate per campaign in production.
DEV_VOTER_SALT = "dev-voter-salt"
ARENA_VOTER_SALT = os.environ.get("ARENA_VOTER_SALT") or DEV_VOTER_SALT
ARENA_MAX_TURNS = env_int("ARENA_MAX_TURNS", 5)
ARENA_MAX_PROMPT_CHARS = env_int("ARENA_MAX_PROMPT_CHARS", 4000)
ARENA_MAX_OUTPUT_TOKENS = env_int("ARENA_MAX_OUTPUT_TOKENS", 1024)
# The largest websocket message the battle consumer reads. A prompt of ARENA_MAX_PROMPT_CHARS Hangul is
# 12 KB of JSON; the servers refuse larger frames first (portal/workers.py, the Makefile, tests/servers.py).
ARENA_WS_MAX_BYTES = 64 * 1024
ARENA_CONNECT_TIMEOUT = float(os.environ.get("ARENA_CONNECT_TIMEOUT", "5"))
ARENA_FIRST_TOKEN_TIMEOUT = float(os.environ.get("ARENA_FIRST_TOKEN_TIMEOUT", "60"))
ARENA_IDLE_TIMEOUT = float(os.environ.get("ARENA_IDLE_TIMEOUT", "30"))
ARENA_TOTAL_TIMEOUT = float(os.environ.get("ARENA_TOTAL_TIMEOUT", "180"))
# An answer's pieces arriving within this many seconds of the last one sent are sent with the next:
# a fast stream costs fewer checks and frames, a slow one (a token every 50 ms) is not held at all.
ARENA_COALESCE_SECONDS = float(os.environ.get("ARENA_COALESCE_SECONDS", "0.02"))
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
    "ARENA_VERIFICATION_PROVIDER", "core.verification.DevelopmentProvider"
)
# Usage limits (counted in the cache, so in Redis across processes when REDIS_URL is set), per
# pseudonym, per device (network + browser class, arena/safety/limits.py) and per network (/24 or /48).
# Network ceilings sit well above what one person can use, so nobody locks a network out for others.
ARENA_BATTLES_PER_HOUR = env_int("ARENA_BATTLES_PER_HOUR", 30)
ARENA_BATTLES_PER_HOUR_PER_DEVICE = env_int("ARENA_BATTLES_PER_HOUR_PER_DEVICE", 200)
ARENA_BATTLES_PER_HOUR_PER_NETWORK = env_int("ARENA_BATTLES_PER_HOUR_PER_NETWORK", 1000)
ARENA_VOTES_PER_DAY = env_int("ARENA_VOTES_PER_DAY", 300)
# Past these a vote is kept and not counted (rate_limited) rather than refused.
ARENA_VOTES_PER_DAY_PER_DEVICE = env_int("ARENA_VOTES_PER_DAY_PER_DEVICE", 1000)
ARENA_VOTES_PER_DAY_PER_NETWORK = env_int("ARENA_VOTES_PER_DAY_PER_NETWORK", 5000)
# New pseudonyms (consents) a day: a script opening fresh sessions meets these first.
ARENA_CONSENTS_PER_DAY_PER_DEVICE = env_int("ARENA_CONSENTS_PER_DAY_PER_DEVICE", 40)
ARENA_CONSENTS_PER_DAY_PER_NETWORK = env_int("ARENA_CONSENTS_PER_DAY_PER_NETWORK", 400)
# Prompt characters per two hours: each voter's own budget within a network, and the network's ceiling.
ARENA_CHARS_PER_2H_PER_VOTER = env_int("ARENA_CHARS_PER_2H_PER_VOTER", 40_000)
ARENA_CHARS_PER_2H_PER_NETWORK = env_int("ARENA_CHARS_PER_2H_PER_NETWORK", 400_000)
# How often one prompt may be sent per day from one network (never counted for everyone together).
ARENA_PROMPT_REPEATS_PER_DAY = env_int("ARENA_PROMPT_REPEATS_PER_DAY", 50)
# The network rules of the anomaly scan: a burst is this many first-time voters from one network in
# one window whose votes back one model with e-value >= 1/ARENA_NETWORK_ALPHA.
ARENA_BURST_MIN_VOTERS = env_int("ARENA_BURST_MIN_VOTERS", 5)
ARENA_BURST_WINDOW_SECONDS = env_int("ARENA_BURST_WINDOW_SECONDS", 3600)
ARENA_NETWORK_ALPHA = float(os.environ.get("ARENA_NETWORK_ALPHA", "0.01"))
# A vote cast sooner than this after the last token cannot have read both answers: kept, not counted.
ARENA_MIN_SECONDS_TO_VOTE = float(os.environ.get("ARENA_MIN_SECONDS_TO_VOTE", "2"))
# After this long with nothing from a side, its pane says "still waiting, N s" (and says it once aloud).
ARENA_STALL_SECONDS = float(os.environ.get("ARENA_STALL_SECONDS", "8"))
# A classroom or 국민평가단 session shows its results only past both of these (people are not singled out).
ARENA_COHORT_MIN_VOTES = env_int("ARENA_COHORT_MIN_VOTES", 30)
ARENA_COHORT_MIN_PARTICIPANTS = env_int("ARENA_COHORT_MIN_PARTICIPANTS", 5)
# The season's public vote target, shown as a counter on the home page (compar:IA shows its own).
ARENA_SEASON_VOTE_TARGET = env_int("ARENA_SEASON_VOTE_TARGET", 10000)
ARENA_SEASON_START = os.environ.get("ARENA_SEASON_START", "")  # YYYY-MM-DD; empty: every vote counts
# Days a conversation is kept (stated in the privacy notice); older ones are purged daily.
ARENA_RETENTION_DAYS = env_int("ARENA_RETENTION_DAYS", 365)
# Optional OpenAI-compatible moderation endpoint for prompts (base URL ending in /v1); empty: rules only.
ARENA_MODERATION_URL = os.environ.get("ARENA_MODERATION_URL", "")
ARENA_MODERATION_MODEL = os.environ.get("ARENA_MODERATION_MODEL", "omni-moderation-latest")
ARENA_MODERATION_KEY_ENV = os.environ.get("ARENA_MODERATION_KEY_ENV", "")
# --- Citizen panel (국민평가단): identity providers and protocol ------------------------------------
# OpenID Connect identity providers for 본인확인, a JSON list of objects (core/oidc.py documents
# every key; the client secret is read from the environment variable each one names, never from here).
# Used when ARENA_VERIFICATION_PROVIDER is "core.oidc.OIDCVerification".
ARENA_OIDC_PROVIDERS = os.environ.get("ARENA_OIDC_PROVIDERS", "[]")
ARENA_OIDC_TIMEOUT = float(os.environ.get("ARENA_OIDC_TIMEOUT", "10"))
# Share of panel battles re-checked by experts through the blind review queue (MOIS panel: 10%).
PANEL_EXPERT_CHECK_SHARE = float(os.environ.get("PANEL_EXPERT_CHECK_SHARE", "0.1"))
# Versions and variants (docs: /methodology/changes/). At most this many versions of one team may be
# switched on at once (anonymous variants under test); a further one is refused.
ARENA_MAX_ACTIVE_VARIANTS = env_int("ARENA_MAX_ACTIVE_VARIANTS", 3)
# A version's score is "잠정 (provisional)" on every board until it has this many counted votes, or, when
# its team had more than ARENA_MAX_ACTIVE_VARIANTS versions tested in the season, this many fresh ones
# (cast after its release date or its attestation, whichever is later).
LEADERBOARD_PROVISIONAL_VOTES = env_int("LEADERBOARD_PROVISIONAL_VOTES", 1000)
LEADERBOARD_PROVISIONAL_FRESH_VOTES = env_int("LEADERBOARD_PROVISIONAL_FRESH_VOTES", 2000)
# First day of the season (YYYY-MM-DD) for counting a team's tested variants; empty: since the start.
LEADERBOARD_SEASON_START = os.environ.get("LEADERBOARD_SEASON_START", "")
# Pair sampler: "teams" draws every team equally (the reference design the boards estimate); "active"
# favours the pairs whose next vote removes the most uncertainty around the cut line and in models
# wider than ARENA_ACTIVE_TARGET_HALF_WIDTH points, every pair keeping a floor; each battle stores its
# pair probability and the fit weighs it back to the reference design (arena/battles/sampling.py).
ARENA_SAMPLER = os.environ.get("ARENA_SAMPLER", "teams")
ARENA_ACTIVE_TARGET_HALF_WIDTH = float(os.environ.get("ARENA_ACTIVE_TARGET_HALF_WIDTH", "15"))
# Share of the active sampler's probability spread evenly over all pairs: each pair's floor.
ARENA_ACTIVE_FLOOR_SHARE = float(os.environ.get("ARENA_ACTIVE_FLOOR_SHARE", "0.3"))
# The last place that passes the stage (the final cut keeps 2 teams): active sampling resolves the
# overlap around it first.
LEADERBOARD_CUT_LINE = env_int("LEADERBOARD_CUT_LINE", 2)
# Which fit the boards' ratings come from: "bradley_terry" (ties as half a win) or "rao_kupper" (ties
# with their own probability). The methodology page publishes both fits' win-matrix error either way.
LEADERBOARD_TIES_MODEL = os.environ.get("LEADERBOARD_TIES_MODEL", "bradley_terry")
# Staff are alerted when a team's share of the current 7-day window's battles is further than this
# from its target share.
ARENA_EXPOSURE_TOLERANCE = float(os.environ.get("ARENA_EXPOSURE_TOLERANCE", "0.02"))
# Drift canaries: a file of secret prompts (blank-line separated). Unset: the built-in development set,
# which is public and refused in production (portal/checks.py).
ARENA_CANARY_PROMPTS_FILE = os.environ.get("ARENA_CANARY_PROMPTS_FILE", "")
ARENA_CANARY_MAX_TOKENS = env_int("ARENA_CANARY_MAX_TOKENS", 96)
ARENA_CANARY_SEED = env_int("ARENA_CANARY_SEED", 20260101)
# A run whose median per-prompt similarity to the version's accepted answers is below this is drifted.
# Measured (tests/benchmarks/bench_canaries.py, 360 runs of the demo models with a tenth of answers
# diverging, three bench runs): the same model's lowest run 0.79-0.92, a swapped model's highest 0.60-0.63.
# Re-measure on the real endpoints before a season.
ARENA_CANARY_MIN_SIMILARITY = float(os.environ.get("ARENA_CANARY_MIN_SIMILARITY", "0.7"))
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

# --- Logging, metrics, shutdown --------------------------------------------------------------------

# One JSON object a line with the request id (core/logs.py) unless DEBUG, where a developer reads
# plain lines; LOG_FORMAT=json|plain overrides. Prompts, answers, keys and raw addresses are never
# logged, whatever LOG_LEVEL says.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = logging_config(level=os.environ.get("LOG_LEVEL", "INFO"), json=LOG_FORMAT == "json")
# /metrics (Prometheus text) answers these networks, and anyone sending `Authorization: Bearer
# METRICS_TOKEN` when that is set; everyone else gets 404. The gunicorn configuration sets
# PROMETHEUS_MULTIPROC_DIR so one scrape sums every worker of a node.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # prometheus_client keeps each process's values in files there (multi-process mode): it must exist
    # before the first metric is made, in every process (web, Celery, manage.py) of an image that sets it.
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
METRICS_NETWORKS = env_list("METRICS_NETWORKS", ["127.0.0.0/8", "::1/128"])
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# On SIGTERM a web process stops accepting, lets the battle turns it streams finish for up to this
# long, then closes what is left (recorded as cancelled turns). gunicorn's graceful timeout is longer.
PORTAL_DRAIN_SECONDS = float(os.environ.get("PORTAL_DRAIN_SECONDS", "60"))
