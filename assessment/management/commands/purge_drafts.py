from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessment.privacy import purge_drafts


class Command(BaseCommand):
    help = (
        "Delete draft assessments untouched for more than --days days, with "
        "their answers and any organisation left without an assessment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count, delete nothing."
        )

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        purged = purge_drafts(timedelta(days=days), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {purged.assessments} draft(s) and "
            f"{purged.organisations} organisation(s) older than {days} days"
        )
