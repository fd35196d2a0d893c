"""Signal receivers: for rules that must hold however a model is saved.

A password can change through the admin's form, ``manage.py changepassword``, the shell or any
code calling ``set_password()`` and ``save()``; only a receiver on the user model sees them all.
Connected in ``DebateConfig.ready()``.
"""

from rest_framework.authtoken.models import Token


def revoke_tokens_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Delete a user's API tokens when a save changes their stored password hash.

    A token must not outlive the password that issued it, as Django's own session check does
    for sessions. That includes a hash upgrade at login (a new hasher or more iterations): like
    the sessions, the other tokens then go once, and the login that upgraded gets a new one.
    """
    if raw or instance._state.adding or instance.pk is None:
        return  # fixtures load as stored; a new user has no tokens
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. the last_login update at every login: no query at all
    # One query: delete the tokens only if the stored hash differs from the one being saved.
    Token.objects.filter(user_id=instance.pk).exclude(user__password=instance.password).delete()
