"""Log records as JSON lines, with private links and e-mail addresses masked.

Every handler the project configures carries ``RedactPersonalData``, so a
private-link path (``/a/<token>/``) or an e-mail address that reaches a log
message, an extra field or a traceback is masked before any formatter sees
it. The masking is a safety net, not permission: code should still never
log personal data.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

# The assessment's private links are /a/<token>/..., where the token is 43
# URL-safe characters today; masking from 32 characters up also catches
# longer tokens and most of a token cut short.
PRIVATE_LINK = re.compile(r"/a/[A-Za-z0-9_-]{32,}")
EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# Attributes every LogRecord has; anything else was passed as ``extra``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
}
_SCALARS = (str, int, float, bool, type(None))


def redact(text: str) -> str:
    """``text`` with private-link paths and e-mail addresses masked."""
    text = PRIVATE_LINK.sub("/a/<redacted>", text)
    return EMAIL_ADDRESS.sub("<email>", text)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra`` values of a record that can be written as they are.

    Objects such as the request Django attaches to ``django.request``
    records are left out: their text form is not log data, and may carry
    what the message was careful to leave out.
    """
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES
        and not key.startswith("_")
        and isinstance(value, _SCALARS)
    }


class RedactPersonalData(logging.Filter):
    """Mask private links and e-mail addresses in a record, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A log call whose arguments do not fit its format: leave the
            # record alone so that the handler reports it as usual.
            return True
        record.msg = redact(message)
        record.args = None

        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is
            # formatted once here and written masked by every handler.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(extra_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


LOG_FORMATS = ("json", "text")


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: everything goes to one redacting handler.

    Gunicorn's configuration uses the same dictionary, so its error and
    access logs come out in the same format as the application's.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactPersonalData}},
        "formatters": {
            "json": {"()": JSONFormatter},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["redact"],
                "level": level,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own defaults print requests unmasked in DEBUG and e-mail
        # error reports, whole requests included, to ADMINS. Without their
        # handlers these loggers pass records up to the redacting one.
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True}
                for name in (
                    "django",
                    "django.server",
                    "gunicorn.error",
                    "gunicorn.access",
                )
            },
            # django-axes announces its configuration at INFO on every start;
            # lockouts, which matter, come at WARNING.
            "axes": {"level": "WARNING"},
            # WeasyPrint logs every layout step at INFO, and fontTools its
            # subsetting; their warnings still come through.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
