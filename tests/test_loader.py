"""Loading questionnaire files: every mistake located, nothing half-loaded."""

from pathlib import Path

import pytest

from assessment.loader import MAX_FILE_BYTES, KnownLinks, load_file, load_paths
from tests.questionnaire_files import line_of, tiny_text, write

LINKS = KnownLinks(
    articles=frozenset({"monitoring-and-drift", "data-versioning"}),
    tools=frozenset({"mlflow", "dvc"}),
)


def errors_for(tmp_path: Path, text: str, links: KnownLinks | None = None) -> list[str]:
    loaded = load_file(write(tmp_path, text), links)
    assert loaded.questionnaire is None, "a file with errors must not load"
    return [str(error) for error in loaded.errors]


def test_the_fixture_loads_with_a_content_hash(tmp_path):
    loaded = load_file(write(tmp_path, tiny_text()))

    assert loaded.errors == []
    assert loaded.questionnaire is not None
    assert loaded.questionnaire.slug == "tiny"
    assert len(loaded.content_hash) == 64


def test_the_hash_ignores_comments_and_layout_but_not_content(tmp_path):
    original = load_file(write(tmp_path / "a", tiny_text())).content_hash
    commented = tiny_text() + "\n# a comment at the end\n"
    edited = tiny_text().replace("Where is training data kept?", "Where is data kept?")

    assert load_file(write(tmp_path / "b", commented)).content_hash == original
    assert load_file(write(tmp_path / "c", edited)).content_hash != original


def test_malformed_yaml_is_located(tmp_path):
    text = tiny_text().replace("title: Tiny test questionnaire", "title: [unclosed")

    [error] = errors_for(tmp_path, text)

    assert error.startswith("tiny/1.0.yaml:") or "/tiny/1.0.yaml:" in error
    assert "not valid YAML" in error


def test_a_wrong_type_is_located_at_the_value(tmp_path):
    text = tiny_text().replace("estimated_minutes: 2", "estimated_minutes: soon")

    [error] = errors_for(tmp_path, text)

    line = line_of(text, "estimated_minutes")
    assert f"1.0.yaml:{line}:20: 'estimated_minutes'" in error
    assert "'soon'" in error


def test_a_quoted_boolean_is_not_a_boolean(tmp_path):
    text = tiny_text().replace("critical: true", 'critical: "yes"')

    [error] = errors_for(tmp_path, text)

    assert "questions.0.critical" in error


def test_an_unknown_key_is_located_at_the_key_with_a_hint(tmp_path):
    text = tiny_text().replace(
        "    type: yes_no\n", "    type: yes_no\n    colour: red\n"
    )

    [error] = errors_for(tmp_path, text)

    assert f":{line_of(text, 'colour')}:5: unknown key 'colour'" in error
    assert "schema.json" in error


def test_a_missing_key_says_which(tmp_path):
    text = tiny_text().replace("estimated_minutes: 2\n", "")

    [error] = errors_for(tmp_path, text)

    assert "'estimated_minutes' is missing" in error


def test_every_schema_error_of_a_file_is_reported_at_once(tmp_path):
    text = (
        tiny_text()
        .replace("estimated_minutes: 2", "estimated_minutes: -1")
        .replace("language: en", "language: English")
        .replace("    weight: 2\n", "    weight: 0\n")
    )

    errors = errors_for(tmp_path, text)

    assert len(errors) == 3


def test_duplicate_ids_are_refused(tmp_path):
    text = tiny_text().replace("id: data-versioned", "id: data-store")

    errors = errors_for(tmp_path, text)

    assert any("question id 'data-store' is used twice" in e for e in errors)


def test_a_question_in_an_undeclared_dimension_is_refused(tmp_path):
    text = tiny_text().replace(
        "    dimension: monitoring\n    text: Is", "    dimension: ops\n    text: Is"
    )

    errors = errors_for(tmp_path, text)

    assert any("dimension 'ops' is not declared" in e for e in errors)


def test_a_condition_on_a_later_question_is_refused(tmp_path):
    text = tiny_text().replace(
        "show_if: {question: data-store, any_of: [shared, versioned]}",
        "show_if: {question: mon-any, any_of: [none]}",
    )

    [error] = errors_for(tmp_path, text)

    assert f":{line_of(text, 'show_if')}:" in error
    assert "not an earlier question" in error


def test_a_condition_on_an_unknown_option_lists_the_valid_ones(tmp_path):
    text = tiny_text().replace("any_of: [shared, versioned]", "any_of: [shared, cloud]")

    [error] = errors_for(tmp_path, text)

    assert "'cloud' is not an answer of question 'data-store'" in error
    assert "laptop" in error


def test_thresholds_must_rise_and_cover_every_level(tmp_path):
    text = tiny_text().replace("{level: 2, min_score: 67}", "{level: 1, min_score: 20}")

    errors = errors_for(tmp_path, text)

    assert any("level 1 has two thresholds" in e for e in errors)
    assert any("thresholds must rise" in e for e in errors)
    assert any("no threshold for level(s) 2" in e for e in errors)


