"""The registry of targets: name -> module with ``generate(rng)`` and ``run(case, env)``."""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("values", "hostile", "programs", "async", "wire", "dom")
_MODULES = {
    "values": "t_values",
    "hostile": "t_hostile",
    "programs": "t_programs",
    "async": "t_async",
    "wire": "t_wire",
    "dom": "t_dom",
    "selftest": "t_selftest",  # the harness's own check (tests/test_fuzz_harness.py); not in NAMES
}
CHOICES = (*NAMES, "selftest")


def load(name: str) -> ModuleType:
    return importlib.import_module(f"tests.fuzz.{_MODULES[name]}")
