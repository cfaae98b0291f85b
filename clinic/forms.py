"""The forms of the clinic workspace."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from assessment.schema import Questionnaire

from .models import Cohort, ReviewStatus
from .review import NOTE_MAX_LENGTH
from .validation import REASON_MAX_LENGTH


class ReviewerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ReviewStatus.choices)
    assignee = ReviewerChoiceField(
        label="Assigned to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
    )

    def __init__(self, *args: Any, reviewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ReviewerChoiceField, self.fields["assignee"]).queryset = reviewers


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only clinic staff see notes; the organisation never does.",
        error_messages={"required": "Write the note before adding it"},
    )


class ValidationForm(forms.Form):
    dimension = forms.ChoiceField(label="Dimension")
    level = forms.TypedChoiceField(label="Validated level", coerce=int)
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The organisation sees this reason beside both levels on "
        "its results.",
        error_messages={"required": "Give the reason for the validated level"},
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dimension = cast(forms.ChoiceField, self.fields["dimension"])
        dimension.choices = [("", "Choose a dimension")] + [
            (d.id, d.name) for d in questionnaire.dimensions
        ]
        level = cast(forms.TypedChoiceField, self.fields["level"])
        level.choices = [("", "Choose a level")] + [
            (str(lv.level), f"Level {lv.level}: {lv.name}")
            for lv in questionnaire.levels
        ]
        self.fields["dimension"].error_messages["required"] = "Choose a dimension"
        self.fields["level"].error_messages["required"] = "Choose a level"


class CohortForm(forms.ModelForm[Cohort]):
    class Meta:
        model = Cohort
        fields = ["name", "date", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter the cohort's name"},
            "date": {
                "required": "Enter the date of the clinic or workshop",
                "invalid": "Enter the date as a day, month and year",
            },
        }
