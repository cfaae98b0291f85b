from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.versions import load_questionnaires


class Command(BaseCommand):
    help = (
        "Check questionnaire files (all of them when no path is given) and "
        "print every error as file:line:column: message."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path)

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        report = load_questionnaires(paths or None)
        for error in report.errors:
            self.stderr.write(str(error))
        for loaded, q in report.valid:
            self.stdout.write(
                f"ok  {loaded.name}: {q.slug} {q.version}, "
                f"{len(q.dimensions)} dimensions, {len(q.questions)} questions"
            )
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} error(s) in "
                f"{len(report.files) - len(report.valid)} file(s)"
            )
        if not report.files:
            raise CommandError("no questionnaire files found")
