"""Gunicorn's settings in the container (``gunicorn -c deploy/gunicorn.conf.py``).

Threads serve most requests, which wait on the database; a few worker
processes use the cores. Logging follows Django's ``LOGGING`` setting, so
gunicorn's own lines come out as JSON through the same redacting handler.
"""

import os
from datetime import timedelta
from typing import Any

from django.conf import settings
from gunicorn.glogging import Logger

from config.env import env_int
from config.logging import redact

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

wsgi_app = "config.wsgi:application"
bind = ["0.0.0.0:8000"]
worker_class = "gthread"
workers = env_int("GUNICORN_WORKERS", 2, minimum=1)
threads = env_int("GUNICORN_THREADS", 4, minimum=1)
# Docker's overlay file system can stall the workers' heartbeat file;
# memory-backed /dev/shm cannot.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# The container is managed by restarting it, not through gunicornc; its
# control socket would also need a writable home directory.
control_socket_disable = True

accesslog = "-"
# No client address, query string, referrer or user agent: the proxy in
# front keeps those if an operator needs them, and this log stays free of
# personal data.
access_log_format = "%(m)s %(U)s %(s)s %(b)s %(M)sms"
logconfig_dict = settings.LOGGING


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn has no types
    """Gunicorn's logger, with private links masked in access-log values.

    The request line is rebuilt without its query string, and every value
    a format could name (path, referrer, headers, environment) is masked,
    so a different ``access_log_format`` cannot bring a token back.
    """

    def atoms(
        self,
        resp: Any,
        req: Any,
        environ: dict[str, Any],
        request_time: timedelta,
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = " ".join(
            [
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "-"),
                environ.get("SERVER_PROTOCOL", "-"),
            ]
        )
        atoms["q"] = ""
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
