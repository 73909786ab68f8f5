"""gunicorn settings for НОКО (`gunicorn -c deploy/gunicorn.conf.py noko.wsgi:application`).

Every value can be changed through the environment (the same /etc/noko/noko.env the app reads).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# 2 × cores sync workers: requests are short and database-bound; long work goes to `manage.py worker`.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # DOCX/XLSX exports of a whole region
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# recycle workers now and then, with jitter so they don't all restart together
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# trust X-Forwarded-* only from the proxies Django trusts too
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190
limit_request_fields = 100
# heartbeat files in memory, not on a possibly slow disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# remote address, request, status, size, duration in microseconds, request id from audit's middleware
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s" rid=%({x-request-id}o)s'
proc_name = "noko-web"
