"""core.db.integer_columns: a query's integer columns as arrays, the rows values_list gives."""

import numpy as np
import pytest
from django.db.models import BigIntegerField, IntegerField, Value
from django.db.models.functions import Coalesce

from core.db.integer_columns import integer_columns
from debate.models import Document
from tests.factories import DebateFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_the_columns_are_the_rows_of_values_list():
    debate = DebateFactory()
    documents = [DocumentFactory(debate=debate) for _ in range(7)]
    nothing = Value(None, output_field=IntegerField())
    query = Document.objects.filter(debate=debate).values_list(
        "id",
        "debate_id",
        Value(2**40, output_field=BigIntegerField()),
        Value(-3),
        Coalesce(nothing, -1),
    )
    columns = integer_columns(query, 5)
    assert all(column.dtype == np.int64 for column in columns)
    found = sorted(zip(*(column.tolist() for column in columns), strict=True))
    assert found == sorted((d.pk, debate.pk, 2**40, -3, -1) for d in documents)


def test_no_rows_give_empty_columns():
    columns = integer_columns(Document.objects.filter(pk=-1).values_list("id", "debate_id"), 2)
    assert [column.tolist() for column in columns] == [[], []]
