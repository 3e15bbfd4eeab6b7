from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kampung.audit.context import acting
from kampung.people.actions import create_api_token, revoke_api_token
from kampung.people.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "API tokens for integrations: `kampung token create --user EMAIL`, "
        "`kampung token list --user EMAIL`, `kampung token revoke PREFIX`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="print a new token for a user (shown once)")
        create.add_argument("--user", required=True, help="the user's email")
        create.add_argument("--name", default="integration", help="what the token is for")
        create.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="days until it stops working (default: KAMPUNG_TOKEN_DAYS, 90)",
        )
        listing = sub.add_parser("list", help="a user's tokens (never their secrets)")
        listing.add_argument("--user", required=True, help="the user's email")
        revoke = sub.add_parser("revoke", help="stop a token working, by its prefix")
        revoke.add_argument("prefix", help="the token's first 12 characters (kpg_...)")

    def _user(self, email: str) -> User:
        email = email.strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user with email {email}")
        return user

    def handle(self, *args, verb, **options):
        getattr(self, f"_{verb}")(**options)

    def _create(self, **options):
        user = self._user(options["user"])
        try:
            with acting(user, via="cli"):
                _, secret = create_api_token(
                    user=user, name=options["name"], expires_days=options["expires_days"]
                )
        except ValidationError as exc:
            field, errors = next(iter(exc.message_dict.items()))
            raise CommandError(f"--{field.replace('_', '-')}: {' '.join(errors)}") from None
        self.stdout.write(secret)

    def _list(self, **options):
        user = self._user(options["user"])
        for token in user.api_tokens.order_by("-created_at"):
            state = "revoked" if token.revoked_at else ("usable" if token.is_usable else "expired")
            last = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
            self.stdout.write(
                f"{token.prefix}\t{token.name}\t{state}\t"
                f"expires {token.expires_at.date().isoformat()}\tlast used {last}"
            )

    def _revoke(self, **options):
        token = ApiToken.objects.filter(prefix=options["prefix"][:12]).first()
        if token is None:
            raise CommandError(f"no token starts with {options['prefix'][:12]}")
        with acting(None, via="cli"):
            revoke_api_token(by=None, token=token)
        self.stdout.write(f"revoked {token.prefix} ({token.user.email})")
