"""Settings for the benchmark server: the app's own settings, plus the anchor views (bench/urls.py)
and a header with the number of SQL statements each request ran (bench/middleware.py)."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
AXES_ENABLED = False  # the benchmark logs in by session rows and tokens, never by password
