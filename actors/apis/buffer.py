"""The ``buffer`` group: Blob, File, and Node's Buffer.

All in JavaScript (``polyfills/buffer.js``), text codecs included; it needs the
internal ``_streams`` group for ``Blob.stream()``.
"""

from __future__ import annotations

from actors.apis import Group, register

register(
    Group(
        "buffer",
        globals=("Blob", "File", "Buffer"),
        requires=("_streams",),
        polyfill="buffer.js",
    )
)
