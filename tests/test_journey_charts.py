"""Chart geometry: every point inside the picture, scores where they belong."""

import math

import pytest

from assessment.charts import ChartValue, bars, radar, wrap

NAMES = [
    "Business and AI strategy",
    "People, skills and roles",
    "Data management and versioning",
    "Experimentation and model development",
    "Training pipelines and orchestration",
    "Responsible AI, security and compliance",
]


def values(*scores, **extra):
    return [ChartValue(NAMES[i], score, **extra) for i, score in enumerate(scores)]


def drawn(chart):
    assert chart is not None
    return chart


def parse(points):
    return [tuple(map(float, pair.split(","))) for pair in points.split()]


def distance(point, center):
    return math.hypot(point[0] - center.x, point[1] - center.y)


@pytest.mark.parametrize("count", [3, 5, 6])
def test_every_radar_point_and_label_lies_inside_the_viewbox(count):
    chart = drawn(radar(values(*[100.0] * count, previous=0.0, target=50.0)))

    shapes = [chart.shape, chart.previous_shape, *chart.rings]
    points = [p for shape in shapes for p in parse(shape)]
    points += [(a.label.x, a.label.y) for a in chart.axes]
    points += [(p.x, p.y) for p in chart.targets]
    points += [(p.x, p.y) for p, _label in chart.ring_labels]
    for x, y in points:
        assert 0 <= x <= chart.width
        assert 0 <= y <= chart.height


def test_a_score_of_zero_sits_at_the_centre_and_100_on_the_outer_ring():
    chart = drawn(radar(values(0.0, 100.0, 50.0, None)))

    zero, full, half, missing = parse(chart.shape)
    assert distance(zero, chart.center) == pytest.approx(0, abs=0.1)
    assert distance(full, chart.center) == pytest.approx(150, abs=0.1)
    assert distance(half, chart.center) == pytest.approx(75, abs=0.1)
    assert distance(missing, chart.center) == pytest.approx(0, abs=0.1)


def test_the_first_axis_points_straight_up():
    chart = drawn(radar(values(100.0, 100.0, 100.0)))

    top = chart.axes[0].end
    assert top.x == pytest.approx(chart.center.x)
    assert top.y == pytest.approx(chart.center.y - 150)
    assert chart.axes[0].anchor == "middle"


def test_scores_outside_0_to_100_are_clamped():
    chart = drawn(radar(values(-20.0, 250.0, 50.0)))

    below, above, _ = parse(chart.shape)
    assert distance(below, chart.center) == pytest.approx(0, abs=0.1)
    assert distance(above, chart.center) == pytest.approx(150, abs=0.1)


def test_fewer_than_three_dimensions_draw_no_radar():
    assert radar(values(10.0, 20.0)) is None


def test_the_previous_outline_needs_a_previous_score_for_every_dimension():
    partly = drawn(
        radar([*values(10.0, 20.0), ChartValue("Third", 30.0, previous=5.0)])
    )
    fully = drawn(radar(values(10.0, 20.0, 30.0, previous=5.0)))

    assert partly.previous_shape is None
    assert fully.previous_shape is not None


def test_targets_are_marked_only_where_a_dimension_has_one():
    chart = drawn(radar([*values(10.0, 20.0), ChartValue("Third", 30.0, target=100.0)]))

    [target] = chart.targets
    assert target == chart.axes[2].end


def test_bar_lengths_are_proportional_to_the_score():
    chart = bars(values(0.0, 50.0, 100.0, None))

    widths = [bar.width for bar in chart.bars]
    assert widths == [0.0, chart.plot_width / 2, chart.plot_width, 0.0]
    assert [bar.value_text for bar in chart.bars] == ["0", "50", "100", "–"]


def test_bars_stay_inside_the_viewbox_with_their_markers():
    chart = bars(values(100.0, 100.0, 100.0, previous=100.0, target=100.0))

    for bar in chart.bars:
        assert chart.left + bar.width <= chart.width
        assert bar.target_x is not None
        assert bar.target_x <= chart.width
        assert bar.previous_x is not None
        assert bar.previous_x <= chart.width
        assert bar.bottom <= chart.height
        assert bar.value_x < chart.width


def test_level_thresholds_become_gridlines_except_at_zero():
    chart = bars(values(40.0), [(0, "Level 0"), (50, "Level 1"), (100, "Level 2")])

    assert [(line.label, line.x) for line in chart.gridlines] == [
        ("Level 1", chart.left + chart.plot_width / 2),
        ("Level 2", chart.left + chart.plot_width),
    ]


def test_the_description_reads_every_figure_in_words():
    chart = bars([ChartValue("Data", 62.5, previous=40.0, target=67.0)])

    assert chart.description == (
        "Data: 62.5 out of 100, previously 40, target level starts at 67."
    )


def test_long_labels_wrap_at_spaces_into_at_most_three_lines():
    assert wrap("Responsible AI, security and compliance") == (
        "Responsible AI,",
        "security and",
        "compliance",
    )
    assert len(wrap("one two three four five six seven eight nine ten", 5)) == 3
