"""Host handlers for the cluster tests, importable on every node as ``cluster_handlers:HANDLERS``."""

from __future__ import annotations

import os
from typing import Any


def where() -> int:
    return os.getpid()


def double(x: Any) -> Any:
    return x * 2


HANDLERS = {"where": where, "double": double}
NOT_A_MAPPING = 42
