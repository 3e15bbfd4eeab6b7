import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kampung.demo import ensure_demo_logins, seed_demo


class Command(BaseCommand):
    help = "Migrate, load the demo neighbourhood (once) and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")

    def handle(self, *args, port, no_serve, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        for report in seed_demo():
            state = "created" if report.created else "already there"
            self.stdout.write(f"{report.community}: {report.members} members ({state})")
        self.stdout.write(f"\nDemo logins (password: {settings.KAMPUNG_DEMO_PASSWORD})")
        for email, role, community in ensure_demo_logins():
            self.stdout.write(f"  {role:<22} {email:<34} {community}")
        self.stdout.write(f"\nKampung is at http://127.0.0.1:{port}/  (Ctrl+C stops it)\n")
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
