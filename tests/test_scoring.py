"""Scoring: bounds, monotonicity, exclusions and the readiness verdict."""

from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessment.answers import AnswerValue, visible_questions
from assessment.loader import questionnaire_files
from assessment.schema import DONT_KNOW, NOT_APPLICABLE, Questionnaire, QuestionType
from assessment.scoring import Verdict, score_assessment
from tests.questionnaire_files import TINY, load

TINY_Q = load(TINY)
REAL = [load(p) for p in questionnaire_files([Path(settings.QUESTIONNAIRES_DIR)])]
ALL = [TINY_Q, *REAL]


def a(*choices: str) -> AnswerValue:
    return AnswerValue(choices=choices)


def test_best_answers_score_100_and_reach_the_top_level():
    answers = {
        "data-store": a("versioned"),
        "data-versioned": a("yes"),
        "data-tools": a("schema", "ranges"),
        "mon-any": a("alerts"),
    }

    result = score_assessment(TINY_Q, answers)

    assert [d.score for d in result.dimensions] == [100.0, 100.0]
    assert result.level == 2
    assert result.verdict is Verdict.READY
    assert result.blockers == ()


def test_not_applicable_leaves_the_denominator():
    answers = {
        "data-store": a("versioned"),
        "data-versioned": AnswerValue(special=NOT_APPLICABLE),
        "data-tools": a("schema", "ranges"),
    }

    data = score_assessment(TINY_Q, answers).for_dimension("data")

    assert data.score == 100.0
    assert (data.answered, data.total, data.not_applicable) == (2, 3, 1)


def test_dont_know_scores_lowest_and_is_flagged():
    answers = {
        "data-store": a("versioned"),
        "data-versioned": AnswerValue(special=DONT_KNOW),
    }

    data = score_assessment(TINY_Q, answers).for_dimension("data")

    assert data.flagged == ("data-versioned",)
    assert data.dont_know == 1
    # data-store full marks, data-versioned 0, data-tools unanswered: 1 of 3.
    assert data.score == pytest.approx(33.3)


def test_hidden_questions_do_not_count():
    answers = {"data-store": a("laptop"), "data-tools": a("schema", "ranges")}

    data = score_assessment(TINY_Q, answers).for_dimension("data")

    assert "data-tools" not in visible_questions(TINY_Q, answers)
    assert data.total == 2
    assert data.score == 0.0


def test_free_text_never_scores():
    with_text = {"mon-any": a("manual"), "mon-notes": AnswerValue(text="We look daily")}

    monitoring = score_assessment(TINY_Q, with_text).for_dimension("monitoring")

    assert monitoring.total == 1
    assert monitoring.score == 50.0


def test_overall_score_is_the_weighted_mean_of_dimensions():
    answers = {
        "data-store": a("versioned"),
        "data-versioned": a("yes"),
        "data-tools": a("schema", "ranges"),
    }

    result = score_assessment(TINY_Q, answers)

    # data 100 (weight 1), monitoring 0 (weight 2).
    assert result.score == pytest.approx(33.3)


def test_a_strong_dimension_does_not_hide_a_missing_basic():
    answers = {
        "data-store": a("versioned"),
        "data-versioned": a("yes"),
        "data-tools": a("schema", "ranges"),
        "mon-any": a("none"),
    }

    result = score_assessment(TINY_Q, answers)

    assert result.verdict is Verdict.NOT_READY
    [blocker] = result.blockers
    assert (blocker.kind, blocker.dimension, blocker.level) == (
        "dimension",
        "monitoring",
        0,
    )


def test_a_critical_question_below_the_minimum_blocks_readiness():
    answers = {"data-store": a("laptop"), "mon-any": a("alerts")}

    result = score_assessment(TINY_Q, answers)

    assert [(b.kind, b.question) for b in result.blockers] == [
        ("question", "data-store")
    ]


def test_gap_to_a_target_level():
    result = score_assessment(
        TINY_Q, {"mon-any": a("manual")}, targets={"monitoring": 2, "data": 0}
    )

    assert result.for_dimension("monitoring").gap == 1
    assert result.for_dimension("data").gap == 0


