from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken
from knox.settings import CONSTANTS

from ppaos.accounts.services import revoke_api_tokens


class Command(BaseCommand):
    help = "Revoke every API token of <username> (or only the one starting with --key)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--key", help="the token's first characters, as the admin lists them")

    def handle(self, *args, username: str, key: str | None = None, **options):
        tokens = AuthToken.objects.filter(user__username=username)
        if key:
            tokens = tokens.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
        if not tokens.exists():
            raise CommandError(f"No API token of {username!r} matches")
        count = revoke_api_tokens(actor=None, tokens=tokens)
        self.stdout.write(f"Revoked {count} API token(s) of {username}.")
