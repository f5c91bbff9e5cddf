"""Restart intensity: the pure rule behind ``max_restarts`` within ``max_seconds``.

Kept free of clocks and state so it can be tested with a fake clock: the
supervisor passes ``now`` and keeps the returned history.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["record_restart"]


def record_restart(
    history: Sequence[float], now: float, max_restarts: int, max_seconds: float
) -> tuple[bool, tuple[float, ...]]:
    """Record a restart at ``now``.

    Returns ``(allowed, new_history)``: ``allowed`` is False when this restart
    would make more than ``max_restarts`` restarts within the last
    ``max_seconds`` (OTP's restart intensity), in which case the supervisor
    must give up. ``new_history`` keeps only the restarts inside the window.
    """
    window_start = now - max_seconds
    recent = (*(t for t in history if t > window_start), now)
    return len(recent) <= max_restarts, recent
