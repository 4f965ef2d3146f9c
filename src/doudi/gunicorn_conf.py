"""Gunicorn settings for Doudi's web processes (``make serve``, ``make demo``, the Procfile and the systemd unit).

Everything comes from the environment so that the demo and the documented deployment run the same command:
    gunicorn doudi.wsgi:application -c python:doudi.gunicorn_conf
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("DOUDI_BIND", "127.0.0.1:8000")
# Sync workers with a few threads: pages are short database reads; large uploads go to the worker queue.
workers = int(os.environ.get("DOUDI_WEB_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("DOUDI_WEB_THREADS", "4"))
timeout = int(os.environ.get("DOUDI_WEB_TIMEOUT", "120"))
graceful_timeout = 30
# A department upload of up to 5 MB is parsed in the request; bigger ones are queued for the worker.
limit_request_line = 8190
# The access log names the path only (%(U)s), never the query string: no personal data in web server logs.
accesslog = os.environ.get("DOUDI_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "doudi-web"
# Load the app once before forking: workers start ready and share the imported code.
preload_app = True
forwarded_allow_ips = os.environ.get("DOUDI_TRUSTED_PROXIES", "127.0.0.1")
