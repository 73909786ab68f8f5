"""Settings of the benchmark server: the project's own, with rate limits off and the client address from a header."""

from noko.settings import *  # noqa: F403

ROOT_URLCONF = "bench.surveys_site.urls"
DEBUG = False
RATELIMIT_ENABLE = False  # the load generator is one machine
TRUSTED_PROXIES = ["127.0.0.1"]  # it sends X-Forwarded-For per respondent, as a reverse proxy would
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"level": "ERROR", "handlers": ["console"]},
}
