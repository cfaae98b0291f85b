"""Reading what the respondent sent: the start form and answer fields.

An answer page posts, for each question, ``answer-<id>`` (option ids, or
``not_applicable`` / ``dont_know``), ``text-<id>`` for free text, and
``note-<id>`` and ``evidence-<id>``. The autosave of one question posts
the same fields for that question alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict

from clinic.access import cohort_for_invite
from clinic.models import Cohort

from .answers import InvalidAnswerError
from .journey import AnswerInput
from .models import Assessment, Organisation, QuestionnaireVersion
from .schema import SPECIAL_ANSWERS, Question


class StartForm(forms.Form):
    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As you would like it to appear on your results.",
    )
    sector = forms.ChoiceField(
        label="Sector", choices=[("", "Choose a sector"), *Organisation.Sector.choices]
    )
    size = forms.ChoiceField(
        label="Size", choices=[("", "Choose a size"), *Organisation.Size.choices]
    )
    respondent_role = forms.ChoiceField(
        label="Your role",
        choices=[("", "Choose your role"), *Assessment.Role.choices],
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        help_text="We send your private link to this address once and do not keep it.",
    )
    questionnaire = forms.ChoiceField(label="Which assessment?")
    consent = forms.BooleanField(
        label="I have read the privacy notice and agree that the answers are "
        "stored to give these results.",
        error_messages={"required": "Agree to the privacy notice to start"},
    )
    # The invite code of the clinic or workshop whose link opened the form.
    cohort = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, versions: Sequence[QuestionnaireVersion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {version.slug: version for version in versions}
        questionnaire = cast(forms.ChoiceField, self.fields["questionnaire"])
        questionnaire.choices = [(version.slug, version.title) for version in versions]
        self.fields["organisation_name"].error_messages["required"] = (
            "Enter the name of your organisation"
        )
        self.fields["sector"].error_messages["required"] = "Choose a sector"
        self.fields["size"].error_messages["required"] = "Choose a size"
        self.fields["respondent_role"].error_messages["required"] = "Choose your role"
        self.fields["questionnaire"].error_messages["required"] = (
            "Choose the quick check or the full assessment"
        )

    @property
    def chosen_version(self) -> QuestionnaireVersion:
        return self.versions[self.cleaned_data["questionnaire"]]

    def clean_cohort(self) -> Cohort | None:
        code: str = self.cleaned_data["cohort"]
        if not code:
            return None
        cohort = cohort_for_invite(code)
        if cohort is None:
            raise forms.ValidationError(
                "The invite link you followed is not valid. Ask the clinic for "
                "a new one, or start from the home page without it."
            )
        return cohort


def read_answer(data: QueryDict, question: Question) -> AnswerInput:
    """The answer fields for ``question`` in posted form data.

    Raises ``InvalidAnswerError`` when the fields cannot be one answer;
    whether the question allows it is ``journey.check_input``'s business.
    """
    chosen = data.getlist(f"answer-{question.id}")
    specials = [value for value in chosen if value in SPECIAL_ANSWERS]
    if len(specials) > 1:
        raise InvalidAnswerError("choose either “Not applicable” or “Don't know”")
    return AnswerInput(
        choices=tuple(value for value in chosen if value not in SPECIAL_ANSWERS),
        special=specials[0] if specials else None,
        text=_text(data, f"text-{question.id}"),
        note=_text(data, f"note-{question.id}"),
        evidence=_text(data, f"evidence-{question.id}"),
    )


def _text(data: QueryDict, name: str) -> str:
    # Browsers send a textarea's line breaks as CR LF but count them as one
    # character against maxlength; count them the same way here.
    return data.get(name, "").replace("\r\n", "\n").strip()
