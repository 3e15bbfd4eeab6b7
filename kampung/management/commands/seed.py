import time

from django.core.management.base import BaseCommand, CommandError

from kampung.demo import seed_demo


class Command(BaseCommand):
    help = "Build the deterministic demo neighbourhood (does nothing if it already exists)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=300, help="members in the main community"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same data")

    def handle(self, *args, members, seed, **options):
        if members < 0:
            raise CommandError("--members must be 0 or more")
        started = time.perf_counter()
        for report in seed_demo(members=members, seed=seed):
            if report.created:
                self.stdout.write(
                    f"{report.community}: created {report.members} members, "
                    f"{report.organisations} organisations, {report.consents} consents"
                )
            else:
                self.stdout.write(
                    f"{report.community}: already seeded ({report.members} members); left as it is"
                )
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s")
