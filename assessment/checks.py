"""System checks: ``manage.py check`` fails on a bad questionnaire or hub file."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from hub.content import get_hub


@register("questionnaires")
def check_questionnaires(**kwargs: Any) -> list[CheckMessage]:
    from .versions import load_questionnaires

    messages: list[CheckMessage] = [
        Error(str(error), id="hub.E001") for error in get_hub().errors
    ]
    messages += [
        Error(str(error), id="assessment.E001")
        for error in load_questionnaires().errors
    ]
    return messages
