from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ppaos.accounts.services import issue_api_token


class Command(BaseCommand):
    help = (
        "Issue an API token for an integration acting as <username>. The token is printed once "
        "and stored only as a digest; revoke it in the Django admin (API tokens) or with "
        "revoke_api_tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DAYS,
            help=f"days the token is valid (default API_TOKEN_DAYS, {settings.API_TOKEN_DAYS})",
        )

    def handle(self, *args, username: str, days: int, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}")
        if days < 1:
            raise CommandError("--days must be at least 1")
        instance, token = issue_api_token(actor=None, user=user, days=days)
        self.stderr.write(
            f"Token {instance.token_key}… for {username}, valid until "
            f"{instance.expiry:%Y-%m-%d %H:%M %Z}. It is shown only now:"
        )
        self.stdout.write(token)
