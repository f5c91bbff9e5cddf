"""The pure parts of supervision: restart intensity with a fake clock, and restart strategies."""

from __future__ import annotations

import pytest

from actors.supervision.intensity import record_restart
from actors.supervision.strategies import STRATEGIES, affected_children

pytestmark = pytest.mark.mode_independent


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def restart_many(
    times: list[float], max_restarts: int, max_seconds: float
) -> tuple[list[bool], tuple[float, ...]]:
    """Feed ``times`` to record_restart one by one, keeping the history as a supervisor does."""
    history: tuple[float, ...] = ()
    verdicts = []
    for now in times:
        ok, history = record_restart(history, now, max_restarts, max_seconds)
        verdicts.append(ok)
    return verdicts, history


# ---- record_restart --------------------------------------------------------------------------


def test_the_first_restart_is_allowed_and_starts_the_history() -> None:
    assert record_restart((), 10.0, 3, 5.0) == (True, (10.0,))


def test_exactly_max_restarts_within_the_window_are_allowed() -> None:
    verdicts, history = restart_many([10.0, 10.1, 10.2], max_restarts=3, max_seconds=5.0)
    assert verdicts == [True, True, True]
    assert history == (10.0, 10.1, 10.2)


def test_one_restart_more_than_max_restarts_within_the_window_is_refused() -> None:
    verdicts, history = restart_many([10.0, 10.1, 10.2, 10.3], max_restarts=3, max_seconds=5.0)
    assert verdicts == [True, True, True, False]
    assert history == (10.0, 10.1, 10.2, 10.3)


def test_restarts_older_than_the_window_are_forgotten() -> None:
    clock = FakeClock()
    history: tuple[float, ...] = ()
    for _ in range(3):
        ok, history = record_restart(history, clock(), 3, 5.0)
        assert ok
        clock.advance(1.0)
    # the restarts were at 1000, 1001, 1002; at 1005.5 the first is out of the 5 s window
    clock.advance(2.5)
    ok, history = record_restart(history, clock(), 3, 5.0)
    assert ok
    assert history == (1001.0, 1002.0, 1005.5)


def test_the_window_slides_so_a_steady_rate_below_the_intensity_never_gives_up() -> None:
    clock = FakeClock()
    history: tuple[float, ...] = ()
    for _ in range(100):
        ok, history = record_restart(history, clock(), 2, 1.0)
        assert ok
        clock.advance(0.6)  # at most 2 restarts in any 1 s window
    assert len(history) == 2


def test_a_burst_after_a_quiet_period_is_judged_on_its_own() -> None:
    times = [0.0, 1.0, 2.0, 100.0, 100.1, 100.2, 100.3]
    verdicts, _ = restart_many(times, max_restarts=3, max_seconds=5.0)
    assert verdicts == [True, True, True, True, True, True, False]


def test_a_restart_exactly_max_seconds_after_another_no_longer_counts_it() -> None:
    # the window is (now - max_seconds, now]: a restart max_seconds ago has left it
    ok, history = record_restart((0.0,), 5.0, 1, 5.0)
    assert ok
    assert history == (5.0,)


def test_max_restarts_zero_refuses_the_very_first_restart() -> None:
    ok, history = record_restart((), 10.0, 0, 5.0)
    assert not ok
    assert history == (10.0,)


def test_a_refused_restart_is_still_recorded_so_the_supervisor_stays_refused() -> None:
    history: tuple[float, ...] = (1.0, 1.1)
    ok, history = record_restart(history, 1.2, 2, 5.0)
    assert not ok
    ok, history = record_restart(history, 1.3, 2, 5.0)
    assert not ok
    assert len(history) == 4


def test_record_restart_does_not_change_the_history_it_is_given() -> None:
    history = [1.0, 2.0]
    record_restart(history, 3.0, 5, 10.0)
    assert history == [1.0, 2.0]


def test_the_returned_history_keeps_only_restarts_inside_the_window() -> None:
    _, history = record_restart((1.0, 2.0, 3.0, 9.0), 10.0, 10, 5.0)
    assert history == (9.0, 10.0)


# ---- affected_children -----------------------------------------------------------------------

ORDER = ["a", "b", "c", "d"]


@pytest.mark.parametrize("failed", ORDER)
def test_one_for_one_affects_only_the_failed_child(failed: str) -> None:
    assert affected_children("one_for_one", ORDER, failed) == [failed]


@pytest.mark.parametrize("failed", ORDER)
def test_one_for_all_affects_every_child_in_start_order(failed: str) -> None:
    assert affected_children("one_for_all", ORDER, failed) == ORDER


@pytest.mark.parametrize(
    ("failed", "expected"),
    [("a", ["a", "b", "c", "d"]), ("b", ["b", "c", "d"]), ("c", ["c", "d"]), ("d", ["d"])],
)
def test_rest_for_one_affects_the_failed_child_and_those_started_after_it(
    failed: str, expected: list[str]
) -> None:
    assert affected_children("rest_for_one", ORDER, failed) == expected


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_child_that_is_not_in_the_order_affects_nothing(strategy: str) -> None:
    assert affected_children(strategy, ORDER, "zz") == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_affected_children_does_not_change_the_order_it_is_given(strategy: str) -> None:
    order = list(ORDER)
    result = affected_children(strategy, order, "b")
    result.append("x")
    assert order == ORDER


def test_an_unknown_strategy_is_a_value_error_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="one_for_one"):
        affected_children("all_for_one", ORDER, "a")


def test_the_strategies_are_the_three_of_otp() -> None:
    assert set(STRATEGIES) == {"one_for_one", "one_for_all", "rest_for_one"}
