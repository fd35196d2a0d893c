"""API shapes of the review workflow: review state, decisions, agreement, assignments."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from annotations.models import Assignment, AssignmentStatus, ReviewAction, ReviewDecision
from annotations.review.agreement import PAIR_ALPHA_DIMENSIONS
from annotations.review.alignment import ATTRIBUTES
from annotations.review.selectors import UNIT_STATES
from annotations.review.services import ACCEPT_AGREED, DECISION_ACTIONS, DecisionInput
from annotations.serializers import MAX_NOTE, RelationSerializer, SpanSerializer, span_input
from core.serializers import StrictInputSerializer
from debate.models import Document, DocumentStatus

User = get_user_model()

ID = {"min_value": 1, "max_value": 2**63 - 1}


# --- Agreement ------------------------------------------------------------------------------
class F1Serializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Pairs matched (of spans, or of relations).")
    left = serializers.IntegerField(help_text="Spans (or relations) of the first annotator(s).")
    right = serializers.IntegerField(help_text="Spans (or relations) of the second annotator(s).")
    f1 = serializers.FloatField(
        allow_null=True, help_text="2·matched / (left + right); null when both are 0."
    )


class LabelF1Serializer(serializers.Serializer):
    attribute = serializers.ChoiceField(choices=["stance", "role"])
    label = serializers.CharField()
    exact = F1Serializer(help_text="Pairs with identical boundaries that both carry the label.")
    overlap = F1Serializer(help_text="Overlapping pairs that both carry the label.")


class ConfusionSerializer(serializers.Serializer):
    annotators = serializers.ListField(
        child=serializers.CharField(), help_text="Rows, then columns."
    )
    labels = serializers.ListField(
        child=serializers.CharField(allow_null=True),
        help_text="Stances seen, then null for 'did not mark it'.",
    )
    counts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="counts[i][j]: units the row annotator labelled labels[i], the column one "
        "labels[j].",
    )


class RelationAgreementSerializer(serializers.Serializer):
    typed = F1Serializer(
        source="relations",
        help_text="Relations from the same aligned unit to the same unit with the same type.",
    )
    untyped = F1Serializer(
        source="relations_untyped",
        help_text="Linked unit pairs (source, target), whatever the type.",
    )


class PairAlphaSerializer(serializers.Serializer):
    attribute = serializers.ChoiceField(choices=list(PAIR_ALPHA_DIMENSIONS))
    alpha = serializers.FloatField(allow_null=True, help_text="Null where undefined.")
    units = serializers.IntegerField(
        help_text="Units it was computed over (for `relation`: unit pairs either linked)."
    )


class PairAgreementSerializer(serializers.Serializer):
    annotators = serializers.ListField(child=serializers.CharField())
    documents = serializers.IntegerField()
    exact = F1Serializer()
    overlap = F1Serializer()
    labels = LabelF1Serializer(many=True)
    stance_confusion = ConfusionSerializer()
    relations = RelationAgreementSerializer(source="*")
    alphas = PairAlphaSerializer(
        many=True,
        help_text="Nominal alpha of the pair alone, per dimension, over the documents both "
        "submitted.",
    )


class AlphaSerializer(serializers.Serializer):
    stance = serializers.FloatField(source="stance_alpha", allow_null=True)
    role = serializers.FloatField(source="role_alpha", allow_null=True)
    actor = serializers.FloatField(source="actor_alpha", allow_null=True)
    boundaries = serializers.FloatField(
        source="boundary_alpha",
        allow_null=True,
        help_text="Character-level alpha of inside/outside a span.",
    )
    relation = serializers.FloatField(
        source="relation_alpha",
        allow_null=True,
        help_text="Alpha of the relation type over the unit pairs any annotator linked "
        "('not linked' is a value).",
    )


class AgreementSerializer(serializers.Serializer):
    """Krippendorff's alpha (nominal; null where undefined), span F1 and per-pair figures."""

    documents = serializers.IntegerField()
    annotators = serializers.ListField(child=serializers.CharField())
    units = serializers.IntegerField(help_text="Aligned units compared.")
    units_agreed = serializers.IntegerField(help_text="Units every annotator marked identically.")
    alpha = AlphaSerializer(source="*")
    exact = F1Serializer(help_text="Span F1 with identical boundaries, over every pair.")
    overlap = F1Serializer(help_text="Span F1 with any shared character, over every pair.")
    labels = LabelF1Serializer(many=True)
    relations = RelationAgreementSerializer(
        source="*", help_text="Relation F1 between aligned units, over every pair."
    )
    linked_unit_pairs = serializers.IntegerField(
        help_text="Ordered unit pairs any annotator linked: the relation alpha's units."
    )
    pairs = PairAgreementSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    annotators_per_document = serializers.IntegerField()
    documents = serializers.DictField(
        child=serializers.IntegerField(), help_text="Documents by status."
    )
    assignments = serializers.DictField(
        child=serializers.IntegerField(), help_text="Assignments by status."
    )
    decisions = serializers.IntegerField(
        help_text="Every review decision recorded so far (accept, edit, reject, add, link, "
        "unlink, finish); a unit decided again counts again."
    )
    units_decided = serializers.IntegerField(
        help_text="Units with an accept, edit, reject or add decision."
    )


