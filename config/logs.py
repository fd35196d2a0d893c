"""Logging: the ``LOGGING`` dictConfig and structlog's set-up, for a format and a level.

``config.settings`` reads ``LOG_FORMAT`` and ``LOG_LEVEL`` from the environment and calls
``configure_logs`` once. json: one JSON object a line, with the time, level, logger, event
and the request id (django-structlog's middleware binds it; Celery tasks a request sends carry
it into the worker's lines); plain: readable lines.
"""

from typing import Any

import structlog

_LOG_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_LOG_CHAIN,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def configure_logs(log_format: str, log_level: str) -> dict[str, Any]:
    """Set structlog up and return the ``LOGGING`` dictConfig writing ``log_format`` lines."""
    _configure_structlog()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(),
                ],
                "foreign_pre_chain": _LOG_CHAIN,
            },
        },
        # 401, 403 and 404 are answers the site means to give: one INFO line, no traceback.
        "filters": {"expected_refusals": {"()": "core.log_filters.ExpectedRefusals"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": log_level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django.request": {"filters": ["expected_refusals"]},
            # A request_finished line per request: for the JSON logs a log collector reads; in
            # readable development logs the server's own line says it.
            "django_structlog": {"level": log_level if log_format == "json" else "ERROR"},
        },
    }
