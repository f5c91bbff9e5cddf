"""The window globals of a browser-like context: ``window``, ``self``, ``location``.

The rule: a context is *browser-like* when its resolved ``apis`` hold at least
one group (``apis=None`` or ``[]`` give a bare ECMAScript context with none of
these). :func:`actors.apis.resolve_apis` then adds the internal ``_window``
group (``window``, ``self``, ``location``, ``Location``), and
``_window_events`` when ``events`` is among the groups (``addEventListener``,
``removeEventListener``, ``dispatchEvent`` and the ``on<event>`` properties
on the global). Like every group they are lazy accessors until first touched.

The URL comes from the ``url=`` spawn option (:func:`spawn_url`): an absolute
URL, checked here; by default the origin's root when ``origin=`` is a URL
origin (``https://app.example`` gives ``https://app.example/``), else
``about:blank``. Given ``url=`` without ``origin=``, the context's origin (the
``localStorage`` partition) is the URL's origin. ``location`` reads that URL
(``polyfills/window.js``); ``document.URL``, ``documentURI`` and ``baseURI``
report it too. Contexts do not navigate: assigning ``location`` or its parts,
``assign()``, ``replace()`` and ``reload()`` change nothing (a warning is
logged once per context on ``actors.console``).
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from actors.apis import Group, register

__all__ = ["DEFAULT_URL", "check_url", "location_parts", "spawn_url"]

DEFAULT_URL = "about:blank"
_MAX_URL = 8192
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*\Z")
_SPECIAL_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


def check_url(url: Any) -> str:
    """``url`` as the normalized absolute URL a context's ``location`` reports.

    Scheme and host are lowercased, a default port is dropped, and an http(s),
    ws(s) or ftp URL without a path gets ``/``.

    Raises:
        TypeError: not a string.
        ValueError: not an absolute URL (no scheme, or an http(s)-like URL
            without a host), with spaces or control characters, or too long.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be a string, not {type(url).__name__}")
    if len(url) > _MAX_URL:
        raise ValueError(f"url must be at most {_MAX_URL} characters, got {len(url)}")
    scheme, colon, _rest = url.partition(":")
    if not colon or not _SCHEME.match(scheme):
        raise ValueError(
            f"url must be an absolute URL like 'https://example.com/' or 'about:blank', got {url!r}"
        )
    if _BAD_CHARS.search(url):
        raise ValueError(f"url must not contain spaces, backslashes or control characters, got {url!r}")
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in _SPECIAL_PORTS:
        if not parts.netloc or not parts.hostname:
            raise ValueError(
                f"url {url!r} has no host (an {scheme}: URL needs one, like '{scheme}://example.com/')"
            )
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"url {url!r} has an invalid port") from None
        host = parts.hostname.lower()
        if ":" in host:
            host = f"[{host}]"
        netloc = host if port is None or port == _SPECIAL_PORTS[scheme] else f"{host}:{port}"
        if parts.username is not None or parts.password is not None:
            raise ValueError(f"url {url!r} must not carry credentials")
        path = parts.path or "/"
        return urllib.parse.urlunsplit((scheme, netloc, path, parts.query, parts.fragment)) + (
            "#" if url.endswith("#") and not parts.fragment else ""
        )
    return scheme + url[len(scheme) :]


def _origin_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in _SPECIAL_PORTS or parts.scheme == "ftp":
        return "null"
    return f"{parts.scheme}://{parts.netloc}"


def spawn_url(url: Any, origin: Any, default_origin: str) -> tuple[str, str]:
    """``(url, origin)`` of a context from its ``url=`` and ``origin=`` spawn options (None: not given)."""
    if url is not None:
        checked = check_url(url)
        return checked, _origin_of(checked) if origin is None else str(origin)
    origin = default_origin if origin is None else str(origin)
    try:
        root = check_url(origin + "/")
    except (TypeError, ValueError):
        return DEFAULT_URL, origin
    return (root if _origin_of(root) == origin else DEFAULT_URL), origin


def location_parts(url: str) -> dict[str, str]:
    """The parts of a checked URL as ``location`` reports them (href, protocol, host, ...)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme
    if scheme in _SPECIAL_PORTS or parts.netloc:
        host = parts.netloc
        hostname, _, port = host.rpartition(":") if host.rfind(":") > host.rfind("]") else (host, "", "")
        pathname = parts.path
    else:
        host = hostname = port = ""
        pathname = url[len(scheme) + 1 :].split("#", 1)[0].split("?", 1)[0]
    return {
        "href": url,
        "protocol": scheme + ":",
        "host": host,
        "hostname": hostname,
        "port": port,
        "pathname": pathname,
        "search": "?" + parts.query if parts.query else "",
        "hash": "#" + parts.fragment if parts.fragment else "",
        "origin": _origin_of(url),
    }


def _url(ctx: Any) -> dict[str, str]:
    return location_parts(ctx.url)


register(
    Group(
        "_window",
        globals=("window", "self", "location", "Location"),
        polyfill="window.js",
        handlers={"url": _url},
    )
)
register(
    Group(
        "_window_events",
        globals=("addEventListener", "removeEventListener", "dispatchEvent"),
        requires=("events", "_window"),
        polyfill="window_events.js",
    )
)
