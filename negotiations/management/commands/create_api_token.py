"""Issue an API token for a user and print its key: the only time anyone sees it."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from negotiations.api.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Issue an API token for USERNAME and print its key (shown once: only its digest is "
        "stored). Valid for API_TOKEN_DAYS days unless --days or --no-expiry says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        lifetime = parser.add_mutually_exclusive_group()
        lifetime.add_argument("--days", type=int, help="Days the token is valid (1 or more).")
        lifetime.add_argument(
            "--no-expiry", action="store_true", help="A token that never expires."
        )

    def handle(self, username, days=None, no_expiry=False, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        if no_expiry:
            lifetime = None
        elif days is not None:
            lifetime = datetime.timedelta(days=days)
        else:
            lifetime = True
        record, key = issue_token(user, lifetime=lifetime)
        expiry = record.expiry.isoformat() if record.expiry else "never"
        self.stderr.write(f"Token for {username} (expires: {expiry}); it is not shown again:")
        self.stdout.write(key)
