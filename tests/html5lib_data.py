"""The html5lib-tests tree-construction data: where it is and how its ``.dat`` files read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = (
    Path(os.environ.get("ACTORS_TEST_DATA", "/work/shared/data")) / "html5lib-tests" / "tree-construction"
)
MISSING_DATA = f"html5lib-tests data not found at {DATA_DIR} (set ACTORS_TEST_DATA)"

_SECTIONS = ("#errors", "#new-errors", "#document-fragment", "#script-off", "#script-on", "#document")


@dataclass(frozen=True)
class TreeCase:
    id: str  # "<file>.dat:<line of its #data>", as in the known-failure lists
    data: str
    context: str | None
    expected: str


def read_cases(path: Path) -> list[TreeCase]:
    """The cases of one ``.dat`` file, without the ``#script-on`` ones."""
    lines = path.read_bytes().decode("utf-8").split("\n")  # keeps CRs: cases test them
    cases = []
    i = 0
    while i < len(lines):
        if lines[i] != "#data":
            i += 1
            continue
        start = i + 1
        sections: dict[str, list[str]] = {"#data": []}
        current = "#data"
        i += 1
        # A case ends at the blank line before the next "#data" (or at the end of the file).
        while i < len(lines) and not (lines[i] == "#data" and lines[i - 1] == "" and current == "#document"):
            if lines[i] in _SECTIONS:
                current = lines[i]
                sections[current] = []
            else:
                sections[current].append(lines[i])
            i += 1
        if "#script-on" in sections:
            continue
        document = sections.get("#document", [])
        while document and document[-1] == "":
            document.pop()
        fragment = sections.get("#document-fragment")
        cases.append(
            TreeCase(
                id=f"{path.name}:{start}",
                data="\n".join(sections["#data"]),
                context=fragment[0] if fragment else None,
                expected="\n".join(document),
            )
        )
    return cases


def all_cases() -> list[TreeCase]:
    """Every case of every ``.dat`` file, in file order (empty without the data)."""
    return [case for path in sorted(DATA_DIR.glob("*.dat")) for case in read_cases(path)]


def read_known_failures(path: Path) -> dict[str, str]:
    """Case ids listed in a known-failure file (``id  # reason`` per line), with their reasons."""
    if not path.exists():
        return {}
    known = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        case_id, _, reason = line.partition("#")
        if case_id.strip():
            known[case_id.strip()] = reason.strip()
    return known
