"""Questionnaire versions on disk and in the database.

A version, once stored, is frozen: syncing a file whose content differs
from the stored version of the same number is refused, and the file's
author is told to bump the version. Stored versions are never deleted,
so assessments answered on them stay readable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hub.content import get_hub

from .loader import KnownLinks, LoadReport, LocatedError, load_paths
from .models import QuestionnaireVersion

logger = logging.getLogger(__name__)


def known_links() -> KnownLinks:
    hub = get_hub()
    return KnownLinks(frozenset(hub.articles), frozenset(hub.tools))


def load_questionnaires(paths: list[Path] | None = None) -> LoadReport:
    """Load questionnaire files (by default all of them) against the hub."""
    root = Path(settings.QUESTIONNAIRES_DIR)
    return load_paths(paths or [root], known_links(), display_root=root.parent)


@dataclass
class SyncOutcome:
    created: list[QuestionnaireVersion] = field(default_factory=list)
    unchanged: list[QuestionnaireVersion] = field(default_factory=list)
    errors: list[LocatedError] = field(default_factory=list)


def sync(report: LoadReport) -> SyncOutcome:
    """Store every valid, new version in ``report``; refuse changed ones."""
    outcome = SyncOutcome(errors=list(report.errors))
    for loaded, questionnaire in report.valid:
        with transaction.atomic():
            stored, created = QuestionnaireVersion.objects.get_or_create(
                slug=questionnaire.slug,
                version=questionnaire.version,
                defaults={
                    "title": questionnaire.title,
                    "kind": questionnaire.kind,
                    "definition": questionnaire.model_dump(mode="json", by_alias=True),
                    "content_hash": loaded.content_hash,
                    "source_path": loaded.name,
                },
            )
        if created:
            logger.info("stored questionnaire %s %s", stored.slug, stored.version)
            outcome.created.append(stored)
        elif stored.content_hash == loaded.content_hash:
            outcome.unchanged.append(stored)
        else:
            logger.warning(
                "refused changed content for published questionnaire %s %s",
                stored.slug,
                stored.version,
            )
            outcome.errors.append(
                LocatedError(
                    loaded.name,
                    1,
                    1,
                    f"{questionnaire.slug} {questionnaire.version} is already "
                    "published with different content; published versions never "
                    "change: bump the version (save the file as a new version) "
                    "or undo the edit",
                )
            )
    return outcome
