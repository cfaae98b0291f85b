"""The health check that container platforms and load balancers poll.

``/healthz`` answers 200 when the database answers and at least one
questionnaire version is stored (a release ran), and 503 otherwise, naming
the part that failed. It reads nothing about organisations or assessments.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from assessment.models import QuestionnaireVersion

logger = logging.getLogger(__name__)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok"
    questionnaires: int | None = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: the database did not answer (%s)", error)
        database = "unavailable"
    else:
        questionnaires = _stored_versions()

    healthy = database == "ok" and bool(questionnaires)
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "questionnaires": questionnaires,
        },
        status=200 if healthy else 503,
    )


def _stored_versions() -> int | None:
    """How many questionnaire versions are stored; None if that cannot be read."""
    try:
        return QuestionnaireVersion.objects.count()
    except DatabaseError as error:
        # Typically a release that has not migrated this database yet.
        logger.warning("health check: questionnaire versions unreadable (%s)", error)
        return None
