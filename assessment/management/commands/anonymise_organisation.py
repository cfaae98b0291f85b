from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessment.privacy import anonymise

from ._organisation_argument import add_organisation_arguments, find_organisation


class Command(BaseCommand):
    help = (
        "Anonymise one organisation on request: replace its name, empty free "
        "text, notes and evidence, delete its PDF reports and blank the "
        "clinic's notes about it. Scores stay for statistics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_organisation_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = find_organisation(options["organisation"], options["assessment"])
        anonymise(organisation)
        self.stdout.write(f"anonymised organisation {organisation.pk}")
