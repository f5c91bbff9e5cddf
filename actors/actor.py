"""ContextActor: the Pykka face of a Context.

One threadless actor per context (created on first use of ``ctx.actor_ref``).
The fast data path never goes through it: ``eval``/``call``/``send`` on the
Context go straight to the native mailbox. The actor gives the context an
identity other actors can hold, link to, message and stop:

- ``ref.tell(message)`` delivers ``message`` to the context's ``Host.onMessage``;
- ``ref.ask(message)`` delivers it the same way and answers with what the
  callbacks returned (:meth:`Context.ask`): the last value other than
  ``undefined``, a promise awaited; a callback that throws fails the ask;
- ``ref.proxy().eval("1 + 2").get()`` reaches the Context's methods;
- ``ref.stop()`` stops the context (reason ``normal``).

Threading: hooks and messages run on a dispatcher thread (actors.dispatch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actors.context import ask_replying
from actors.dispatch import DispatchActor
from actors.errors import ContextDeadError

if TYPE_CHECKING:
    from actors.context import Context

__all__ = ["ContextActor"]


def _is_pykka_control(message: Any) -> bool:
    """Pykka's own messages (stop, proxy calls and attribute access), which the
    actor machinery answers, never JS."""
    return type(message).__module__.startswith("pykka")


class ContextActor(DispatchActor):
    """The actor behind ``Context.actor_ref``."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def _process_one(self, envelope: Any) -> None:
        # An ask is answered from the pool's event thread when JS has
        # answered: no shared dispatcher thread waits on a context.
        reply = envelope.reply_to
        if reply is not None and not _is_pykka_control(envelope.message):
            ask_replying(self.context, envelope.message, reply)
            return
        super()._process_one(envelope)

    def on_receive(self, message: Any) -> Any:
        try:
            self.context.send(message)
        except ContextDeadError:
            pass  # like a message to a dead Erlang process: dropped
        return None

    def on_stop(self) -> None:
        if self.context.alive:
            self.context.stop(timeout=0)

    # proxied methods: ref.proxy().eval(...).get()
    def eval(self, code: str, **kwargs: Any) -> Any:
        return self.context.eval(code, **kwargs)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.context.call(name, *args, **kwargs)

    def get_global(self, name: str) -> Any:
        return self.context.get_global(name)

    def set_global(self, name: str, value: Any) -> None:
        self.context.set_global(name, value)
