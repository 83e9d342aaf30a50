"""Revoke API tokens: a user's, or every expired one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Revoke every API token of USERNAME, or (--expired) every expired token."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--expired", action="store_true", help="Every expired token.")

    def handle(self, username=None, expired=False, **options):
        if bool(username) == expired:
            raise CommandError("Give a USERNAME or --expired (not both).")
        tokens = (
            AuthToken.objects.filter(expiry__lt=timezone.now())
            if expired
            else AuthToken.objects.filter(user__username=username)
        )
        count, _ = tokens.delete()
        self.stdout.write(f"{count} token(s) revoked.")
