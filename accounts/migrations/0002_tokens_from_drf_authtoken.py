"""Keep the API tokens issued before tokens were hashed, then drop their clear-text table.

Before accounts.ApiToken, tokens were DRF's ``authtoken_token`` rows: one per user, the key in
clear, never expiring. Each becomes a hashed token named "Token from before expiry" that
expires after the default lifetime, so scripts keep working and their owners see the token on
the account page; then the table, which holds the keys in clear, is dropped.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def copy_and_drop(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    from knox.crypto import hash_token  # the hash ApiToken's manager uses

    ApiToken = apps.get_model("accounts", "ApiToken")
    expiry = timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, created, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    for key, created, user_id in rows:
        token = ApiToken(
            digest=hash_token(key),
            token_key=key[:15],
            name="Token from before expiry",
            expiry=expiry,
            user_id=user_id,
        )
        token.save()
        # ``created`` is auto_now_add: the token's own date is set after the insert.
        ApiToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    # Irreversible in effect: the clear keys are gone; going back keeps the hashed tokens.
    operations = [migrations.RunPython(copy_and_drop, migrations.RunPython.noop)]
