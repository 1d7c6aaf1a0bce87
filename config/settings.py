"""Settings for the Learning Hub, read from the environment.

Local development reads `.env` (made from `.env.example` by `make`). Production sets real
environment variables; with DEBUG off the site refuses to start without SECRET_KEY and
ALLOWED_HOSTS. See docs/settings.md for every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    # Real environment variables win over the file, so CI and production can override it.
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-a-secret")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    if not env("SECRET_KEY", default=""):
        raise ImproperlyConfigured("Set SECRET_KEY: the site will not start without it.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured("Set ALLOWED_HOSTS: the site will not start without it.")
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

PARTNERSHIP_NAME = env("PARTNERSHIP_NAME", default="Lewisham Safeguarding Children Partnership")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    # Ours first, so our templates override allauth's and Wagtail's.
    "accounts",
    "organisations",
    "training",
    "evidence",
    "compliance",
    "evaluations",
    "shadowing",
    "certificates",
    "cms",
    "reporting",
    "outbox",
    "demo",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",
    # allauth
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "accounts.entra",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Others
    "csp",
    "simple_history",
    "post_office",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages, exports and downloads are never stored by a browser or proxy.
    "config.cache_control.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.csp.AdminScriptNonceMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

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
                "config.context_processors.site",
                # `settings.cms.SafeguardingContacts` in templates, read only when used.
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]
FORM_RENDERER = "config.forms.GOVUKFormRenderer"

# Data -------------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler costs compliance queries (correlated subqueries the planner
    # prices far too high) 1.5 s of compilation to save milliseconds: measured in
    # benchmarks/compliance.py, see docs/performance.md. A web application's short queries
    # never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # One process locally; rate limits then hold per process, which is enough for development.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "accounts.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.entra.adapters.EntraSocialAccountAdapter"
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
# allauth's forms with GOV.UK wording: labels, hints and error messages.
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "signup": "accounts.allauth_forms.SignupForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "set_password": "accounts.allauth_forms.SetPasswordForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.allauth_forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "accounts.allauth_forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.allauth_forms.MFAReauthenticateForm",
    "activate_totp": "accounts.allauth_forms.ActivateTOTPForm",
}
SOCIALACCOUNT_FORMS = {"signup": "accounts.entra.forms.EntraSignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per person, changed by verifying the new one (allauth keeps at most two while
# a change is pending).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Sessions end when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE): no "remember me" on
# the shared computers many practitioners use.
ACCOUNT_SESSION_REMEMBER = False
# Tell people when their password, email address or sign-in security changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Held in the default cache, which is Redis when REDIS_URL is set, so every web process shares
# the counts.
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated here so they are visible and reviewed.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # Five wrong passwords for one address lock that address for five minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PARTNERSHIP_NAME
# Recovery codes are made automatically when someone sets up an authenticator app, and can be
# seen and downloaded again later from the account pages.
MFA_RECOVERY_CODES_SHOW_ONCE = False

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
# Never join a Microsoft sign-in to an existing account because the email address matches.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
# Microsoft's tokens are used once to read the profile; there is no reason to keep them.
SOCIALACCOUNT_STORE_TOKENS = False

ENTRA_CLIENT_ID = env("ENTRA_CLIENT_ID", default="")
ENTRA_CLIENT_SECRET = env("ENTRA_CLIENT_SECRET", default="")
# Tenants whose people may sign in with Microsoft. Empty means Microsoft sign-in is off.
ENTRA_ALLOWED_TENANTS = env.list("ENTRA_ALLOWED_TENANTS", default=[])
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if ENTRA_CLIENT_ID and ENTRA_ALLOWED_TENANTS:
    SOCIALACCOUNT_PROVIDERS["entra"] = {
        "APPS": [
            {
                "client_id": ENTRA_CLIENT_ID,
                "secret": ENTRA_CLIENT_SECRET,
                # Work and school accounts only; accounts.entra checks the tenant allow-list.
                "settings": {"tenant": "organizations"},
            }
        ],
    }

# Invitations stay usable for this long; coordinators can send a fresh one.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# Sessions and security --------------------------------------------------------------------

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE is added only when a response asked for one: Wagtail admin pages (config.csp).
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, g:ia"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]

# Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files people upload that must never be served by URL (bulk import files hold personal data).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "config.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Certificates' signed digital credentials (certificates.credentials, docs/credentials.md): the
# partnership's Ed25519 private key in PEM (newlines as "\n" allowed). Without it (development,
# tests) a key is made once in private storage; `check --deploy` requires it with DEBUG off.
CREDENTIAL_SIGNING_KEY = env("CREDENTIAL_SIGNING_KEY", default="")
# Public keys (PEM, comma-separated) of earlier signing keys, still published after a change of
# key so that credentials signed before it still verify.
CREDENTIAL_PREVIOUS_PUBLIC_KEYS = env.list("CREDENTIAL_PREVIOUS_PUBLIC_KEYS", default=[])

# Bulk imports (organisations.spreadsheets; docs/imports.md, "Limits and large files"). An .xlsx
# unpacking to more than this is refused unread: 5,000 rows of an import come to a few MB.
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
# Longer than any value an import keeps (the longest, an email address, has at most 254).
IMPORT_MAX_CELL_CHARACTERS = env.int("IMPORT_MAX_CELL_CHARACTERS", default=1_000)
# Files unpacking to more than this are read and checked by a Celery task, not the request.
IMPORT_BACKGROUND_BYTES = env.int("IMPORT_BACKGROUND_BYTES", default=1024 * 1024)
# The task's time limits, in seconds: 5,000 rows take a few seconds; at the soft limit the
# file is refused with a message, at the hard one the worker process is replaced.
IMPORT_CHECK_SOFT_TIME_LIMIT = env.int("IMPORT_CHECK_SOFT_TIME_LIMIT", default=120)
IMPORT_CHECK_TIME_LIMIT = env.int("IMPORT_CHECK_TIME_LIMIT", default=150)

# Email ------------------------------------------------------------------------------------

# Every email is stored in the outbox, in the transaction that wrote it; a worker (or, without
# a broker, `manage.py outbox_watch`) sends it afterwards and tries again if the mail server
# fails. So no page waits for the mail server or fails with it (docs/email.md).
EMAIL_BACKEND = "outbox.backends.OutboxBackend"
# What the outbox sends through: the EMAIL_BACKEND environment variable names it.
EMAIL_TRANSPORT = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
if EMAIL_TRANSPORT in {EMAIL_BACKEND, "post_office.EmailBackend"}:
    raise ImproperlyConfigured("EMAIL_BACKEND must name the mail server's backend, not the outbox.")
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_TRANSPORT},
    # outbox.services queues one send task a transaction; post_office's own would queue one
    # an email, and run inside the request when tasks are eager.
    "CELERY_ENABLED": False,
    # Every 10 minutes, 12 times: a mail server down for two hours loses nothing. Then the
    # email is marked failed, for the partnership team to see under Settings > Outbox.
    "MAX_RETRIES": 12,
    "RETRY_INTERVAL": timedelta(minutes=10),
    "LOG_LEVEL": 2,  # a log row for every attempt, delivered or not
    # Calendar files carry joining links: kept where no URL serves them.
    "FILE_STORAGE": "private",
}
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="learning-hub@partnership.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Navigation -------------------------------------------------------------------------------

# Modules that add sections to My training (compliance.my_training_sections), each with
# `my_training_section(user)`: a person's evaluations to answer and their certificates.
MY_TRAINING_SECTIONS = [
    "evaluations.my_training",
    "certificates.my_training",
    "shadowing.my_training",
]

# Modules that add links to the service navigation and the home page, each with
# `nav_links(user, roles)` and `dashboard_links(user, roles)` (accounts.navigation). Named here,
# not imported by accounts, so the foundation depends on no feature app.
NAVIGATION_MODULES = [
    "organisations.navigation",
    "training.navigation",
    "evidence.navigation",
    "compliance.navigation",
    "cms.navigation",
    "evaluations.navigation",
    "certificates.navigation",
    "shadowing.navigation",
    "reporting.navigation",
]

# Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in the web process as they are queued (still after commit).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Emails a send after a commit missed (a broker briefly down) and retries of failed ones.
    "outbox-send": {
        "task": "outbox.tasks.outbox_send_task",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "outbox-delete-old": {
        "task": "outbox.tasks.outbox_delete_old_task",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 23 * 60 * 60},
    },
    "invitations-expire": {
        "task": "accounts.tasks.invitations_expire_task",
        "schedule": 60 * 60,
    },
    "people-imports-expire": {
        "task": "organisations.tasks.import_batches_expire_task",
        "schedule": 60 * 60 * 24,
    },
    # Reminders and joining instructions: a quarter of an hour late at worst. A tick still
    # queued when the next is due is dropped (expires), not run twice in a row.
    "training-notifications-sweep": {
        "task": "training.tasks.bookings.notifications_sweep_task",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # Unanswered approval requests expire hours before the session; 15 minutes is close enough.
    "training-requests-expire": {
        "task": "training.tasks.bookings.bookings_expire_unanswered_task",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # A lapsed offer keeps the next person on the waiting list waiting, so check often.
    "training-offers-expire": {
        "task": "training.tasks.bookings.offers_expire_task",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Places freed by a released agency-mix rule or a bigger session reach the waiting list.
    "training-waiting-lists-offer": {
        "task": "training.tasks.bookings.waiting_lists_offer_task",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # Compliance reminders (60 and 30 days before expiry, on expiry, new requirements), each
    # sent once: a morning sweep, London time. A day missed is made up the next morning.
    "training-compliance-reminders": {
        "task": "compliance.tasks.compliance_notices_sweep_task",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 23 * 60 * 60},
    },
    # Monthly digests of overdue people to coordinators and clerks: checked each morning,
    # sent at most once a month to each.
    "training-compliance-digests": {
        "task": "compliance.tasks.compliance_digests_sweep_task",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 23 * 60 * 60},
    },
    # Review owners of guides and procedures: 30 days before the review date and on the date,
    # each reminder once. A morning sweep, London time; a day missed is made up the next day.
    "cms-review-reminders": {
        "task": "cms.tasks.review_reminders_sweep_task",
        "schedule": crontab(hour=7, minute=15),
        "options": {"expires": 23 * 60 * 60},
    },
    # Web editors whose membership ended yesterday leave their editors' group
    # (cms.services.editors).
    "cms-page-editors-sync": {
        "task": "cms.tasks.page_editors_sync_task",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 23 * 60 * 60},
    },
    # Uploaded files of historic completions are deleted after 90 days (the records stay).
    "training-record-imports-expire": {
        "task": "training.tasks.bookings.record_imports_expire_task",
        "schedule": 60 * 60 * 24,
    },
    # Certificates a register or an evaluation should have issued but whose task was lost:
    # found within the hour. A tick still queued when the next is due is dropped.
    "certificates-issue-sweep": {
        "task": "certificates.tasks.issuing.certificates_issue_sweep_task",
        "schedule": 60 * 60,
        "options": {"expires": 55 * 60},
    },
    # Coordinators' zips of their staff's certificates, deleted with their files once kept
    # CERTIFICATE_EXPORT_KEEP_DAYS.
    "certificates-exports-expire": {
        "task": "certificates.tasks.exports.certificate_exports_expire_task",
        "schedule": 60 * 60,
        "options": {"expires": 55 * 60},
    },
    # Evaluations: each step asked (before, straight after, follow-up) and its one reminder,
    # each once. Every quarter of an hour, so "straight after" follows the register closely;
    # four small queries a tick. A tick still queued when the next is due is dropped.
    "evaluations-invitations-sweep": {
        "task": "evaluations.tasks.invitations.invitations_sweep_task",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # Shadowing: unanswered requests expire, missing checks are chased and joining details
    # sent before the visit, reflections reminded and closed; each email once
    # (docs/shadowing.md).
    "shadowing-sweep": {
        "task": "shadowing.tasks.sweeps.shadowing_sweep_task",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # Reporting: the day's figures kept as rows, so trends read them and never recompute the
    # past (docs/reporting.md). Early morning, after the day has closed and before people sign
    # in; a run missed is taken by the next one, which also fills any day skipped.
    "reporting-snapshot": {
        "task": "reporting.tasks.snapshot_take_task",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
}

# Shadowing --------------------------------------------------------------------------------

# Days a line manager has to answer a shadowing request, and then the host, before it expires
# and everyone is told (docs/shadowing.md).
SHADOWING_MANAGER_ANSWER_DAYS = env.int("SHADOWING_MANAGER_ANSWER_DAYS", default=10)
SHADOWING_HOST_ANSWER_DAYS = env.int("SHADOWING_HOST_ANSWER_DAYS", default=14)
# Days before the visit that missing checks are chased (once), and that the confirmed visitor
# is sent the joining details.
SHADOWING_CHECKS_CHASE_DAYS = env.int("SHADOWING_CHECKS_CHASE_DAYS", default=7)
SHADOWING_JOINING_DETAILS_DAYS = env.int("SHADOWING_JOINING_DETAILS_DAYS", default=3)
# Days after the visit the visitor has to write their reflection (reminded once, halfway).
SHADOWING_REFLECTION_DAYS = env.int("SHADOWING_REFLECTION_DAYS", default=21)

# Certificates -----------------------------------------------------------------------------

# Checks of certificate codes per client address (django-ratelimit, in the default cache):
# plenty for someone checking a pile of certificates by hand, far too few to harvest codes.
CERTIFICATE_VERIFY_RATE_LIMIT = env("CERTIFICATE_VERIFY_RATE_LIMIT", default="30/m")

# How many days a coordinator's zip of their staff's certificates is kept before it is deleted.
CERTIFICATE_EXPORT_KEEP_DAYS = env.int("CERTIFICATE_EXPORT_KEEP_DAYS", default=3)

# Wagtail ----------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = PARTNERSHIP_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
# Private pages and documents send people to our sign-in too, not Wagtail's (config/urls.py).
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
# Passwords are set and reset through allauth only, so MFA and rate limits always apply.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# Email addresses are changed through allauth only, so the new address is always verified.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_USER_EDIT_FORM = "accounts.forms.WagtailUserEditForm"
WAGTAIL_USER_CREATION_FORM = "accounts.forms.WagtailUserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS: list[str] = []
# PostgreSQL full-text search when the database is PostgreSQL (production), SQLite's FTS locally;
# English stemming whatever the server's default text search configuration is.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "english"}
}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "csv", "txt"]
# Documents always go through Wagtail's view at /documents/ (never a redirect to the storage's
# own address), so a collection's privacy setting is checked on every download. Only PDFs
# open in the browser; anything else is an attachment. Wagtail sends each one with
# `Content-Security-Policy: default-src 'none'` and `nosniff` (docs/cms.md, docs/security.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send staff email hashes to a third party and break our CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
        # Named, so post_office does not add a handler of its own (and log everything twice).
        "post_office": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
