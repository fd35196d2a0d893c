"""The review workflow's services and selectors: assignment, adjudication into gold, agreement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import (
    Assignment,
    DocumentReview,
    Relation,
    ReviewAction,
    ReviewDecision,
    Span,
    SpanEvent,
)
from annotations.review.agreement import (
    AnnotatedDocument,
    AnnotatedRelation,
    F1Counts,
    debate_agreement,
)
from annotations.review.alignment import AnnotatedSpan
from annotations.review.selectors import (
    annotated_documents,
    debate_agreement_get,
    review_queue,
    review_state_get,
)
from annotations.review.services import (
    ACCEPT_AGREED,
    DecisionInput,
    NotReviewable,
    ReviewIncomplete,
    StaleReview,
    assignment_create,
    assignments_spread,
    review_decide,
    review_finish,
)
from annotations.selectors import span_list
from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.models import Document, DocumentStatus, Role
from maps.models import MapBuild, MapVersion
from tests.factories import ActorFactory, AssignmentFactory, DocumentFactory

TEXT = (
    "Chat hosts say a master key would leave every service less safe for all. "
    "The Heron Trust says checking is needed to shield children. "
    "Critics call it mass surveillance. Police want access."
)


def at(needle: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def values(needle: str, stance: str = "pro", role: str = "claim", actor=None, note="") -> SpanInput:
    start, end = at(needle)
    return SpanInput(
        start=start, end=end, quote=needle, stance=stance, role=role, actor=actor, note=note
    )


def tag(document, user, needle, **kwargs) -> Span:
    return span_create(
        document=document, annotator=user, by=user, data=values(needle, **kwargs)
    ).span


@pytest.fixture
def scene(debate, member):
    """Two annotators who agree on one span, differ on two, and each mark one alone."""
    ann = member(Role.ANNOTATOR, username="ann")
    ann2 = member(Role.ANNOTATOR, username="ann2")
    reviewer = member(Role.REVIEWER, username="rev")
    manager = member(Role.MANAGER, username="man")
    firms = ActorFactory(debate=debate, name="Chat hosts")
    document = DocumentFactory(debate=debate, text=TEXT, title="Crafted")
    for user in (ann, ann2):
        AssignmentFactory(document=document, annotator=user)
    backdoor = "a master key would leave every service less safe for all"
    spans = {
        "ann_backdoor": tag(document, ann, backdoor, stance="contra", actor=firms.pk),
        "ann2_backdoor": tag(document, ann2, backdoor, stance="contra", actor=firms.pk),
        "ann_scanning": tag(document, ann, "checking is needed to shield children"),
        "ann2_scanning": tag(
            document, ann2, "The Heron Trust says checking is needed", role="premise"
        ),
        "ann_critics": tag(document, ann, "mass surveillance", stance="contra", role="premise"),
        "ann2_police": tag(document, ann2, "Police want access"),
    }
    relation_create(
        document=document,
        by=ann,
        source=spans["ann_critics"],
        target=spans["ann_backdoor"],
        type="supports",
    )
    for user in (ann, ann2):
        document_submit(document=document, annotator=user)
    document.refresh_from_db()
    return {
        "document": document,
        "ann": ann,
        "ann2": ann2,
        "rev": reviewer,
        "man": manager,
        "firms": firms,
        "spans": spans,
        "debate": debate,
    }


def key(*spans: Span) -> str:
    return "u-" + "-".join(str(pk) for pk in sorted(span.pk for span in spans))


def decide(scene, version, **kwargs):
    return review_decide(
        document=scene["document"],
        by=scene["rev"],
        expected_version=version,
        decision=DecisionInput(**kwargs),
    )


def gold_rows(document) -> list[tuple]:
    return list(
        Span.objects.filter(document=document, annotator__isnull=True)
        .order_by("start")
        .values_list("start", "end", "stance", "role", "actor_id")
    )


# --- Workflow -------------------------------------------------------------------------------
def test_document_is_ready_for_review_once_the_required_layers_are_submitted(debate, member):
    ann, ann2 = member(Role.ANNOTATOR), member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate)
    document_submit(document=document, annotator=ann)
    document.refresh_from_db()
    assert document.status == DocumentStatus.NEW
    document_submit(document=document, annotator=ann2)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY_FOR_REVIEW


def test_state_aligns_exact_matches_then_overlaps_and_names_the_differences(scene):
    spans = scene["spans"]
    state = review_state_get(document=scene["document"])

    assert state.annotators == ("ann", "ann2")
    assert state.version == 0
    got = [(unit.key, unit.differing, unit.missing, unit.agreed) for unit in state.units]
    assert got == [
        (key(spans["ann_backdoor"], spans["ann2_backdoor"]), (), (), True),
        (
            key(spans["ann_scanning"], spans["ann2_scanning"]),
            ("boundaries", "role"),
            (),
            False,
        ),
        (key(spans["ann_critics"]), (), ("ann2",), False),
        (key(spans["ann2_police"]), (), ("ann",), False),
    ]
    assert state.undecided == 4
    assert [unit.key for unit in state.agreed_undecided] == [state.units[0].key]


def test_only_submitted_layers_are_compared(scene, member):
    late = member(Role.ANNOTATOR, username="late")
    tag(scene["document"], late, "Critics call it")
    state = review_state_get(document=scene["document"])
    assert state.annotators == ("ann", "ann2")
    assert all(span.annotator_id != late.pk for unit in state.units for span in unit.spans)


# --- Decisions ------------------------------------------------------------------------------
def test_accept_copies_the_chosen_version_into_gold_and_records_where_it_came_from(scene):
    spans = scene["spans"]
    unit = key(spans["ann_scanning"], spans["ann2_scanning"])

    outcome = decide(scene, 0, action="accept", unit=unit, span=spans["ann2_scanning"].pk)

    assert outcome.version == 1
    [decision] = outcome.decisions
    gold = Span.objects.get(pk=decision.gold_span_pk)
    assert gold.annotator_id is None
    assert (gold.start, gold.end, gold.quote, gold.stance, gold.role) == (
        *at("The Heron Trust says checking is needed"),
        "The Heron Trust says checking is needed",
        "pro",
        "premise",
    )
    assert gold.created_by == scene["rev"]
    assert (decision.action, decision.unit_key, decision.source_span_ids) == (
        "accept",
        unit,
        [spans["ann2_scanning"].pk],
    )
    assert decision.reviewer == scene["rev"]
    assert decision.review_version == 1
    [event] = SpanEvent.objects.filter(span_pk=gold.pk)
    assert event.action == "created"
    assert event.reason == (
        f"review decision {decision.pk}: accepted ann2's span {spans['ann2_scanning'].pk} "
        f"(unit {unit})"
    )
    assert DocumentReview.objects.get(document=scene["document"]).started_by == scene["rev"]


def test_changing_a_decision_changes_the_units_one_gold_span(scene):
    spans = scene["spans"]
    unit = key(spans["ann_scanning"], spans["ann2_scanning"])
    first = decide(scene, 0, action="accept", unit=unit, span=spans["ann2_scanning"].pk)
    gold_pk = first.decisions[0].gold_span_pk

    second = decide(scene, 1, action="accept", unit=unit, span=spans["ann_scanning"].pk)
    assert second.decisions[0].gold_span_pk == gold_pk
    assert gold_rows(scene["document"]) == [
        (*at("checking is needed to shield children"), "pro", "claim", None)
    ]

    third = decide(scene, 2, action="reject", unit=unit)
    assert third.decisions[0].gold_span_pk == gold_pk
    assert gold_rows(scene["document"]) == []
    history = list(SpanEvent.objects.filter(span_pk=gold_pk).values_list("action", "reason"))
    ids = [d.pk for d in ReviewDecision.objects.order_by("id")]
    assert history == [
        (
            "created",
            f"review decision {ids[0]}: accepted ann2's span {spans['ann2_scanning'].pk} "
            f"(unit {unit})",
        ),
        (
            "updated",
            f"review decision {ids[1]}: accepted ann's span {spans['ann_scanning'].pk} "
            f"(unit {unit})",
        ),
        ("deleted", f"review decision {ids[2]}: rejected (unit {unit})"),
    ]
    state = review_state_get(document=scene["document"])
    assert state.unit(unit).state == "rejected"

    decide(scene, 3, action="accept", unit=unit, span=spans["ann_scanning"].pk)
    assert len(gold_rows(scene["document"])) == 1


def test_edit_writes_the_reviewers_values(scene):
    spans = scene["spans"]
    unit = key(spans["ann_scanning"], spans["ann2_scanning"])
    outcome = decide(
        scene,
        0,
        action="edit",
        unit=unit,
        sources=(spans["ann_scanning"].pk,),
        values=values("checking is needed", role="premise", note="shortened"),
    )
    [decision] = outcome.decisions
    assert decision.source_span_ids == [spans["ann_scanning"].pk]
    gold = Span.objects.get(pk=decision.gold_span_pk)
    assert (gold.quote, gold.role, gold.note) == ("checking is needed", "premise", "shortened")
    assert review_state_get(document=scene["document"]).unit(unit).state == "edited"


def test_an_invalid_decision_writes_nothing(scene):
    spans = scene["spans"]
    unit = key(spans["ann_scanning"], spans["ann2_scanning"])
    bad = SpanInput(start=0, end=4, quote="Nope", stance="pro", role="claim")
    with pytest.raises(ValidationError) as error:
        decide(scene, 0, action="edit", unit=unit, values=bad)
    assert "quote" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        decide(scene, 0, action="accept", unit=unit, span=spans["ann_critics"].pk)
    assert "span" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        decide(scene, 0, action="reject", unit="u-999999")
    assert "unit" in error.value.message_dict
    assert ReviewDecision.objects.count() == 0
    assert gold_rows(scene["document"]) == []
    assert review_state_get(document=scene["document"]).version == 0


def test_add_link_and_unlink_gold(scene):
    spans = scene["spans"]
    claim = decide(
        scene,
        0,
        action="accept",
        unit=key(spans["ann_backdoor"], spans["ann2_backdoor"]),
        span=spans["ann_backdoor"].pk,
    ).decisions[0]
    added = decide(
        scene, 1, action="add", values=values("Critics call it mass surveillance", "contra")
    ).decisions[0]
    assert added.unit_key == f"g-{added.gold_span_pk}"
    state = review_state_get(document=scene["document"])
    assert state.unit(added.unit_key).state == "added"

    link = decide(
        scene,
        2,
        action="link",
        source=added.gold_span_pk,
        target=claim.gold_span_pk,
        type="supports",
    ).decisions[0]
    relation = Relation.objects.get(pk=link.gold_relation_pk)
    assert (relation.annotator_id, relation.source_id, relation.target_id, relation.type) == (
        None,
        added.gold_span_pk,
        claim.gold_span_pk,
        "supports",
    )
    with pytest.raises(ValidationError):
        decide(scene, 3, action="link", source=spans["ann_backdoor"].pk, target=1, type="x")

    decide(scene, 3, action="unlink", relation=relation.pk)
    assert not Relation.objects.filter(pk=relation.pk).exists()

    decide(scene, 4, action="reject", unit=added.unit_key)
    assert not Span.objects.filter(pk=added.gold_span_pk).exists()
    state = review_state_get(document=scene["document"])
    assert state.unit(added.unit_key) is None


def test_annotators_relations_are_suggested_once_both_ends_are_gold(scene):
    spans = scene["spans"]
    decide(
        scene,
        0,
        action="accept",
        unit=key(spans["ann_backdoor"], spans["ann2_backdoor"]),
        span=spans["ann2_backdoor"].pk,
    )
    assert review_state_get(document=scene["document"]).relation_suggestions == []
    critics = decide(
        scene, 1, action="accept", unit=key(spans["ann_critics"]), span=spans["ann_critics"].pk
    ).decisions[0]
    state = review_state_get(document=scene["document"])
    [suggestion] = state.relation_suggestions
    backdoor_gold = state.unit(key(spans["ann_backdoor"], spans["ann2_backdoor"])).gold
    assert (suggestion.layer, suggestion.type, suggestion.source, suggestion.target) == (
        "ann",
        "supports",
        critics.gold_span_pk,
        backdoor_gold.pk,
    )


def test_accept_agreed_takes_only_units_everyone_marked_identically(scene):
    spans = scene["spans"]
    outcome = decide(scene, 0, action=ACCEPT_AGREED)
    assert outcome.version == 1
    [decision] = outcome.decisions
    assert decision.action == ReviewAction.ACCEPT
    assert decision.unit_key == key(spans["ann_backdoor"], spans["ann2_backdoor"])
    assert gold_rows(scene["document"]) == [
        (
            *at("a master key would leave every service less safe for all"),
            "contra",
            "claim",
            scene["firms"].pk,
        )
    ]
    again = decide(scene, 1, action=ACCEPT_AGREED)
    assert (again.version, again.decisions) == (1, [])


# --- Concurrency, permissions, status -------------------------------------------------------
def test_a_stale_review_version_is_refused_and_nothing_changes(scene):
    spans = scene["spans"]
    decide(scene, 0, action=ACCEPT_AGREED)
    with pytest.raises(StaleReview) as error:
        decide(scene, 0, action="reject", unit=key(spans["ann_critics"]))
    assert error.value.current_version == 1
    assert ReviewDecision.objects.count() == 1
    assert (
        review_state_get(document=scene["document"]).unit(key(spans["ann_critics"])).decision
        is None
    )


def test_only_reviewers_decide(scene):
    for who in ("man", "ann"):
        with pytest.raises(PermissionDenied):
            review_decide(
                document=scene["document"],
                by=scene[who],
                expected_version=0,
                decision=DecisionInput(action=ACCEPT_AGREED),
            )
    assert not DocumentReview.objects.exists()


def test_a_document_still_being_annotated_cannot_be_reviewed(scene, member):
    document = DocumentFactory(debate=scene["debate"])
    with pytest.raises(NotReviewable):
        review_decide(
            document=document,
            by=scene["rev"],
            expected_version=0,
            decision=DecisionInput(action=ACCEPT_AGREED),
        )


def test_finish_needs_every_unit_decided_then_closes_the_review(scene):
    spans = scene["spans"]
    decide(scene, 0, action=ACCEPT_AGREED)
    with pytest.raises(ReviewIncomplete):
        review_finish(document=scene["document"], by=scene["rev"], expected_version=1)
    decide(
        scene,
        1,
        action="accept",
        unit=key(spans["ann_scanning"], spans["ann2_scanning"]),
        span=spans["ann_scanning"].pk,
    )
    decide(scene, 2, action="reject", unit=key(spans["ann_critics"]))
    decide(scene, 3, action="accept", unit=key(spans["ann2_police"]), span=spans["ann2_police"].pk)

    outcome = review_finish(document=scene["document"], by=scene["rev"], expected_version=4)

    assert outcome.version == 5
    assert outcome.decisions[0].action == "finish"
    document = Document.objects.get(pk=scene["document"].pk)
    assert document.status == DocumentStatus.ADJUDICATED
    review = DocumentReview.objects.get(document=document)
    assert (review.finished_by, review.version) == (scene["rev"], 5)
    assert gold_rows(document) == [
        (
            *at("a master key would leave every service less safe for all"),
            "contra",
            "claim",
            scene["firms"].pk,
        ),
        (*at("checking is needed to shield children"), "pro", "claim", None),
        (*at("Police want access"), "pro", "claim", None),
    ]
    with pytest.raises(NotReviewable):
        decide(scene, 5, action="reject", unit=key(spans["ann2_police"]))


def test_finishing_a_review_builds_the_debates_map_after_commit(
    scene, django_capture_on_commit_callbacks
):
    spans = scene["spans"]
    decide(scene, 0, action=ACCEPT_AGREED)
    decide(
        scene,
        1,
        action="accept",
        unit=key(spans["ann_scanning"], spans["ann2_scanning"]),
        span=spans["ann_scanning"].pk,
    )
    decide(scene, 2, action="reject", unit=key(spans["ann_critics"]))
    decide(scene, 3, action="accept", unit=key(spans["ann2_police"]), span=spans["ann2_police"].pk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_finish(document=scene["document"], by=scene["rev"], expected_version=4)

    # The map build and the suggestion model's training are sent only once it is committed.
    assert len(callbacks) == 2
    from suggestions.models import SuggestionTraining

    assert SuggestionTraining.objects.values_list("reason", "status").get() == (
        f"{scene['document'].title} was adjudicated",
        "done",  # below the minimum of gold: "not trained yet"
    )
    build = MapBuild.objects.get()  # run inline: tasks are eager in unit tests
    assert (build.status, build.requested_by, build.reason) == (
        "done",
        scene["rev"],
        f"{scene['document'].title} was adjudicated",
    )
    version = MapVersion.objects.get()
    assert version.argument_count == 3


# --- Visibility of gold ---------------------------------------------------------------------
def test_annotators_read_gold_only_of_adjudicated_documents_they_submitted(scene, member):
    spans = scene["spans"]
    document = scene["document"]
    outsider = member(Role.ANNOTATOR, username="outsider")
    decide(scene, 0, action=ACCEPT_AGREED)

    def gold_seen_by(user) -> int:
        return span_list(user=user, document=document, layer="gold").count()

    assert [gold_seen_by(scene[who]) for who in ("ann", "ann2", "rev", "man")] == [0, 0, 1, 1]

    decide(
        scene,
        1,
        action="reject",
        unit=key(spans["ann_scanning"], spans["ann2_scanning"]),
    )
    decide(scene, 2, action="reject", unit=key(spans["ann_critics"]))
    decide(scene, 3, action="reject", unit=key(spans["ann2_police"]))
    review_finish(document=document, by=scene["rev"], expected_version=4)

    assert [gold_seen_by(scene[who]) for who in ("ann", "ann2", "rev", "man")] == [1, 1, 1, 1]
    assert gold_seen_by(outsider) == 0
    # Gold is visible; the other annotator's layer still is not.
    assert span_list(user=scene["ann"], document=document, layer="ann2").count() == 0


# --- Assignments ----------------------------------------------------------------------------
def test_spread_fills_each_document_up_to_the_debates_need_evenly(debate, member):
    manager = member(Role.MANAGER)
    annotators = [member(Role.ANNOTATOR, username=name) for name in ("a1", "a2", "a3")]
    documents = [DocumentFactory(debate=debate) for _ in range(3)]
    ready = DocumentFactory(debate=debate, status=DocumentStatus.READY_FOR_REVIEW)
    AssignmentFactory(document=documents[0], annotator=annotators[0])

    created = assignments_spread(debate=debate, annotators=annotators, by=manager)

    assert len(created) == 5
    rows = sorted(
        Assignment.objects.filter(document__debate=debate).values_list(
            "document_id", "annotator__username"
        )
    )
    assert rows == [
        (documents[0].pk, "a1"),
        (documents[0].pk, "a2"),
        (documents[1].pk, "a1"),
        (documents[1].pk, "a3"),
        (documents[2].pk, "a2"),
        (documents[2].pk, "a3"),
    ]
    assert not Assignment.objects.filter(document=ready).exists()
    assert assignments_spread(debate=debate, annotators=annotators, by=manager) == []


def test_spread_refuses_non_annotators_and_non_managers(debate, member):
    manager, reviewer = member(Role.MANAGER), member(Role.REVIEWER)
    annotator = member(Role.ANNOTATOR)
    DocumentFactory(debate=debate)
    with pytest.raises(ValidationError):
        assignments_spread(debate=debate, annotators=[annotator, reviewer], by=manager)
    with pytest.raises(PermissionDenied):
        assignments_spread(debate=debate, annotators=[annotator], by=reviewer)
    assert not Assignment.objects.exists()


def test_assignment_create_is_idempotent_and_only_for_annotators(debate, member):
    manager, annotator, reviewer = (
        member(Role.MANAGER),
        member(Role.ANNOTATOR),
        member(Role.REVIEWER),
    )
    document = DocumentFactory(debate=debate)
    first = assignment_create(document=document, annotator=annotator, by=manager)
    again = assignment_create(document=document, annotator=annotator, by=manager)
    assert (first[1], again[1], first[0].pk) == (True, False, again[0].pk)
    with pytest.raises(ValidationError):
        assignment_create(document=document, annotator=reviewer, by=manager)
    with pytest.raises(PermissionDenied):
        assignment_create(document=document, annotator=annotator, by=reviewer)


# --- Queue and agreement --------------------------------------------------------------------
def test_review_queue_lists_ready_documents_with_progress(scene):
    decide(scene, 0, action=ACCEPT_AGREED)
    DocumentFactory(debate=scene["debate"])
    [item] = review_queue(user=scene["rev"], debate=scene["debate"])
    assert (item.pk, item.layers_submitted, item.decision_count, item.review.version) == (
        scene["document"].pk,
        2,
        1,
        1,
    )
    assert list(review_queue(user=scene["rev"], debate=scene["debate"], status="adjudicated")) == []


def test_debate_agreement_is_the_pure_modules_on_the_submitted_layers(
    scene, member, django_assert_max_num_queries
):
    spans = scene["spans"]
    # A second document with three layers, one of them empty, and a layer not submitted.
    ann3 = member(Role.ANNOTATOR, username="ann3")
    other = DocumentFactory(debate=scene["debate"], text=TEXT + " Again.", title="Second")
    a = tag(other, scene["ann"], "Police want access", stance="contra")
    b = tag(other, scene["ann2"], "Police want access")
    draft = member(Role.ANNOTATOR, username="draft")
    relation_create(
        document=other,
        by=draft,
        source=tag(other, draft, "Critics call it"),
        target=tag(other, draft, "Police want access"),
        type="attacks",
    )
    for user in (scene["ann"], scene["ann2"], ann3):
        document_submit(document=other, annotator=user)

    # The submissions counted both documents: the total, the rows' check, renamed annotators,
    # assignments changed lately (all of them, just submitted), their keys and their rows'
    # keys, gone rows; progress.
    with django_assert_max_num_queries(10):
        result = debate_agreement_get(debate=scene["debate"])

    def pure(span: Span, name: str) -> AnnotatedSpan:
        return AnnotatedSpan(
            id=span.pk,
            annotator=name,
            start=span.start,
            end=span.end,
            stance=span.stance,
            role=span.role,
            actor=span.actor_id,
        )

    expected = debate_agreement(
        [
            AnnotatedDocument(
                id=scene["document"].pk,
                text_length=len(TEXT),
                annotators=("ann", "ann2"),
                spans=tuple(pure(span, name.split("_")[0]) for name, span in spans.items()),
                # The scene's one relation, in ann's layer; draft's was never submitted.
                relations=(
                    AnnotatedRelation(
                        spans["ann_critics"].pk, spans["ann_backdoor"].pk, "supports"
                    ),
                ),
            ),
            AnnotatedDocument(
                id=other.pk,
                text_length=len(TEXT) + 7,
                annotators=("ann", "ann2", "ann3"),
                spans=(pure(a, "ann"), pure(b, "ann2")),
            ),
        ]
    )
    assert result.report == expected
    assert result.report.documents == 2
    assert result.report.annotators == ("ann", "ann2", "ann3")
    # Hand values: document 1 has 4 units, 1 agreed; document 2 has 1 unit, not agreed.
    assert (result.report.units, result.report.units_agreed) == (5, 1)
    # ann vs ann2 overlap-match backdoor, scanning (document 1) and police (document 2).
    pair = result.report.pairs[0]
    assert pair.annotators == ("ann", "ann2")
    assert (pair.overlap.matched, pair.overlap.left, pair.overlap.right) == (3, 4, 4)
    assert (pair.exact.matched, pair.overlap.f1) == (2, 0.75)
    assert pair.stance_confusion.count("contra", "pro") == 1
    # ann's critics -> backdoor link: ann2 marked backdoor but not critics, so no match.
    assert (pair.relations, pair.relations_untyped) == (F1Counts(0, 1, 0), F1Counts(0, 1, 0))
    pooled = result.stance_confusion
    assert pooled.labels == ("contra", "pro", None)
    assert sum(map(sum, pooled.counts)) == sum(
        sum(map(sum, p.stance_confusion.counts)) for p in result.report.pairs
    )
    assert result.progress.documents["ready_for_review"] == 2
    assert len(annotated_documents(debate=scene["debate"])) == 2


def test_an_empty_submitted_layer_is_compared_and_missing_from_every_unit(scene, member):
    silent = member(Role.ANNOTATOR, username="silent")
    document_submit(document=scene["document"], annotator=silent)

    state = review_state_get(document=scene["document"])

    assert state.annotators == ("ann", "ann2", "silent")
    assert all("silent" in unit.missing for unit in state.units)
    assert state.agreed_undecided == []  # nobody agrees with a layer that marked nothing
    assert state.agreement.annotators == ("ann", "ann2", "silent")
    assert [pair.annotators for pair in state.agreement.pairs] == [
        ("ann", "ann2"),
        ("ann", "silent"),
        ("ann2", "silent"),
    ]
