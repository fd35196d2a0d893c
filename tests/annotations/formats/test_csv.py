"""CSV: one row per span under the header, relations in one cell."""

import csv
import io

from annotations.formats.csv import CSV_COLUMNS
from tests.annotations.export_corpus import (
    export,
)


def test_csv_has_a_header_and_one_row_per_span_with_compact_relations(corpus):
    rows = list(csv.reader(io.StringIO(export(corpus, "csv").decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 9
    by_id = {int(row[0]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    firms, multiline = corpus.spans["a_firms"], corpus.spans["a_multiline"]
    row = by_id[multiline.pk]
    assert row["quote"] == "at once.\nThe Heron"
    assert row["note"] == "crosses\na line"
    assert row["relations"] == f"attacks:{firms.pk}"
    assert (row["layer"], row["annotator"], row["stance"], row["role"]) == (
        "ann",
        "ann",
        "neutral",
        "claim",
    )
    assert (by_id[firms.pk]["actor_id"], by_id[firms.pk]["actor"]) == (
        str(corpus.firms.pk),
        "the tech firms",
    )
    gold = by_id[corpus.spans["gold_a"].pk]
    assert (gold["layer"], gold["annotator"], gold["relations"]) == ("gold", "", "")
