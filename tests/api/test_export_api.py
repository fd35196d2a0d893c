"""The span export endpoint: who may export, filters, strict parameters, formats and headers."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from annotations.models import Span
from tests.annotations.export_corpus import make_corpus

URL = "/api/v1/debates/encryption/export/spans/"


@pytest.fixture
def corpus(db):
    return make_corpus()


def client_for(corpus, who: str | None) -> APIClient:
    client = APIClient()
    if who is not None:
        client.force_authenticate(corpus.users[who])
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def span_lines(response) -> list[dict]:
    lines = [json.loads(line) for line in body(response).splitlines()]
    return [line for line in lines if line["type"] == "span"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 401),
        ("ann", 403),
        ("ann2", 403),
        ("rev", 200),
        ("man", 200),
        ("res", 200),
        ("outsider", 404),
        ("root", 200),
    ],
)
def test_permission_matrix(corpus, who, expected):
    response = client_for(corpus, who).get(URL, {"format": "jsonl"})
    assert response.status_code == expected
    if expected == 200:
        assert len(span_lines(response)) == 9
    elif expected == 403:
        assert response.json() == {
            "detail": "Only reviewers, managers and researchers of this debate export its "
            "annotations."
        }


def test_unknown_debate_is_404_for_everyone(corpus):
    response = client_for(corpus, "res").get("/api/v1/debates/nope/export/spans/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"created_by__password__startswith": "pbkdf2"},
        {"annotator__username": "ann"},
        {"document__debate__slug": "other"},
        {"fromat": "csv"},
    ],
)
def test_unknown_query_parameters_are_refused_by_name(corpus, query):
    response = client_for(corpus, "res").get(URL, query)
    assert response.status_code == 400
    assert response.json() == {name: ["Unknown query parameter."] for name in query}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"format": "xml"}, "format"),
        ({"layer": "nobody"}, "layer"),
        ({"documents": "1,x"}, "documents"),
        ({"documents": "999999"}, "documents"),
        ({"published_after": "yesterday"}, "published_after"),
        ({"updated_since": "2024-13-01"}, "updated_since"),
    ],
)
def test_bad_filter_values_are_refused_by_field(corpus, query, field):
    response = client_for(corpus, "res").get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_layer_filter(corpus):
    client = client_for(corpus, "res")
    layers = {
        layer: sorted(line["quote"] for line in span_lines(client.get(URL, {"layer": layer})))
        for layer in ("gold", "ann", "ann2", "all")
    }
    assert layers["gold"] == [
        "Owen Pell disagreed",
        "a “master key” opens any door",
        "checking is overdue",
        "checking shields children",
    ]
    assert layers["ann2"] == ["encryption keeps everyone safe"]
    assert len(layers["ann"]) == 4
    assert len(layers["all"]) == 9


def test_documents_and_published_filters(corpus):
    client = client_for(corpus, "res")
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    documents = {
        line["document"] for line in span_lines(client.get(URL, {"documents": f"{b},{c}"}))
    }
    assert documents == {b, c}
    after = span_lines(client.get(URL, {"published_after": "2024-01-01"}))
    assert {line["document"] for line in after} == {c}
    before = span_lines(client.get(URL, {"published_before": "2023-12-31"}))
    assert {line["document"] for line in before} == {b}  # a has no date: out of any range
    both = span_lines(
        client.get(URL, {"published_after": "2023-01-01", "published_before": "2023-12-31"})
    )
    assert {line["document"] for line in both} == {b}
    assert a not in {line["document"] for line in after + before}


def test_updated_since_filter(corpus):
    old = datetime(2020, 1, 1, tzinfo=UTC)
    Span.objects.exclude(pk=corpus.spans["gold_b"].pk).update(updated_at=old)
    response = client_for(corpus, "res").get(URL, {"updated_since": "2021-01-01T00:00:00Z"})
    assert [line["id"] for line in span_lines(response)] == [corpus.spans["gold_b"].pk]


def test_jsonl_response_streams_with_provenance_header_and_filename(corpus):
    response = client_for(corpus, "res").get(
        URL + "?format=jsonl&layer=gold&documents=" + str(corpus.doc_b.pk)
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="encryption-spans-gold-'
    )
    assert response["Content-Disposition"].endswith('.jsonl"')
    header = json.loads(response["X-Debatemap-Provenance"])
    assert header["software"] == {"name": "Debatemap", "version": "0.1.0"}
    assert header["debate"] == {"slug": "encryption", "title": "Encryption “debate”"}
    assert header["filters"]["layer"] == "gold"
    assert header["filters"]["documents"] == [corpus.doc_b.pk]
    assert header["exported_by"] == "res"
    assert response["X-Debatemap-Provenance"].isascii()
    first = json.loads(body(response).splitlines()[0])
    assert first["type"] == "provenance"
    assert first["exported_at"] == header["exported_at"]


def test_path_without_trailing_slash_exports_too(corpus):
    response = client_for(corpus, "res").get(URL.rstrip("/"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_response(corpus):
    response = client_for(corpus, "rev").get(URL, {"format": "csv", "layer": "gold"})
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))
    assert len(rows) == 4
    assert {row["layer"] for row in rows} == {"gold"}


def test_w3c_response(corpus):
    response = client_for(corpus, "man").get(URL, {"format": "w3c"})
    assert response["Content-Type"] == (
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    )
    assert response["Content-Disposition"].endswith('.jsonld"')
    assert "Deprecation" not in response and "X-Debatemap-Deprecated" not in response
    document = json.loads(body(response))
    assert document["id"].startswith("http://testserver/api/v1/debates/encryption/export/")
    assert document["provenance"]["format"] == "w3c"
    annotation = document["first"]["items"][0]
    assert annotation["target"]["source"] == (
        f"http://testserver/api/v1/documents/{corpus.doc_a.pk}/"
    )


def test_webanno_is_the_deprecated_name_of_w3c_and_says_so(corpus):
    client = client_for(corpus, "man")
    old = client.get(URL, {"format": "webanno", "layer": "gold"})
    new = client.get(URL, {"format": "w3c", "layer": "gold"})

    assert old.status_code == new.status_code == 200
    assert old["Content-Type"] == new["Content-Type"]
    assert old["Deprecation"] == "@1796515200"  # RFC 9745: since 2026-12-06
    assert old["X-Debatemap-Deprecated"] == (
        "format=webanno is deprecated and will be removed in the next release: use format=w3c "
        "(the same W3C Web Annotation JSON-LD)."
    )
    old_document, new_document = json.loads(body(old)), json.loads(body(new))
    # The same collection but for the moment it was made and its id, the URL asked for.
    assert old_document.pop("id").endswith("?format=webanno&layer=gold")
    assert new_document.pop("id").endswith("?format=w3c&layer=gold")
    for document in (old_document, new_document):
        document.pop("generated")
        document["provenance"].pop("exported_at")
    assert old_document == new_document


def test_brat_response(corpus):
    response = client_for(corpus, "res").get(URL, {"format": "brat", "layer": "ann2"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.namelist() == [
        "provenance.json",
        "annotation.conf",
        f"annotators/ann2/doc-{corpus.doc_c.pk}.txt",
        f"annotators/ann2/doc-{corpus.doc_c.pk}.ann",
    ]
    assert json.loads(archive.read("provenance.json"))["filters"]["layer"] == "ann2"


def test_export_of_a_debate_without_spans_is_provenance_and_actors_only(corpus):
    Span.objects.all().delete()
    lines = body(client_for(corpus, "res").get(URL)).splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["provenance", "actor", "actor"]


def test_export_runs_a_bounded_number_of_queries(corpus, django_assert_max_num_queries):
    client = client_for(corpus, "res")
    with django_assert_max_num_queries(25):
        response = client.get(URL)
        body(response)
