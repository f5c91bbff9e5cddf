"""Helpers for the ``dom`` group's tests."""

from __future__ import annotations

import actors


def error_of(ctx: actors.Context, code: str) -> list[str]:
    """[constructor name, name] of what ``code`` throws, or ["none"]."""
    result: list[str] = ctx.eval(
        f"(() => {{ try {{ {code}; return ['none']; }} "
        "catch (e) { return [e.constructor.name, e.name]; } })()"
    )
    return result
