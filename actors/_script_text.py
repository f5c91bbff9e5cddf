"""The text of a ``spawn(script=path)`` file, one str shared by every context that loads it.

A context keeps its script's text for :meth:`Context.reset`, so reading the
file anew for each spawn kept one copy per context: 1 to 4 bytes a character
(Python stores a text with any non-Latin-1 character as UCS-2 or UCS-4), about
2 MB a context for zod 4's CommonJS files, more than the engine heap the
library needs (docs_memory.md). The file is still read at every spawn, so an
edited file is seen at once; when its bytes hash as the last read did, the
str already made is handed out again.

At most ``_KEEP`` texts are kept past the contexts that use them (the least
recently read go first), so the memory this holds is bounded by what spawns
read anyway.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

__all__ = ["read_script"]

_KEEP = 8
_lock = threading.Lock()
_texts: OrderedDict[bytes, str] = OrderedDict()


def read_script(path: Path) -> str:
    """``path.read_text(encoding="utf-8")``, the same str for the same bytes.

    Raises:
        OSError: the file cannot be read.
        UnicodeDecodeError: it is not UTF-8.
    """
    data = path.read_bytes()
    key = hashlib.blake2b(data, digest_size=32).digest()
    with _lock:
        text = _texts.get(key)
        if text is not None:
            _texts.move_to_end(key)
            return text
    # newlines as text mode reads them (read_text's universal newlines)
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    del data
    with _lock:
        text = _texts.setdefault(key, text)
        _texts.move_to_end(key)
        while len(_texts) > _KEEP:
            _texts.popitem(last=False)
    return text
