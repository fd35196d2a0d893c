"""API shapes of argument maps: versions with their download links, and builds."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import StrictInputSerializer
from maps.formats import EXPORT_FORMATS
from maps.models import MapBuild, MapBuildStatus, MapVersion, MergeDecision, MergeDecisionKind

DEFAULT_FORMAT = "json"


def map_build_url(request, pk: int) -> str:
    """Return the absolute URL of a build, the one to poll."""
    return request.build_absolute_uri(reverse("api-map-build-detail", args=[pk]))


def map_version_url(request, pk: int, format_name: str | None = None) -> str:
    """Return the absolute URL of a map version, in one export format if named."""
    url = request.build_absolute_uri(reverse("api-map-detail", args=[pk]))
    return url if format_name is None else f"{url}?format={format_name}"


class StringOnlyField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MapBuildRequestSerializer(StrictInputSerializer):
    reason = StringOnlyField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Why a new map is wanted; recorded with the build.",
    )


class MapBuildSerializer(serializers.ModelSerializer):
    debate = serializers.CharField(source="debate.slug", read_only=True, help_text="Its slug.")
    status = serializers.ChoiceField(choices=MapBuildStatus.choices, read_only=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, allow_null=True, default=None
    )
    version = serializers.IntegerField(
        source="version_id",
        read_only=True,
        allow_null=True,
        help_text="The map version the build made or kept (when done).",
    )
    version_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = MapBuild
        fields = [
            "id",
            "url",
            "debate",
            "status",
            "progress",
            "message",
            "error",
            "reason",
            "requests",
            "requested_by",
            "requested_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "attempts",
            "version",
            "version_url",
            "reused_version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, build: MapBuild) -> str:
        return map_build_url(self.context["request"], build.pk)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_version_url(self, build: MapBuild) -> str | None:
        if build.version_id is None:
            return None
        return map_version_url(self.context["request"], build.version_id)


class MatchCountsSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Items of the layer's map matched in gold.")
    layer = serializers.IntegerField(help_text="Items of the layer's map.")
    gold = serializers.IntegerField(help_text="Items of the gold map in the layer's documents.")
    precision = serializers.FloatField(allow_null=True, help_text="matched / layer.")
    recall = serializers.FloatField(allow_null=True, help_text="matched / gold.")
    f1 = serializers.FloatField(allow_null=True, help_text="2·matched / (layer + gold).")


class LayerMapAgreementSerializer(serializers.Serializer):
    layer = serializers.CharField(help_text="The annotator, or `majority`.")
    majority = serializers.BooleanField(
        help_text="The majority-vote preview: units most annotators labelled alike."
    )
    documents = serializers.IntegerField(help_text="Adjudicated documents the layer covers.")
    arguments = MatchCountsSerializer(
        allow_null=True,
        help_text="Arguments matched one to one by aligned source spans or by text.",
    )
    edges = MatchCountsSerializer(
        allow_null=True,
        help_text="Support and attack edges whose ends are matched arguments.",
    )
    error = serializers.CharField(help_text="Why the layer's map could not be built, or ''.")


class MapAgreementSerializer(serializers.Serializer):
    debate = serializers.CharField(source="debate.slug")
    documents = serializers.IntegerField(help_text="Adjudicated documents: the gold map's.")
    gold_arguments = serializers.IntegerField()
    gold_edges = serializers.IntegerField(help_text="Support and attack edges of the gold map.")
    layers = LayerMapAgreementSerializer(
        many=True, help_text="Each annotator by name, then the majority vote."
    )


class MapCountsSerializer(serializers.Serializer):
    arguments = serializers.IntegerField(source="argument_count", help_text="Argument nodes.")
    sources = serializers.IntegerField(
        source="source_count", help_text="Gold spans behind them (merged paraphrases count each)."
    )
    documents = serializers.IntegerField(
        source="document_count", help_text="Adjudicated documents read."
    )


class MapDownloadsSerializer(serializers.Serializer):
    """One download link per export format (see GET /api/v1/maps/{id}/)."""

    json = serializers.URLField(help_text="JSON graph: the map as stored, with provenance.")
    aif = serializers.URLField(help_text="AIF JSON as AIFdb and OVA read it.")
    argdown = serializers.URLField(help_text="Argdown text.")
    graphml = serializers.URLField(help_text="GraphML (networkx, Gephi, yEd).")
    dot = serializers.URLField(help_text="Graphviz DOT.")


class MapVersionSerializer(serializers.ModelSerializer):
    debate = serializers.CharField(source="debate.slug", read_only=True, help_text="Its slug.")
    counts = MapCountsSerializer(source="*", read_only=True)
    is_current = serializers.SerializerMethodField(
        help_text="Whether this is the map of the latest successful build."
    )
    url = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = MapVersion
        fields = [
            "id",
            "url",
            "debate",
            "created_at",
            "input_hash",
            "builder_version",
            "counts",
            "is_current",
            "downloads",
        ]
        read_only_fields = fields

    def get_is_current(self, version: MapVersion) -> bool:
        return version.pk == self.context.get("current_version")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: MapVersion) -> str:
        return map_version_url(self.context["request"], version.pk)

    @extend_schema_field(MapDownloadsSerializer)
    def get_downloads(self, version: MapVersion) -> dict[str, str]:
        request = self.context["request"]
        return {name: map_version_url(request, version.pk, name) for name in EXPORT_FORMATS}


class MapIndexSerializer(serializers.Serializer):
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The id of the current map; null before the first build."
    )
    adjudicated_documents = serializers.IntegerField(
        help_text="Adjudicated documents now: what the next build reads."
    )
    builds = MapBuildSerializer(many=True, help_text="The latest builds, newest first.")
    next = serializers.URLField(allow_null=True, help_text="The next page of versions.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page of versions.")
    results = MapVersionSerializer(many=True, help_text="Map versions, newest first.")


# --- The debate over time: a diff between two versions, and each actor's timeline ---------
# Named in the schema by config.settings (ENUM_NAME_OVERRIDES): "kind" would otherwise collide
# with the actors' kind, and the positions before, after and overall be one set of three names.
SIDE_CHOICES = ["pro", "contra", "neutral"]
ARGUMENT_KINDS = ["claim", "premise"]
POSITION_CHOICES = ["pro", "contra", "mixed", "neutral"]


class MapSourceSerializer(serializers.Serializer):
    """One gold span behind an argument: its document, offsets and publication day."""

    span_id = serializers.CharField()
    document_id = serializers.CharField()
    document_title = serializers.CharField()
    published = serializers.DateField(
        allow_null=True, help_text="The document's publication day; null when unknown."
    )
    start = serializers.IntegerField(help_text="Code point offset into the document's text.")
    end = serializers.IntegerField(help_text="Code point offset, exclusive.")
    quote = serializers.CharField()
    actor_id = serializers.CharField(allow_null=True, help_text="Who said it; null when nobody.")


class MapArgumentSummarySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The argument's id in its version's map.")
    kind = serializers.ChoiceField(choices=ARGUMENT_KINDS)
    side = serializers.ChoiceField(choices=SIDE_CHOICES)
    text = serializers.CharField()
    strength = serializers.FloatField(help_text="DF-QuAD strength, 0 to 1.")
    sources = MapSourceSerializer(many=True)


class MapArgumentChangeSerializer(serializers.Serializer):
    before = MapArgumentSummarySerializer()
    after = MapArgumentSummarySerializer()
    changed = serializers.ListField(
        child=serializers.ChoiceField(choices=["side", "kind", "text", "strength", "sources"]),
        help_text="What differs.",
    )


class MapArgumentRegroupSerializer(serializers.Serializer):
    before = MapArgumentSummarySerializer(many=True)
    after = MapArgumentSummarySerializer(many=True)


class MapActorShiftSerializer(serializers.Serializer):
    actor_id = serializers.CharField()
    name = serializers.CharField()
    before = serializers.ChoiceField(
        choices=POSITION_CHOICES, allow_null=True, help_text="Null: not in the older map."
    )
    after = serializers.ChoiceField(
        choices=POSITION_CHOICES, allow_null=True, help_text="Null: not in the newer map."
    )


class MapStrengthChangeSerializer(serializers.Serializer):
    before = serializers.FloatField(allow_null=True, source="proposition_before")
    after = serializers.FloatField(source="proposition_after")


class MapDiffCountsSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    merged = serializers.IntegerField()
    split = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class MapDiffSerializer(serializers.Serializer):
    """What changed from one version of a debate's map to another (``maps.builder.map_diff``)."""

    from_version = serializers.IntegerField(
        allow_null=True, help_text="The older version; null when this is the debate's first."
    )
    to_version = serializers.IntegerField(help_text="The version asked for.")
    counts = MapDiffCountsSerializer()
    proposition = MapStrengthChangeSerializer(help_text="The proposition's strength.")
    added = MapArgumentSummarySerializer(many=True, help_text="Arguments with no source before.")
    removed = MapArgumentSummarySerializer(
        many=True, help_text="Arguments none of whose sources are left."
    )
    merged = MapArgumentRegroupSerializer(
        many=True, help_text="One argument now holding the sources of several (before)."
    )
    split = MapArgumentRegroupSerializer(
        many=True, help_text="One argument (before) whose sources are now in several."
    )
    changed = MapArgumentChangeSerializer(
        many=True, help_text="The same sources, another side, kind, wording or strength."
    )
    actors = MapActorShiftSerializer(many=True, help_text="Actors whose position changed.")


