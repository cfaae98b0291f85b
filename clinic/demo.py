"""Realistic demo data: organisations, submitted assessments and clinic work.

Each organisation gets a maturity profile (an overall maturity and a lean
per dimension) and answers drawn around it, so that levels, verdicts and
cohort heatmaps look like a real programme's rather than noise. Results
are computed with the real scoring. Rows are written in bulk, so ten
thousand submissions take a minute or two on PostgreSQL rather than the
hours the respondent's one-by-one path would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from assessment.answers import AnswerValue, visible_questions
from assessment.models import (
    Answer,
    Assessment,
    AssessmentResult,
    Organisation,
    QuestionnaireVersion,
    new_token,
)
from assessment.schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Question,
    Questionnaire,
    QuestionType,
)
from assessment.scoring import score_assessment
from assessment.versions import load_questionnaires, sync

from .models import (
    CLINIC_STAFF_GROUP,
    Cohort,
    CohortMembership,
    LevelValidation,
    Review,
    ReviewerNote,
    ReviewStatus,
)

BATCH = 500
"""Assessments written per transaction; their answers go in one insert each."""

ADVISERS = [
    ("amara.okafor", "Amara", "Okafor"),
    ("ben.hughes", "Ben", "Hughes"),
    ("chloe.martin", "Chloé", "Martin"),
    ("dev.patel", "Dev", "Patel"),
]

NAME_STARTS = [
    "Northwind", "Bluefield", "Harbourside", "Kestrel", "Oakridge", "Silverline",
    "Brightwater", "Fenwick", "Larkspur", "Meridian", "Pennine", "Redhill",
    "Sable", "Thistle", "Westmoor", "Ashgrove", "Calder", "Dunmore", "Elmstead",
    "Foxglove", "Granite", "Hollybrook", "Ironbridge", "Juniper", "Kingsway",
    "Lowfield", "Marlow", "Netherby", "Orchard", "Primrose", "Quayside",
    "Riverbank", "Stonegate", "Tamar", "Upland", "Valemount", "Wrenfield",
    "Yarrow", "Avon", "Beacon",
]  # fmt: skip
NAME_ENDS = {
    "public": ["Borough Council", "County Council", "Public Services", "Agency"],
    "health": ["Health Trust", "Care Partnership", "Diagnostics", "Medical"],
    "finance": ["Insurance", "Building Society", "Capital", "Mutual"],
    "manufacturing": ["Engineering", "Precision Parts", "Manufacturing", "Foundry"],
    "retail": ["Retail", "Grocers", "Home Stores", "Outfitters"],
    "energy": ["Energy", "Water", "Power Networks", "Renewables"],
    "transport": ["Logistics", "Rail", "Freight", "Mobility"],
    "technology": ["Analytics", "Software", "Labs", "Data"],
    "education": ["University", "College", "Research Institute", "Academy Trust"],
    "charity": ["Foundation", "Trust", "Community Network", "Aid"],
    "other": ["Group", "Partners", "Collective", "Services"],
}
SECTOR_WEIGHTS = {
    "public": 12, "health": 12, "finance": 11, "manufacturing": 12, "retail": 9,
    "energy": 7, "transport": 7, "technology": 16, "education": 6, "charity": 4,
    "other": 4,
}  # fmt: skip
SIZE_WEIGHTS = {"micro": 12, "small": 34, "medium": 33, "large": 21}
ROLES = [role for role, _label in Assessment.Role.choices]

PLACES = [
    "Leeds", "Manchester", "Bristol", "Glasgow", "Cardiff", "Belfast", "Newcastle",
    "Birmingham", "Nottingham", "Sheffield", "Edinburgh", "Liverpool",
]  # fmt: skip
COHORT_KINDS = ["MLOps clinic", "Production readiness workshop", "Adoption cohort"]

ANSWER_NOTES = [
    "Only for the fraud model so far; the others are still notebooks.",
    "We plan to change this next quarter.",
    "Depends on the team: the platform team does this, the research team does not.",
    "Agreed with the data protection officer last month.",
    "A contractor set this up and nobody has touched it since.",
    "Not sure this is written down anywhere.",
]
EVIDENCE = [
    "Runbook in the team wiki.",
    "Pipeline definition in the ml-platform repository.",
    "Screenshot of the monitoring dashboard shared at the clinic.",
    "Model card template in use since spring.",
]
FREE_TEXT = [
    "Our main obstacle is getting time from the platform team.",
    "We would like help choosing a model registry.",
    "Two data scientists, no ML engineer yet.",
]
REVIEWER_NOTES = [
    "Call booked for Tuesday; they want to talk about monitoring first.",
    "Answers look optimistic on deployment; check at the clinic.",
    "Good candidate for the pipelines workshop.",
    "Asked for evidence on data versioning, none given yet.",
    "Sponsor is the CFO; keep the business case front and centre.",
]
VALIDATION_REASONS = [
    "Evidence at the clinic showed the process is manual in practice.",
    "They do more than the answers suggest: the registry is in daily use.",
    "Only one of three models follows this; we rate the organisation as a whole.",
    "Confirmed with the team lead during the session.",
]


@dataclass
class SeedReport:
    organisations: int = 0
    submissions: int = 0
    drafts: int = 0
    answers: int = 0
    cohorts: int = 0
    reviews: int = 0
    notes: int = 0
    validations: int = 0
    questionnaire: str = ""
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Profile:
    """How mature an organisation is overall and in each dimension (0-1)."""

    overall: float
    lean: dict[str, float]

    def target(self, dimension: str, rng: random.Random) -> float:
        value = self.overall + self.lean.get(dimension, 0.0) + rng.gauss(0, 0.14)
        return min(max(value, 0.0), 1.0)


def full_questionnaire() -> QuestionnaireVersion | None:
    """The newest stored full questionnaire, syncing the files if none is stored."""
    if not QuestionnaireVersion.objects.filter(kind="full").exists():
        sync(load_questionnaires())
    newest = [
        version
        for version in QuestionnaireVersion.objects.newest_of_each()
        if version.kind == "full"
    ]
    return max(newest, key=lambda v: v.synced_at) if newest else None


def profile(questionnaire: Questionnaire, rng: random.Random) -> Profile:
    overall = rng.betavariate(2.2, 3.0)
    lean = {d.id: rng.gauss(0, 0.13) for d in questionnaire.dimensions}
    return Profile(overall, lean)


def _pick_option(question: Question, target: float, rng: random.Random) -> str:
    best = question.max_score or 1.0
    return min(
        question.options,
        key=lambda option: abs(option.score / best - target) + rng.random() * 0.08,
    ).id


def answer(
    question: Question, target: float, rng: random.Random
) -> tuple[AnswerValue, str, str] | None:
    """An answer near ``target`` (0-1), with a note and evidence; or None."""
    roll = rng.random()
    if roll < 0.01:
        return None
    note = rng.choice(ANSWER_NOTES) if rng.random() < 0.07 else ""
    evidence = ""
    if question.evidence_prompt and rng.random() < 0.12:
        evidence = rng.choice(EVIDENCE)
    if question.type is QuestionType.FREE_TEXT:
        if rng.random() < 0.35:
            return AnswerValue(text=rng.choice(FREE_TEXT)), "", ""
        return None
    if roll < 0.05 and question.allow_dont_know:
        return AnswerValue(special=DONT_KNOW), note, ""
    if roll < 0.07 and question.allow_not_applicable:
        return AnswerValue(special=NOT_APPLICABLE), note, ""
    if question.type is QuestionType.MULTIPLE_CHOICE:
        chosen = tuple(
            option.id
            for option in question.options
            if rng.random() < min(target * 1.2, 0.95)
        )
        return AnswerValue(choices=chosen), note, evidence
    return AnswerValue(choices=(_pick_option(question, target, rng),)), note, evidence


def answers_for(
    questionnaire: Questionnaire, shape: Profile, rng: random.Random
) -> dict[str, tuple[AnswerValue, str, str]]:
    """Answers to the questions the respondent would have seen."""
    drawn = {}
    for question in questionnaire.questions:
        given = answer(question, shape.target(question.dimension, rng), rng)
        if given is not None:
            drawn[question.id] = given
    visible = visible_questions(
        questionnaire, {qid: value for qid, (value, _n, _e) in drawn.items()}
    )
    return {qid: given for qid, given in drawn.items() if qid in visible}


def organisation_name(sector: str, rng: random.Random) -> str:
    return f"{rng.choice(NAME_STARTS)} {rng.choice(NAME_ENDS[sector])}"


def _weighted(weights: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def advisers() -> list[User]:
    """Demo advisers in the clinic staff group; they cannot sign in."""
    group = Group.objects.filter(name=CLINIC_STAFF_GROUP).first()
    users = []
    for username, first, last in ADVISERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if group:
            user.groups.add(group)
        users.append(user)
    return users


def make_cohorts(count: int, rng: random.Random, creator: User | None) -> list[Cohort]:
    today = timezone.localdate()
    made = []
    for index in range(count):
        date = today - dt.timedelta(days=rng.randint(5, 500))
        made.append(
            Cohort(
                name=f"{PLACES[index % len(PLACES)]} {rng.choice(COHORT_KINDS)}",
                date=date,
                description="Demo cohort created by seed_demo.",
                created_by=creator,
            )
        )
    return Cohort.objects.bulk_create(made)


@dataclass
class _Planned:
    """One submission to create, before it has a database row."""

    organisation: Organisation
    shape: Profile
    submitted_at: dt.datetime
    cohort: Cohort | None = None
    previous: _Planned | None = None
    assessment: Assessment | None = None
    levels: dict[str, int | None] = field(default_factory=dict)
    """Self-assessed level by dimension, once scored."""


def _plan(
    count: int,
    questionnaire: Questionnaire,
    cohorts: Sequence[Cohort],
    rng: random.Random,
) -> list[_Planned]:
    """Organisations and their submissions; about one in eight comes back."""
    now = timezone.now()
    planned: list[_Planned] = []
    while len(planned) < count:
        sector = _weighted(SECTOR_WEIGHTS, rng)
        organisation = Organisation(
            name=organisation_name(sector, rng),
            sector=sector,
            size=_weighted(SIZE_WEIGHTS, rng),
        )
        shape = profile(questionnaire, rng)
        cohort = rng.choice(cohorts) if cohorts and rng.random() < 0.35 else None
        if cohort is not None:
            day = dt.datetime.combine(cohort.date, dt.time(10), tzinfo=dt.UTC)
            submitted = day + dt.timedelta(hours=rng.uniform(-240, 72))
        else:
            submitted = now - dt.timedelta(minutes=rng.randint(60, 540 * 24 * 60))
        submitted = min(submitted, now - dt.timedelta(minutes=5))
        first = _Planned(organisation, shape, submitted, cohort)
        planned.append(first)
        if rng.random() < 0.12 and len(planned) < count:
            later = min(submitted + dt.timedelta(days=rng.randint(60, 200)), now)
            improved = Profile(
                shape.overall + rng.uniform(0.03, 0.15),
                {d: lean + rng.gauss(0, 0.05) for d, lean in shape.lean.items()},
            )
            planned.append(_Planned(organisation, improved, later, previous=first))
    return planned


def _batches[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed(
    submissions: int,
    cohorts: int = 0,
    *,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Create ``submissions`` submitted assessments and ``cohorts`` cohorts."""
    report = SeedReport()
    version = full_questionnaire()
    if version is None:
        report.messages.append("No full questionnaire is stored or on disk.")
        return report
    questionnaire = version.questionnaire
    report.questionnaire = str(version)
    # Demo data must come out the same for the same seed; nothing here is
    # a secret except the private-link tokens, which come from ``secrets``.
    rng = random.Random(seed)  # noqa: S311
    staff = advisers()
    made_cohorts = make_cohorts(cohorts, rng, staff[0])
    report.cohorts = len(made_cohorts)

    planned = _plan(submissions, questionnaire, made_cohorts, rng)
    organisations = {id(p.organisation): p.organisation for p in planned}
    Organisation.objects.bulk_create(list(organisations.values()), batch_size=1000)
    report.organisations = len(organisations)

    # Returning organisations' later submissions point at their earlier
    # ones, so every first submission is written before any later one.
    firsts = [p for p in planned if p.previous is None]
    returns = [p for p in planned if p.previous is not None]
    for group in (firsts, returns):
        for batch in _batches(group, BATCH):
            with transaction.atomic():
                _write_batch(batch, version, questionnaire, rng, report)
            if progress:
                progress(f"{report.submissions} of {len(planned)} submissions")

    with transaction.atomic():
        _drafts(made_cohorts, version, rng, report)
        _clinic_work(planned, questionnaire, staff, rng).add_to(report)
    _analyze()
    return report


