"""Shapes of the suggestion API: inputs refuse unknown fields, outputs list theirs."""

from rest_framework import serializers

from core.serializers import StrictInputSerializer
from debate.models import SuggestionMode
from suggestions.models import DecisionAction


class NearestArgumentSerializer(serializers.Serializer):
    map_version = serializers.IntegerField(read_only=True)
    id = serializers.CharField(read_only=True, help_text="The argument's id in that map.")
    text = serializers.CharField(read_only=True)
    side = serializers.CharField(read_only=True)
    similarity = serializers.FloatField(read_only=True, help_text="Cosine of sentence vectors.")


class SuggestionSerializer(serializers.Serializer):
    start = serializers.IntegerField(read_only=True, help_text="First code point, inclusive.")
    end = serializers.IntegerField(read_only=True, help_text="Last code point, exclusive.")
    quote = serializers.CharField(read_only=True)
    confidence = serializers.FloatField(
        read_only=True, help_text="The model's probability that this is an argument span."
    )
    stance = serializers.CharField(read_only=True)
    stance_confidence = serializers.FloatField(read_only=True)
    role = serializers.CharField(read_only=True)
    role_confidence = serializers.FloatField(read_only=True)
    nearest_argument = NearestArgumentSerializer(read_only=True, allow_null=True)


class DocumentSuggestionsSerializer(serializers.Serializer):
    model = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The model version's number (v3: 3)."
    )
    model_label = serializers.CharField(read_only=True, allow_null=True)
    message = serializers.CharField(read_only=True, help_text="Why there are none, if so.")
    results = SuggestionSerializer(many=True, read_only=True)


class SuggestionDecisionInputSerializer(StrictInputSerializer):
    model = serializers.IntegerField(min_value=1, help_text="The model version's number.")
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    stance = serializers.CharField(
        required=False, max_length=32, help_text="For edit: the stance chosen."
    )
    role = serializers.CharField(required=False, max_length=32, help_text="For edit: the role.")
    actor = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def validate(self, data):
        if data["action"] == DecisionAction.EDIT:
            missing = {
                name: ["Required when the action is edit."]
                for name in ("stance", "role")
                if not data.get(name)
            }
            if missing:
                raise serializers.ValidationError(missing)
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": ["Must be greater than start."]})
        return data


class SuggestionDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    document = serializers.IntegerField(source="document_id", read_only=True)
    model = serializers.IntegerField(source="model.number", read_only=True)
    start = serializers.IntegerField(read_only=True)
    end = serializers.IntegerField(read_only=True)
    action = serializers.CharField(read_only=True)
    suggested_stance = serializers.CharField(read_only=True)
    suggested_role = serializers.CharField(read_only=True)
    confidence = serializers.FloatField(read_only=True)
    span = serializers.IntegerField(source="span_pk", read_only=True, allow_null=True)
    at = serializers.DateTimeField(read_only=True)


class SuggestionReportSerializer(serializers.Serializer):
    documents = serializers.IntegerField(read_only=True)
    gold_spans = serializers.IntegerField(read_only=True)
    folds = serializers.IntegerField(read_only=True)
    min_overlap = serializers.FloatField(read_only=True)
    threshold = serializers.FloatField(read_only=True)
    true_positives = serializers.IntegerField(read_only=True)
    false_positives = serializers.IntegerField(read_only=True)
    false_negatives = serializers.IntegerField(read_only=True)
    precision = serializers.FloatField(read_only=True, allow_null=True)
    recall = serializers.FloatField(read_only=True, allow_null=True)
    f1 = serializers.FloatField(read_only=True, allow_null=True)
    stance_alpha = serializers.FloatField(read_only=True, allow_null=True)
    role_alpha = serializers.FloatField(read_only=True, allow_null=True)
    stance_accuracy = serializers.FloatField(read_only=True, allow_null=True)
    role_accuracy = serializers.FloatField(read_only=True, allow_null=True)
    labelled_hits = serializers.IntegerField(read_only=True)


class AnnotatorRatesSerializer(serializers.Serializer):
    annotator = serializers.CharField(read_only=True)
    decided = serializers.IntegerField(read_only=True)
    accepted = serializers.IntegerField(read_only=True)
    edited = serializers.IntegerField(read_only=True)
    dismissed = serializers.IntegerField(read_only=True)
    changed_after_accept = serializers.IntegerField(read_only=True)
    acceptance_rate = serializers.FloatField(read_only=True)
    edit_rate = serializers.FloatField(read_only=True)


class TrainingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    error = serializers.CharField(read_only=True)
    requests = serializers.IntegerField(read_only=True)
    reused_model = serializers.BooleanField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SuggestionModelSerializer(serializers.Serializer):
    trained = serializers.BooleanField(read_only=True)
    message = serializers.CharField(read_only=True)
    minimum_documents = serializers.IntegerField(read_only=True)
    adjudicated_documents = serializers.IntegerField(read_only=True)
    model = serializers.IntegerField(read_only=True, allow_null=True)
    model_label = serializers.CharField(read_only=True, allow_null=True)
    input_hash = serializers.CharField(read_only=True, allow_null=True)
    trainer_version = serializers.CharField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    report = SuggestionReportSerializer(read_only=True, allow_null=True)
    annotators = AnnotatorRatesSerializer(many=True, read_only=True)
    training = TrainingSerializer(read_only=True, allow_null=True)


class SuggestionTrainRequestSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class SuggestionSettingsSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=SuggestionMode.choices, read_only=True)
    annotators = serializers.ListField(child=serializers.CharField(), read_only=True)


class SuggestionSettingsInputSerializer(StrictInputSerializer):
    mode = serializers.ChoiceField(choices=SuggestionMode.choices)
    annotators = serializers.ListField(
        child=serializers.CharField(max_length=150),
        max_length=10000,
        help_text="Usernames of annotators who see suggestions whatever the mode.",
    )
