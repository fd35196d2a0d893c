"""API shapes shared by every app: strict input."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input shape that refuses what it does not declare, rather than ignoring or coercing it.

    Unknown and server-owned fields (``layer``, ``created_by``, ``version`` where it is not an
    input) fail loudly instead of appearing to be written; a number where a string belongs,
    or a string where a number belongs, fails instead of being converted.
    """

    def to_internal_value(self, data):
        errors = self._strict_errors(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                exc.detail.update(errors)
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def _strict_errors(self, data: Mapping) -> dict[str, list[str]]:
        errors = {}
        for key, value in data.items():
            field = self.fields.get(key)
            if field is None or field.read_only:
                errors[key] = ["Unknown or read-only field; it cannot be written."]
            elif value is None:
                continue
            elif isinstance(field, serializers.CharField | serializers.ChoiceField) and not (
                isinstance(value, str)
            ):
                errors[key] = ["Not a valid string."]
            elif isinstance(field, serializers.IntegerField) and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                errors[key] = ["A valid integer is required."]
        return errors
