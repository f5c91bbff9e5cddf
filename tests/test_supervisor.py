"""actors.Supervisor: strategies, restart types, child management, intensity, nesting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from waiting import WAIT, wait_for

import actors

Event = tuple[str, ...]


def new_incarnation(sup: actors.Supervisor, child_id: str, old: Any) -> Any:
    """Wait until ``child_id`` runs as something other than ``old``; return it."""

    def fresh() -> Any:
        child = sup.child(child_id)
        return child if child is not None and child is not old and child.alive else None

    return wait_for(fresh, what=f"a new incarnation of {child_id!r}")


def settled(sup: actors.Supervisor, *exited: actors.Context) -> None:
    """Return once ``sup`` has done all it will about the exits of ``exited``.

    A context's ``wait()`` returns after its exit callbacks, the supervisor's
    tell among them; a round trip through the supervisor's actor then comes
    after that exit's handling (and any restart it made).
    """
    for ctx in exited:
        assert ctx.wait(WAIT), f"{ctx!r} did not exit"
    sup.count_children()


def actor_stopped(sup: actors.Supervisor) -> None:
    """Wait until ``sup``'s actor has stopped: nothing it could restart can start after that."""
    wait_for(lambda: not sup.actor_ref.is_alive(), what="the supervisor's actor to stop")


class Journal:
    """Records starts and exits of supervised contexts, in the order they happen."""

    def __init__(self, pool: actors.ContextPool) -> None:
        self.pool = pool
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def add(self, *event: str) -> None:
        with self._lock:
            self.events.append(event)

    def starter(self, child_id: str, **spawn: Any) -> Callable[[], actors.Context]:
        """A ``start`` function for ``start_child`` that journals the child's start and exit."""

        def start() -> actors.Context:
            ctx = self.pool.spawn(apis=None, **spawn)
            self.add("start", child_id)
            ctx.on_exit(lambda _c, reason, _d: self.add("exit", child_id, reason))
            return ctx

        return start

    def of(self, kind: str) -> list[str]:
        with self._lock:
            return [e[1] for e in self.events if e[0] == kind]

    def since(self, mark: int) -> list[Event]:
        with self._lock:
            return self.events[mark:]

    def __len__(self) -> int:
        with self._lock:
            return len(self.events)


@pytest.fixture
def journal(pool: actors.ContextPool) -> Journal:
    return Journal(pool)


def start_all(sup: actors.Supervisor, journal: Journal, ids: str, restart: str = "permanent") -> None:
    for cid in ids:
        sup.start_child(cid, journal.starter(cid), restart=restart)


# ---- strategies -----------------------------------------------------------------------------


