"""Logging filters: a refusal the site gives on purpose is not an error.

Django logs every 4xx answer on ``django.request`` as a WARNING, and a ``PermissionDenied``
with its whole traceback ("Forbidden (Permission denied)"): a log of an ordinary day would be
full of tracebacks that say nothing broke. ``ExpectedRefusals`` turns those into one INFO line
each; a 5xx keeps its level and its traceback (tests/core/test_log_filters.py).
"""

import logging

# Not signed in, not allowed, not found (or in a debate the user is not a member of).
EXPECTED_STATUSES = frozenset({401, 403, 404})


class ExpectedRefusals(logging.Filter):
    """Log a 401, 403 or 404 of ``django.request`` as one INFO line, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) not in EXPECTED_STATUSES:
            return True
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno = logging.INFO
        record.levelname = logging.getLevelName(logging.INFO)
        # The logger let it through as a WARNING; as INFO it may be below the level set.
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)
