"""How API requests authenticate: ``Authorization: Token <key>``, the key looked up by its hash.

The header, its errors and ``WWW-Authenticate: Token`` are DRF's TokenAuthentication's; the key
is django-rest-knox's (stored as a SHA-512 digest). The look-up is one query, compiled once:
compiling a queryset cost more CPU than the database took to answer it, on every request.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from rest_framework import authentication, exceptions

from accounts.models import ApiToken
from accounts.services import api_token_mark_used
from core.db.compiled import CompiledQuery

# Every field but the digest (the look-up's own value), in the model's order: from_db() takes
# a partial row in that order.
_TOKEN_FIELDS = tuple(
    field.attname for field in ApiToken._meta.concrete_fields if field.attname != "digest"
)


def _user_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in get_user_model()._meta.concrete_fields)


def _token_rows(*, digest: str) -> QuerySet:
    return ApiToken.objects.filter(digest=digest).values_list(
        *_TOKEN_FIELDS, *(f"user__{name}" for name in _user_fields())
    )


TOKEN_QUERY = CompiledQuery(_token_rows)
EXPIRED = _("Token expired: make a new one on your account page or with POST /api/v1/auth/token/.")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token header and answers over hashed, expiring tokens (``accounts.ApiToken``)."""

    model = ApiToken

    def authenticate_credentials(self, key: str):
        try:
            digest = hash_token(key)
        except (TypeError, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        row = TOKEN_QUERY.first(shape={}, digest=digest)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        db = ApiToken.objects.db
        split = len(_TOKEN_FIELDS)
        token = ApiToken.from_db(db, _TOKEN_FIELDS, row[:split])
        token.user = get_user_model().from_db(db, _user_fields(), row[split:])
        now = timezone.now()
        if token.expiry <= now:
            raise exceptions.AuthenticationFailed(EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        api_token_mark_used(token_id=token.pk, last_used=token.last_used, now=now)
        return (token.user, token)
