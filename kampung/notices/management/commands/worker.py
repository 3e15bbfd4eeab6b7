from django.core.management.base import BaseCommand

from kampung.notices import jobs, worker


class Command(BaseCommand):
    help = (
        "Run background tasks (emails) and the schedules (reminders, round-ups) on the "
        "backend settings name: the database by default, RQ with TASKS_BACKEND=rq."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run what is due and what is waiting, then stop"
        )
        parser.add_argument(
            "--run-schedules-now",
            action="store_true",
            help="run every schedule now, whatever its next time (each is safe to repeat)",
        )
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")

    def handle(self, *args, once, run_schedules_now, interval, **options):
        if run_schedules_now:
            for line in jobs.run_all_now():
                self.stdout.write(line)
        self.stdout.write(f"Kampung worker ({worker.backend_kind()} backend). Ctrl+C stops it.")
        worker.run(once=once or run_schedules_now, interval=interval)
