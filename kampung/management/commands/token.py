from django.core.management.base import BaseCommand, CommandError

from kampung.audit.context import acting
from kampung.people.actions import create_api_token
from kampung.people.models import User


class Command(BaseCommand):
    help = "API tokens for integrations: `kampung token create --user EMAIL`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="print a new token for a user (shown once)")
        create.add_argument("--user", required=True, help="the user's email")
        create.add_argument("--name", default="integration", help="what the token is for")

    def handle(self, *args, verb, **options):
        email = options["user"].strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user with email {email}")
        with acting(user, via="cli"):
            _, secret = create_api_token(user=user, name=options["name"])
        self.stdout.write(secret)
