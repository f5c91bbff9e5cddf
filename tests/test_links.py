"""Links between contexts, Pykka actors and supervisors; the context's actor; the pool supervisor."""

from __future__ import annotations

import gc
import itertools
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pykka
import pytest
from waiting import WAIT, wait_for

import actors
from actors.actor import ContextActor
from actors.supervision import links


class Owner(pykka.ThreadingActor):
    """A plain Pykka actor that does not trap exits."""


class Trapper(pykka.ThreadingActor):
    """A Pykka actor that traps exits: it is told about them instead of being stopped."""

    def __init__(self) -> None:
        super().__init__()
        self.exits: list[tuple[str, str]] = []

    def on_link_exit(self, ref: pykka.ActorRef[Any], reason: str) -> None:
        self.exits.append((ref.actor_urn, reason))

    def seen(self) -> list[tuple[str, str]]:
        return list(self.exits)


@pytest.fixture
def owner() -> Iterator[pykka.ActorRef[Any]]:
    ref = Owner.start()
    yield ref
    ref.stop(block=False)


@pytest.fixture
def trapper() -> Iterator[pykka.ActorRef[Any]]:
    ref = Trapper.start()
    yield ref
    ref.stop(block=False)


def round_trip(ref: pykka.ActorRef[Any]) -> None:
    """Return once ``ref`` has handled every message queued to it before the call (or has stopped).

    A context's ``stop()``/``kill()`` return after its exit callbacks, the
    link table's among them, so what the exit sends a linked actor (a stop, an
    ``on_link_exit``) is queued by then: after this round trip it has been handled.
    """
    try:
        ref.proxy().actor_urn.get(timeout=WAIT)
    except pykka.ActorDeadError:
        pass


def link_watcher_caught_up(pool: actors.ContextPool) -> None:
    """Return once every plain actor that had stopped before the call has been reported.

    A threading actor reports its stop on its own thread before ``stop()``
    returns; an actor of another runtime is polled by the watcher, one pass
    at a time, in the order they were linked: a marker actor linked and
    stopped now is reported after any actor already gone, so its linked
    context exiting proves those earlier reports were made.
    """
    marker = Owner.start()
    probe = pool.spawn(apis=None, link=marker)
    marker.stop()
    assert probe.wait(WAIT), "the link watcher never reported the marker actor's exit"


def pool_supervisor_caught_up(pool: actors.ContextPool) -> None:
    """Return once the pool's supervisor has handled every exit the pool reported before the call.

    The pool applies exits in order on its one event thread, telling the
    supervisor from the exit callbacks: a context stopped now exits after
    them, and a supervised spawn after that is a round trip through the
    supervisor's actor, which handles what it was told in order.
    """
    pool.spawn(apis=None).stop()
    pool.spawn(apis=None, restart="temporary").stop()


def trapped(ref: pykka.ActorRef[Any], count: int) -> list[tuple[str, str]]:
    """Wait until the trapping actor ``ref`` has been told about ``count`` exits; return them."""
    proxy = ref.proxy()
    return wait_for(
        lambda: (seen := proxy.seen().get(timeout=WAIT)) and len(seen) >= count and seen,
        what=f"{count} exit(s) trapped",
    )


# ---- a context linked to a plain Pykka actor ------------------------------------------------------


