"""Property tests of the rate detector: no alert under the minimum volume; a larger
departure never lowers the alert."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.rates import DOWN, LEVEL_RANK, MIN_VOLUME, UP, Window, detect

totals = st.integers(min_value=1, max_value=5000)
baselines = st.lists(
    st.builds(lambda total, share: Window(int(total * share), total), totals, st.floats(0, 1)),
    min_size=0,
    max_size=8,
)


@given(st.integers(0, MIN_VOLUME - 1), st.floats(0, 1), baselines, st.sampled_from([UP, DOWN]))
def test_no_alert_under_the_minimum_volume(total, share, baseline, bad):
    assert detect(Window(int(total * share), total), baseline, bad).level == "none"


@settings(max_examples=300, deadline=None)  # a shared, busy CI machine
@given(
    st.integers(MIN_VOLUME, 5000),
    st.floats(0, 1),
    st.floats(0, 1),
    baselines,
    st.sampled_from([UP, DOWN]),
)
def test_a_larger_departure_never_lowers_the_alert(total, share_a, share_b, baseline, bad):
    low, high = sorted((int(total * share_a), int(total * share_b)))
    worse, milder = (high, low) if bad == UP else (low, high)
    worse_detection = detect(Window(worse, total), baseline, bad)
    milder_detection = detect(Window(milder, total), baseline, bad)
    assert LEVEL_RANK[worse_detection.level] >= LEVEL_RANK[milder_detection.level]
    assert worse_detection.score >= milder_detection.score


def test_a_refund_spike_is_found_and_a_normal_day_is_not():
    baseline = [Window(2, 100), Window(3, 110), Window(1, 90), Window(2, 95)]
    assert detect(Window(2, 100), baseline).level == "none"
    assert detect(Window(30, 100), baseline).level == "critical"


def test_a_success_rate_drop_with_a_noisy_history_needs_more_to_alert():
    steady = [Window(95, 100)] * 4
    noisy = [Window(95, 100), Window(70, 100), Window(99, 100), Window(80, 100)]
    assert detect(Window(80, 100), steady, DOWN).level != "none"
    assert detect(Window(80, 100), noisy, DOWN).level == "none"


def test_one_decline_among_twenty_against_a_spotless_history_is_not_an_alert():
    spotless = [Window(20, 20)] * 4
    assert detect(Window(19, 20), spotless, DOWN).level == "none"
    assert detect(Window(12, 20), spotless, DOWN).level == "critical"
    assert detect(Window(2, 20), [Window(0, 20)] * 4, UP).level == "none"
    assert detect(Window(8, 20), [Window(0, 20)] * 4, UP).level != "none"
