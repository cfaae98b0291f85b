"""seed_demo: realistic demo data, scored with the real scoring."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Assessment, AssessmentResult, QuestionnaireVersion
from assessment.scoring import score_assessment
from clinic.models import Cohort, CohortMembership, LevelValidation, Review

pytestmark = pytest.mark.django_db


def seed(*arguments: str) -> str:
    out = StringIO()
    call_command("seed_demo", *arguments, stdout=out)
    return out.getvalue()


def test_it_creates_submitted_assessments_on_the_full_questionnaire():
    output = seed("--submissions", "40", "--cohorts", "3")

    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    assert submitted.count() == 40
    assert AssessmentResult.objects.count() == 40
    assert set(submitted.values_list("questionnaire_version__kind", flat=True)) == {
        "full"
    }
    assert Cohort.objects.count() == 3
    assert CohortMembership.objects.exists()
    assert Review.objects.exists()
    assert "Created 40 submissions" in output


def test_its_results_are_what_the_real_scoring_gives():
    seed("--submissions", "15")

    version = QuestionnaireVersion.objects.get(slug="mlops-maturity")
    for assessment in Assessment.objects.filter(status="submitted"):
        stored = AssessmentResult.objects.get(assessment=assessment)
        computed = score_assessment(
            version.questionnaire, assessment.answer_values(), assessment.targets
        )
        assert stored.data == computed.model_dump(mode="json")
        assert (stored.level, stored.verdict) == (computed.level, computed.verdict)


def test_levels_spread_across_the_scale():
    seed("--submissions", "80")

    levels = set(AssessmentResult.objects.values_list("level", flat=True))
    assert len(levels) >= 3


def test_validated_levels_stay_on_the_scale_and_returning_organisations_link_back():
    seed("--submissions", "120", "--seed", "3")

    assert LevelValidation.objects.exists()
    assert set(LevelValidation.objects.values_list("level", flat=True)) <= set(range(5))
    later = Assessment.objects.filter(previous__isnull=False)
    assert later.exists()
    for assessment in later.select_related("previous"):
        previous = assessment.previous
        assert previous is not None
        assert assessment.organisation_id == previous.organisation_id
        assert assessment.submitted_at
        assert previous.submitted_at
        assert assessment.submitted_at >= previous.submitted_at


def test_negative_counts_are_refused():
    with pytest.raises(CommandError):
        seed("--submissions", "-1")
