"""The internal ``_streams`` group: WHATWG Streams for the groups that need them.

ReadableStream, WritableStream, TransformStream with their readers, writers and
controllers, and the two queuing strategies. Users cannot name ``_streams`` in
``apis=``; ``compression`` and ``buffer`` (``Blob.stream()``) require it.
"""

from __future__ import annotations

from actors.apis import Group, register

register(
    Group(
        "_streams",
        globals=(
            "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamDefaultController",
            "WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController",
            "TransformStream", "TransformStreamDefaultController",
            "ByteLengthQueuingStrategy", "CountQueuingStrategy",
        ),
        polyfill="streams.js",
    )
)  # fmt: skip
