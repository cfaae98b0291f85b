from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment.versions import load_questionnaires, sync


class Command(BaseCommand):
    help = (
        "Store every valid questionnaire version that is not stored yet. "
        "Invalid files and changed published versions are reported and "
        "skipped; the versions already stored stay as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = sync(load_questionnaires())
        for stored in outcome.created:
            self.stdout.write(f"stored     {stored.slug} {stored.version}")
        for stored in outcome.unchanged:
            self.stdout.write(f"unchanged  {stored.slug} {stored.version}")
        for error in outcome.errors:
            self.stderr.write(str(error))
        if outcome.errors:
            raise CommandError(
                f"{len(outcome.errors)} error(s); those files were not synced"
            )
