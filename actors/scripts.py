"""Compiled scripts: compile once, load into any number of contexts.

``pool.compile(source)`` turns JavaScript source into QuickJS bytecode
without its source text; ``spawn(script=compiled)`` and ``ctx.eval(compiled)``
load that bytecode instead of parsing the source again. Loading is several
times faster than compiling, and the source text is not kept in every
context (``Function.prototype.toString`` of its functions shows no body).
Line numbers are kept for error locations.

The bytecode is trusted input to the engine: a :class:`Script` is made
only by the pool's own compiler, never from bytes a caller hands in.
"""

from __future__ import annotations

from actors import _binding as nb

__all__ = ["Script"]

_KINDS = {nb.KIND_SCRIPT: "script", nb.KIND_ASYNC: "script", nb.KIND_MODULE: "module"}
_MINT = object()


class Script:
    """JavaScript compiled to bytecode by :meth:`ContextPool.compile`.

    ``kind`` is ``"script"`` or ``"module"`` (by the same rule as
    :meth:`Context.eval`), ``filename`` names it in stack traces, ``size``
    is the bytecode's length in bytes. Immutable; share it freely.
    """

    __slots__ = ("_bytecode", "_kind", "filename")

    def __init__(self, mint: object, bytecode: bytes, kind: int, filename: str) -> None:
        if mint is not _MINT:
            raise TypeError("a Script is made by ContextPool.compile(), not directly")
        self._bytecode = bytecode
        self._kind = kind
        self.filename = filename

    @property
    def kind(self) -> str:
        return _KINDS[self._kind]

    @property
    def size(self) -> int:
        return len(self._bytecode)

    def __repr__(self) -> str:
        return f"<Script {self.filename!r}: {self.kind}, {self.size} bytes of bytecode>"


def compile_script(source: str, filename: str) -> Script:
    """Compile ``source`` (raises :class:`JSError` with the location when it does not compile)."""
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, not {type(source).__name__}")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    bytecode, kind = nb.compile_code(source, filename, nb.COMPILE_DETECT)
    return Script(_MINT, bytecode, kind, filename)


def load_frame_args(script: Script) -> tuple[bytes, int]:
    """What an eval-bytecode command carries for ``script``."""
    return script._bytecode, script._kind
