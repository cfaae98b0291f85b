"""How the data-protection commands find the organisation asked about."""

from django.core.management.base import CommandError, CommandParser

from assessment.models import Assessment, Organisation


def add_organisation_arguments(parser: CommandParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--organisation", type=int, help="The organisation's id.")
    group.add_argument(
        "--assessment",
        type=int,
        help="The id of one of its assessments (the submission number staff see).",
    )


def find_organisation(organisation: int | None, assessment: int | None) -> Organisation:
    found: Organisation | None = None
    if organisation is not None:
        found = Organisation.objects.filter(pk=organisation).first()
    elif assessment is not None:
        owner = Assessment.objects.filter(pk=assessment).select_related("organisation")
        first = owner.first()
        found = first.organisation if first else None
    if found is None:
        raise CommandError("no such organisation or assessment")
    return found
