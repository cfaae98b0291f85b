"""Helpers for the journey tests: a stored questionnaire and respondents.

The tests run against the tiny fixture questionnaire, never the real
ones, so that editing the real questionnaires cannot break them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.test import Client
from django.urls import reverse

from assessment.loader import load_paths
from assessment.models import Assessment, QuestionnaireVersion, hash_token
from assessment.versions import known_links, sync

FIXTURES = Path(__file__).parent / "fixtures" / "questionnaires"
TINY = FIXTURES / "tiny" / "1.0.yaml"

LINK = re.compile(r"/a/([A-Za-z0-9_-]{43})/")


def store_questionnaires(*paths: Path) -> list[QuestionnaireVersion]:
    """Load the files and store them as published versions."""
    outcome = sync(load_paths(list(paths), known_links()))
    assert outcome.errors == [], [str(e) for e in outcome.errors]
    return outcome.created + outcome.unchanged


def store_tiny() -> QuestionnaireVersion:
    [version] = store_questionnaires(TINY)
    return version


@dataclass
class Respondent:
    """Someone holding one assessment's private link."""

    client: Client
    token: str

    @property
    def assessment(self) -> Assessment:
        return Assessment.objects.get(token_hash=hash_token(self.token))

    def url(self, name: str, *args: str) -> str:
        return reverse(f"assessment:{name}", args=[self.token, *args])

    def autosave(self, question_id: str, **fields: str | list[str]):
        data = {f"{name}-{question_id}": value for name, value in fields.items()}
        return self.client.post(
            self.url("answer", question_id), data, headers={"HX-Request": "true"}
        )


def start(
    client: Client,
    questionnaire: str = "tiny",
    name: str = "Acme Analytics",
    **extra: str,
) -> Respondent:
    """Fill in the start form and return the respondent with its link."""
    data = {
        "questionnaire": questionnaire,
        "organisation_name": name,
        "sector": "technology",
        "size": "small",
        "respondent_role": "ml_engineer",
        "consent": "on",
        **extra,
    }
    response = client.post(reverse("assessment:start"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    match = LINK.search(response["Location"])
    assert match, response["Location"]
    return Respondent(client, match.group(1))
