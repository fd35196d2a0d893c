"""ExpectedRefusals: 401, 403 and 404 become one INFO line; everything else is left alone."""

import logging
import sys

import pytest

from core.log_filters import ExpectedRefusals


def _record(status: int | None, level: int = logging.WARNING) -> logging.LogRecord:
    try:
        raise ValueError("refused")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", level, __file__, 1, "Refused: %s", ("/x/",), exc_info
    )
    if status is not None:
        record.status_code = status
    return record


@pytest.mark.parametrize("status", [401, 403, 404])
def test_an_expected_refusal_is_one_info_line(status):
    record = _record(status)

    kept = ExpectedRefusals().filter(record)

    assert kept is True  # the site logs at INFO (config/settings.py)
    assert (record.levelno, record.levelname, record.exc_info, record.exc_text) == (
        logging.INFO,
        "INFO",
        None,
        None,
    )
    assert logging.Formatter().format(record) == "Refused: /x/"


@pytest.mark.parametrize(("status", "level"), [(400, logging.WARNING), (500, logging.ERROR)])
def test_other_answers_keep_their_level_and_traceback(status, level):
    record = _record(status, level)

    assert ExpectedRefusals().filter(record) is True
    assert record.levelno == level
    assert record.exc_info[0] is ValueError


def test_a_record_without_a_status_is_left_alone():
    record = _record(None)

    assert ExpectedRefusals().filter(record) is True
    assert (record.levelno, record.exc_info[0]) == (logging.WARNING, ValueError)


def test_a_refusal_is_dropped_where_info_is_below_the_level(caplog):
    caplog.set_level(logging.WARNING, logger="django.request")

    assert ExpectedRefusals().filter(_record(404)) is False
