"""The optional demo layers: two annotators who disagree, ready for the demo reviewer."""

import pytest
from django.core.management import CommandError, call_command

from annotations.demo import ARTICLE_TITLE, seed_demo
from annotations.models import Assignment, Relation, Span
from annotations.review.selectors import review_state_get
from debate.models import Document, DocumentStatus


@pytest.mark.django_db
def test_demo_annotations_make_the_article_ready_for_review_with_named_differences(capsys):
    seed_demo()
    assert not Span.objects.exists()  # seed_demo itself leaves every layer empty

    call_command("seed_demo_annotations")

    document = Document.objects.get(title=ARTICLE_TITLE)
    assert document.status == DocumentStatus.READY_FOR_REVIEW
    assert Span.objects.filter(document=document, annotator__username="annotator").count() == 5
    assert Span.objects.filter(document=document, annotator__username="annotator2").count() == 6
    assert Relation.objects.filter(document=document).count() == 4
    state = review_state_get(document=document)
    assert state.annotators == ("annotator", "annotator2")
    assert [(unit.agreed, unit.differing, unit.missing) for unit in state.units] == [
        (False, (), ("annotator",)),
        (True, (), ()),
        (False, ("boundaries", "stance", "actor"), ()),
        (False, ("boundaries",), ()),
        (True, (), ()),
        (False, ("role",), ()),
    ]
    assert "Log in as reviewer" in capsys.readouterr().out

    # Again: nothing more, and the other demo articles are untouched.
    call_command("seed_demo_annotations")
    assert Span.objects.count() == 11
    assert Assignment.objects.filter(status="submitted").count() == 2


@pytest.mark.django_db
def test_demo_annotations_need_the_demo_debate():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_annotations")


@pytest.mark.django_db
def test_demo_layers_hold_exactly_these_spans_and_relations():
    seed_demo()
    call_command("seed_demo_annotations")

    document = Document.objects.get(title=ARTICLE_TITLE)
    spans = Span.objects.filter(document=document).order_by("annotator__username", "start")
    rows = [
        (s.annotator.username, s.start, s.end, s.stance, s.role, s.actor and s.actor.name)
        for s in spans
    ]
    assert rows == [
        ("annotator", 365, 417, "pro", "claim", "Rani Govender"),
        ("annotator", 432, 546, "pro", "premise", "Rani Govender"),
        ("annotator", 662, 723, "pro", "claim", "Susie Hargreaves"),
        ("annotator", 847, 932, "contra", "claim", "Tech firms"),
        ("annotator", 943, 1019, "contra", "premise", "Tech firms"),
        ("annotator2", 193, 255, "neutral", "claim", None),
        ("annotator2", 365, 417, "pro", "claim", "Rani Govender"),
        ("annotator2", 432, 478, "neutral", "premise", "NSPCC"),
        ("annotator2", 630, 796, "pro", "claim", "Susie Hargreaves"),
        ("annotator2", 847, 932, "contra", "claim", "Tech firms"),
        ("annotator2", 943, 1019, "contra", "claim", "Tech firms"),
    ]
    assert all(document.text[s.start : s.end] == s.quote for s in spans)
    relations = Relation.objects.filter(document=document).order_by("id")
    assert [(r.annotator.username, r.source.start, r.type, r.target.start) for r in relations] == [
        ("annotator", 432, "supports", 365),
        ("annotator", 943, "supports", 847),
        ("annotator2", 943, "supports", 847),
        ("annotator2", 847, "attacks", 630),
    ]
