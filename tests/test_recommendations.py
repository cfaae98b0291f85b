"""Next steps: chosen by level and trigger, ordered by urgency and dependency."""

from assessment.answers import AnswerValue
from assessment.recommendations import recommend
from assessment.schema import Questionnaire
from assessment.scoring import score_assessment
from tests.questionnaire_files import TINY, load

Q = load(TINY)


def steps_for(answers, targets=None):
    result = score_assessment(Q, answers, targets)
    return [r.step.id for r in recommend(Q, result, answers)]


def test_each_dimension_gets_the_steps_for_its_current_level():
    answers = {
        "data-store": AnswerValue(("shared",)),
        "data-versioned": AnswerValue(("yes",)),
        "data-tools": AnswerValue(("schema",)),
        "mon-any": AnswerValue(("alerts",)),
    }

    # data is at level 1 -> version-data; monitoring at level 2 has no step.
    assert steps_for(answers) == ["version-data"]


def test_a_trigger_adds_its_steps_and_says_so():
    answers = {
        "data-store": AnswerValue(("versioned",)),
        "mon-any": AnswerValue(("none",)),
    }
    result = score_assessment(Q, answers)

    [first, *_] = recommend(Q, result, answers)

    assert first.step.id == "start-monitoring"
    assert first.triggered_by == ("no-monitoring",)
    assert first.blocks_readiness


def test_a_step_never_comes_before_the_step_it_depends_on():
    answers = {
        "data-store": AnswerValue(("laptop",)),
        "mon-any": AnswerValue(("alerts",)),
    }
    result = score_assessment(Q, answers)
    # Make the level-1 step apply at level 0 too, so both data steps are chosen.
    definition = Q.model_dump(by_alias=True)
    for step in definition["recommendations"]["steps"]:
        if step["id"] == "version-data":
            step["level"] = 0
    extra = Questionnaire.model_validate(definition)

    ordered = [r.step.id for r in recommend(extra, result, answers)]

    assert ordered.index("share-data") < ordered.index("version-data")


def test_blocking_dimensions_come_first():
    answers = {
        "data-store": AnswerValue(("laptop",)),
        "mon-any": AnswerValue(("none",)),
    }

    ordered = steps_for(answers)

    assert ordered[0] == "start-monitoring"
    assert "share-data" in ordered
