"""What a page may send over a live session's socket, checked before anything reaches a context.

The page is untrusted input: a frame is size-bounded before it is parsed, must be one JSON
object of a known shape with typed, bounded fields, and names a handler the component declared
(``live.on``). Anything else is a :class:`ProtocolError` with a reason the session sends back.
Nothing from the page is ever evaluated: it reaches the component as plain values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["EVENT_TYPES", "Event", "ProtocolError", "parse_client_message"]

# Events the client binds (data-on-<type>="handler").
EVENT_TYPES = frozenset({"click", "input", "change", "submit", "keydown", "keyup"})

MAX_PATH = 64  # depth of a node path
MAX_INDEX = 1_000_000
MAX_VALUE = 16_384  # characters of a form value
MAX_KEY = 32  # characters of a KeyboardEvent.key
MAX_FORM_FIELDS = 64
MAX_FIELD_VALUES = 64
MAX_FIELD_NAME = 128
MAX_SEQ = 2**53 - 1
_HANDLER = re.compile(r"[A-Za-z_][\w.-]{0,63}\Z", re.ASCII)
_EVENT_KEYS = frozenset({"t", "seq", "h", "type", "path", "value", "checked", "key", "form"})


class ProtocolError(ValueError):
    """A client message that is not allowed; ``str()`` says what and where."""


@dataclass(frozen=True)
class Event:
    """One browser event, checked."""

    seq: int
    handler: str
    type: str
    path: list[int]
    value: str | None = None
    checked: bool | None = None
    key: str | None = None
    form: dict[str, str | list[str]] | None = None

    def to_js(self) -> dict[str, Any]:
        out: dict[str, Any] = {"h": self.handler, "type": self.type, "path": self.path}
        if self.value is not None:
            out["value"] = self.value
        if self.checked is not None:
            out["checked"] = self.checked
        if self.key is not None:
            out["key"] = self.key
        if self.form is not None:
            out["form"] = self.form
        return out


def _str(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"{what} must be a string, got {type(value).__name__}")
    if len(value) > limit:
        raise ProtocolError(f"{what} is longer than {limit} characters")
    return value


def _int(value: Any, what: str, limit: int) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise ProtocolError(f"{what} must be an integer from 0 to {limit}")
    return value


def _form(value: Any) -> dict[str, str | list[str]]:
    if not isinstance(value, dict):
        raise ProtocolError("form must be an object of field names to values")
    if len(value) > MAX_FORM_FIELDS:
        raise ProtocolError(f"form has more than {MAX_FORM_FIELDS} fields")
    out: dict[str, str | list[str]] = {}
    for name, field in value.items():
        _str(name, "a form field name", MAX_FIELD_NAME)
        if isinstance(field, list):
            if len(field) > MAX_FIELD_VALUES:
                raise ProtocolError(f"form field {name!r} has more than {MAX_FIELD_VALUES} values")
            out[name] = [_str(v, f"form field {name!r}", MAX_VALUE) for v in field]
        else:
            out[name] = _str(field, f"form field {name!r}", MAX_VALUE)
    return out


def parse_client_message(text: Any, handlers: frozenset[str], max_bytes: int) -> Event:
    """Check one text frame from the page and return the event it carries.

    Raises:
        ProtocolError: too big, not JSON, not an event, a field of the wrong type or
            size, or a handler the component did not declare.
    """
    if not isinstance(text, str):
        raise ProtocolError("only text frames are accepted")
    if len(text) > max_bytes:  # characters <= bytes, so this bounds the parse
        raise ProtocolError(f"message larger than {max_bytes} bytes")
    try:
        msg = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"message is not JSON: {str(exc)[:80]}") from None
    if not isinstance(msg, dict) or msg.get("t") != "e":
        raise ProtocolError('message must be an event object {"t": "e", ...}')
    unknown = set(msg) - _EVENT_KEYS
    if unknown:
        raise ProtocolError(f"unknown field {sorted(unknown)[0][:40]!r}")
    seq = _int(msg.get("seq"), "seq", MAX_SEQ)
    handler = _str(msg.get("h"), "h (the handler name)", 64)
    if not _HANDLER.match(handler) or handler not in handlers:
        raise ProtocolError(f"unknown handler {handler!r}")
    etype = _str(msg.get("type"), "type", 16)
    if etype not in EVENT_TYPES:
        raise ProtocolError(f"unknown event type {etype!r}")
    path = msg.get("path")
    if not isinstance(path, list) or len(path) > MAX_PATH:
        raise ProtocolError(f"path must be a list of at most {MAX_PATH} child indices")
    path = [_int(i, "a path index", MAX_INDEX) for i in path]
    value = msg.get("value")
    checked = msg.get("checked")
    key = msg.get("key")
    form = msg.get("form")
    if checked is not None and not isinstance(checked, bool):
        raise ProtocolError("checked must be a boolean")
    return Event(
        seq=seq,
        handler=handler,
        type=etype,
        path=path,
        value=None if value is None else _str(value, "value", MAX_VALUE),
        checked=checked,
        key=None if key is None else _str(key, "key", MAX_KEY),
        form=None if form is None else _form(form),
    )
