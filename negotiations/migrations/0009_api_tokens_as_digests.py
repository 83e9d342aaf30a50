"""API tokens move from DRF's authtoken (keys kept in clear) to django-rest-knox (digests).

Each existing key is stored as knox stores its own (the SHA-512 digest of the key, and its
first 15 characters to find the row), without expiry, so clients keep their token; the
clear keys are then deleted. The table of DRF's authtoken app (no longer installed) is left
empty rather than dropped, so that its migration state stays true.
"""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def digest(key: str) -> str:
    """knox.crypto.hash_token with knox's default SECURE_HASH_ALGORITHM (SHA-512)."""
    return hashlib.sha512(key.encode()).hexdigest()


def clear_keys_to_digests(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    table = connection.ops.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id FROM {table}")
        rows = cursor.fetchall()
        AuthToken.objects.using(connection.alias).bulk_create(
            AuthToken(digest=digest(key), token_key=key[:TOKEN_KEY_LENGTH], user_id=user_id)
            for key, user_id in rows
        )
        cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0008_slug_history"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(clear_keys_to_digests, migrations.RunPython.noop)]
