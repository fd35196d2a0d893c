"""Reads of API tokens."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import ApiToken


def api_tokens_of(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """Return ``user``'s tokens, newest first, expired ones included (shown as expired)."""
    return ApiToken.objects.filter(user=user).only(
        "id", "name", "token_key", "created", "expiry", "last_used", "user_id"
    )
