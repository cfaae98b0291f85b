"""The journey's domain functions, without requests."""

import pytest

from assessment.answers import InvalidAnswerError
from assessment.journey import (
    AnswerInput,
    carried_question_ids,
    check_input,
    describe_blocker,
    parse_targets,
    progress,
    with_targets,
)
from assessment.scoring import Blocker, score_assessment
from tests.journey_support import FIXTURES, TINY
from tests.questionnaire_files import load

TINY_NEXT = FIXTURES.parent / "journey" / "tiny" / "1.1.yaml"


@pytest.fixture(scope="module")
def tiny():
    return load(TINY)


def test_progress_counts_visible_scored_questions_per_dimension(tiny):
    answers = {
        "data-store": AnswerInput(choices=("shared",)),
        "mon-notes": AnswerInput(text="Fine"),
    }

    counted = progress(tiny, answers)

    data, monitoring = counted.dimensions
    assert (data.answered, data.total) == (1, 3)
    assert [q.id for q in data.unanswered] == ["data-versioned", "data-tools"]
    assert (monitoring.answered, monitoring.total) == (0, 1)
    first = counted.first_incomplete()
    assert first is not None
    assert first.id == "data"


def test_a_note_alone_does_not_answer_a_question(tiny):
    counted = progress(tiny, {"data-store": AnswerInput(note="Ask Sam")})

    assert counted.answered == 0


def test_special_answers_count_as_answered(tiny):
    counted = progress(
        tiny,
        {
            "data-store": AnswerInput(special="dont_know"),
            "data-versioned": AnswerInput(special="not_applicable"),
        },
    )

    assert counted.for_dimension("data").complete


def test_within_one_version_every_answer_carries_over(tiny):
    assert carried_question_ids(tiny, tiny) == set(tiny.questions_by_id)


def test_across_versions_only_declared_questions_carry_over(tiny):
    newer = load(TINY_NEXT)

    carried = carried_question_ids(tiny, newer)

    assert carried == {"data-store", "data-tools", "mon-any", "mon-notes"}


def test_an_oversized_note_is_refused_before_anything_else(tiny):
    question = tiny.questions_by_id["data-store"]

    with pytest.raises(InvalidAnswerError, match="note is 2,001 characters"):
        check_input(question, AnswerInput(choices=("nope",), note="x" * 2001))


def test_targets_come_from_form_values_and_blank_means_none(tiny):
    assert parse_targets(tiny, {"data": "2", "monitoring": ""}) == {"data": 2}
    with pytest.raises(ValueError, match="not a level"):
        parse_targets(tiny, {"data": "3"})
    with pytest.raises(ValueError, match="unknown dimension"):
        parse_targets(tiny, {"nowhere": "1"})


def test_new_targets_give_gaps_without_changing_scores(tiny):
    stored = score_assessment(tiny, {})

    targeted = with_targets(stored, {"data": 2})

    data = targeted.for_dimension("data")
    assert (data.target_level, data.gap) == (2, 2)
    assert data.score == stored.for_dimension("data").score


def test_blockers_name_the_dimension_or_question_in_words(tiny):
    dimension = Blocker(
        kind="dimension",
        dimension="monitoring",
        level=0,
        required_level=1,
        reason="below level 1",
    )
    question = Blocker(
        kind="question",
        dimension="data",
        question="data-store",
        reason="answered Don't know",
    )

    assert describe_blocker(tiny, dimension) == (
        "Monitoring is at level 0 (Ad hoc); production needs at least level 1 "
        "(Repeatable)."
    )
    assert describe_blocker(tiny, question) == (
        "Data: “Where is training data kept?” – answered “Don't know”."
    )
