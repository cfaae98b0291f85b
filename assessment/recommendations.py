"""Choose and order the next steps for a scored assessment."""

from __future__ import annotations

from dataclasses import dataclass

from .answers import Answers, holds, visible_questions
from .schema import MAX_LEVEL, Questionnaire, Rating, Step
from .scoring import AssessmentScore

_RATING = {Rating.LOW: 0, Rating.MEDIUM: 1, Rating.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Recommendation:
    step: Step
    triggered_by: tuple[str, ...]
    """Trigger ids that selected this step, if a single answer did."""
    blocks_readiness: bool


def recommend(
    questionnaire: Questionnaire, result: AssessmentScore, answers: Answers
) -> list[Recommendation]:
    """Every recommended step, most urgent first.

    A dimension contributes the steps written for its current level; a
    trigger adds its steps when its condition holds. Steps are ordered by
    whether they lift a readiness blocker, the dimension's gap to its
    target (or to the top level), the dimension's weight, then impact
    (high first) and effort (low first). A step never comes before a step
    it depends on.
    """
    steps = questionnaire.steps_by_id
    blocked_dimensions = {b.dimension for b in result.blockers}
    chosen: dict[str, list[str]] = {}

    for dimension in result.dimensions:
        if dimension.level is None:
            continue
        for step in questionnaire.recommendations.steps:
            if step.dimension == dimension.dimension and step.level == dimension.level:
                chosen.setdefault(step.id, [])

    visible = visible_questions(questionnaire, answers)
    for trigger in questionnaire.recommendations.triggers:
        if holds(trigger.when, answers, visible):
            for step_id in trigger.steps:
                chosen.setdefault(step_id, []).append(trigger.id)

    def urgency(step_id: str) -> tuple[int, int, float, int, int, int]:
        step = steps[step_id]
        dimension = result.for_dimension(step.dimension)
        level = dimension.level if dimension.level is not None else MAX_LEVEL
        target = (
            dimension.target_level if dimension.target_level is not None else MAX_LEVEL
        )
        return (
            0 if step.dimension in blocked_dimensions else 1,
            -(target - level),
            -questionnaire.dimensions_by_id[step.dimension].weight,
            -_RATING[step.impact],
            _RATING[step.effort],
            list(steps).index(step_id),
        )

    ordered: list[str] = []
    placed: set[str] = set()

    def place(step_id: str) -> None:
        if step_id in placed:
            return
        placed.add(step_id)
        for dependency in steps[step_id].depends_on:
            if dependency in chosen:
                place(dependency)
        ordered.append(step_id)

    for step_id in sorted(chosen, key=urgency):
        place(step_id)

    return [
        Recommendation(
            step=steps[step_id],
            triggered_by=tuple(chosen[step_id]),
            blocks_readiness=steps[step_id].dimension in blocked_dimensions,
        )
        for step_id in ordered
    ]
