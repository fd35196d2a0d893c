"""API tokens and the single sign-on identities linked to accounts.

A token is stored as its digest (django-rest-knox: SHA-512 of the key), never the key itself:
the key is shown once, when the token is made. A token has a name, so its owner knows which
script holds it, and an expiry; it is revoked by deleting it.
"""

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """One named, expiring API token of a user; ``digest`` is knox's hash of the key."""

    # A short number to name a token by in URLs, instead of knox's digest as the key.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    expiry = models.DateTimeField()
    # Set at most once per ``API_TOKEN_LAST_USED_RESOLUTION`` seconds (one write, not one per
    # request), so the account page can say which tokens are still in use.
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "-created"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…) of {self.user_id}"


class OidcIdentity(models.Model):
    """An account's identity at the OpenID Connect provider: the provider's ``sub`` claim.

    Found by ``sub`` at every later login, so a changed e-mail address at the provider still
    reaches the same account, and nobody reaches an account by claiming its address.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
