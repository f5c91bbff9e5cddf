"""The pool's end of a worker socket (``_binding.Client``) when the worker goes away.

A worker can die while other threads spawn on it or wait on it: the native
client must never be freed under a call still using it, and a call after the
free gets a typed error (found by the wire fuzzer: a spawn racing a crash got
a raw ``TypeError`` from a NULL handle).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

import actors
from actors import _binding as nb

pytestmark = pytest.mark.mode_independent


@pytest.fixture
def client() -> Iterator[nb.Client]:
    mine, theirs = socket.socketpair()
    hub = nb.Hub()
    c = nb.Client(mine.fileno(), hub)
    yield c
    c.free()
    hub.free()
    mine.close()
    theirs.close()


def test_calls_on_a_freed_client_raise_or_answer_typed(client: nb.Client) -> None:
    client.free()
    with pytest.raises(actors.ContextDeadError) as info:
        client.own(7)
    assert info.value.reason == "crashed"
    client.own(7, False)  # unregistering from a gone worker does nothing
    with pytest.raises(actors.ContextDeadError):
        client.request(1, 7, b"\x90", 0.05, lambda: None)
    assert client.send(1, 0, 0) is False
    assert client.wait_closed(0.01) is True
    assert client.wait_hello(0.01) == 0
    assert client.violation() == ""
    client.fail_pending(b"\x92\x05\xa0")
    client.free()  # twice is fine


def test_free_ends_a_wait_in_progress_on_another_thread(client: nb.Client) -> None:
    entered, done = threading.Event(), threading.Event()
    result: list[bool] = []

    def wait() -> None:
        entered.set()
        result.append(client.wait_closed(30.0))
        done.set()

    threading.Thread(target=wait, daemon=True).start()
    assert entered.wait(5)  # inside the native wait or about to be: free() must end it either way
    t0 = time.monotonic()
    client.free()
    assert done.wait(5)
    assert result == [True]
    assert time.monotonic() - t0 < 5
