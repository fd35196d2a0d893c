"""The export benchmark's data generator."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Span
from bench.management.commands.generate_bench_data import Command as GenerateBenchData
from tests.factories import UserFactory


def test_generate_bench_data_command(db):
    stdout = StringIO()
    UserFactory(username="someone")
    call_command(GenerateBenchData(), "--spans", "250", "--documents", "5", stdout=stdout)
    assert "Created bench-export: 250 spans over 5 documents" in stdout.getvalue()
    spans = Span.objects.filter(document__debate__slug="bench-export")
    assert spans.count() == 250
    assert all(span.quote == span.document.text[span.start : span.end] for span in spans)
    with pytest.raises(CommandError, match="exists"):
        call_command(GenerateBenchData(), "--spans", "10")
