"""The ``url`` group: URL and URLSearchParams (WHATWG URL Standard).

The parser is JavaScript (``polyfills/url.js``). Host names that need UTS #46
processing (non-ASCII, or with an ``xn--`` label) come here through the
``url.domainToASCII`` handler, with the URL Standard's parameters:
CheckHyphens, VerifyDnsLength and UseSTD3ASCIIRules off, CheckBidi and
CheckJoiners on, nontransitional processing. The ``idna`` package provides the
UTS #46 mapping table; without it, Python's IDNA 2003 codec is the fallback.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from actors.apis import Group, register

try:
    from idna import core as _idna_core
except ImportError:  # pragma: no cover - idna ships with most environments
    _idna_core = None  # type: ignore[assignment]

__all__ = ["domain_to_ascii"]


def _check_label(label: str, bidi_domain: bool) -> bool:
    """UTS #46 validity criteria for one (Unicode) label."""
    assert _idna_core is not None
    if not label:
        return True
    if unicodedata.normalize("NFC", label) != label:
        return False
    if label[:4].lower() == "xn--":
        return False
    if unicodedata.category(label[0])[0] == "M":
        return False
    try:
        if _idna_core.uts46_remap(label, std3_rules=False, transitional=False) != label:
            return False
    except _idna_core.IDNAError:
        return False
    for i, ch in enumerate(label):
        if ord(ch) in (0x200C, 0x200D):
            try:
                if not _idna_core.valid_contextj(label, i):
                    return False
            except (ValueError, _idna_core.IDNAError):
                return False
    if bidi_domain:
        try:
            _idna_core.check_bidi(label, check_ltr=True)
        except _idna_core.IDNAError:
            return False
    return True


def _is_rtl(label: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") for ch in label)


def domain_to_ascii(domain: str) -> str | None:
    """UTS #46 ToASCII as the URL Standard calls it; None on failure."""
    if _idna_core is None:
        try:
            return domain.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    try:
        mapped = _idna_core.uts46_remap(domain, std3_rules=False, transitional=False)
    except _idna_core.IDNAError:
        return None
    labels = mapped.split(".")
    unicode_labels = []
    for label in labels:
        if label[:4].lower() == "xn--":
            if not label.isascii():
                return None
            try:
                decoded = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, IndexError, ValueError):
                return None
            if decoded == "" or decoded.isascii():
                return None
            unicode_labels.append((decoded, True))
        else:
            unicode_labels.append((label, False))
    bidi_domain = any(_is_rtl(label) for label, _ in unicode_labels)
    out = []
    for label, was_ace in unicode_labels:
        if not _check_label(label, bidi_domain):
            return None
        if was_ace or not label.isascii():
            out.append("xn--" + label.encode("punycode").decode("ascii"))
        else:
            out.append(label)
    return ".".join(out)


def _domain_to_ascii(ctx: Any, domain: str) -> str | None:
    return domain_to_ascii(domain)


register(
    Group(
        "url",
        globals=("URL", "URLSearchParams"),
        polyfill="url.js",
        handlers={"domainToASCII": _domain_to_ascii},
    )
)
