"""The shapes of the token API."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from rest_framework import serializers

from accounts.models import ApiToken
from accounts.services import NAME_MAX_LENGTH
from core.serializers import StrictInputSerializer

LOGIN_TOKEN_NAME = "API login"  # noqa: S105 (a name, not a secret)


def _days_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        help_text=f"Days until the token expires (1 to {settings.API_TOKEN_MAX_DAYS}; "
        f"default {settings.API_TOKEN_DEFAULT_DAYS}).",
        **kwargs,
    )


class TokenRequestSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="What the token is for, shown on the account page "
        f'(default "{LOGIN_TOKEN_NAME}").',
    )
    days = _days_field(required=False)

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


class NewTokenRequestSerializer(StrictInputSerializer):
    name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, help_text="What the token is for (a script, a machine)."
    )
    days = _days_field(required=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(
        source="token_key", read_only=True, help_text="The key's first characters."
    )
    expires = serializers.DateTimeField(source="expiry", read_only=True)
    expired = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expires", "last_used", "expired"]
        read_only_fields = fields

    def get_expired(self, token: ApiToken) -> bool:
        return token.expiry <= timezone.now()


class NewTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The key: send `Authorization: Token <key>`. Shown this once; never stored.",
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields
