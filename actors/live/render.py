"""The first page of a live component, rendered on the host from the component's tree.

The tree comes from the component's context (``__live_tree`` in ``runtime.js``), so it is
treated as untrusted: tag and attribute names that are not plain names are dropped, every text
and attribute value is escaped by :mod:`actors.dom.serialize`, ``on*`` attributes and script
URLs never reach the page, and a ``<script>`` becomes an empty comment (the client does the
same when it applies patches, so node positions agree).
"""

from __future__ import annotations

import html
import re
from typing import Any

from actors.dom.serialize import RAW_TEXT_ELEMENTS, serialize

__all__ = ["page", "safe_nodes"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}\Z", re.ASCII)
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background"})
_SCRIPT_URL = re.compile(r"^[\x00-\x20]*(?:javascript|vbscript|data:text/html)", re.I)
_DROPPED_TAGS = frozenset({"script"})


def _safe_attrs(attrs: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(attrs, dict):
        return out
    for name, value in attrs.items():
        if not isinstance(name, str) or not isinstance(value, str) or not _NAME.match(name):
            continue
        lname = name.lower()
        if lname.startswith("on") or lname == "srcdoc":
            continue
        if lname in _URL_ATTRS and _SCRIPT_URL.match(value):
            continue
        out[name] = value
    return out


def safe_nodes(nodes: Any) -> list[Any]:
    """The tree as :func:`actors.dom.serialize.serialize` snapshot nodes, made safe.

    Iterative (a context may send a deep tree); a node that is not a text, comment or
    element of the expected shape becomes an empty comment.
    """
    out: list[Any] = []
    stack: list[tuple[Any, list[Any]]] = [(nodes, out)]
    while stack:
        src, dst = stack.pop()
        if not isinstance(src, list):
            continue
        for node in src:
            if isinstance(node, str):
                dst.append(node)
                continue
            if not (isinstance(node, list) and len(node) >= 3 and isinstance(node[0], str)):
                dst.append(["#comment", ""])
                continue
            tag = node[0]
            if tag in _DROPPED_TAGS or not _NAME.match(tag):
                dst.append(["#comment", ""])
                continue
            attrs = _safe_attrs(node[1])
            props = node[3] if len(node) > 3 and isinstance(node[3], dict) else None
            if props is not None and tag in ("input", "select", "textarea"):
                value = props.get("value")
                if tag == "input" and isinstance(value, str):
                    attrs["value"] = value
                checked = props.get("checked")
                if checked is True:
                    attrs["checked"] = ""
                elif checked is False:
                    attrs.pop("checked", None)
            kids: list[Any] = []
            if tag == "textarea" and props is not None and isinstance(props.get("value"), str):
                kids.append(props["value"])
            elif tag in RAW_TEXT_ELEMENTS:
                # written unescaped by the serializer: text only, and no end tag inside
                raw = "".join(k for k in node[2] if isinstance(k, str)) if isinstance(node[2], list) else ""
                if tag == "style":
                    kids.append(raw.replace("</", "<\\/"))
            else:
                stack.append((node[2], kids))
            dst.append([tag, attrs, kids])
    return out


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>{head}</head>
<body><div data-live-root data-live-ws="{ws}">{body}</div>
<p data-live-status hidden></p>
<script src="{client}" defer></script></body></html>
"""


def page(tree: Any, *, title: str, head: str, ws_path: str, client_path: str) -> str:
    """The whole first page: the component's markup inside the live root, and the client.

    ``head`` is markup the application gave (trusted); everything else is escaped.
    """
    return _PAGE.format(
        title=html.escape(title),
        head=head,
        ws=html.escape(ws_path, quote=True),
        client=html.escape(client_path, quote=True),
        body=serialize(safe_nodes(tree)),
    )
