"""API tokens: secrets their owner sees once, stored only as digests (django-rest-knox).

A token is 64 random hex digits (256 bits) sent as ``Authorization: Token <key>``. The
database keeps its SHA-512 digest and its first 15 characters (knox's ``token_key``, to find
the row); nobody — staff in the admin, a database reader, a backup — can read a usable key
back. A user may hold several tokens, each with its own expiry (``API_TOKEN_DAYS``, 90 by
default; 0 for tokens that never expire), and revokes one by deleting it: in the admin
(``API tokens``: one's own), through the API (``DELETE /api/v1/auth/token/`` revokes the
token that authenticates the request), or ``manage.py revoke_api_tokens``.

Tokens issued by DRF's ``authtoken`` before (40 hex digits, kept in clear) were turned into
digests by migration 0009 and keep working, without expiry, until revoked.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from knox.models import AuthToken

# Characters of a key shown after it is created: enough to tell one's tokens apart.
SHOWN_PREFIX = 8


def default_lifetime() -> datetime.timedelta | None:
    days = settings.API_TOKEN_DAYS
    return datetime.timedelta(days=days) if days else None


def issue_token(
    user, *, lifetime: datetime.timedelta | bool | None = True
) -> tuple[AuthToken, str]:
    """A new token for ``user``: the stored record and the key, which is never shown again.
    ``lifetime``: how long it is valid (True: the configured default; None: no expiry)."""
    if lifetime is True:
        lifetime = default_lifetime()
    return AuthToken.objects.create(user=user, expiry=lifetime)


def shown_prefix(token: AuthToken) -> str:
    return f"{token.token_key[:SHOWN_PREFIX]}\u2026"


class TokenAuthentication(auth.TokenAuthentication):
    """knox's authentication, one query a request: an expired token is refused (and deleted)
    when it is presented. knox itself also looks through the user's other tokens on every
    request to delete the expired ones; ``manage.py revoke_api_tokens --expired`` does that."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``: the header DRF's token scheme documented, kept as is."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API token, as `Token <key>` (issued in the admin under API "
            "tokens, or by `manage.py create_api_token`).",
        }