def _analyze() -> None:
    """Refresh PostgreSQL's table statistics after the bulk inserts.

    Autovacuum would do it within a minute or so; until then the planner
    believes the tables are nearly empty and picks slow plans, which
    would skew anything measured right after seeding.
    """
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (
            Organisation,
            Assessment,
            Answer,
            AssessmentResult,
            Review,
            ReviewerNote,
            LevelValidation,
            Cohort,
            CohortMembership,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def _write_batch(
    batch: Sequence[_Planned],
    version: QuestionnaireVersion,
    questionnaire: Questionnaire,
    rng: random.Random,
    report: SeedReport,
) -> None:
    for item in batch:
        item.assessment = Assessment(
            organisation=item.organisation,
            questionnaire_version=version,
            status=Assessment.Status.SUBMITTED,
            token_hash=new_token()[1],
            previous=item.previous.assessment if item.previous else None,
            respondent_role=rng.choice(ROLES),
            created_at=item.submitted_at - dt.timedelta(days=rng.uniform(0.1, 20)),
            updated_at=item.submitted_at,
            submitted_at=item.submitted_at,
        )
    Assessment.objects.bulk_create(
        [item.assessment for item in batch if item.assessment]
    )

    answers: list[Answer] = []
    results: list[AssessmentResult] = []
    memberships: list[CohortMembership] = []
    for item in batch:
        assessment = item.assessment
        if assessment is None:
            continue
        drawn = answers_for(questionnaire, item.shape, rng)
        answers += [
            Answer(
                assessment=assessment,
                question_id=question_id,
                choices=list(value.choices),
                special=value.special or "",
                text=value.text,
                note=note,
                evidence=evidence,
                updated_at=item.submitted_at,
            )
            for question_id, (value, note, evidence) in drawn.items()
        ]
        scores = score_assessment(
            questionnaire, {qid: value for qid, (value, _n, _e) in drawn.items()}
        )
        item.levels = {d.dimension: d.level for d in scores.dimensions}
        results.append(
            AssessmentResult(
                assessment=assessment,
                score=scores.score,
                level=scores.level,
                verdict=scores.verdict,
                data=scores.model_dump(mode="json"),
                content_hash=version.content_hash,
                computed_at=item.submitted_at,
            )
        )
        if item.cohort is not None:
            memberships.append(
                CohortMembership(
                    assessment=assessment,
                    cohort=item.cohort,
                    joined_at=assessment.created_at,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    AssessmentResult.objects.bulk_create(results)
    CohortMembership.objects.bulk_create(memberships)
    report.submissions += len(results)
    report.answers += len(answers)


def _drafts(
    cohorts: Sequence[Cohort],
    version: QuestionnaireVersion,
    rng: random.Random,
    report: SeedReport,
) -> None:
    """A few assessments started through each cohort's link but not submitted."""
    for cohort in cohorts:
        started = dt.datetime.combine(cohort.date, dt.time(9), tzinfo=dt.UTC)
        for _ in range(rng.randint(0, 4)):
            sector = _weighted(SECTOR_WEIGHTS, rng)
            organisation = Organisation.objects.create(
                name=organisation_name(sector, rng),
                sector=sector,
                size=_weighted(SIZE_WEIGHTS, rng),
            )
            draft = Assessment.objects.create(
                organisation=organisation,
                questionnaire_version=version,
                token_hash=new_token()[1],
                respondent_role=rng.choice(ROLES),
                created_at=started,
                updated_at=started,
            )
            CohortMembership.objects.create(assessment=draft, cohort=cohort)
            report.drafts += 1
            report.organisations += 1


@dataclass
class _ClinicWork:
    reviews: list[Review] = field(default_factory=list)
    notes: list[ReviewerNote] = field(default_factory=list)
    validations: list[LevelValidation] = field(default_factory=list)

    def add_to(self, report: SeedReport) -> None:
        Review.objects.bulk_create(self.reviews, batch_size=1000)
        ReviewerNote.objects.bulk_create(self.notes, batch_size=1000)
        LevelValidation.objects.bulk_create(self.validations, batch_size=1000)
        report.reviews += len(self.reviews)
        report.notes += len(self.notes)
        report.validations += len(self.validations)


STATUS_WEIGHTS = {
    ReviewStatus.NEW: 10,
    ReviewStatus.IN_REVIEW: 30,
    ReviewStatus.REVIEWED: 45,
    ReviewStatus.FOLLOW_UP: 15,
}


def _clinic_work(
    planned: list[_Planned],
    questionnaire: Questionnaire,
    staff: list[User],
    rng: random.Random,
) -> _ClinicWork:
    """Reviews for about half the submissions, with notes and validations."""
    work = _ClinicWork()
    top = max(level.level for level in questionnaire.levels)
    for item in planned:
        assessment = item.assessment
        if assessment is None or rng.random() > 0.45:
            continue
        status = rng.choices(
            list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values())
        )[0]
        when = (assessment.submitted_at or timezone.now()) + dt.timedelta(days=2)
        adviser = rng.choice(staff)
        work.reviews.append(
            Review(
                assessment=assessment,
                status=status,
                assignee=adviser if rng.random() < 0.85 else None,
                updated_at=when,
            )
        )
        if status is ReviewStatus.NEW:
            continue
        for index in range(rng.choice([0, 0, 1, 1, 2, 3])):
            work.notes.append(
                ReviewerNote(
                    assessment=assessment,
                    author=adviser,
                    text=rng.choice(REVIEWER_NOTES),
                    created_at=when + dt.timedelta(hours=index * 5),
                )
            )
        if status is ReviewStatus.REVIEWED and rng.random() < 0.3:
            for dimension in rng.sample(questionnaire.dimensions, rng.randint(1, 3)):
                own = item.levels.get(dimension.id)
                if own is None:
                    continue
                work.validations.append(
                    LevelValidation(
                        assessment=assessment,
                        dimension=dimension.id,
                        level=min(max(own + rng.choice([-1, -1, 0, 1]), 0), top),
                        reason=rng.choice(VALIDATION_REASONS),
                        author=adviser,
                        created_at=when + dt.timedelta(days=1),
                    )
                )
    return work
