"""`kampung matching evaluate`: precision@3 and nDCG@10 of the ranking on the labelled
evaluation set in kampung/matching/eval/ (see its README for how it was built)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Matching tools. evaluate: ranking quality on the labelled evaluation set."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["evaluate"])

    def handle(self, *args, what, **options):
        from kampung.matching import evaluate

        code = evaluate.main([])
        if code:
            raise CommandError(f"evaluation failed ({code})")
