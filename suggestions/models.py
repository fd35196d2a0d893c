"""Suggestion models: immutable versions fitted from a debate's gold, the trainings that make
them, what annotators did with each suggestion, and who a manager let see them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from debate.models import Debate, Document


class SuggestionModel(models.Model):
    """One fitted suggestion model of a debate, identified by the hash of its gold input.

    Unique per (debate, input_hash), so the same gold never makes a second version; its
    ``number`` counts a debate's versions from 1 ("suggestion model v3"). ``fitted`` is the
    pickled ``suggestions.learn.Suggester``: written by the training service only, from the
    database of this deployment, never from an upload.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    input_hash = models.CharField(max_length=64)
    trainer_version = models.CharField(max_length=32)
    document_count = models.PositiveIntegerField()
    span_count = models.PositiveIntegerField()
    report = models.JSONField(help_text="Cross-validated figures (SuggesterReport).")
    fitted = models.BinaryField(help_text="The pickled model.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["debate", "input_hash"], name="one_suggester_per_input"
            ),
            models.UniqueConstraint(fields=["debate", "number"], name="suggester_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.debate.slug} suggestion model v{self.number}"

    @property
    def label(self) -> str:
        return f"suggestion model v{self.number}"


class TrainingStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class SuggestionTraining(models.Model):
    """A request to train a debate's suggestion model, and how it went: the job's outbox.

    Written in the transaction that asks for it (a review finished, a manager's POST); at most
    one waits per debate (later requests join it) and at most one runs, as map builds.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=TrainingStatus.choices, default=TrainingStatus.QUEUED
    )
    reason = models.CharField(max_length=300, blank=True)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requests = models.PositiveIntegerField(default=1)
    model = models.ForeignKey(
        SuggestionModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reused_model = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TrainingStatus.values), name="suggestion_training_status"
            ),
            models.UniqueConstraint(
                fields=["debate"],
                condition=Q(status="queued"),
                name="one_queued_suggestion_training",
            ),
            models.UniqueConstraint(
                fields=["debate"],
                condition=Q(status="running"),
                name="one_running_suggestion_training",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debate.slug} training {self.pk}: {self.status}"


class DecisionAction(models.TextChoices):
    ACCEPT = "accept", "Accepted as suggested"
    EDIT = "edit", "Accepted with changes"
    DISMISS = "dismiss", "Dismissed"


class SuggestionDecision(models.Model):
    """What an annotator did with one suggestion: accepted, edited or dismissed it.

    The suggestion is named by its model version and offsets (code points); an accepted or
    edited one names the span it became (``span_pk``: history outlives the span). One
    decision per annotator and suggestion.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    model = models.ForeignKey(SuggestionModel, on_delete=models.CASCADE, related_name="decisions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    suggested_stance = models.CharField(max_length=32)
    suggested_role = models.CharField(max_length=32)
    confidence = models.FloatField()
    action = models.CharField(max_length=16, choices=DecisionAction.choices)
    span_pk = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=DecisionAction.values), name="suggestion_action_known"
            ),
            models.CheckConstraint(
                condition=Q(action="dismiss", span_pk__isnull=True)
                | Q(~Q(action="dismiss"), span_pk__isnull=False),
                name="suggestion_span_when_taken",
            ),
            models.UniqueConstraint(
                fields=["document", "annotator", "model", "start", "end"],
                name="one_decision_per_suggestion",
            ),
        ]
        indexes = [models.Index(fields=["debate", "annotator"], name="suggestion_decision_who")]

    def __str__(self) -> str:
        return f"{self.annotator_id} {self.action} [{self.start}, {self.end}) of {self.document_id}"


class SuggestionGrant(models.Model):
    """A manager let one annotator see suggestions where the debate's setting hides them."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="+")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["debate", "annotator"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "annotator"], name="one_grant_per_annotator")
        ]

    def __str__(self) -> str:
        return f"{self.annotator_id} sees suggestions in {self.debate_id}"
