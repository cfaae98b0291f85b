"""The strict YAML reader refuses what safe_load would quietly accept."""

import pytest

from assessment.yamlsafe import MAX_DEPTH, YamlError, parse


def test_plain_words_that_yaml_11_calls_booleans_stay_strings():
    document = parse("a: No\nb: on\nc: yes\nd: off\ne: y\n")

    assert document.data == {"a": "No", "b": "on", "c": "yes", "d": "off", "e": "y"}


def test_true_false_null_and_numbers_are_read_as_yaml_12_core():
    document = parse("a: true\nb: False\nc: null\nd: ~\ne: 12\nf: -1.5\ng: '12'\n")

    assert document.data == {
        "a": True,
        "b": False,
        "c": None,
        "d": None,
        "e": 12,
        "f": -1.5,
        "g": "12",
    }


def test_an_alias_bomb_is_refused_before_any_expansion():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [*{previous}, *{previous}, *{previous}]\n"

    with pytest.raises(YamlError) as raised:
        parse(bomb)

    assert "anchors" in raised.value.message
    assert raised.value.mark.line == 1


def test_an_alias_is_refused_with_its_position():
    with pytest.raises(YamlError) as raised:
        parse("a: 1\nb: *x\n")

    # An undefined alias is itself a parse error; a defined one is refused by us.
    assert raised.value.mark.line == 2


def test_custom_tags_are_refused():
    with pytest.raises(YamlError) as raised:
        parse("a: !!python/object:os.system ls\n")

    assert "tags" in raised.value.message


def test_duplicate_keys_are_refused_at_the_second_key():
    with pytest.raises(YamlError) as raised:
        parse("title: one\nother: x\ntitle: two\n")

    assert "appears twice" in raised.value.message
    assert (raised.value.mark.line, raised.value.mark.column) == (3, 1)


def test_malformed_yaml_reports_line_and_column():
    with pytest.raises(YamlError) as raised:
        parse("a: [1, 2\nb: 3\n")

    assert "not valid YAML" in raised.value.message
    assert raised.value.mark.line >= 2


def test_deep_nesting_is_refused():
    with pytest.raises(YamlError) as raised:
        parse("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))

    assert "nesting" in raised.value.message


def test_several_documents_in_one_file_are_refused():
    with pytest.raises(YamlError):
        parse("a: 1\n---\nb: 2\n")


def test_positions_are_remembered_for_every_value():
    document = parse("questions:\n  - id: first\n  - id: second\n")

    assert document.mark_for(("questions", 1, "id")).line == 3
    assert document.mark_for(("questions", 1, "nonexistent")).line == 3
