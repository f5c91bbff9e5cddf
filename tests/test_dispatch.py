"""DispatchActor: Pykka semantics on a shared thread pool, and the hooks it is built on."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pykka
import pytest
from pykka import messages
from pykka._actor import ActorInbox
from pykka._envelope import Envelope
from waiting import wait_until

from actors.dispatch import DispatchActor, Dispatcher

A = TypeVar("A", bound=DispatchActor)
WAIT = 5.0  # upper bound for anything that should happen promptly


@pytest.fixture(autouse=True)
def _stop_leftover_actors() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all(timeout=WAIT)


@pytest.fixture
def make_dispatcher() -> Iterator[Callable[..., Dispatcher]]:
    """Dispatchers for one test; their actors are stopped before they are."""
    made: list[Dispatcher] = []

    def make(size: int | None = None, **kwargs: Any) -> Dispatcher:
        d = Dispatcher(size, **kwargs)
        made.append(d)
        return d

    yield make
    pykka.ActorRegistry.stop_all(timeout=WAIT)
    for d in made:
        assert d.stop(timeout=WAIT)


def on(dispatcher: Dispatcher, cls: type[A]) -> type[A]:
    """``cls`` bound to ``dispatcher``."""
    return type(cls.__name__, (cls,), {"dispatcher": dispatcher})


class Echo(DispatchActor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []
        self.threads: set[str] = set()

    def on_receive(self, message: Any) -> Any:
        self.threads.add(threading.current_thread().name)
        if message == "seen":
            return list(self.seen)
        self.seen.append(message)
        return message

    def double(self, x: int) -> int:
        return 2 * x


class Forwarder(DispatchActor):
    """Asks ``target`` synchronously from inside its handler."""

    def __init__(self, target: pykka.ActorRef[Any]) -> None:
        super().__init__()
        self.target = target

    def on_receive(self, message: Any) -> Any:
        return ("via", self.target.ask(message, timeout=WAIT))


# The Pykka surface we build on ---------------------------------------------


def _params(func: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_the_pykka_hooks_we_build_on_have_the_expected_signatures() -> None:
    actor = pykka.Actor
    for hook in ("_create_actor_inbox", "_create_future"):
        assert isinstance(inspect.getattr_static(actor, hook), staticmethod), hook
        assert _params(getattr(actor, hook)) == [], hook
    assert _params(actor._start_actor_loop) == ["self"]
    assert _params(actor._actor_loop_setup) == ["self"]
    assert _params(actor._actor_loop_teardown) == ["self"]
    assert _params(actor._stop) == ["self"]
    assert _params(actor._handle_receive) == ["self", "message"]
    exc_params = ["self", "exception_type", "exception_value", "traceback"]
    assert _params(actor._handle_failure) == exc_params
    assert _params(actor.on_failure) == exc_params

    # Pykka creates the inbox in Actor.__init__, futures in ActorRef.ask, and
    # only ever calls put/get/empty on the inbox.
    assert "self._create_actor_inbox()" in inspect.getsource(actor.__init__)
    assert "actor_class._create_future()" in inspect.getsource(pykka.ActorRef.ask)
    assert {"put", "get", "empty"} <= set(vars(ActorInbox))
    assert Envelope.__slots__ == ["message", "reply_to"]
    assert messages._ActorStop().__class__.__name__ == "_ActorStop"

    # DispatchActor._process_one replicates one turn of this loop.
    loop = inspect.getsource(actor._actor_loop_running)
    for line in (
        "self._handle_receive(envelope.message)",
        "envelope.reply_to.set(response)",
        "envelope.reply_to.set_exception()",
        "self._handle_failure(*sys.exc_info())",
        "self.on_failure(*sys.exc_info())",
        "ActorRegistry.stop_all()",
    ):
        assert line in loop, line

    future = pykka.ThreadingFuture
    assert issubclass(future, pykka.Future)
    assert inspect.signature(future.get).parameters["timeout"].kind is inspect.Parameter.KEYWORD_ONLY
    assert _params(future.set) == ["self", "value"]
    assert _params(future.set_exception) == ["self", "exc_info"]


def test_the_dispatch_inbox_offers_what_pykka_calls() -> None:
    ref = Echo.start()
    for name in ("put", "get", "empty"):
        assert callable(getattr(ref.actor_inbox, name))
    assert isinstance(DispatchActor._create_future(), pykka.ThreadingFuture)


# Pykka semantics ------------------------------------------------------------


def test_tell_ask_and_proxy_reach_the_actor(make_dispatcher: Callable[..., Dispatcher]) -> None:
    ref = on(make_dispatcher(2), Echo).start()
    ref.tell("told")
    assert ref.ask("asked", timeout=WAIT) == "asked"
    future = ref.ask("later", block=False)
    assert isinstance(future, pykka.ThreadingFuture)
    assert future.get(timeout=WAIT) == "later"
    proxy = ref.proxy()
    assert proxy.double(21).get(timeout=WAIT) == 42
    assert proxy.seen.get(timeout=WAIT) == ["told", "asked", "later"]
    assert all(name.startswith("actors-dispatch-") for name in proxy.threads.get(timeout=WAIT))


def test_messages_from_each_sender_are_handled_in_order(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    ref = on(make_dispatcher(4, batch=3), Echo).start()
    senders = 4

    def send(sender: int) -> None:
        for i in range(500):
            ref.tell((sender, i))

    threads = [threading.Thread(target=send, args=(s,)) for s in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen: list[tuple[int, int]] = ref.ask("seen", block=True, timeout=WAIT)
    assert len(seen) == senders * 500
    for sender in range(senders):
        assert [i for s, i in seen if s == sender] == list(range(500))


def test_on_start_runs_on_a_dispatcher_thread_before_any_message(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    events: list[tuple[str, str]] = []

    class Starter(DispatchActor):
        def __init__(self) -> None:
            super().__init__()
            events.append(("init", threading.current_thread().name))
            self.actor_ref.tell("from init")  # queued before the actor starts

        def on_start(self) -> None:
            events.append(("on_start", threading.current_thread().name))

        def on_receive(self, message: Any) -> Any:
            events.append((message, threading.current_thread().name))

    ref = on(make_dispatcher(2), Starter).start()
    ref.ask("asked", timeout=WAIT)
    assert [what for what, _ in events] == ["init", "on_start", "from init", "asked"]
    assert events[0][1] == threading.current_thread().name
    assert events[1][1].startswith("actors-dispatch-")


def test_on_stop_runs_when_the_actor_is_stopped(make_dispatcher: Callable[..., Dispatcher]) -> None:
    stopped: list[str] = []

    class Stoppable(Echo):
        def on_stop(self) -> None:
            stopped.append(threading.current_thread().name)

    cls = on(make_dispatcher(2), Stoppable)
    blocking = cls.start()
    assert blocking.stop() is True
    assert not blocking.is_alive()
    assert blocking.stop() is False  # already dead

    nonblocking = cls.start()
    future = nonblocking.stop(block=False)
    assert future.get(timeout=WAIT) is True
    assert len(stopped) == 2
    assert all(name.startswith("actors-dispatch-") for name in stopped)
    assert pykka.ActorRegistry.get_by_urn(nonblocking.actor_urn) is None


def test_actors_are_registered_while_alive(make_dispatcher: Callable[..., Dispatcher]) -> None:
    cls = on(make_dispatcher(2), Echo)
    ref = cls.start()
    assert pykka.ActorRegistry.get_by_urn(ref.actor_urn) is ref
    assert ref in pykka.ActorRegistry.get_by_class(cls)
    ref.stop()
    assert pykka.ActorRegistry.get_by_urn(ref.actor_urn) is None


def test_an_exception_in_a_told_message_calls_on_failure_and_stops_the_actor(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    failed = threading.Event()
    calls: list[Any] = []

    class Fragile(DispatchActor):
        def on_receive(self, message: Any) -> Any:
            raise ValueError(message)

        def on_failure(self, exception_type: Any, exception_value: Any, traceback: Any) -> None:
            calls.append((exception_type, str(exception_value), self.actor_stopped.is_set()))
            failed.set()

        def on_stop(self) -> None:
            calls.append("on_stop")

    ref = on(make_dispatcher(2), Fragile).start()
    ref.tell("boom")
    assert failed.wait(WAIT)
    assert calls == [(ValueError, "boom", True)]  # no on_stop after a failure
    assert not ref.is_alive()
    assert pykka.ActorRegistry.get_by_urn(ref.actor_urn) is None
    with pytest.raises(pykka.ActorDeadError):
        ref.ask("again", timeout=WAIT)


def test_an_exception_in_an_asked_message_is_returned_to_the_caller(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    class Picky(Echo):
        def on_receive(self, message: Any) -> Any:
            if message == "bad":
                raise LookupError("no such thing")
            return super().on_receive(message)

    ref = on(make_dispatcher(2), Picky).start()
    with pytest.raises(LookupError, match="no such thing"):
        ref.ask("bad", timeout=WAIT)
    with pytest.raises(LookupError):
        ref.proxy().on_receive("bad").get(timeout=WAIT)
    assert ref.ask("good", timeout=WAIT) == "good"  # and the actor lives on
    assert ref.is_alive()


def test_an_exception_in_on_start_stops_the_actor_and_fails_queued_messages(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    futures: list[pykka.Future[Any]] = []

    class BadStart(Echo):
        def __init__(self) -> None:
            super().__init__()
            futures.append(self.actor_ref.ask("queued", block=False))

        def on_start(self) -> None:
            raise RuntimeError("cannot start")

    ref = on(make_dispatcher(2), BadStart).start()
    with pytest.raises(pykka.ActorDeadError):
        futures[0].get(timeout=WAIT)
    assert not ref.is_alive()


def test_messages_queued_behind_a_stop_receive_an_actor_dead_error(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    entered, release = threading.Event(), threading.Event()

    class Gated(Echo):
        def on_receive(self, message: Any) -> Any:
            if message == "gate":
                entered.set()
                release.wait(WAIT)
            return super().on_receive(message)

    ref = on(make_dispatcher(2), Gated).start()
    ref.tell("gate")
    assert entered.wait(WAIT)
    before = [ref.ask(i, block=False) for i in range(3)]
    stop = ref.stop(block=False)
    after = [ref.ask(i, block=False) for i in range(3)]
    later_stop = ref.stop(block=False)
    release.set()

    assert [f.get(timeout=WAIT) for f in before] == [0, 1, 2]
    assert stop.get(timeout=WAIT) is True
    for f in after:
        with pytest.raises(pykka.ActorDeadError):
            f.get(timeout=WAIT)
    assert later_stop.get(timeout=WAIT) is True  # as in Pykka: "was being stopped"


def test_a_message_that_races_with_teardown_is_answered_at_once(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    ref = on(make_dispatcher(2), Echo).start()
    inbox = ref.actor_inbox
    ref.stop()
    # What a sender that passed the is_alive() check just before the stop does:
    late: pykka.ThreadingFuture[Any] = pykka.ThreadingFuture()
    inbox.put(Envelope("late", reply_to=late))
    with pytest.raises(pykka.ActorDeadError):
        late.get(timeout=0)


# Threads ----------------------------------------------------------------------


def test_two_thousand_live_actors_add_fewer_than_fifty_threads() -> None:
    before = threading.active_count()
    refs = [Echo.start() for _ in range(2000)]
    answers = pykka.get_all([ref.ask(i, block=False) for i, ref in enumerate(refs)], timeout=WAIT * 2)
    assert answers == list(range(2000))
    assert all(ref.is_alive() for ref in refs)
    assert threading.active_count() - before < 50
    stops: list[pykka.Future[Any]] = [ref.stop(block=False) for ref in refs]
    assert all(pykka.get_all(stops, timeout=WAIT * 2))


def test_an_actor_never_runs_on_two_threads_at_once(make_dispatcher: Callable[..., Dispatcher]) -> None:
    class Exclusive(DispatchActor):
        def __init__(self) -> None:
            super().__init__()
            self.lock = threading.Lock()
            self.inside = 0
            self.most_inside = 0
            self.handled = 0

        def on_receive(self, message: Any) -> Any:
            with self.lock:
                self.inside += 1
                self.most_inside = max(self.most_inside, self.inside)
            for _ in range(100):  # give another thread a chance to overlap
                pass
            self.handled += 1
            with self.lock:
                self.inside -= 1
            return (self.handled, self.most_inside) if message == "report" else None

    cls = on(make_dispatcher(8, batch=4), Exclusive)
    refs = [cls.start() for _ in range(4)]
    per_sender = 1000

    def send() -> None:
        for i in range(per_sender):
            refs[i % len(refs)].tell(i)

    senders = [threading.Thread(target=send) for _ in range(8)]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    reports: list[tuple[int, int]] = [ref.ask("report", block=True, timeout=WAIT) for ref in refs]
    assert sum(handled for handled, _ in reports) == 8 * per_sender + len(refs)
    assert [most for _, most in reports] == [1] * len(refs)


def test_a_busy_actor_yields_its_thread_after_one_batch(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    # One worker, no compensation within the test: the order of the run
    # queue decides everything.
    dispatcher = make_dispatcher(1, batch=16, stall_interval=30.0)
    log: list[str] = []
    entered, release = threading.Event(), threading.Event()

    class Recorder(DispatchActor):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

        def on_receive(self, message: Any) -> Any:
            if message == "gate":
                entered.set()
                release.wait(WAIT)
                return None
            log.append(self.name)
            return None

    cls = on(dispatcher, Recorder)
    gate, busy, other = cls.start("gate"), cls.start("busy"), cls.start("other")
    assert gate.ask("ping", timeout=WAIT) is None and busy.ask("ping", timeout=WAIT) is None
    assert other.ask("ping", timeout=WAIT) is None
    log.clear()
    gate.tell("gate")
    assert entered.wait(WAIT)
    for _ in range(100):
        busy.tell("work")
    answer = other.ask("work", block=False)
    release.set()
    answer.get(timeout=WAIT)
    busy.ask("flush", timeout=WAIT)
    assert log.index("other") == 16
    assert log.count("busy") == 101


def test_a_slow_actor_does_not_stop_other_actors_answering(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    dispatcher = make_dispatcher(2, stall_interval=30.0)  # no help from compensation
    entered, done = threading.Event(), threading.Event()

    class Slow(DispatchActor):
        def on_receive(self, message: Any) -> Any:
            entered.set()
            threading.Event().wait(0.5)  # a handler that blocks for 0.5 s
            done.set()

    slow = on(dispatcher, Slow).start()
    fast = [on(dispatcher, Echo).start() for _ in range(20)]
    for _ in range(3):
        slow.tell("work")
    assert entered.wait(WAIT)
    started = time.monotonic()
    answers = [ref.ask(i, timeout=WAIT) for i, ref in enumerate(fast)]
    elapsed = time.monotonic() - started
    assert answers == list(range(20))
    assert not done.is_set(), "the others should have answered while the slow handler was blocked"
    assert elapsed < 0.5


def test_an_actor_can_ask_another_synchronously_on_a_one_thread_dispatcher(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    dispatcher = make_dispatcher(1, keep_alive=0.05)
    target = on(dispatcher, Echo).start()
    forwarder = on(dispatcher, Forwarder).start(target)
    assert forwarder.ask("hello", timeout=WAIT) == ("via", "hello")

    # A chain five deep needs four extra workers at once.
    chain = target
    for _ in range(5):
        chain = on(dispatcher, Forwarder).start(chain)
    answer = chain.ask("deep", timeout=WAIT)
    assert answer == ("via", ("via", ("via", ("via", ("via", "deep")))))
    assert dispatcher.thread_count > 1

    # The extra workers leave once idle.
    wait_until(lambda: dispatcher.thread_count <= 1, timeout=WAIT)
    assert dispatcher.thread_count == 1


def test_keyboard_interrupt_in_a_handler_stops_only_that_actor(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    dispatcher = make_dispatcher(2)
    stopped: list[str] = []
    on_stop_ran = threading.Event()

    class Interrupted(Echo):
        def on_receive(self, message: Any) -> Any:
            if message == "interrupt":
                raise KeyboardInterrupt
            if message == "exit":
                raise SystemExit(3)
            return super().on_receive(message)

        def on_stop(self) -> None:
            stopped.append(self.actor_urn)
            on_stop_ran.set()

    class Bystander(pykka.ThreadingActor):
        def on_receive(self, message: Any) -> Any:
            return message

    told = on(dispatcher, Interrupted).start()
    asked = on(dispatcher, Interrupted).start()
    neighbour = on(dispatcher, Echo).start()
    threaded = Bystander.start()

    told.tell("interrupt")
    assert on_stop_ran.wait(WAIT)
    assert not told.is_alive()
    assert stopped == [told.actor_urn]

    with pytest.raises(pykka.ActorDeadError) as info:
        asked.ask("exit", timeout=WAIT)
    assert isinstance(info.value.__cause__, SystemExit)
    assert not asked.is_alive()

    assert neighbour.ask("still here", timeout=WAIT) == "still here"
    assert threaded.ask("me too", timeout=WAIT) == "me too"
    assert pykka.ActorRegistry.get_by_urn(neighbour.actor_urn) is neighbour
    assert dispatcher.thread_count >= 1


def test_dispatch_actors_and_threading_actors_can_ask_each_other(
    make_dispatcher: Callable[..., Dispatcher],
) -> None:
    dispatcher = make_dispatcher(1)

    class Threaded(pykka.ThreadingActor):
        def __init__(self, target: pykka.ActorRef[Any] | None = None) -> None:
            super().__init__()
            self.target = target

        def on_receive(self, message: Any) -> Any:
            if self.target is None:
                return ("threaded", message)
            return ("threaded", self.target.ask(message, timeout=WAIT))

        def add(self, a: int, b: int) -> int:
            return a + b

    dispatched = on(dispatcher, Echo).start()
    threaded_to_dispatched = Threaded.start(dispatched)
    assert threaded_to_dispatched.ask("x", timeout=WAIT) == ("threaded", "x")

    plain = Threaded.start()
    dispatched_to_threaded = on(dispatcher, Forwarder).start(plain)
    assert dispatched_to_threaded.ask("y", timeout=WAIT) == ("via", ("threaded", "y"))

    class ProxyUser(DispatchActor):
        def __init__(self, other: pykka.ActorRef[Threaded]) -> None:
            super().__init__()
            self.other = other.proxy()

        def total(self) -> int:
            return int(self.other.add(2, 3).get(timeout=WAIT))

    user = on(dispatcher, ProxyUser).start(plain)
    assert user.proxy().total().get(timeout=WAIT) == 5


# The dispatcher -----------------------------------------------------------------


def test_the_default_dispatcher_is_shared_and_replaced_after_stop() -> None:
    first = Dispatcher.default()
    assert Dispatcher.default() is first
    ref = Echo.start()
    assert ref.ask("ping", timeout=WAIT) == "ping"
    ref.stop()
    assert first.stop(timeout=WAIT)
    assert first.stopped
    second = Dispatcher.default()
    assert second is not first and not second.stopped
    assert Echo.start().ask("pong", timeout=WAIT) == "pong"


def test_the_dispatcher_threads_are_daemons(make_dispatcher: Callable[..., Dispatcher]) -> None:
    ref = on(make_dispatcher(2, name="daemon-check"), Echo).start()
    ref.ask("ping", timeout=WAIT)
    ours = [t for t in threading.enumerate() if t.name.startswith("daemon-check-")]
    assert {t.name for t in ours} >= {"daemon-check-1", "daemon-check-monitor"}
    assert all(t.daemon for t in ours)


def test_a_stopped_dispatcher_refuses_work(make_dispatcher: Callable[..., Dispatcher]) -> None:
    dispatcher = make_dispatcher(1)
    assert dispatcher.stop(timeout=WAIT)
    with pytest.raises(RuntimeError, match="stopped"):
        dispatcher.submit(lambda: None)


@pytest.mark.parametrize(
    "settings",
    [{"size": 0}, {"size": 4, "max_size": 2}, {"batch": 0}, {"stall_interval": 0}, {"keep_alive": -1}],
)
def test_invalid_dispatcher_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="invalid dispatcher settings"):
        Dispatcher(**settings)
