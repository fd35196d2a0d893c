"""API tokens and single sign-on identities in the admin: listed and revoked, never made there
(a token's key is shown once, to its owner, on the account page or by the API)."""

from django.contrib import admin

from accounts.models import ApiToken, OidcIdentity


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "token_key", "created", "expiry", "last_used"]
    list_filter = ["expiry"]
    search_fields = ["name", "user__username", "token_key"]
    readonly_fields = ["name", "user", "token_key", "created", "expiry", "last_used"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "created"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