def test_a_context_spawned_with_link_stops_with_reason_linked_when_its_owner_stops_normally(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    owner.stop()
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "linked"
    with pytest.raises(actors.ContextDeadError):
        ctx.eval("1")


def test_a_context_linked_with_ctx_link_stops_when_its_owner_stops(
    ctx: actors.Context, owner: pykka.ActorRef[Any]
) -> None:
    ctx.link(owner)
    owner.stop()
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "linked"


def test_an_owner_s_stop_is_reported_before_stop_returns_without_polling(
    ctx: actors.Context, owner: pykka.ActorRef[Any]
) -> None:
    ctx.link(owner)
    owner.stop()  # block=True: the stopping actor's own thread reported the exit already
    assert links.linked(ctx) == []
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "linked"
    assert "actors-link-watcher" not in {t.name for t in threading.enumerate()}


class Crasher(pykka.ThreadingActor):
    def crash(self) -> None:
        raise RuntimeError("the owner fails")


def test_an_owner_that_fails_stops_its_linked_context(pool: actors.ContextPool) -> None:
    owner = Crasher.start()
    ctx = pool.spawn(apis=None, link=owner)
    logging.getLogger("pykka").disabled = True  # pykka logs the failure as an error
    try:
        owner.tell(pykka.messages.ProxyCall(attr_path=("crash",), args=(), kwargs={}))
        assert ctx.wait(WAIT)
    finally:
        logging.getLogger("pykka").disabled = False
    assert ctx.exit_reason == "linked"


def test_an_owner_stopping_while_it_is_being_linked_still_stops_the_context(pool: actors.ContextPool) -> None:
    # The link installs its report on the owner's stop event while the owner's own
    # thread may be setting that event: either the set reports or the link sees it set.
    for _ in range(100):
        owner = Owner.start()
        ctx = pool.spawn(apis=None)
        stopper = threading.Thread(target=owner.stop)
        stopper.start()
        ctx.link(owner)
        stopper.join(WAIT)
        assert ctx.wait(WAIT), "a context linked to an owner that stopped meanwhile kept running"
        assert ctx.exit_reason in ("linked", "noproc")


def test_a_killed_context_stops_its_non_trapping_owner(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    ctx.kill()
    wait_for(lambda: not owner.is_alive(), what="the owner to stop")


def test_a_context_that_crashes_on_an_uncaught_error_stops_its_non_trapping_owner(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    ctx.eval("setTimeout(() => { throw new Error('handler bug') }, 1)")
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "error"
    wait_for(lambda: not owner.is_alive(), what="the owner to stop")


def test_a_trapping_owner_is_told_the_context_was_killed_and_stays_alive(
    pool: actors.ContextPool, trapper: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=trapper)
    ctx.kill()
    assert trapped(trapper, 1) == [(ctx.actor_ref.actor_urn, "killed")]
    round_trip(trapper)
    assert trapper.is_alive()


def test_a_context_stopping_normally_does_not_stop_a_non_trapping_owner(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    ctx.stop()
    assert ctx.exit_reason == "normal"
    round_trip(owner)
    assert owner.is_alive()


def test_a_context_stopping_normally_is_reported_to_a_trapping_owner_as_normal(
    pool: actors.ContextPool, trapper: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=trapper)
    ctx.stop()
    assert trapped(trapper, 1) == [(ctx.actor_ref.actor_urn, "normal")]
    assert trapper.is_alive()


def test_a_trapping_owner_is_told_about_each_of_its_contexts(
    pool: actors.ContextPool, trapper: pykka.ActorRef[Any]
) -> None:
    first = pool.spawn(apis=None, link=trapper)
    second = pool.spawn(apis=None, link=trapper)
    first.kill()
    trapped(trapper, 1)
    second.stop()
    assert trapped(trapper, 2) == [
        (first.actor_ref.actor_urn, "killed"),
        (second.actor_ref.actor_urn, "normal"),
    ]


def test_unlink_stops_the_owner_s_exit_from_reaching_the_context(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    ctx.unlink(owner)
    owner.stop()
    link_watcher_caught_up(pool)
    assert ctx.alive
    assert ctx.eval("'still here'") == "still here"


def test_unlink_stops_the_context_s_crash_from_reaching_the_owner(
    pool: actors.ContextPool, owner: pykka.ActorRef[Any]
) -> None:
    ctx = pool.spawn(apis=None, link=owner)
    ctx.unlink(owner)
    ctx.kill()
    round_trip(owner)
    assert owner.is_alive()


def test_unlink_without_a_link_is_not_an_error(ctx: actors.Context, owner: pykka.ActorRef[Any]) -> None:
    ctx.unlink(owner)
    assert ctx.alive


def test_linking_to_an_actor_that_is_already_gone_stops_the_context(pool: actors.ContextPool) -> None:
    gone = Owner.start()
    gone.stop()
    ctx = pool.spawn(apis=None, link=gone)
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "linked"


def test_a_context_cannot_be_linked_to_itself(ctx: actors.Context) -> None:
    with pytest.raises(ValueError, match="itself"):
        ctx.link(ctx)


# ---- links between contexts, and to supervisors ---------------------------------------------------


@pytest.mark.parametrize("dies", ["first", "second"])
@pytest.mark.parametrize("how", ["kill", "stop"])
def test_when_either_of_two_linked_contexts_exits_the_other_stops_with_reason_linked(
    pool: actors.ContextPool, dies: str, how: str
) -> None:
    first = pool.spawn(apis=None)
    second = pool.spawn(apis=None)
    first.link(second)
    victim, other = (first, second) if dies == "first" else (second, first)
    getattr(victim, how)()
    assert other.wait(WAIT)
    assert victim.exit_reason == ("killed" if how == "kill" else "normal")
    assert other.exit_reason == "linked"


def test_a_chain_of_linked_contexts_goes_down_together(pool: actors.ContextPool) -> None:
    chain = [pool.spawn(apis=None) for _ in range(5)]
    for a, b in itertools.pairwise(chain):
        a.link(b)
    chain[2].kill()
    for ctx in chain:
        assert ctx.wait(WAIT)
    assert [c.exit_reason for c in chain] == ["linked", "linked", "killed", "linked", "linked"]


def test_a_context_linked_to_a_supervisor_stops_when_the_supervisor_stops(
    pool: actors.ContextPool, make_sup: Callable[..., actors.Supervisor]
) -> None:
    sup = make_sup()
    ctx = pool.spawn(apis=None, link=sup)
    sup.stop()
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "linked"


def test_a_killed_context_stops_the_supervisor_it_is_linked_to_and_its_children(
    pool: actors.ContextPool, make_sup: Callable[..., actors.Supervisor]
) -> None:
    sup = make_sup()
    child = sup.start_child("c", lambda: pool.spawn(apis=None))
    ctx = pool.spawn(apis=None)
    ctx.link(sup)
    ctx.kill()
    assert sup.wait(WAIT)
    assert sup.exit_reason == "linked"
    assert child.wait(WAIT)


def test_a_context_stopping_normally_leaves_its_linked_supervisor_running(
    pool: actors.ContextPool, make_sup: Callable[..., actors.Supervisor]
) -> None:
    sup = make_sup()
    ctx = pool.spawn(apis=None, link=sup)
    ctx.stop()  # returns after ctx's exit callbacks: the link has delivered the exit
    sup.count_children()  # and a round trip through the supervisor's actor
    assert sup.alive


def test_a_supervisor_that_gives_up_stops_the_contexts_linked_to_it(
    pool: actors.ContextPool, make_sup: Callable[..., actors.Supervisor]
) -> None:
    sup = make_sup(max_restarts=0)
    sup.start_child("c", lambda: pool.spawn(apis=None))
    watcher = pool.spawn(apis=None, link=sup)
    sup.child("c").kill()
    assert watcher.wait(WAIT)
    assert sup.exit_reason == "max_restarts"
    assert watcher.exit_reason == "linked"


# ---- the context's actor ----------------------------------------------------------------------------


def test_actor_ref_is_a_pykka_actor_ref_that_stays_the_same(ctx: actors.Context) -> None:
    ref = ctx.actor_ref
    assert isinstance(ref, pykka.ActorRef)
    assert ctx.actor_ref is ref
    assert ref.is_alive()


def test_a_message_told_to_the_actor_ref_reaches_host_on_message(ctx: actors.Context) -> None:
    got: list[Any] = []
    ctx.on_message(got.append)
    ctx.eval("Host.onMessage(m => Host.send({echo: m}))")
    ctx.actor_ref.tell({"type": "ping", "n": 1})
    wait_for(lambda: got, what="the echo")
    assert got == [{"echo": {"type": "ping", "n": 1}}]


def test_messages_told_to_the_actor_ref_arrive_in_order(ctx: actors.Context) -> None:
    ctx.eval("globalThis.inbox = []; Host.onMessage(m => inbox.push(m))")
    for i in range(20):
        ctx.actor_ref.tell(i)
    wait_for(lambda: ctx.eval("inbox.length") == 20, what="20 messages")
    assert ctx.get_global("inbox") == list(range(20))


def test_the_actor_ref_proxy_reaches_the_context_s_methods(ctx: actors.Context) -> None:
    proxy = ctx.actor_ref.proxy()
    assert proxy.eval("1+2").get(timeout=WAIT) == 3
    proxy.set_global("cfg", {"a": 1}).get(timeout=WAIT)
    assert proxy.get_global("cfg").get(timeout=WAIT) == {"a": 1}
    ctx.eval("globalThis.add = (a, b) => a + b; undefined")
    assert proxy.call("add", 2, 3).get(timeout=WAIT) == 5


def test_stopping_the_actor_ref_stops_the_context(ctx: actors.Context) -> None:
    ctx.actor_ref.stop()
    assert ctx.wait(WAIT)
    assert ctx.exit_reason == "normal"


def test_the_actor_ref_stops_when_the_context_is_killed(ctx: actors.Context) -> None:
    ref = ctx.actor_ref
    ctx.kill()
    wait_for(lambda: not ref.is_alive(), what="the actor to stop")
    with pytest.raises(pykka.ActorDeadError):
        ref.tell("too late")


def test_messages_told_to_a_context_that_is_then_killed_are_dropped_quietly(
    pool: actors.ContextPool, caplog: pytest.LogCaptureFixture
) -> None:
    refs = []
    for _ in range(20):  # the race is lost most of the time; twenty tries make it certain
        ctx = pool.spawn(apis=None)
        ref = ctx.actor_ref
        for i in range(5):
            ref.tell(i)
        ctx.kill()
        refs.append(ref)
    # Each actor handles the messages told to it before the stop its context's exit
    # sends it: once every actor has stopped, every message was handled (and
    # whatever handling it logged, logged).
    wait_for(lambda: not any(r.is_alive() for r in refs), what="the actors to stop")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


# ---- the pool's supervisor ----------------------------------------------------------------------------


def test_a_permanent_named_context_is_restarted_by_the_pool_and_found_with_whereis(
    pool: actors.ContextPool,
) -> None:
    old = pool.spawn(apis=None, restart="permanent", name="r")
    assert pool.whereis("r") is old
    old.eval("globalThis.x = 1")
    old.kill()
    new = wait_for(
        lambda: (c := pool.whereis("r")) is not None and c is not old and c.alive and c,
        what="the new incarnation",
    )
    assert new.name == "r"
    assert new.eval("typeof x") == "undefined"
    with pytest.raises(actors.ContextDeadError):
        old.eval("1")


def test_a_transient_context_of_the_pool_is_not_restarted_after_a_normal_stop(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None, restart="transient", name="t")
    ctx.stop()
    pool_supervisor_caught_up(pool)
    assert pool.whereis("t") is None


def test_a_crash_looping_context_of_the_pool_is_given_up_on_and_its_siblings_keep_running(
    pool: actors.ContextPool, tmp_path: Path
) -> None:
    starts: list[int] = []
    script = tmp_path / "loop.js"
    script.write_text(
        "Host.callSync('started');\nsetTimeout(() => { throw new Error('crash loop') }, 5);\n",
        encoding="utf-8",
    )
    sibling = pool.spawn(apis=None, restart="permanent", name="sibling")
    pool.spawn(
        apis=None,
        restart="permanent",
        name="looper",
        script=script,
        handlers={"started": lambda: starts.append(1)},
    )

    def given_up() -> bool:
        # between a restart's script calling 'started' and its name being
        # published, whereis says None too: a supervised spawn queues behind
        # a restart in progress in the supervisor's actor
        if len(starts) < 4 or pool.whereis("looper") is not None:
            return False
        pool.spawn(apis=None, restart="transient").stop()
        return pool.whereis("looper") is None

    wait_for(given_up, what="the pool to give up")
    pool_supervisor_caught_up(pool)  # a fifth start would have come by now
    assert len(starts) == 4  # the first start and max_restarts=3 restarts
    assert pool.whereis("looper") is None
    assert pool.whereis("sibling") is sibling
    assert sibling.eval("'fine'") == "fine"
    restarted = pool.spawn(apis=None, restart="permanent", name="later")
    assert restarted.alive


def test_spawn_with_an_unknown_restart_type_is_a_value_error(pool: actors.ContextPool) -> None:
    with pytest.raises(ValueError, match="restart"):
        pool.spawn(apis=None, restart="sometimes")


# ---- nothing leaks --------------------------------------------------------------------------------------


def test_a_thousand_supervised_contexts_created_and_killed_leave_nothing_behind(
    pool: actors.ContextPool, make_sup: Callable[..., actors.Supervisor], trapper: pykka.ActorRef[Any]
) -> None:
    sup = make_sup()
    proc = psutil.Process()

    def context_actors() -> set[str]:
        return {r.actor_urn for r in pykka.ActorRegistry.get_all() if r.actor_class is ContextActor}

    before = context_actors()

    def churn(n: int, sample: list[weakref.ref[actors.Context]] | None = None) -> None:
        for i in range(n):
            ctx = sup.start_child(f"c{i}", lambda: pool.spawn(apis=None), restart="temporary")
            ctx.link(trapper)
            ctx.actor_ref.ask("hello", timeout=WAIT)  # the context's actor exists too
            if sample is not None and i % 50 == 0:
                sample.append(weakref.ref(ctx))
            if i % 2:
                ctx.kill()
            else:
                ctx.stop()
        wait_for(lambda: sup.which_children() == [], what="every temporary child removed")

    def quiet() -> None:
        wait_for(lambda: not links.linked(trapper), what="the link table to empty")
        # an exiting context stops its actor without waiting for it: wait until those
        # of this test's contexts are gone
        wait_for(lambda: context_actors() <= before, what="the contexts' actors to stop")
        gc.collect()

    churn(50)  # warm up: dispatcher workers, watcher thread, caches
    quiet()
    threads, os_threads = threading.active_count(), proc.num_threads()
    contexts = pool.stats()["contexts"]
    registered = len(pykka.ActorRegistry.get_all())

    sample: list[weakref.ref[actors.Context]] = []
    churn(1000, sample)
    quiet()

    assert sup.count_children() == {"specs": 0, "active": 0}
    assert pool.stats()["contexts"] == contexts
    assert pool.contexts() == []
    assert len(pykka.ActorRegistry.get_all()) <= registered
    assert threading.active_count() <= threads + 2
    assert proc.num_threads() <= os_threads + 2
    assert len(sample) == 20
    assert [r() for r in sample] == [None] * len(sample)
    assert trapper.is_alive()


def test_the_actor_a_link_creates_while_its_context_exits_is_stopped(
    pool: actors.ContextPool, trapper: pykka.ActorRef[Any]
) -> None:
    # The link table hands the exit on with the context's ActorRef, which it
    # reads during the exit callbacks: a context that never had an actor gets
    # one right then, and it must not stay registered for good.
    ctx = pool.spawn(apis=None)
    ctx.link(trapper)
    ctx.kill()
    round_trip(trapper)
    (urn, reason) = trapper.proxy().seen().get(timeout=WAIT)[0]
    assert reason == "killed"
    wait_for(
        lambda: pykka.ActorRegistry.get_by_urn(urn) is None,
        what="the context's actor, created during its exit, to stop",
    )
