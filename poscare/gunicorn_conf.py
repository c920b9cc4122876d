"""gunicorn settings for poscare: `make serve`, deploy/poscare-web.service and the container
all start `gunicorn -c python:poscare.gunicorn_conf poscare.wsgi`.

Threaded workers (gthread): most of a request's time is spent waiting on PostgreSQL and
Redis, so a few processes with several threads each serve more users per core than one
request per process. Everything here can be set from the environment (see deploy/poscare.env).
"""

from __future__ import annotations

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Two processes per core is gunicorn's advice for a machine that only serves poscare.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# A request that takes longer is a bug or a stuck database: the worker is replaced.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Replace a worker now and then, so a slow leak never takes a server down.
max_requests = 5000
max_requests_jitter = 500
# The request line, headers and body are bounded before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
# X-Forwarded-Proto / -For are believed only from the reverse proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access log to stderr (journald in deploy/). The app's log-record factory masks card numbers
# in every record, this one included, since the worker loads the app before it logs.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
proc_name = "poscare-web"
# No control socket (gunicorn ≥ 25 makes one in the home directory, which the service user
# cannot write: deploy/systemd runs with only var/ writable); systemd reloads with SIGHUP.
control_socket_disable = True