class MapTimelinePointSerializer(serializers.Serializer):
    published = serializers.DateField(allow_null=True, help_text="Null in `undated`.")
    side = serializers.ChoiceField(
        choices=SIDE_CHOICES, help_text="The side of the argument the source is part of."
    )
    argument = serializers.CharField(help_text="The argument's id in this version's map.")
    source = MapSourceSerializer()


class MapActorTimelineSerializer(serializers.Serializer):
    actor_id = serializers.CharField()
    name = serializers.CharField()
    position = serializers.ChoiceField(
        choices=POSITION_CHOICES, help_text="Overall, over every source."
    )
    points = MapTimelinePointSerializer(many=True, help_text="By publication day, earliest first.")
    undated = MapTimelinePointSerializer(
        many=True, help_text="Sources in documents with no known publication day."
    )


class MapTimelineSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    first = serializers.DateField(allow_null=True, help_text="The earliest day of any point.")
    last = serializers.DateField(allow_null=True, help_text="The latest day of any point.")
    actors = MapActorTimelineSerializer(many=True)


class MergeDecisionCreateSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(
        choices=MergeDecisionKind.choices,
        help_text="`join`: the arguments of both groups become one. `split`: `spans` become "
        "their own argument, apart from `other_spans` (the rest of their argument).",
    )
    spans = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=1000,
        help_text="Gold span ids: a join's first argument, or the sources a split takes off.",
    )
    other_spans = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=1000,
        help_text="Gold span ids: a join's second argument, or the rest a split leaves.",
    )


class MergeDecisionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MergeDecisionKind.choices, read_only=True)
    spans = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    other_spans = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)
    undone_by = serializers.CharField(
        source="undone_by.username", read_only=True, allow_null=True, default=None
    )
    undo_url = serializers.SerializerMethodField()

    class Meta:
        model = MergeDecision
        fields = [
            "id",
            "kind",
            "spans",
            "other_spans",
            "by",
            "at",
            "undone_by",
            "undone_at",
            "undo_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_undo_url(self, decision: MergeDecision) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-map-decision-undo", args=[decision.debate.slug, decision.pk])
        )


class MergeDecisionChangeSerializer(serializers.Serializer):
    decision = MergeDecisionSerializer(read_only=True)
    build = MapBuildSerializer(read_only=True, help_text="The build that applies it; poll its url.")
