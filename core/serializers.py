"""API shapes shared by every app: strict input, and the token exchange."""

from collections.abc import Mapping

from django.contrib.auth import authenticate
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


# --- Auth -----------------------------------------------------------------------------------
class TokenRequestSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        # Axes counts failures and refuses locked-out users from the Django request, which
        # DRF wraps; passing the wrapped one lets its middleware see the lockout flag.
        request = self.context["request"]
        user = authenticate(
            request=request._request, username=attrs["username"], password=attrs["password"]
        )
        if getattr(request._request, "axes_locked_out", False):
            attrs["locked_out"] = True
            return attrs
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the given username and password."]}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
