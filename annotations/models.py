"""Annotations: spans and relations in layers, assignments, and the history of every change.

A layer is one annotator's spans on one document, or the gold layer (``annotator`` is null)
that only adjudication writes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length

from debate.models import (
    LAYER_READER_ROLES,
    Actor,
    Debate,
    Document,
    DocumentStatus,
    Membership,
    TimeStampedModel,
)

GOLD = "gold"


class LayeredQuerySet(models.QuerySet):
    """Rows that belong to one layer (``annotator``, null for gold) of one ``document``."""

    def visible_to(self, user) -> "LayeredQuerySet":
        """Return the rows whose layer a user may read; the one rule for spans, relations, events.

        Reviewers, managers and researchers read every layer of their debates; an annotator
        reads their own layer, and the gold layer of a document once it is adjudicated and
        they submitted their layer of it (so gold never leaks into work in progress).
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        reads_all = Membership.objects.filter(user=user, role__in=LAYER_READER_ROLES)
        member_of = Membership.objects.filter(user=user)
        submitted_here = Assignment.objects.filter(
            document=OuterRef("document"), annotator=user, status=AssignmentStatus.SUBMITTED
        )
        gold_after_review = Q(
            annotator__isnull=True, document__status=DocumentStatus.ADJUDICATED
        ) & Exists(submitted_here)
        return self.filter(
            Q(document__debate__in=reads_all.values("debate"))
            | (
                Q(document__debate__in=member_of.values("debate"))
                & (Q(annotator=user) | gold_after_review)
            )
        )


class Span(TimeStampedModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="spans")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="spans",
        help_text="The layer: this annotator's, or the gold layer when empty.",
    )
    start = models.PositiveIntegerField(help_text="First code point, inclusive.")
    end = models.PositiveIntegerField(help_text="Last code point, exclusive.")
    quote = models.TextField(help_text="Exactly text[start:end].")
    stance = models.CharField(max_length=32)
    role = models.CharField(max_length=32)
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="spans"
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    client_id = models.CharField(
        max_length=64, blank=True, help_text="Client-chosen key that makes a retried create safe."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = LayeredQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="span_start_not_negative"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="span_start_before_end"),
            # The quote is exactly as long as the offsets say, in code points on every backend.
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")), name="span_quote_fits_offsets"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="span_version_positive"),
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=~Q(client_id=""),
                name="span_client_id_unique_per_user",
            ),
        ]
        indexes = [models.Index(fields=["document", "annotator", "start"])]

    def __str__(self) -> str:
        return f"{self.layer}:{self.start}-{self.end} {self.stance}/{self.role}"

    @property
    def layer(self) -> str:
        """Return the layer name: ``gold`` or the annotator's username."""
        return GOLD if self.annotator_id is None else self.annotator.username


class Relation(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="relations")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relations",
        help_text="The layer: this annotator's, or the gold layer when empty.",
    )
    source = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="incoming")
    type = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LayeredQuerySet.as_manager()

    class Meta:
        ordering = ["document", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="relation_endpoints_distinct"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "type"], name="relation_unique_per_pair_and_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.type} {self.target_id}"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Assignment(TimeStampedModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "annotator"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "annotator"], name="one_assignment_per_annotator"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="assignment_status_known"
            ),
        ]
        # The agreement's quick check reads the assignments changed since it last looked.
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.annotator} on {self.document}: {self.status}"


class SpanEventAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class HistoryEvent(models.Model):
    """One change to an annotation: who, when, before and after; kept after the row is gone."""

    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The changed row's layer, kept so history stays readable by the same people.",
    )
    action = models.CharField(max_length=16, choices=SpanEventAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    objects = LayeredQuerySet.as_manager()

    class Meta:
        abstract = True


class SpanEvent(HistoryEvent):
    """One change to a span; no foreign key to it, so it outlives the span."""

    span_pk = models.BigIntegerField(db_index=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="span_events")

    class Meta:
        ordering = ["span_pk", "id"]

    def __str__(self) -> str:
        return f"span {self.span_pk} {self.action} by {self.by_id} at {self.at:%Y-%m-%d %H:%M}"


class RelationEvent(HistoryEvent):
    """One relation created or deleted; kept after the relation is gone, like SpanEvent."""

    relation_pk = models.BigIntegerField(db_index=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="relation_events")

    class Meta:
        ordering = ["relation_pk", "id"]

    def __str__(self) -> str:
        return (
            f"relation {self.relation_pk} {self.action} by {self.by_id} at {self.at:%Y-%m-%d %H:%M}"
        )


class ReviewDecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewDecisionQuerySet":
        """Return the decisions of debates whose every layer the user reads."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        reads_all = Membership.objects.filter(user=user, role__in=LAYER_READER_ROLES)
        return self.filter(document__debate__in=reads_all.values("debate"))


class DocumentReview(TimeStampedModel):
    """The review of one document: a version every decision bumps, and who finished it.

    The version is the document's review ETag: a decision sent with a stale one is refused,
    so a second reviewer cannot silently overwrite the first.
    """

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="review")
    version = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document"]

    def __str__(self) -> str:
        return f"review of {self.document_id} at version {self.version}"


class ReviewAction(models.TextChoices):
    ACCEPT = "accept", "Accept one annotator's version"
    EDIT = "edit", "Edit"
    REJECT = "reject", "Reject"
    ADD = "add", "Add a span"
    LINK = "link", "Add a relation"
    UNLINK = "unlink", "Remove a relation"
    FINISH = "finish", "Finish the review"
    IMPORT = "import", "Imported into gold"


class ReviewDecision(models.Model):
    """One reviewer decision on one unit of a document; kept even after its gold span goes.

    ``unit_key`` names the unit: ``u-<span ids>`` for the annotators' spans aligned together,
    ``g-<gold span id>`` for a gold span that no aligned unit holds. ``source_span_ids`` are
    the annotator spans the decision took its values from; ``gold_span_pk`` the gold span it
    produced or changed (no foreign key, so the record survives the span).
    """

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="review_decisions"
    )
    unit_key = models.CharField(max_length=200, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16, choices=ReviewAction.choices)
    source_span_ids = models.JSONField(default=list, blank=True)
    gold_span_pk = models.BigIntegerField(null=True, blank=True)
    gold_relation_pk = models.BigIntegerField(null=True, blank=True)
    review_version = models.PositiveIntegerField(
        help_text="The document's review version this decision produced."
    )

    objects = ReviewDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "id"]
        indexes = [models.Index(fields=["document", "unit_key"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ReviewAction.values), name="review_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.unit_key or '-'} on {self.document_id} by {self.reviewer_id}"


class DocumentAgreement(models.Model):
    """One document's kept agreement counts: the submitted layers they were counted from.

    ``layers_key`` names those layers (``annotations.review.selectors.tallies``): a row whose
    key differs from its document's current one is stale and counted again. ``revision`` is
    unique within the debate, so the debate's total can check it is the sum of exactly these
    rows. A deleted document leaves its row behind (``document`` null) until the next count
    takes it out of the total. The counts themselves are in ``DocumentAgreementTally``, a
    table of their own, so the reads that compare keys never read them.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    document = models.OneToOneField(
        Document, on_delete=models.SET_NULL, null=True, related_name="agreement"
    )
    layers_key = models.CharField(max_length=200)
    revision = models.BigIntegerField()

    class Meta:
        ordering = ["debate", "document"]
        indexes = [models.Index(fields=["debate", "revision"])]

    def __str__(self) -> str:
        return f"agreement counts of document {self.document_id}"


class DocumentAgreementTally(models.Model):
    """The counts of one ``DocumentAgreement`` row: its document's ``Tally``, compressed JSON."""

    row = models.OneToOneField(
        DocumentAgreement, on_delete=models.CASCADE, primary_key=True, related_name="counts"
    )
    tally = models.BinaryField()

    def __str__(self) -> str:
        return f"counts of agreement row {self.row_id}"


class DebateAgreementTotal(models.Model):
    """The sum of a debate's ``DocumentAgreement`` rows, changed with each row under a lock.

    ``rows`` and ``revisions`` (their count and the sum of their revisions) let a reader check
    that the sum is of exactly the rows there are; ``annotators`` names each annotator id as
    it was when counted, since a renamed annotator changes the figures.
    ``changes_seen_until`` and ``checked_at`` say how far the readers' checks got
    (``annotations.review.selectors.tallies``).
    """

    debate = models.OneToOneField(
        Debate, on_delete=models.CASCADE, primary_key=True, related_name="agreement_total"
    )
    rows = models.PositiveIntegerField(default=0)
    revisions = models.BigIntegerField(default=0)
    # Assignments changed before ``changes_seen_until`` are counted; the last check of every
    # document's key was at ``checked_at``.
    changes_seen_until = models.DateTimeField(null=True)
    checked_at = models.DateTimeField(null=True)
    last_revision = models.BigIntegerField(default=0)
    annotators = models.JSONField(default=dict)
    tally = models.BinaryField(default=bytes)

    def __str__(self) -> str:
        return f"agreement counts of {self.rows} documents of debate {self.debate_id}"


class DebateStatusCount(models.Model):
    """How many of a debate's documents (or assignments) have one status, kept by triggers.

    ``kind`` is "document" or "assignment". The database's triggers change ``n`` in the very
    statement that inserts, deletes or changes the status of a document or an assignment
    (``annotations.review.selectors.status_counts``), so the debate's progress is read from
    a few rows instead of counted over every document and assignment.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    status = models.CharField(max_length=32)
    n = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["debate", "kind", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["debate", "kind", "status"], name="one_status_count_per_debate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.n} {self.kind}s {self.status} in debate {self.debate_id}"


class GoldRevision(models.Model):
    """Which revision of its gold layer a document is at: a number the database's triggers give
    anew whenever one of its gold spans or relations is inserted, changed or deleted.

    ``annotations.gold_revisions`` installs them (``core.db.kept_revisions``); a document whose
    gold never changed since has no row. The map worker keeps what it read of each document
    under this number and reads again only the documents whose number moved. No foreign-key
    constraint: a trigger may write the row of a document its own statement is deleting, and
    a revision is never given twice, so a row left behind names nothing anyone asks for.
    """

    document = models.OneToOneField(
        Document,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="gold_revision",
    )
    revision = models.BigIntegerField()

    def __str__(self) -> str:
        return f"gold of document {self.document_id} at revision {self.revision}"


__all__ = [
    "GOLD",
    "Assignment",
    "AssignmentStatus",
    "DebateAgreementTotal",
    "DebateStatusCount",
    "DocumentAgreement",
    "DocumentAgreementTally",
    "DocumentReview",
    "GoldRevision",
    "Relation",
    "RelationEvent",
    "ReviewAction",
    "ReviewDecision",
    "Span",
    "SpanEvent",
]
