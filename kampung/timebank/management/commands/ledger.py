"""`kampung ledger verify`: recompute the time bank from its postings and report any
difference. Exits with status 1 if anything is wrong, so it can run from cron or CI."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kampung.timebank.verify import verify


class Command(BaseCommand):
    help = "Time bank ledger tools. `ledger verify` checks every balance and transaction."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="recompute balances from postings and report differences")

    def handle(self, *args, subcommand: str, **options):
        result = verify()
        problems = result["problems"]
        self.stdout.write(
            f"Checked {result['accounts']} accounts, {result['transactions']} transactions "
            f"and {result['postings']} postings."
        )
        for check, row in problems:
            self.stdout.write(f"PROBLEM: {check}: {row}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found in the time bank ledger.")
        self.stdout.write(self.style.SUCCESS("The ledger is consistent: no problems found."))
