"""Every write of accounts: API tokens (made, the key returned once; revoked one or all) and
the accounts single sign-on logs into."""

import re
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, OidcIdentity

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# Expired tokens stay listed (as expired) this long, so their owner sees why a script stopped.
EXPIRED_KEPT = timedelta(days=30)


def api_token_lifetimes() -> list[int]:
    """Return the lifetimes, in days, a token can be given: the offered ones up to the maximum."""
    longest = settings.API_TOKEN_MAX_DAYS
    offered = sorted({7, 30, 90, 365, settings.API_TOKEN_DEFAULT_DAYS, longest})
    return [days for days in offered if days <= longest]


def api_token_create(*, user: AbstractBaseUser, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token of ``user`` that expires in ``days`` days; return it and its key.

    The key is not stored anywhere: this is the only time anyone sees it.
    """
    now = timezone.now()
    with transaction.atomic():
        # Tokens expired a month ago are of no more use on the account page.
        ApiToken.objects.filter(user=user, expiry__lt=now - EXPIRED_KEPT).delete()
        live = ApiToken.objects.filter(user=user, expiry__gt=now).count()
        if live >= settings.API_TOKEN_LIMIT:
            raise ValidationError(
                {
                    "name": [
                        f"You have {live} tokens that have not expired, the most an account "
                        "may hold: revoke one on your account page first."
                    ]
                }
            )
        token, key = ApiToken.objects.create(
            user=user,
            expiry=timedelta(days=days),
            prefix=settings.API_TOKEN_PREFIX,
            name=name,
        )
    return token, key


def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> bool:
    """Revoke one token of ``user``; return False if they have no token of that id."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Revoke every token of ``user``; return how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_mark_used(*, token_id: int, last_used, now=None) -> None:
    """Record that a token was used now, at most once per resolution (one write, not one per
    request)."""
    now = now or timezone.now()
    resolution = timedelta(seconds=settings.API_TOKEN_LAST_USED_RESOLUTION)
    if last_used is not None and now - last_used < resolution:
        return
    ApiToken.objects.filter(pk=token_id).update(last_used=now)


# --- Single sign-on ---------------------------------------------------------------------
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _free_username(wanted: str) -> str:
    User = get_user_model()
    base = _USERNAME_UNSAFE.sub("", wanted)[:140] or "user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def oidc_user_for(*, issuer: str, subject: str, claims: Mapping) -> AbstractBaseUser | None:
    """Return the account a provider's subject logs into, linking or making it on first login.

    Later logins find the account by ``(issuer, subject)`` alone. A first login links the one
    account whose e-mail address equals the provider's *verified* address; with none it makes
    an account (a member of no debate until a manager adds it). Inactive accounts get None.
    """
    User = get_user_model()
    identity = (
        OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is not None:
        return identity.user if identity.user.is_active else None
    email = (claims.get("email") or "").strip()
    verified = claims.get("email_verified") is True
    with transaction.atomic():
        user = None
        if email and verified:
            matches = list(User.objects.filter(email__iexact=email)[:2])
            if len(matches) > 1:
                raise SuspiciousOperation(f"Two accounts have the address {email}.")
            user = matches[0] if matches else None
        if user is None:
            wanted = claims.get("preferred_username") or email.partition("@")[0] or subject
            user = User.objects.create_user(
                _free_username(str(wanted)),
                email=email if verified else "",
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
            )
        OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    return user if user.is_active else None