def test_a_dimension_with_every_question_not_applicable_has_no_score():
    definition = TINY_Q.model_dump(by_alias=True)
    for question in definition["questions"]:
        question["allow_not_applicable"] = True
    q = Questionnaire.model_validate(definition)
    answers = {"mon-any": AnswerValue(special=NOT_APPLICABLE)}

    monitoring = score_assessment(q, answers).for_dimension("monitoring")

    assert (monitoring.score, monitoring.level) == (None, None)


# Property-based tests over every questionnaire: the tiny fixture and the real ones.


def answer_for(question, draw) -> AnswerValue | None:
    specials = []
    if question.allow_not_applicable:
        specials.append(AnswerValue(special=NOT_APPLICABLE))
    if question.allow_dont_know:
        specials.append(AnswerValue(special=DONT_KNOW))
    ids = [option.id for option in question.options]
    if question.type is QuestionType.FREE_TEXT:
        regular = [AnswerValue(text=draw(st.text(max_size=20)))]
    elif question.type is QuestionType.MULTIPLE_CHOICE:
        regular = [
            AnswerValue(tuple(draw(st.lists(st.sampled_from(ids), unique=True))))
        ]
    else:
        regular = [AnswerValue((option_id,)) for option_id in ids]
    return draw(st.sampled_from([None, *specials, *regular]))


@st.composite
def questionnaire_and_answers(draw):
    q = draw(st.sampled_from(ALL))
    answers = {}
    for question in q.questions:
        answer = answer_for(question, draw)
        if answer is not None:
            answers[question.id] = answer
    return q, answers


def controlling(q: Questionnaire) -> set[str]:
    """Questions that some condition refers to."""
    from assessment.loader import condition_leaves

    ids = set()
    for question in q.questions:
        if question.show_if is not None:
            ids |= {leaf.question for _, leaf in condition_leaves(question.show_if, ())}
    return ids


PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(questionnaire_and_answers())
def test_scores_stay_in_bounds(case):
    q, answers = case

    result = score_assessment(q, answers)

    for dimension in result.dimensions:
        assert dimension.score is None or 0 <= dimension.score <= 100
        assert dimension.level is None or 0 <= dimension.level <= 4
        assert (
            dimension.answered + dimension.not_applicable + dimension.unanswered
            == dimension.total
        )
    assert result.score is None or 0 <= result.score <= 100


@PROPERTY_SETTINGS
@given(questionnaire_and_answers())
def test_the_same_input_always_gives_the_same_output(case):
    q, answers = case

    assert score_assessment(q, answers) == score_assessment(q, dict(answers))


@PROPERTY_SETTINGS
@given(questionnaire_and_answers(), st.data())
def test_a_better_answer_never_lowers_a_score(case, data):
    q, answers = case
    candidates = [
        question
        for question in q.questions
        if question.type
        in {QuestionType.SINGLE_CHOICE, QuestionType.SCALE, QuestionType.YES_NO}
        and question.id not in controlling(q)
    ]
    question = data.draw(st.sampled_from(candidates))
    worse, better = sorted(
        data.draw(st.lists(st.sampled_from(question.options), min_size=2, max_size=2)),
        key=lambda option: option.score,
    )

    low = score_assessment(q, {**answers, question.id: AnswerValue((worse.id,))})
    high = score_assessment(q, {**answers, question.id: AnswerValue((better.id,))})

    dimension = question.dimension
    assert (high.for_dimension(dimension).score or 0) >= (
        low.for_dimension(dimension).score or 0
    )
    assert (high.score or 0) >= (low.score or 0)
    assert len(high.blockers) <= len(low.blockers)


@PROPERTY_SETTINGS
@given(questionnaire_and_answers(), st.data())
def test_not_applicable_never_changes_other_dimensions(case, data):
    q, answers = case
    candidates = [
        question
        for question in q.questions
        if question.allow_not_applicable and question.id not in controlling(q)
    ]
    if not candidates:
        return
    question = data.draw(st.sampled_from(candidates))

    before = score_assessment(q, answers)
    after = score_assessment(
        q, {**answers, question.id: AnswerValue(special=NOT_APPLICABLE)}
    )

    for old, new in zip(before.dimensions, after.dimensions, strict=True):
        if old.dimension != question.dimension:
            assert old == new
