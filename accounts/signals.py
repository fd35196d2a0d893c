"""Signal receivers: for rules that must hold however a model is saved.

A password can change through the admin's form, ``manage.py changepassword``, the shell, the
password reset and change pages or any code calling ``set_password()`` and ``save()``; only a
receiver on the user model sees them all. Connected in ``AccountsConfig.ready()``.
"""

from accounts.models import ApiToken


def revoke_tokens_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Delete a user's API tokens when a save changes their stored password hash.

    A token must not outlive the password that issued it. A hash upgrade is no password change
    (Django's words): at login, check_password() re-hashes the same password with a newer
    hasher or more iterations and saves the password field alone, with no new password pending;
    such a save keeps the tokens, or every Django upgrade would sign out each user's scripts.
    """
    if raw or instance._state.adding or instance.pk is None:
        return  # fixtures load as stored; a new user has no tokens
    if update_fields is not None:
        if "password" not in update_fields:
            return  # e.g. the last_login update at every login: no query at all
        # set_password() keeps the new password in _password until the save; an upgrade
        # clears it first.
        if set(update_fields) == {"password"} and getattr(instance, "_password", None) is None:
            return
    # One query: delete the tokens only if the stored hash differs from the one being saved.
    ApiToken.objects.filter(user_id=instance.pk).exclude(user__password=instance.password).delete()
