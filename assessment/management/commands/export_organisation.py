import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessment.privacy import export

from ._organisation_argument import add_organisation_arguments, find_organisation


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything stored about one organisation: its "
        "assessments, answers, results, reports and the clinic's records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_organisation_arguments(parser)
        parser.add_argument("--output", type=Path, help="Write to this file.")

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        organisation = find_organisation(options["organisation"], options["assessment"])
        text = json.dumps(export(organisation), indent=2, ensure_ascii=False)
        if output:
            output.write_text(text + "\n")
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text)
