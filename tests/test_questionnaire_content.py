"""The published questionnaires: complete, specific, and every link works."""

import pytest
from django.test import Client
from django.urls import reverse

from assessment.schema import MAX_LEVEL, MIN_LEVEL, Questionnaire, QuestionType
from assessment.versions import load_questionnaires

DIMENSIONS = [
    "strategy",
    "people",
    "data",
    "experimentation",
    "pipelines",
    "lifecycle",
    "deployment",
    "monitoring",
    "infrastructure",
    "responsible_ai",
]


@pytest.fixture(scope="module")
def questionnaires() -> dict[str, Questionnaire]:
    report = load_questionnaires()
    assert [str(e) for e in report.errors] == []
    return {q.slug: q for _, q in report.valid}


def test_the_full_assessment_and_the_quick_check_are_published(questionnaires):
    assert questionnaires["mlops-maturity"].kind == "full"
    assert questionnaires["quick-check"].kind == "quick"


def test_the_full_assessment_covers_ten_dimensions_in_45_to_70_questions(
    questionnaires,
):
    q = questionnaires["mlops-maturity"]

    assert [d.id for d in q.dimensions] == DIMENSIONS
    assert 45 <= len(q.questions) <= 70
    for dimension in DIMENSIONS:
        assert len(q.questions_in(dimension)) >= 4, dimension
    assert sum(question.critical for question in q.questions) >= 8


def test_the_quick_check_asks_10_to_15_questions_over_the_same_dimensions(
    questionnaires,
):
    quick = questionnaires["quick-check"]
    full = questionnaires["mlops-maturity"]

    assert 10 <= len(quick.questions) <= 15
    assert [d.id for d in quick.dimensions] == DIMENSIONS
    assert {question.dimension for question in quick.questions} == set(DIMENSIONS)
    assert quick.estimated_minutes <= 5
    for ours, theirs in zip(quick.dimensions, full.dimensions, strict=True):
        assert ours.levels == theirs.levels


@pytest.mark.parametrize("slug", ["mlops-maturity", "quick-check"])
def test_every_dimension_and_level_has_next_steps(questionnaires, slug):
    q = questionnaires[slug]

    for dimension in DIMENSIONS:
        for level in range(MIN_LEVEL, MAX_LEVEL + 1):
            steps = [
                step
                for step in q.recommendations.steps
                if step.dimension == dimension and step.level == level
            ]
            assert steps, f"{slug}: no step for {dimension} at level {level}"
            assert all(step.articles for step in steps)
    assert q.recommendations.triggers


@pytest.mark.parametrize("slug", ["mlops-maturity", "quick-check"])
def test_options_describe_practices_not_opinions(questionnaires, slug):
    for question in questionnaires[slug].questions:
        assert question.help, f"{question.id} has no help text"
        for option in question.options:
            label = option.label.lower()
            assert "agree" not in label, question.id
            if question.type is not QuestionType.YES_NO:
                assert len(option.label.split()) >= 3, (question.id, option.label)


@pytest.mark.django_db
def test_every_recommendation_link_leads_to_a_hub_page(questionnaires):
    client = Client()
    urls = set()
    for q in questionnaires.values():
        for step in q.recommendations.steps:
            urls |= {reverse("hub:article", args=[slug]) for slug in step.articles}
            urls |= {reverse("hub:tool", args=[slug]) for slug in step.tools}

    assert len(urls) >= 20
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url
