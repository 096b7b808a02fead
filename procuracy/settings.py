"""Settings: every value comes from the environment through the strict helpers in env.py."""

from pathlib import Path

import dj_database_url

from procuracy.env import envbool, envint, envjson, envstr, secret_from_file

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(envstr("PROCURACY_DATA_DIR") or PROJECT_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = envstr("SECRET_KEY") or secret_from_file(DATA_DIR, "secret_key")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "procuracy.core",
    "procuracy.organisation",
    "procuracy.people",
    "procuracy.caseorgs",
    "procuracy.figures",
    "procuracy.demo",
    "procuracy.ledger",
    "procuracy.powers",
    "procuracy.cases",
    "procuracy.assignment",
    "procuracy.oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "procuracy.urls"
WSGI_APPLICATION = "procuracy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procuracy.core.context.actor",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'procuracy.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from the finders; it wants the folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# No CDN and no inline script: every asset is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# The province this installation serves (its code names the ledger's origin later).
PROCURACY_PROVINCE_CODE = envstr("PROCURACY_PROVINCE_CODE", "620000")
# The day before the internal-department reform took effect, for the before/after figures.
PROCURACY_REFORM_BASELINE = envstr("PROCURACY_REFORM_BASELINE", "2019-06-30")
# How often `procuracy worker` looks for due jobs, in seconds.
PROCURACY_WORKER_TICK = envint("PROCURACY_WORKER_TICK", 30)

# The ledger (DESIGN.md capability 13; docs/ledger.md). The origin line names this
# installation's log in every checkpoint; it is also the signing key's name.
PROCURACY_LEDGER_ORIGIN = envstr("PROCURACY_LEDGER_ORIGIN", f"procuracy/{PROCURACY_PROVINCE_CODE}")
# The signing key lives in a file outside the database, read only by whoever makes
# checkpoints (`procuracy worker`, `procuracy ledger checkpoint`), never by web requests.
PROCURACY_LEDGER_KEY_FILE = Path(
    envstr("PROCURACY_LEDGER_KEY_FILE") or DATA_DIR / "ledger-signing.key"
)
# Every verifier key this installation has signed with, one per line, the current one last.
PROCURACY_LEDGER_VERIFIER_FILE = Path(
    envstr("PROCURACY_LEDGER_VERIFIER_FILE") or DATA_DIR / "ledger-verifiers.txt"
)
# The worker signs a checkpoint once this many entries, or this many minutes, have passed.
PROCURACY_LEDGER_CHECKPOINT_ENTRIES = envint("PROCURACY_LEDGER_CHECKPOINT_ENTRIES", 1000)
PROCURACY_LEDGER_CHECKPOINT_MINUTES = envint("PROCURACY_LEDGER_CHECKPOINT_MINUTES", 10)
# Who approves a power-list version: "committee" (the procuratorial committee, recorded by the
# chief with its minutes' reference) or "chief". NOT VERIFIED in the texts we read — provinces
# commonly adopt their lists in committee; set it to what the province's own rules say.
PROCURACY_POWER_LIST_APPROVAL = envstr("PROCURACY_POWER_LIST_APPROVAL", "committee")
# Overrides of the statutory time-limit table, per stage (docs/time-limits.md), as JSON: for the
# values the domain notes could not verify, and local warning days.
PROCURACY_TIME_LIMITS = envjson("PROCURACY_TIME_LIMITS", {})
# Overrides of the case weights the draw balances by (docs/cases.md), as JSON:
# {"types": {"prosecution_review": 2}, "flags": {"major": 0.8}}.
PROCURACY_CASE_WEIGHTS = envjson("PROCURACY_CASE_WEIGHTS", {})
# The draw's load balance (docs/assignment.md), as JSON: {"max_distance": 300, "escape": "1/20"}
# (max_distance in hundredths of a case weight). Starting values, NOT VERIFIED.
PROCURACY_DRAW = envjson("PROCURACY_DRAW", {})
# A sole or lead prosecutor away this many days or more (and still away) hands their open cases
# over for reassignment (人员变动). Local practice, NOT VERIFIED.
PROCURACY_HANDOVER_ABSENCE_DAYS = envint("PROCURACY_HANDOVER_ABSENCE_DAYS", 15)
# The figures warn where designations exceed this share (percent) of a procuratorate's first
# assignments. NOT VERIFIED; a province sets its own.
PROCURACY_DESIGNATED_SHARE_WARNING = envint("PROCURACY_DESIGNATED_SHARE_WARNING", 10)
# ... but not for a group of fewer first assignments than this, where one designation decides
# the share (a base procuratorate's department in a quiet month). NOT VERIFIED.
PROCURACY_DESIGNATED_SHARE_MIN_CASES = envint("PROCURACY_DESIGNATED_SHARE_MIN_CASES", 20)
# Who approves a department's assignment scheme (分案方案): "chief" (the chief, or the
# committee recorded by the chief) or "committee" (only the committee). NOT VERIFIED; the
# Xuzhou rule has the chief lead allocation.
PROCURACY_SCHEME_APPROVAL = envstr("PROCURACY_SCHEME_APPROVAL", "chief")
# An external randomness beacon whose round enters each draw's seed (docs/assignment.md), as
# JSON, e.g. {"source": "drand-quicknet", "genesis": 1692803367, "period": 3,
# "relay": "http://beacon.intranet/"} or with "directory" instead of "relay". Off by default:
# the draw's seed is then the ledger's root alone, which is already unpredictable and public.
PROCURACY_BEACON = envjson("PROCURACY_BEACON", {})  # {} = no beacon
