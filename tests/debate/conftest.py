from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def run_command(db):
    """Return a function that runs a management command and returns (stdout, stderr)."""

    def run(name: str, *args: str, **options) -> tuple[str, str]:
        stdout, stderr = StringIO(), StringIO()
        call_command(name, *args, stdout=stdout, stderr=stderr, **options)
        return stdout.getvalue(), stderr.getvalue()

    return run
