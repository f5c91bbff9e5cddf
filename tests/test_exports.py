"""The public API is what actors/__init__.py exports, each name exactly once."""

from __future__ import annotations

import ast
from pathlib import Path

import pykka
import pytest

import actors

pytestmark = pytest.mark.mode_independent

CONTRACT = {
    "ActorsError",
    "Context",
    "ContextDeadError",
    "ContextPool",
    "ConversionError",
    "SelectorError",
    "EvalTimeoutError",
    "JSError",
    "LimitError",
    "MemoryLimitError",
    "ReductionLimitError",
    "Supervisor",
}


def test_every_contract_name_is_exported() -> None:
    assert set(actors.__all__) >= CONTRACT
    for name in actors.__all__:
        assert hasattr(actors, name), name


def test_every_public_name_is_exported_exactly_once() -> None:
    assert len(actors.__all__) == len(set(actors.__all__))
    tree = ast.parse(Path(actors.__file__).read_text())
    imported = [
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert sorted(imported) == sorted(actors.__all__)


def test_the_error_hierarchy_matches_the_contract() -> None:
    assert issubclass(actors.JSError, actors.ActorsError)
    assert issubclass(actors.LimitError, actors.ActorsError)
    for cls in (actors.MemoryLimitError, actors.ReductionLimitError, actors.EvalTimeoutError):
        assert issubclass(cls, actors.LimitError)
    assert issubclass(actors.EvalTimeoutError, TimeoutError)
    assert issubclass(actors.ContextDeadError, pykka.ActorDeadError)
    assert issubclass(actors.ContextDeadError, actors.ActorsError)
    assert issubclass(actors.ConversionError, ValueError)
    assert issubclass(actors.ConversionError, actors.ActorsError)


def test_the_package_is_typed() -> None:
    assert (Path(actors.__file__).parent / "py.typed").is_file()
