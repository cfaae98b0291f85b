import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from clinic.demo import seed


class Command(BaseCommand):
    help = (
        "Create realistic demo data for the clinic workspace: organisations "
        "with submitted assessments on the newest full questionnaire, scored "
        "with the real scoring, some reviewed, annotated and validated, and "
        "optionally cohorts. Demo advisers are created without a usable "
        "password. Never run this on a production database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--submissions",
            type=int,
            required=True,
            help="How many submitted assessments to create.",
        )
        parser.add_argument(
            "--cohorts", type=int, default=0, help="How many cohorts to create."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=7,
            help="Random seed; the same seed gives the same data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        submissions: int = options["submissions"]
        cohorts: int = options["cohorts"]
        if submissions < 0 or cohorts < 0:
            raise CommandError("--submissions and --cohorts cannot be negative")

        started = time.perf_counter()
        report = seed(
            submissions,
            cohorts,
            seed=options["seed"],
            progress=(lambda line: self.stdout.write(line))
            if options["verbosity"] > 1
            else None,
        )
        for message in report.messages:
            self.stderr.write(message)
        if not report.questionnaire:
            raise CommandError("nothing created: no full questionnaire to answer")
        took = time.perf_counter() - started
        self.stdout.write(
            f"Created {report.submissions} submissions ({report.answers} answers) "
            f"of {report.organisations} organisations on {report.questionnaire}, "
            f"{report.drafts} drafts, {report.cohorts} cohorts, {report.reviews} "
            f"reviews, {report.notes} notes and {report.validations} validated "
            f"levels in {took:.1f} s."
        )
