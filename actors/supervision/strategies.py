"""Which children a restart strategy takes down and brings back (OTP semantics)."""

from __future__ import annotations

from typing import Literal

__all__ = ["STRATEGIES", "Strategy", "affected_children"]

Strategy = Literal["one_for_one", "one_for_all", "rest_for_one"]
STRATEGIES: tuple[str, ...] = ("one_for_one", "one_for_all", "rest_for_one")


def affected_children(strategy: str, order: list[str], failed: str) -> list[str]:
    """The ids to restart, in start order, when ``failed`` exits abnormally.

    The caller stops the returned ids other than ``failed`` in reverse order
    first, then starts all of them in this order.
    """
    if failed not in order:
        return []
    if strategy == "one_for_one":
        return [failed]
    if strategy == "one_for_all":
        return list(order)
    if strategy == "rest_for_one":
        return order[order.index(failed) :]
    raise ValueError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
