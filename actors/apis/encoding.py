"""The ``encoding`` group: TextEncoder, TextDecoder, atob, btoa.

UTF-8 and UTF-16 are encoded and decoded in JavaScript. The legacy encodings
of the WHATWG Encoding Standard are decoded here, with Python codecs, through
the polyfill's private ``native.callSync("encoding.decode", ...)``.
"""

from __future__ import annotations

import codecs
from typing import Any

from actors.apis import Group, register

__all__ = ["CODECS", "decode", "supports"]

# WHATWG encoding name (as in the standard's table) -> Python codec name.
# Where the standard's decoder is a superset of the name (GBK decodes as
# gb18030, Big5 as Big5-HKSCS, Shift_JIS as windows-31j, EUC-KR as
# windows-949), the superset codec is used.
CODECS: dict[str, str] = {
    "IBM866": "cp866",
    "ISO-8859-2": "iso8859_2",
    "ISO-8859-3": "iso8859_3",
    "ISO-8859-4": "iso8859_4",
    "ISO-8859-5": "iso8859_5",
    "ISO-8859-6": "iso8859_6",
    "ISO-8859-7": "iso8859_7",
    "ISO-8859-8": "iso8859_8",
    "ISO-8859-8-I": "iso8859_8",
    "ISO-8859-10": "iso8859_10",
    "ISO-8859-13": "iso8859_13",
    "ISO-8859-14": "iso8859_14",
    "ISO-8859-15": "iso8859_15",
    "ISO-8859-16": "iso8859_16",
    "KOI8-R": "koi8_r",
    "KOI8-U": "koi8_u",
    "macintosh": "mac_roman",
    "windows-874": "cp874",
    "windows-1250": "cp1250",
    "windows-1251": "cp1251",
    "windows-1252": "windows-1252",  # a charmap below: "latin1", "ascii", "iso-8859-1" labels
    "windows-1253": "cp1253",
    "windows-1254": "cp1254",
    "windows-1255": "cp1255",
    "windows-1256": "cp1256",
    "windows-1257": "cp1257",
    "windows-1258": "cp1258",
    "x-mac-cyrillic": "mac_cyrillic",
    "GBK": "gb18030",
    "gb18030": "gb18030",
    "Big5": "big5hkscs",
    "EUC-JP": "euc_jp",
    "ISO-2022-JP": "iso2022_jp",
    "Shift_JIS": "cp932",
    "EUC-KR": "cp949",
    "x-user-defined": "x-user-defined",  # a charmap below
    "replacement": "replacement",  # handled below
}


def _windows_1252_table() -> str:
    # Python's cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; the
    # WHATWG index maps them to the C1 control of the same value.
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(b))
    return "".join(chars)


# Single-byte encodings Python has no codec for, as charmap decoding tables.
_CHARMAPS: dict[str, str] = {
    "windows-1252": _windows_1252_table(),
    "x-user-defined": "".join(chr(b) if b < 0x80 else chr(0xF780 + b - 0x80) for b in range(256)),
}


def supports(name: str) -> bool:
    """Whether the WHATWG encoding ``name`` can be decoded here."""
    codec = CODECS.get(name)
    if codec is None:
        return False
    if codec in _CHARMAPS or codec == "replacement":
        return True
    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True


def decode(name: str, data: bytes, fatal: bool = False, stream: bool = False, state: Any = None) -> list[Any]:
    """Decode ``data`` in the WHATWG encoding ``name``.

    Args:
        name: the encoding's standard name (``"Shift_JIS"``, ...).
        data: the bytes.
        fatal: raise on malformed input instead of writing U+FFFD.
        stream: more input follows; an incomplete sequence at the end is kept
            in the returned state.
        state: the state returned by the previous streaming call, or None.

    Returns:
        ``[text, state]``; ``state`` is None unless ``stream`` left something
        pending (``[pending_bytes, flag_as_decimal_string]``).

    Raises:
        TypeError: ``fatal`` and the input is malformed.
        ValueError: an encoding this side cannot decode.
    """
    codec = CODECS.get(name)
    if codec is None or not supports(name):
        raise ValueError(f"the encoding {name!r} is not supported")
    errors = "strict" if fatal else "replace"
    table = _CHARMAPS.get(codec)
    try:
        if codec == "replacement":
            if data and fatal:
                raise UnicodeDecodeError(name, data, 0, len(data), "replacement encoding")
            return ["\ufffd" if data else "", None]
        if table is not None:
            return [codecs.charmap_decode(data, errors, table)[0], None]
        decoder = codecs.getincrementaldecoder(codec)(errors)
        if state is not None:
            decoder.setstate((bytes(state[0]), int(state[1])))
        text = decoder.decode(data, final=not stream)
        if not stream:
            return [text, None]
        pending, flag = decoder.getstate()
        return [text, None if (not pending and not flag) else [bytes(pending), str(flag)]]
    except UnicodeDecodeError as exc:
        raise TypeError(f"The encoded data was not valid for encoding {name.lower()}") from exc


def _decode_handler(_ctx: object, name: str, data: bytes, fatal: bool, stream: bool, state: Any) -> list[Any]:
    return decode(name, data, bool(fatal), bool(stream), state)


def _supports_handler(_ctx: object, name: str) -> bool:
    return supports(name)


register(
    Group(
        "encoding",
        globals=("TextEncoder", "TextDecoder", "atob", "btoa"),
        polyfill="encoding.js",
        handlers={"decode": _decode_handler, "supports": _supports_handler},
    )
)
