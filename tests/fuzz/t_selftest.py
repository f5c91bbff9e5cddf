"""Target ``selftest`` (not run by default): proves the harness keeps a crash's input.

Case 3 of every slice breaks a property, case 5 dies of SIGSEGV; the
others pass. tests/test_fuzz_harness.py checks that both end up as
findings with the right reproducer.
"""

from __future__ import annotations

import ctypes
import random
from typing import Any

from tests.fuzz.core import Finding

NEEDS_ENV = False


def generate(rng: random.Random) -> dict[str, Any]:
    return {"value": rng.randrange(1 << 30)}


def run(case: dict[str, Any], env: Any) -> None:
    index = case.get("index")
    if index == 5:
        ctypes.string_at(1, 1)  # a real invalid access
    if index == 3:
        raise Finding("selftest-property", f"case {index} breaks a property on purpose")
