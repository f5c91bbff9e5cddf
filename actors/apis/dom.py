"""The ``dom`` group: a document per context, parsed by a real HTML5 parser.

The tree lives in the context as JS objects (``polyfills/dom.js``); parsing
HTML (``innerHTML``, ``DOMParser``, ...) is one ``native.callSync`` into
:func:`actors.dom.parse.parse_html`, which returns the nodes in the compact
form documented there. Host-side queries (``Context.dom_find`` ...) read the
tree through a native snapshot instead and never run JavaScript.
"""

from __future__ import annotations

from typing import Any

from actors.apis import Group, register
from actors.dom.parse import parse_html

__all__: list[str] = []


# The globals the group defines (lazy accessors until first touch). The HTML element
# interfaces are those of polyfills/dom.js's HTML_INTERFACES table.
_GLOBALS: tuple[str, ...] = (
    "document",
    "DOMParser",
    "Node",
    "Element",
    "HTMLElement",
    "HTMLTemplateElement",
    "SVGElement",
    "MathMLElement",
    "CharacterData",
    "Text",
    "Comment",
    "DocumentFragment",
    "Document",
    "DocumentType",
    "NodeList",
    "HTMLCollection",
    "DOMTokenList",
    "MutationObserver",
    "MutationRecord",
    "NodeFilter",
    "NodeIterator",
    "TreeWalker",
    "Attr",
    "NamedNodeMap",
    "HTMLAnchorElement",
    "HTMLAreaElement",
    "HTMLAudioElement",
    "HTMLVideoElement",
    "HTMLBaseElement",
    "HTMLBodyElement",
    "HTMLBRElement",
    "HTMLButtonElement",
    "HTMLCanvasElement",
    "HTMLDataElement",
    "HTMLDataListElement",
    "HTMLDetailsElement",
    "HTMLDialogElement",
    "HTMLDivElement",
    "HTMLDListElement",
    "HTMLEmbedElement",
    "HTMLFieldSetElement",
    "HTMLFormElement",
    "HTMLHeadElement",
    "HTMLHeadingElement",
    "HTMLHRElement",
    "HTMLHtmlElement",
    "HTMLIFrameElement",
    "HTMLImageElement",
    "HTMLInputElement",
    "HTMLLabelElement",
    "HTMLLegendElement",
    "HTMLLIElement",
    "HTMLLinkElement",
    "HTMLMapElement",
    "HTMLMetaElement",
    "HTMLMeterElement",
    "HTMLModElement",
    "HTMLObjectElement",
    "HTMLOListElement",
    "HTMLOptGroupElement",
    "HTMLOptionElement",
    "HTMLOutputElement",
    "HTMLParagraphElement",
    "HTMLParamElement",
    "HTMLPictureElement",
    "HTMLPreElement",
    "HTMLProgressElement",
    "HTMLQuoteElement",
    "HTMLScriptElement",
    "HTMLSelectElement",
    "HTMLSlotElement",
    "HTMLSourceElement",
    "HTMLSpanElement",
    "HTMLStyleElement",
    "HTMLTableCaptionElement",
    "HTMLTableCellElement",
    "HTMLTableColElement",
    "HTMLTableElement",
    "HTMLTableRowElement",
    "HTMLTableSectionElement",
    "HTMLTextAreaElement",
    "HTMLTimeElement",
    "HTMLTitleElement",
    "HTMLTrackElement",
    "HTMLUListElement",
)


def _parse(ctx: Any, html: Any, context: Any = None) -> list[Any]:
    if not isinstance(html, str):
        raise TypeError("parse(html, context): html must be a string")
    if context is not None and not isinstance(context, str):
        raise TypeError("parse(html, context): context must be a tag name or null")
    return parse_html(html, context)


register(
    Group(
        "dom",
        globals=_GLOBALS,
        requires=("events",),
        polyfill="dom.js",
        # loaded on first use (a context pays only for what it uses: see loader.py)
        parts=(
            "dom.selectors.js",
            "dom.traversal.js",
            "dom.tokens.js",
            "dom.style.js",
            "dom.forms.js",
            "dom.attrs.js",
        ),
        handlers={"parse": _parse},
    )
)