class DebateAgreementSerializer(serializers.Serializer):
    debate = serializers.CharField(source="debate.slug")
    agreement = AgreementSerializer(source="report")
    stance_confusion = ConfusionSerializer(
        allow_null=True, help_text="Every pair's stance confusion added up; null without pairs."
    )
    progress = ProgressSerializer()


# --- Review ---------------------------------------------------------------------------------
class ReviewDecisionSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    unit = serializers.CharField(source="unit_key", read_only=True)
    sources = serializers.ListField(
        source="source_span_ids",
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The annotator spans the decision took its values from.",
    )
    gold_span = serializers.IntegerField(
        source="gold_span_pk",
        read_only=True,
        allow_null=True,
        help_text="The gold span it created, changed or deleted.",
    )
    gold_relation = serializers.IntegerField(
        source="gold_relation_pk", read_only=True, allow_null=True
    )

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "unit",
            "action",
            "reviewer",
            "at",
            "sources",
            "gold_span",
            "gold_relation",
            "review_version",
        ]
        read_only_fields = fields


class ReviewUnitSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`u-<span ids>` for aligned spans, `g-<id>` for gold.")
    origin = serializers.ChoiceField(
        source="kind",
        choices=["aligned", "gold"],
        help_text="`aligned`: annotators' spans; `gold`: a gold span no aligned unit holds.",
    )
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    agreed = serializers.BooleanField(help_text="Every annotator marked it identically.")
    differing = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ATTRIBUTES)),
        help_text="What the annotators' spans differ in.",
    )
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Annotators who did not mark it."
    )
    spans = SpanSerializer(many=True, help_text="One span per annotator who marked it.")
    state = serializers.ChoiceField(choices=list(UNIT_STATES))
    decision = ReviewDecisionSerializer(allow_null=True, help_text="The latest decision on it.")
    gold = SpanSerializer(allow_null=True, help_text="Its gold span, if any.")


class RelationSuggestionSerializer(serializers.Serializer):
    layer = serializers.CharField(help_text="The annotator whose relation this is.")
    relation = serializers.IntegerField()
    type = serializers.CharField()
    source = serializers.IntegerField(help_text="Gold span the relation would start from.")
    target = serializers.IntegerField(help_text="Gold span it would point to.")


class ReviewDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "status"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    document = ReviewDocumentSerializer()
    version = serializers.IntegerField(
        help_text="The review version; send it back (If-Match or `version`) with a decision."
    )
    annotators = serializers.ListField(
        child=serializers.CharField(), help_text="The submitted layers compared."
    )
    undecided = serializers.IntegerField()
    units = ReviewUnitSerializer(many=True)
    gold_spans = SpanSerializer(many=True)
    gold_relations = RelationSerializer(many=True)
    annotator_relations = RelationSerializer(many=True)
    relation_suggestions = RelationSuggestionSerializer(many=True)
    decisions = ReviewDecisionSerializer(many=True)
    agreement = AgreementSerializer()