def test_one_for_one_restarts_only_the_killed_child(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_one")
    start_all(sup, journal, "abcd")
    before = {cid: sup.child(cid) for cid in "abcd"}
    mark = len(journal)

    before["b"].kill()
    new_b = new_incarnation(sup, "b", before["b"])

    assert journal.since(mark) == [("exit", "b", "killed"), ("start", "b")]
    assert new_b.eval("1 + 1") == 2
    for cid in "acd":
        assert sup.child(cid) is before[cid]
        assert before[cid].alive


def test_one_for_all_stops_the_siblings_in_reverse_order_and_restarts_all_in_start_order(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_all", max_restarts=10)
    start_all(sup, journal, "abcd")
    before = {cid: sup.child(cid) for cid in "abcd"}
    mark = len(journal)

    before["b"].kill()
    wait_for(lambda: journal.since(mark).count(("start", "d")) == 1, what="d restarted")

    assert journal.since(mark) == [
        ("exit", "b", "killed"),
        ("exit", "d", "normal"),
        ("exit", "c", "normal"),
        ("exit", "a", "normal"),
        ("start", "a"),
        ("start", "b"),
        ("start", "c"),
        ("start", "d"),
    ]
    for cid in "abcd":
        child = sup.child(cid)
        assert child is not before[cid]
        assert child.alive
        assert not before[cid].alive


def test_rest_for_one_restarts_the_killed_child_and_those_started_after_it(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("rest_for_one", max_restarts=10)
    start_all(sup, journal, "abcd")
    before = {cid: sup.child(cid) for cid in "abcd"}
    mark = len(journal)

    before["b"].kill()
    wait_for(lambda: ("start", "d") in journal.since(mark), what="d restarted")

    assert journal.since(mark) == [
        ("exit", "b", "killed"),
        ("exit", "d", "normal"),
        ("exit", "c", "normal"),
        ("start", "b"),
        ("start", "c"),
        ("start", "d"),
    ]
    assert sup.child("a") is before["a"]
    assert before["a"].alive
    for cid in "bcd":
        assert sup.child(cid) is not before[cid]
        assert sup.child(cid).alive


def test_rest_for_one_on_the_last_child_restarts_only_that_child(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("rest_for_one")
    start_all(sup, journal, "abc")
    before = {cid: sup.child(cid) for cid in "abc"}
    mark = len(journal)

    before["c"].kill()
    new_incarnation(sup, "c", before["c"])

    assert journal.since(mark) == [("exit", "c", "killed"), ("start", "c")]
    assert sup.child("a") is before["a"]
    assert sup.child("b") is before["b"]


def test_one_for_all_restarting_every_child_counts_as_one_restart_against_the_intensity(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_all", max_restarts=1, max_seconds=60.0)
    start_all(sup, journal, "abc")
    before = [c for _id, c, _r in sup.which_children()]
    old = sup.child("b")
    mark = len(journal)

    old.kill()
    wait_for(lambda: len(journal.since(mark)) >= 6 or not sup.alive, what="the restart")
    settled(sup, *before)  # a give-up would come while handling one of these exits

    assert sup.alive, f"gave up ({sup.exit_reason}) after a single failure; journal: {journal.since(mark)}"
    assert [c.alive for _id, c, _r in sup.which_children()] == [True, True, True]


def test_one_for_all_restarts_a_transient_sibling_with_the_others(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_all", max_restarts=10)
    sup.start_child("a", journal.starter("a"))
    sibling = sup.start_child("t", journal.starter("t"), restart="transient")
    mark = len(journal)
    sup.child("a").kill()
    new_t = new_incarnation(sup, "t", sibling)
    assert journal.since(mark)[-2:] == [("start", "a"), ("start", "t")]
    assert new_t.alive


@pytest.mark.parametrize("strategy", ["one_for_all", "rest_for_one"])
def test_a_temporary_sibling_taken_down_by_a_group_restart_is_removed_not_restarted(
    make_sup: Callable[..., actors.Supervisor], journal: Journal, strategy: str
) -> None:
    sup = make_sup(strategy, max_restarts=10)
    sup.start_child("a", journal.starter("a"))
    tmp = sup.start_child("tmp", journal.starter("tmp"), restart="temporary")
    sup.start_child("b", journal.starter("b"))
    old_a = sup.child("a")
    old_a.kill()
    wait_for(lambda: journal.of("start").count("b") == 2, what="b restarted")
    assert not tmp.alive
    assert [cid for cid, _c, _r in sup.which_children()] == ["a", "b"]
    assert journal.of("start").count("tmp") == 1


# ---- restart types ----------------------------------------------------------------------------


def test_a_permanent_child_is_restarted_after_it_is_killed(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("p", journal.starter("p"), restart="permanent")
    old.kill()
    assert new_incarnation(sup, "p", old).eval("'up'") == "up"
    assert old.exit_reason == "killed"


def test_a_permanent_child_is_restarted_even_after_a_normal_stop(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("p", journal.starter("p"), restart="permanent")
    old.stop()
    assert old.exit_reason == "normal"
    assert new_incarnation(sup, "p", old).alive


def test_a_transient_child_is_restarted_after_it_is_killed(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("t", journal.starter("t"), restart="transient")
    old.kill()
    assert new_incarnation(sup, "t", old).alive


def test_a_transient_child_is_restarted_after_an_uncaught_error_in_a_timer_callback(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("t", journal.starter("t"), restart="transient")
    old.eval("setTimeout(() => { throw new RangeError('tick failed') }, 1)")
    assert old.wait(WAIT)
    assert old.exit_reason == "error"
    assert isinstance(old.exit_detail, actors.JSError)
    assert old.exit_detail.name == "RangeError"
    assert new_incarnation(sup, "t", old).eval("2 * 21") == 42


def test_a_transient_child_is_not_restarted_after_a_normal_stop(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("t", journal.starter("t"), restart="transient")
    old.stop()
    # the exit is handled on the supervisor's actor: a round trip through it orders us after it
    wait_for(lambda: sup.child("t") is None, what="the exit to be handled")
    settled(sup, old)
    assert journal.of("start") == ["t"]
    assert sup.which_children() == [("t", None, "transient")]
    assert sup.count_children() == {"specs": 1, "active": 0}


def test_a_temporary_child_is_never_restarted_and_leaves_which_children(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    sup.start_child("keep", journal.starter("keep"), restart="permanent")
    old = sup.start_child("tmp", journal.starter("tmp"), restart="temporary")
    old.kill()
    wait_for(lambda: [cid for cid, _c, _r in sup.which_children()] == ["keep"], what="tmp to be removed")
    settled(sup, old)
    assert journal.of("start") == ["keep", "tmp"]
    assert sup.child("tmp") is None
    assert sup.count_children() == {"specs": 1, "active": 1}


def test_a_temporary_child_that_stops_normally_also_leaves_which_children(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("tmp", journal.starter("tmp"), restart="temporary")
    old.stop()
    wait_for(lambda: sup.which_children() == [], what="tmp to be removed")


# ---- child management -------------------------------------------------------------------------


def test_which_children_lists_id_child_and_restart_type_in_start_order(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    c = sup.start_child("c", journal.starter("c"), restart="permanent")
    a = sup.start_child("a", journal.starter("a"), restart="transient")
    b = sup.start_child("b", journal.starter("b"), restart="temporary")
    assert sup.which_children() == [("c", c, "permanent"), ("a", a, "transient"), ("b", b, "temporary")]
    assert all(isinstance(child, actors.Context) for _id, child, _r in sup.which_children())


def test_count_children_counts_specs_and_running_children(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    assert sup.count_children() == {"specs": 0, "active": 0}
    start_all(sup, journal, "abc")
    assert sup.count_children() == {"specs": 3, "active": 3}
    sup.terminate_child("b")
    assert sup.count_children() == {"specs": 3, "active": 2}


def test_start_child_returns_the_child_and_child_returns_the_same_incarnation(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    ctx = sup.start_child("x", journal.starter("x"))
    assert sup.child("x") is ctx
    assert sup.child("missing") is None


def test_start_child_with_a_taken_id_is_a_value_error_and_starts_nothing(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    first = sup.start_child("x", journal.starter("x"))
    with pytest.raises(ValueError, match="already exists"):
        sup.start_child("x", journal.starter("x"))
    assert journal.of("start") == ["x"]
    assert sup.child("x") is first


def test_start_child_with_an_unknown_restart_type_is_a_value_error(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    with pytest.raises(ValueError, match="permanent"):
        sup.start_child("x", journal.starter("x"), restart="sometimes")
    assert journal.of("start") == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"strategy": "all_for_one"}, "strategy"),
        ({"max_restarts": -1}, "max_restarts"),
        ({"max_restarts": True}, "max_restarts"),
        ({"max_seconds": 0}, "max_seconds"),
    ],
)
def test_a_supervisor_with_bad_options_is_a_value_error(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        actors.Supervisor(**kwargs)


def test_terminate_child_stops_it_without_restart_and_keeps_its_spec(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    ctx = sup.start_child("p", journal.starter("p"), restart="permanent")
    sup.terminate_child("p")
    assert not ctx.alive
    settled(sup, ctx)
    assert journal.of("start") == ["p"]
    assert sup.which_children() == [("p", None, "permanent")]


def test_restart_child_starts_a_terminated_child_again_from_its_spec(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("p", journal.starter("p"))
    sup.terminate_child("p")
    new = sup.restart_child("p")
    assert new is not old
    assert new.alive
    assert sup.child("p") is new
    assert journal.of("start") == ["p", "p"]


def test_restart_child_of_a_running_child_is_an_error(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    ctx = sup.start_child("p", journal.starter("p"))
    with pytest.raises(actors.ActorsError, match="running"):
        sup.restart_child("p")
    assert sup.child("p") is ctx


def test_delete_child_forgets_a_terminated_child(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    start_all(sup, journal, "ab")
    sup.terminate_child("a")
    sup.delete_child("a")
    assert [cid for cid, _c, _r in sup.which_children()] == ["b"]
    with pytest.raises(KeyError):
        sup.restart_child("a")


def test_delete_child_of_a_running_child_is_an_error(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    ctx = sup.start_child("p", journal.starter("p"))
    with pytest.raises(actors.ActorsError, match="terminate it first"):
        sup.delete_child("p")
    assert ctx.alive


@pytest.mark.parametrize("method", ["terminate_child", "restart_child", "delete_child"])
def test_managing_an_unknown_child_is_a_key_error(
    make_sup: Callable[..., actors.Supervisor], method: str
) -> None:
    sup = make_sup()
    with pytest.raises(KeyError, match="nope"):
        getattr(sup, method)("nope")


def test_terminate_child_of_a_temporary_child_removes_it(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    ctx = sup.start_child("tmp", journal.starter("tmp"), restart="temporary")
    sup.terminate_child("tmp")
    assert not ctx.alive
    assert sup.which_children() == []


# ---- incarnations -----------------------------------------------------------------------------


def test_calls_on_an_old_incarnation_raise_context_dead_error(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    old = sup.start_child("p", journal.starter("p"))
    old.kill()
    new = new_incarnation(sup, "p", old)
    with pytest.raises(actors.ContextDeadError) as info:
        old.eval("1")
    assert info.value.reason == "killed"
    with pytest.raises(actors.ContextDeadError):
        old.send("hello")
    assert new.eval("1") == 1


def test_a_restarted_context_is_fresh_and_its_script_ran_again(
    make_sup: Callable[..., actors.Supervisor], pool: actors.ContextPool, tmp_path: Path
) -> None:
    starts: list[int] = []

    def started() -> int:
        starts.append(len(starts) + 1)
        return len(starts)

    script = tmp_path / "counter.js"
    script.write_text(
        "globalThis.fromScript = 'loaded';\nglobalThis.incarnation = Host.callSync('started');\n",
        encoding="utf-8",
    )
    sup = make_sup()
    old = sup.start_child("s", lambda: pool.spawn(apis=None, script=script, handlers={"started": started}))
    assert old.get_global("incarnation") == 1
    old.eval("globalThis.scratch = {notes: ['kept?']}")

    old.kill()
    new = new_incarnation(sup, "s", old)

    assert new.eval("typeof scratch") == "undefined"
    assert new.get_global("fromScript") == "loaded"
    assert new.get_global("incarnation") == 2
    assert starts == [1, 2]


# ---- failing starts ---------------------------------------------------------------------------


def test_start_child_raises_the_js_error_of_an_init_script_that_throws(
    make_sup: Callable[..., actors.Supervisor], pool: actors.ContextPool, tmp_path: Path
) -> None:
    script = tmp_path / "broken.js"
    script.write_text("throw new TypeError('cannot start');\n", encoding="utf-8")
    sup = make_sup()
    contexts_before = pool.stats()["contexts"]
    with pytest.raises(actors.JSError) as info:
        sup.start_child("broken", lambda: pool.spawn(apis=None, script=script))
    assert info.value.name == "TypeError"
    assert info.value.message == "cannot start"
    assert sup.which_children() == []
    assert sup.alive
    wait_for(lambda: pool.stats()["contexts"] == contexts_before, what="the broken context to go")


def test_a_child_whose_restart_keeps_failing_makes_the_supervisor_give_up_after_max_restarts(
    make_sup: Callable[..., actors.Supervisor], pool: actors.ContextPool, tmp_path: Path
) -> None:
    attempts: list[int] = []

    def attempt() -> int:
        attempts.append(1)
        return len(attempts)

    script = tmp_path / "flaky.js"
    script.write_text(
        "const n = Host.callSync('attempt');\nif (n >= 2) throw new Error('start #' + n + ' failed');\n",
        encoding="utf-8",
    )
    sup = make_sup("one_for_one", max_restarts=3, max_seconds=60.0)
    sup.start_child("flaky", lambda: pool.spawn(apis=None, script=script, handlers={"attempt": attempt}))
    sup.child("flaky").kill()

    assert sup.wait(WAIT), f"still retrying after {len(attempts)} attempts"
    assert sup.exit_reason == "max_restarts"
    assert 2 <= len(attempts) <= sup.max_restarts + 1
    actor_stopped(sup)
    assert len(attempts) <= sup.max_restarts + 1


def test_a_restart_that_fails_once_is_retried_and_the_child_comes_back(
    make_sup: Callable[..., actors.Supervisor], pool: actors.ContextPool, tmp_path: Path
) -> None:
    attempts: list[int] = []

    def attempt() -> int:
        attempts.append(1)
        return len(attempts)

    script = tmp_path / "once.js"
    script.write_text(
        "globalThis.n = Host.callSync('attempt');\nif (n === 2) throw new Error('second start fails');\n",
        encoding="utf-8",
    )
    sup = make_sup("one_for_one", max_restarts=3, max_seconds=60.0)
    old = sup.start_child("c", lambda: pool.spawn(apis=None, script=script, handlers={"attempt": attempt}))
    old.kill()
    new = new_incarnation(sup, "c", old)
    assert new.get_global("n") == 3
    assert sup.alive


# ---- intensity --------------------------------------------------------------------------------


def test_more_than_max_restarts_kills_stop_every_child_in_reverse_order_and_the_supervisor(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_one", max_restarts=2, max_seconds=60.0)
    start_all(sup, journal, "abcd")
    exits: list[str] = []
    sup.on_exit(lambda _s, reason, _d: exits.append(reason))

    for _ in range(2):
        old = sup.child("c")
        old.kill()
        new_incarnation(sup, "c", old)
    mark = len(journal)
    sup.child("c").kill()

    assert sup.wait(WAIT)
    assert not sup.alive
    assert sup.exit_reason == "max_restarts"
    assert exits == ["max_restarts"]
    assert journal.since(mark) == [
        ("exit", "c", "killed"),
        ("exit", "d", "normal"),
        ("exit", "b", "normal"),
        ("exit", "a", "normal"),
    ]
    assert sup.count_children()["active"] == 0


def test_kills_spread_wider_than_max_seconds_never_exhaust_the_intensity(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    now = [0.0]
    sup = make_sup("one_for_one", max_restarts=1, max_seconds=5.0, clock=lambda: now[0])
    sup.start_child("a", journal.starter("a"))
    for _ in range(4):
        old = sup.child("a")
        old.kill()
        new_incarnation(sup, "a", old)
        now[0] += 6.0
    assert sup.alive
    assert journal.of("start") == ["a"] * 5


def test_a_supervisor_with_max_restarts_zero_gives_up_on_the_first_crash(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_one", max_restarts=0)
    start_all(sup, journal, "ab")
    sup.child("a").kill()
    assert sup.wait(WAIT)
    assert sup.exit_reason == "max_restarts"
    assert journal.of("start") == ["a", "b"]


def test_a_supervisor_that_gave_up_refuses_new_children(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup("one_for_one", max_restarts=0)
    sup.start_child("a", journal.starter("a"))
    sup.child("a").kill()
    assert sup.wait(WAIT)
    with pytest.raises(actors.ActorsError, match="max_restarts"):
        sup.start_child("b", journal.starter("b"))
    assert journal.of("start") == ["a"]


# ---- nesting ----------------------------------------------------------------------------------


def test_a_child_supervisor_that_exceeds_its_intensity_is_restarted_by_its_parent(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    subs: list[actors.Supervisor] = []

    def make_sub() -> actors.Supervisor:
        sub = actors.Supervisor("one_for_one", max_restarts=1, max_seconds=60.0, name=f"sub-{len(subs)}")
        sub.start_child("w1", journal.starter("w1"))
        sub.start_child("w2", journal.starter("w2"))
        subs.append(sub)
        return sub

    parent = make_sup("one_for_one", max_restarts=3, max_seconds=60.0, name="parent")
    sibling = parent.start_child("sibling", journal.starter("sibling"))
    first = parent.start_child("sub", lambda: make_sub(), restart="permanent")
    assert first is subs[0]

    old = first.child("w1")
    old.kill()
    new_incarnation(first, "w1", old)
    first.child("w1").kill()  # the second restart within the window: more than max_restarts=1

    assert first.wait(WAIT)
    assert first.exit_reason == "max_restarts"
    second = new_incarnation(parent, "sub", first)
    assert second is subs[1]
    assert isinstance(second, actors.Supervisor)
    assert [cid for cid, c, _r in second.which_children() if c.alive] == ["w1", "w2"]
    assert second.child("w2").eval("'fresh'") == "fresh"
    assert parent.alive
    assert parent.child("sibling") is sibling and sibling.alive


def test_stopping_a_parent_stops_its_child_supervisors_and_their_children(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    def make_sub() -> actors.Supervisor:
        sub = actors.Supervisor(name="sub")
        start_all(sub, journal, "xy")
        return sub

    parent = make_sup()
    parent.start_child("a", journal.starter("a"))
    sub = parent.start_child("sub", make_sub)
    parent.start_child("z", journal.starter("z"))
    mark = len(journal)

    parent.stop()

    assert not parent.alive and not sub.alive
    assert [e[1] for e in journal.since(mark)] == ["z", "y", "x", "a"]


def test_a_killed_child_supervisor_is_restarted_by_its_parent(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    def make_sub() -> actors.Supervisor:
        sub = actors.Supervisor(name="sub")
        sub.start_child("w", journal.starter("w"))
        return sub

    parent = make_sup()
    first = parent.start_child("sub", make_sub)
    first.kill()
    assert first.exit_reason == "killed"
    second = new_incarnation(parent, "sub", first)
    assert second.child("w").alive
    assert not first.alive


# ---- stop -------------------------------------------------------------------------------------


def test_stop_stops_the_children_in_reverse_start_order(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    start_all(sup, journal, "abcd")
    children = [sup.child(cid) for cid in "abcd"]
    mark = len(journal)
    sup.stop()
    assert journal.since(mark) == [("exit", cid, "normal") for cid in "dcba"]
    assert not any(c.alive for c in children)
    assert not sup.alive
    assert sup.exit_reason == "normal"


def test_stop_restarts_nothing_and_is_idempotent(
    make_sup: Callable[..., actors.Supervisor], journal: Journal
) -> None:
    sup = make_sup()
    start_all(sup, journal, "ab")
    sup.stop()
    sup.stop()
    actor_stopped(sup)
    assert journal.of("start") == ["a", "b"]
    with pytest.raises(actors.ActorsError):
        sup.start_child("c", journal.starter("c"))


def test_a_supervisor_can_be_stopped_from_a_context_s_exit_callback(
    make_sup: Callable[..., actors.Supervisor], journal: Journal, pool: actors.ContextPool
) -> None:
    sup = make_sup()
    start_all(sup, journal, "ab")
    errors: list[BaseException] = []

    def stop_group(_ctx: Any, _reason: str, _detail: Any) -> None:
        try:
            sup.stop(timeout=1.0)
        except BaseException as exc:
            errors.append(exc)

    trigger = pool.spawn(apis=None)
    trigger.on_exit(stop_group)
    trigger.stop()
    assert sup.wait(WAIT)
    assert errors == []
    assert journal.since(2) == [("exit", "b", "normal"), ("exit", "a", "normal")]


def test_a_child_s_exit_callback_can_query_its_supervisor_during_a_one_for_all_restart(
    make_sup: Callable[..., actors.Supervisor], pool: actors.ContextPool
) -> None:
    sup = make_sup("one_for_all", max_restarts=5)
    seen: list[tuple[str, str, dict[str, int]]] = []
    armed = [True]  # only the first restart queries: the teardown must not stall too

    def starter(child_id: str) -> Callable[[], actors.Context]:
        def start() -> actors.Context:
            ctx = pool.spawn(apis=None)

            def exited(_c: Any, reason: str, _d: Any) -> None:
                if armed[0]:
                    seen.append((child_id, reason, sup.count_children()))

            ctx.on_exit(exited)
            return ctx

        return start

    for cid in "ab":
        sup.start_child(cid, starter(cid))
    started = time.monotonic()
    try:
        sup.child("a").kill()
        wait_for(lambda: len(seen) >= 2, what="both exits")
        assert time.monotonic() - started < 2.0
        assert [s[:2] for s in seen] == [("a", "killed"), ("b", "normal")]
    finally:
        armed[0] = False


def test_a_context_s_exit_callback_can_terminate_a_sibling_promptly(
    make_sup: Callable[..., actors.Supervisor], journal: Journal, pool: actors.ContextPool
) -> None:
    sup = make_sup()
    sibling = sup.start_child("a", journal.starter("a"))
    errors: list[BaseException] = []

    def terminate_sibling(_ctx: Any, _reason: str, _detail: Any) -> None:
        try:
            sup.terminate_child("a")
        except BaseException as exc:
            errors.append(exc)

    trigger = pool.spawn(apis=None)
    trigger.on_exit(terminate_sibling)
    started = time.monotonic()
    trigger.stop(timeout=WAIT + 2)
    assert sibling.wait(WAIT)
    assert errors == []
    assert time.monotonic() - started < 2.0
    assert sup.which_children() == [("a", None, "permanent")]


@pytest.mark.parametrize("first", ["stop", "give up"])
def test_kill_after_the_supervisor_exited_leaves_its_exit_reason_alone(
    make_sup: Callable[..., actors.Supervisor], journal: Journal, first: str
) -> None:
    sup = make_sup(max_restarts=0)
    sup.start_child("a", journal.starter("a"))
    if first == "stop":
        sup.stop()
        expected = "normal"
    else:
        sup.child("a").kill()
        assert sup.wait(WAIT)
        expected = "max_restarts"
    assert sup.exit_reason == expected
    sup.kill()
    assert sup.exit_reason == expected


def test_on_exit_after_the_supervisor_stopped_runs_at_once_with_the_reason(
    make_sup: Callable[..., actors.Supervisor],
) -> None:
    sup = make_sup()
    sup.stop()
    seen: list[tuple[Any, str]] = []
    sup.on_exit(lambda s, reason, _d: seen.append((s, reason)))
    assert seen == [(sup, "normal")]
