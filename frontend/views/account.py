"""Your account: API tokens (listed, made, revoked through the token API), password change,
and the password reset pages (Django's views with the site's templates)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django_ratelimit.core import is_ratelimited

from accounts.selectors import api_tokens_of
from accounts.serializers import ApiTokenSerializer
from accounts.services import NAME_MAX_LENGTH, api_token_lifetimes
from core.network import client_ip


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    page_data = {
        "tokens": ApiTokenSerializer(api_tokens_of(user=user), many=True).data,
        "urls": {
            "tokens": reverse("api-tokens"),
            "token": reverse("api-token-detail", args=[0]).replace("/0/", "/{id}/"),
        },
    }
    return render(
        request,
        "frontend/account.html",
        {
            "page_data": page_data,
            "lifetimes": api_token_lifetimes(),
            "default_days": settings.API_TOKEN_DEFAULT_DAYS,
            "name_max_length": NAME_MAX_LENGTH,
            "has_password": user.has_usable_password(),
            "identities": list(user.oidc_identities.values_list("issuer", flat=True)),
            "oidc_name": settings.OIDC_PROVIDER_NAME,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your password; your API tokens are revoked with the old one."""

    template_name = "frontend/account/password_change_form.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Your password is changed. Your API tokens were revoked with the old one: make "
            "new ones below for your scripts.",
        )
        return response


def reset_valid_for() -> str:
    """Say how long a password reset link works (``PASSWORD_RESET_TIMEOUT``)."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "one hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, seconds // 60)
    return "one minute" if minutes == 1 else f"{minutes} minutes"


class LoginView(auth_views.LoginView):
    """Django's login, offering single sign-on where it is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            oidc_enabled=settings.OIDC_ENABLED, oidc_name=settings.OIDC_PROVIDER_NAME, **kwargs
        )


def _reset_address(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def _reset_client(group: str, request: HttpRequest) -> str:
    return client_ip(request) or ""


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail address; the answer never says whether it has an account.

    Accounts with no usable password (single sign-on only) and inactive ones get no e-mail.
    Requests are limited per address asked for and per client (``THROTTLE_PASSWORD_RESET``,
    django-ratelimit over the shared cache), so nobody can fill someone's mailbox.
    """

    template_name = "frontend/account/password_reset_form.html"
    email_template_name = "frontend/account/password_reset_email.txt"
    subject_template_name = "frontend/account/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_for=reset_valid_for(), **kwargs)

    def post(self, request, *args, **kwargs):
        limited = [
            is_ratelimited(
                request,
                group="password-reset",
                key=key,
                rate=settings.THROTTLE_PASSWORD_RESET,
                method="POST",
                increment=True,
            )
            for key in (_reset_address, _reset_client)
        ]
        if any(limited):
            return render(
                request,
                "frontend/account/password_reset_form.html",
                {
                    "form": self.get_form(),
                    "valid_for": reset_valid_for(),
                    "limited": True,
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"valid_for": reset_valid_for()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "frontend/account/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_for=reset_valid_for(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/account/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_for=reset_valid_for(), **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "frontend/account/password_reset_complete.html"