class DecisionCreateSerializer(StrictInputSerializer):
    """One decision; which fields it needs depends on ``action`` (see the description)."""

    action = serializers.ChoiceField(choices=list(DECISION_ACTIONS))
    unit = serializers.CharField(
        required=False, max_length=200, help_text="The unit's key (accept, edit, reject)."
    )
    span = serializers.IntegerField(
        required=False, help_text="accept: the annotator span to take.", **ID
    )
    sources = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=50,
        help_text="edit: the annotator spans the edit started from.",
    )
    start = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    quote = serializers.CharField(required=False, trim_whitespace=False, max_length=100_000)
    stance = serializers.CharField(required=False, max_length=32)
    role = serializers.CharField(required=False, max_length=32)
    actor = serializers.IntegerField(required=False, allow_null=True, **ID)
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE
    )
    source = serializers.IntegerField(required=False, help_text="link: a gold span.", **ID)
    target = serializers.IntegerField(required=False, help_text="link: a gold span.", **ID)
    type = serializers.CharField(required=False, max_length=32, help_text="link: relation type.")
    relation = serializers.IntegerField(required=False, help_text="unlink: a gold relation.", **ID)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The review version you read; instead of the If-Match header.",
    )

    REQUIRED = {
        ReviewAction.ACCEPT: ("unit", "span"),
        ReviewAction.EDIT: ("unit", "start", "end", "quote", "stance", "role"),
        ReviewAction.REJECT: ("unit",),
        ReviewAction.ADD: ("start", "end", "quote", "stance", "role"),
        ReviewAction.LINK: ("source", "target", "type"),
        ReviewAction.UNLINK: ("relation",),
        ACCEPT_AGREED: (),
    }

    def validate(self, attrs):
        missing = [name for name in self.REQUIRED[attrs["action"]] if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [f"Required for {attrs['action']}."] for name in missing}
            )
        return attrs

    def to_input(self) -> DecisionInput:
        data = self.validated_data
        values = None
        if data["action"] in (ReviewAction.EDIT, ReviewAction.ADD):
            values = span_input(data)
        return DecisionInput(
            action=data["action"],
            unit=data.get("unit", ""),
            span=data.get("span"),
            sources=tuple(data.get("sources", ())),
            values=values,
            source=data.get("source"),
            target=data.get("target"),
            type=data.get("type", ""),
            relation=data.get("relation"),
        )


class VersionSerializer(StrictInputSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="The review version you read; instead of the If-Match header.",
    )


class ReviewOutcomeSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The review version now.")
    recorded = ReviewDecisionSerializer(many=True, help_text="The decisions just recorded.")
    review = ReviewSerializer(help_text="The review as it is now.")


class ReviewQueueItemSerializer(serializers.ModelSerializer):
    debate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    length = serializers.IntegerField(source="text_length", read_only=True)
    layers_submitted = serializers.IntegerField(read_only=True)
    decisions = serializers.IntegerField(
        source="decision_count",
        read_only=True,
        help_text="Every decision recorded in its review, as the agreement's progress counts.",
    )
    units_decided = serializers.IntegerField(
        read_only=True, help_text="Units with an accept, edit, reject or add decision."
    )
    review_version = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "debate",
            "title",
            "source",
            "published",
            "length",
            "status",
            "layers_submitted",
            "decisions",
            "units_decided",
            "review_version",
            "reviewer",
        ]
        read_only_fields = fields

    def _review(self, document: Document):
        try:
            return document.review
        except Document.review.RelatedObjectDoesNotExist:
            return None

    def get_review_version(self, document: Document) -> int:
        review = self._review(document)
        return 0 if review is None else review.version

    def get_reviewer(self, document: Document) -> str | None:
        """Return who started the review, or null."""
        review = self._review(document)
        if review is None or review.started_by is None:
            return None
        return review.started_by.get_username()


REVIEW_QUEUE_STATUSES = [DocumentStatus.READY_FOR_REVIEW, DocumentStatus.ADJUDICATED]


# --- Assignments ----------------------------------------------------------------------------
class AssignmentListSerializer(serializers.ModelSerializer):
    annotator = serializers.CharField(source="annotator.username", read_only=True)
    status = serializers.ChoiceField(choices=AssignmentStatus.choices, read_only=True)

    class Meta:
        model = Assignment
        fields = ["document", "annotator", "status", "submitted_at", "created_at"]
        read_only_fields = fields


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=User.objects.all(), **kwargs)


class AssignmentCreateSerializer(StrictInputSerializer):
    annotator = UsernameField(help_text="Username of an annotator of the debate.")


class AssignmentSpreadSerializer(StrictInputSerializer):
    annotators = serializers.ListField(
        child=UsernameField(),
        min_length=1,
        max_length=500,
        help_text="Usernames of annotators of the debate to spread the documents over.",
    )