def test_every_dimension_describes_every_level(tmp_path):
    text = tiny_text().replace(
        "levels: {0: Nobody looks., 1: Someone looks., 2: Alerts fire.}",
        "levels: {0: Nobody looks., 1: Someone looks.}",
    )

    [error] = errors_for(tmp_path, text)

    assert "has no descriptor for level(s) 2" in error


def test_a_step_depending_on_an_unknown_step_is_refused(tmp_path):
    text = tiny_text().replace("depends_on: [share-data]", "depends_on: [share-models]")

    [error] = errors_for(tmp_path, text)

    assert f":{line_of(text, 'share-models')}:" in error
    assert "unknown step 'share-models'" in error


def test_dependency_cycles_are_refused(tmp_path):
    text = tiny_text().replace(
        "      effort: low\n      impact: high\n    - id: version-data",
        "      effort: low\n      impact: high\n      depends_on: [version-data]\n"
        "    - id: version-data",
    )

    errors = errors_for(tmp_path, text)

    assert any("cycle" in e and "share-data" in e for e in errors)


def test_links_to_missing_hub_articles_and_tools_are_located(tmp_path):
    text = tiny_text().replace(
        "      rationale: Drift goes unnoticed otherwise.\n",
        "      rationale: Drift goes unnoticed otherwise.\n"
        "      articles: [monitoring-and-drift, no-such-article]\n"
        "      tools: [dvc, no-such-tool]\n",
    )

    errors = errors_for(tmp_path, text, LINKS)

    assert len(errors) == 2
    assert f":{line_of(text, 'no-such-article')}:" in errors[0]
    assert "no hub article has the slug 'no-such-article'" in errors[0]
    assert "no tool in the catalogue has the slug 'no-such-tool'" in errors[1]


def test_a_trigger_naming_an_unknown_step_is_refused(tmp_path):
    text = tiny_text().replace("steps: [start-monitoring]", "steps: [stop-monitoring]")

    [error] = errors_for(tmp_path, text)

    assert "unknown step 'stop-monitoring'" in error


def test_reserved_answers_cannot_be_option_ids(tmp_path):
    text = tiny_text().replace(
        "{id: none, label: Not at all", "{id: dont_know, label: Not at all"
    )

    errors = errors_for(tmp_path, text)

    assert any("'dont_know' is reserved" in e for e in errors)


def test_the_file_name_must_match_slug_and_version(tmp_path):
    path = write(tmp_path, tiny_text(), slug="other", version="2.0")

    errors = [str(e) for e in load_file(path).errors]

    assert any("does not match the folder 'other'" in e for e in errors)
    assert any("name the file 1.0.yaml" in e for e in errors)


def test_a_huge_file_is_refused_without_parsing(tmp_path):
    text = tiny_text() + "#" * (MAX_FILE_BYTES + 1)

    [error] = errors_for(tmp_path, text)

    assert "over the limit" in error


def test_an_alias_bomb_is_refused(tmp_path):
    text = tiny_text().replace(
        "description: Two dimensions, enough to exercise every rule.",
        "description: &d [a, a, a]\nextra: [*d, *d, *d]",
    )

    [error] = errors_for(tmp_path, text)

    assert "anchors" in error


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path, "")
    path.write_bytes(b"title: \xff\xfe\n")

    [error] = [str(e) for e in load_file(path).errors]

    assert "not UTF-8" in error


def test_an_empty_file_is_refused(tmp_path):
    [error] = errors_for(tmp_path, "")

    assert "empty" in error


def test_one_bad_file_does_not_stop_the_others_from_loading(tmp_path):
    write(tmp_path, tiny_text())
    write(tmp_path, "slug: [", slug="broken", version="1.0")

    report = load_paths([tmp_path])

    assert [q.slug for _, q in report.valid] == ["tiny"]
    assert len(report.errors) == 1


def test_carry_over_must_name_an_older_valid_version_and_its_questions(tmp_path):
    write(tmp_path, tiny_text())
    newer = tiny_text().replace('version: "1.0"', 'version: "1.1"') + (
        'carry_over:\n  - from_version: "1.0"\n    questions: [data-store]\n'
    )
    write(tmp_path, newer, version="1.1")
    wrong = newer.replace('version: "1.1"', 'version: "1.2"').replace(
        'from_version: "1.0"', 'from_version: "0.9"'
    )
    write(tmp_path, wrong, version="1.2")

    report = load_paths([tmp_path])

    assert sorted(q.version for _, q in report.valid) == ["1.0", "1.1"]
    [error] = report.errors
    assert "1.2.yaml" in str(error)
    assert "version 0.9, which is not a valid version" in str(error)


@pytest.mark.parametrize("question_type", ["single_choice", "scale"])
def test_choice_questions_need_two_options(tmp_path, question_type):
    text = tiny_text().replace(
        "    type: yes_no\n",
        f"    type: {question_type}\n"
        "    options:\n"
        "      - {id: only, label: Only, score: 1}\n",
    )

    errors = errors_for(tmp_path, text)

    assert any("needs at least two options" in e for e in errors)
