"""gunicorn for the register, behind the TLS-terminating proxy (deploy/README.md).

    .venv/bin/gunicorn caracom_register.wsgi -c deploy/gunicorn.conf.py

Read from the same environment as the Django settings. Everything can be
overridden on the command line (`--bind 127.0.0.1:8001`).
"""

import os


def _flag(name, default="false"):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    return int(os.environ.get(name, default))


# Only the proxy talks to gunicorn: never bind a public address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, one per core per instance: with the two instances behind nginx that is two per core in
# all. The pages are short and CPU-bound (template rendering, PostgreSQL on the same box), so more workers
# only queue for the same cores (docs/benchmarks.md, make load; compare with GUNICORN_WORKERS and friends).
workers = _int("GUNICORN_WORKERS", os.cpu_count() or 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)
# A request over 30 s is a bug (the subject lookup and the lists are bounded); kill it rather than queue behind it.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
# nginx keeps upstream connections open (deploy/nginx/caracom-register.conf): keep them a little longer than it does.
keepalive = 75
# Recycle workers now and then, staggered, so a slow leak never reaches the whole pool at once.
max_requests = 5000
max_requests_jitter = 500

# Forwarded headers are believed exactly as the Django settings say, and only from the proxy.
# gunicorn's default trusts X-Forwarded-Proto, X-Forwarded-Ssl and X-Forwarded-Protocol from 127.0.0.1,
# so any local process (or a proxy that passes the client's headers through) could claim HTTPS and skip
# SECURE_SSL_REDIRECT. With TRUST_X_FORWARDED_PROTO=false nothing is believed; with true, only
# X-Forwarded-Proto, which nginx overwrites on every request, from FORWARDED_ALLOW_IPS (the proxy).
if _flag("TRUST_X_FORWARDED_PROTO"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}
# The client address is Django's business (TRUSTED_PROXY_COUNT, X-Forwarded-For); gunicorn rewrites nothing.
forwarder_headers = ""
# Headers spelled with underscores (X_Forwarded_Proto) could pose as the dashed ones: drop them.
header_map = "drop"

# Request size limits at the socket; nginx enforces the body size (client_max_body_size).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# The access log records the path without its query string: a query can hold what someone searched for
# (a name, an email), which must not outlive an erasure in a log file.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "caracom-register"
