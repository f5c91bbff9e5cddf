"""The process-mode wire kinds are defined once (``ACT_W_*`` in native/actors.h);
actors/process/wire.py mirrors them. A kind that drifts on one side would make the
pool treat a well-behaved worker as hostile (or worse, the reverse)."""

from __future__ import annotations

from actors._binding import lib
from actors.process import wire as w

NAMES = (
    "NEW",
    "SEND",
    "RESOLVE",
    "STOP",
    "CANCEL",
    "MAILBOX",
    "STATS",
    "FAULT",
    "QUIT",
    "TRIM",
    "HELLO",
    "EVENT",
    "CALL",
    "REPLY",
)


def test_every_wire_kind_in_python_matches_the_c_header() -> None:
    assert {name: getattr(w, name) for name in NAMES} == {
        name: getattr(lib, f"ACT_W_{name}") for name in NAMES
    }


def test_the_header_defines_no_kind_python_does_not_know() -> None:
    in_c = {name[len("ACT_W_") :] for name in dir(lib) if name.startswith("ACT_W_")}
    assert in_c == set(NAMES)


def test_wire_kinds_are_distinct_printable_letters() -> None:
    values = [getattr(w, name) for name in NAMES]
    assert len(set(values)) == len(values)
    assert all(chr(v).isupper() for v in values)
