"""gunicorn settings; each can be overridden with GUNICORN_CMD_ARGS or the command line."""

import os

bind = os.environ.get("KICK_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("KICK_WORKERS", "2"))
threads = int(os.environ.get("KICK_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Paths only (no query strings, no bodies), and private links in them are masked by the logger
# class below, so a draft's link never reaches a log file.
# With KICK_LOG_FORMAT=json the app logs each request itself, with its request id.
accesslog = None if os.environ.get("KICK_LOG_FORMAT") == "json" else "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("KICK_FORWARDED_ALLOW_IPS", "127.0.0.1")
logger_class = "kick_forms.accesslog.RedactingLogger"
