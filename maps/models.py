"""Argument maps: immutable versions of a debate's map, and the builds that make them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from debate.models import Debate


class MapChunk(models.Model):
    """A piece of map versions' JSON text, named by its content and shared by every version
    that holds it (``maps.chunks`` says where a map is cut). Never changed once written."""

    digest = models.CharField(max_length=64, primary_key=True, help_text="BLAKE2b-256, hex.")
    text = models.TextField()

    def __str__(self) -> str:
        return f"map chunk {self.digest[:12]} ({len(self.text)} characters)"


# A version's large columns, left out of every read that does not need the map itself.
LARGE_FIELDS = ("graph_json", "chunks")


class MapVersion(models.Model):
    """One immutable argument map of a debate, identified by the hash of what it was built from.

    The unique (debate, input_hash) pair is what makes a repeated or redelivered build harmless:
    the same input can never make a second version. Its JSON text is the ``chunks`` joined in
    order; a version stored before maps were chunked holds its whole text in ``graph_json``
    instead (``maps.selectors.map_version_graph_bytes`` reads either).
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="map_versions")
    input_hash = models.CharField(max_length=64)
    builder_version = models.CharField(max_length=32)
    graph_json = models.TextField(
        blank=True,
        help_text="The map as canonical JSON (maps.builder.map_to_json), for versions stored "
        "before chunks; empty when ``chunks`` holds it.",
    )
    chunks = models.JSONField(
        default=list,
        blank=True,
        help_text="The digests of the MapChunks whose texts, joined in this order, are the map.",
    )
    argument_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    document_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "input_hash"], name="one_map_per_input"),
        ]

    def __str__(self) -> str:
        return f"{self.debate.slug} map {self.pk} ({self.input_hash[:12]})"


class MapBuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MapBuild(models.Model):
    """A request to build a debate's map, and how it went: the outbox of the map job.

    A build row is written in the same transaction as the change that asks for it, so a
    request survives a broker that is down; dispatching it to Celery is a retriable detail.
    At most one build per debate waits (later requests join it) and at most one runs.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="map_builds")
    status = models.CharField(
        max_length=16, choices=MapBuildStatus.choices, default=MapBuildStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why the build was asked for.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requests = models.PositiveIntegerField(
        default=1, help_text="How many requests this build answers (bursts coalesce)."
    )
    version = models.ForeignKey(
        MapVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="builds"
    )
    reused_version = models.BooleanField(
        default=False, help_text="The input was unchanged, so an existing version was kept."
    )
    worker = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MapBuildStatus.values), name="map_build_status_known"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="map_build_progress_max"),
            # Requests arriving while a build waits join it instead of queueing another.
            models.UniqueConstraint(
                fields=["debate"],
                condition=Q(status="queued"),
                name="one_queued_map_build_per_debate",
            ),
            # A debate's map is never built twice at the same time, whatever the workers.
            models.UniqueConstraint(
                fields=["debate"],
                condition=Q(status="running"),
                name="one_running_map_build_per_debate",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="map_build_status_requested")
        ]

    def __str__(self) -> str:
        return f"{self.debate.slug} build {self.pk}: {self.status}"


class ClaimEmbedding(models.Model):
    """A claim text's sentence vector, kept so a rebuild encodes only texts it has not seen.

    ``key`` is the SHA-256 of the model's name and the normalised text
    (``maps.builder.embedding_key``), so one row serves every debate and span with that text,
    and a new model never reads an old model's vectors. Vectors are float16 bytes.
    """

    key = models.CharField(max_length=64, primary_key=True)
    model = models.CharField(max_length=100)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.model} {self.key[:12]}"


class MergeDecisionKind(models.TextChoices):
    JOIN = "join", "Join"
    SPLIT = "split", "Split"


class MergeDecision(models.Model):
    """A reviewer's decision about which gold spans are one argument, part of every build's input.

    Spans are named by their gold span ids in two groups: a join names the sources of the two
    arguments to make one; a split names the sources to split off (``spans``) and the rest of
    their argument (``other_spans``). Undoing keeps the row (``undone_at``) as history; a
    build reads only the decisions not undone (``maps.gold``).
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="merge_decisions")
    kind = models.CharField(max_length=8, choices=MergeDecisionKind.choices)
    spans = models.JSONField(help_text="Gold span ids of the first group.")
    other_spans = models.JSONField(help_text="Gold span ids of the second group.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MergeDecisionKind.values), name="merge_decision_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True, undone_by__isnull=True)
                | Q(undone_at__isnull=False, undone_by__isnull=False),
                name="merge_decision_undone_with_who",
            ),
        ]
        indexes = [models.Index(fields=["debate", "at"], name="merge_decision_debate_at")]

    def __str__(self) -> str:
        return f"{self.debate.slug} {self.kind} {self.pk} by {self.by_id}"
