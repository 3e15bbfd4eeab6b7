import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kampung.audit.context import acting
from kampung.people.models import User


class Command(BaseCommand):
    help = "Create an installation administrator (administrator in every community)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="omit to be asked (safer than the command line)")

    def handle(self, *args, email, password, **options):
        email = email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with email {email} already exists.")
        if password is None:
            password = getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("password: " + " ".join(exc.messages)) from None
        with acting(None, via="cli"):
            User.objects.create_superuser(email, password)
        self.stdout.write(f"Administrator {email} created.")
