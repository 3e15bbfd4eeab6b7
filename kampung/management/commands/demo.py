import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kampung.demo import ensure_demo_logins, seed_demo
from kampung.devenv import local_addresses

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Command(BaseCommand):
    help = "Migrate, load the demo neighbourhood (once) and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="address to serve on: 0.0.0.0 lets phones on the same Wi-Fi join",
        )
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")

    def handle(self, *args, port, host, no_serve, **options):
        if not settings.DEBUG:
            raise CommandError("the demo is a development site: run it with DEBUG=true")
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        for report in seed_demo():
            state = "created" if report.created else "already there"
            self.stdout.write(f"{report.community}: {report.members} members ({state})")
        self.stdout.write(f"\nDemo logins (password: {settings.KAMPUNG_DEMO_PASSWORD})")
        for email, role, community in ensure_demo_logins():
            self.stdout.write(f"  {role:<22} {email:<34} {community}")
        addresses = self.allow_network_hosts(host)
        self.stdout.write(f"\nKampung is at http://127.0.0.1:{port}/  (Ctrl+C stops it)")
        for address in addresses:
            self.stdout.write(f"  on this network: http://{address}:{port}/")
        self.stdout.write("")
        if not no_serve:
            served = f"[{host}]" if ":" in host else host
            # One background worker beside the server (reminders, emails on this
            # console), stopped with it.
            # Links in its emails point at this demo (unless KAMPUNG_PUBLIC_URL says).
            shown = addresses[0] if addresses else "127.0.0.1"
            env = {"KAMPUNG_PUBLIC_URL": f"http://{shown}:{port}", **os.environ}
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "kampung.cli", "worker"], env=env
            )
            self.stdout.write(f"Background worker started (process {worker.pid}).")
            try:
                call_command("runserver", f"{served}:{port}", use_reloader=False)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def allow_network_hosts(self, host: str) -> list[str]:
        """Serving beyond this computer (0.0.0.0 or a LAN address): let the site answer
        to this machine's own addresses, for this development run only (never '*')."""
        if host in LOOPBACK:
            return []
        addresses = local_addresses() if host in ("0.0.0.0", "::") else [host]  # noqa: S104
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *addresses]
        return addresses
