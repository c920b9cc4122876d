"""The update-campaign planner (pure): quiet hours, stages, schedule, verdict."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fleet import rollout

CST = dt.timezone(dt.timedelta(hours=8))


def test_the_quiet_hour_is_the_one_with_fewest_transactions():
    busy = {h: 50 for h in range(24)}
    busy[14] = 2
    assert rollout.quiet_hour(busy) == 14
    shop = {h: 30 for h in range(9, 22)}  # closed at night: nearest to 03:00 wins the tie
    assert rollout.quiet_hour(shop) == 3
    assert rollout.quiet_hour({}) == rollout.DEFAULT_QUIET_HOUR
    night_shift = {h: 40 for h in range(24) if h not in (11, 12)}
    assert rollout.quiet_hour(night_shift) == 11


def test_stages_of_a_thousand_terminals():
    assert rollout.stage_sizes(1000) == [10, 100, 500, 1000]
    assert rollout.stage_sizes(3) == [1, 1, 2, 3]
    assert rollout.stage_sizes(0) == [0, 0, 0, 0]


def test_verdict_halts_when_sign_in_failures_rise():
    before = rollout.Rates(
        signins=200, signin_failures=2, transactions=900, transaction_failures=30
    )
    worse = rollout.Rates(
        signins=200, signin_failures=40, transactions=900, transaction_failures=31
    )
    same = rollout.Rates(signins=200, signin_failures=3, transactions=900, transaction_failures=29)
    assert rollout.verdict(before, worse, 50) == (rollout.HALT, "signin")
    assert rollout.verdict(before, same, 50) == (rollout.CONTINUE, "")
    failing = rollout.Rates(
        signins=200, signin_failures=2, transactions=900, transaction_failures=200
    )
    assert rollout.verdict(before, failing, 50) == (rollout.HALT, "transactions")
    thin = rollout.Rates(signins=10, signin_failures=9, transactions=10, transaction_failures=9)
    assert rollout.verdict(before, thin, 50) == (rollout.WAIT, "")


terminals = st.lists(st.integers(min_value=1, max_value=10**6), unique=True, max_size=400)
hours = st.dictionaries(st.integers(0, 40), st.integers(0, 23))


@given(terminals, st.text(max_size=8))
def test_stages_are_monotone_and_every_terminal_is_in_exactly_one(pks, seed):
    sizes = rollout.stage_sizes(len(pks))
    assert sizes == sorted(sizes) and (not pks or sizes[-1] == len(pks))
    stages = rollout.assign_stages(pks, seed)
    assert sorted(stages) == sorted(pks)
    for stage, size in enumerate(sizes, start=1):
        assert sum(1 for s in stages.values() if s <= stage) == size


@given(terminals, hours, st.integers(0, 23), st.integers(0, 59))
def test_every_terminal_is_scheduled_once_in_its_quiet_window(pks, quiet, hour, minute):
    not_before = dt.datetime(2026, 12, 3, hour, minute, tzinfo=CST)
    pairs = [(pk, pk % 41) for pk in pks]
    planned = rollout.schedule(pairs, quiet, not_before)
    assert sorted(planned) == sorted(pks)
    for pk, merchant in pairs:
        at = planned[pk]
        assert at.hour == quiet.get(merchant, rollout.DEFAULT_QUIET_HOUR)
        assert not_before <= at < not_before + dt.timedelta(days=1)


@given(st.integers(20, 500), st.integers(0, 20), st.integers(0, 20), st.integers(0, 200))
def test_a_larger_rise_never_turns_a_halt_into_a_go(volume, before_bad, after_bad, more):
    before = rollout.Rates(signins=volume, signin_failures=min(before_bad, volume))
    after = rollout.Rates(signins=volume, signin_failures=min(after_bad, volume))
    worse = rollout.Rates(signins=volume, signin_failures=min(after_bad + more, volume))
    if rollout.verdict(before, after, 20)[0] == rollout.HALT:
        assert rollout.verdict(before, worse, 20)[0] == rollout.HALT
