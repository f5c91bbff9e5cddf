"""Published npm packages that conformance tests run in a context (never committed here).

They are installed from the npm registry into ``$ACTORS_TEST_NPM`` (default
``~/.cache/actors-test-npm``) with the command in ``INSTALL``; a test that needs
one skips, naming that command, when it is missing. Versions are pinned so that
results (and the known-failure lists) do not move under the tests.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

NPM_DIR = Path(os.environ.get("ACTORS_TEST_NPM", Path.home() / ".cache" / "actors-test-npm"))
MODULES = NPM_DIR / "node_modules"
SPECS = (
    "dompurify@3.4.14",
    "preact10@npm:preact@10.29.8",
    "preact11@npm:preact@11.2.0",
    "jsdom@26.1.0",
)
INSTALL = f"npm install --no-audit --no-fund --prefix {NPM_DIR} " + " ".join(SPECS)


def package_file(package: str, path: str) -> Path:
    """A file of an installed package, or a skip saying how to install it."""
    f = MODULES / package / path
    if not f.is_file():
        where = f"not installed in {NPM_DIR} (run: {INSTALL}; or set ACTORS_TEST_NPM)"
        pytest.skip(f"npm package {package!r} is {where}")
    return f


def node_binary() -> str:
    """The ``node`` executable, or a skip."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the comparison with jsdom runs under Node")
    return node


_IMPORT = re.compile(r"import\s*\{([^}]*)\}\s*from\s*[\"']([^\"']+)[\"'];?")
_EXPORT = re.compile(r"export\s*\{([^}]*)\}\s*;?")


def module_as_function(source: str) -> str:
    """An ES module file of a package (one ``export {...}`` list, named imports only)
    as the text of a function expression: its imports are read from the object
    each specifier names in ``modules``, and it returns its exports."""

    def pairs(names: str) -> list[tuple[str, str]]:
        out = []
        for item in names.split(","):
            parts = item.split(" as ")
            out.append((parts[0].strip(), parts[-1].strip()))
        return out

    def imports(m: re.Match[str]) -> str:
        fields = ", ".join(f"{name}: {local}" for name, local in pairs(m.group(1)))
        return f"const {{{fields}}} = modules[{m.group(2)!r}];"

    def exports(m: re.Match[str]) -> str:
        fields = ", ".join(f"{public}: {local}" for local, public in pairs(m.group(1)))
        return f"return {{{fields}}};"

    body = _EXPORT.sub(exports, _IMPORT.sub(imports, source))
    if "return {" not in body:
        raise ValueError("not a module with one export list")
    return f"(function (modules) {{\n{body}\n}})"


def default_export_as_expression(source: str) -> str:
    """The ``export default <expression>`` of a module file, as an expression."""
    m = re.match(r"\s*export\s+default\b", source)
    if m is None:
        raise ValueError("not a module with a default export")
    return "(" + source[m.end() :].strip().rstrip(";") + ")"
