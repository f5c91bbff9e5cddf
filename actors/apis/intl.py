"""The ``intl`` group: ``Intl`` backed by CLDR data from Babel.

The split between JS and host is by cost. A host call costs about 10 us, so
the polyfill (``polyfills/intl.js``) asks the host only for *data*: the
symbols and patterns of a locale (``data``), a date pattern matched from a
skeleton (``pattern``), a time zone's offset transitions (``zone``), a display
name (``name``). Each answer is cached in the context (one host call per
locale and kind, not per formatter, and never per ``format``); the formatting
itself (digits, rounding, grouping, calendar fields, plural rules) runs in JS.

Hostile input is bounded before the host builds anything: a locale tag is at
most :data:`MAX_TAG` characters and a request names at most
:data:`MAX_LOCALES` tags; every name is looked up in Babel's fixed tables
(a miss is an error or ``None``, never new data); the host's own caches are
LRU-bounded, and Babel's process-wide cache of parsed locale files holds at
most :data:`MAX_BABEL_LOCALES` locales. What the polyfill keeps in the JS heap
counts against the context's memory limit.

Time zones come from the IANA database: the TZif file that :mod:`zoneinfo`
would read (the system's, else the ``tzdata`` package's). Its transitions and
its POSIX rule for later times go to the polyfill once per zone and context;
the polyfill binary-searches them (or evaluates the rule) per format.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import importlib.resources
import os
import re
import struct
import threading
import zoneinfo
from typing import Any

import babel
import babel.dates
import babel.localedata
import babel.numbers
from babel.core import get_global

from actors.apis import Group, register

__all__ = ["MAX_BABEL_LOCALES", "MAX_LOCALES", "MAX_TAG"]

MAX_TAG = 255
MAX_LOCALES = 64
MAX_BABEL_LOCALES = 128
_CACHE = 512

_lock = threading.Lock()
_identifiers = frozenset(babel.localedata.locale_identifiers())
_TAG_RE = re.compile(r"[A-Za-z0-9-]{1,255}")


def _check_tag(tag: Any) -> str:
    if not isinstance(tag, str) or len(tag) > MAX_TAG or not _TAG_RE.fullmatch(tag):
        raise ValueError(f"invalid language tag: {str(tag)[:MAX_TAG]!r}")
    return tag


def _trim_babel_cache() -> None:
    # Babel keeps every parsed locale file forever (about 0.2-0.5 MiB each, 1,100 of them): a
    # context walking every locale would make the host hold hundreds of MiB. Forget the oldest.
    cache = getattr(babel.localedata, "_cache", None)
    if isinstance(cache, dict) and len(cache) > MAX_BABEL_LOCALES:
        lock = getattr(babel.localedata, "_cache_lock", None)
        if lock is None:
            return
        with lock:
            for key in list(cache)[: len(cache) - MAX_BABEL_LOCALES]:
                cache.pop(key, None)


@functools.lru_cache(maxsize=_CACHE)
def _best(tag: str) -> tuple[str, str] | None:
    """(Babel locale id, available tag) serving a canonical tag without extensions, or None.

    The available tag is the longest prefix of the request that Babel has data for (ECMA-402's
    BestAvailableLocale), so ``de-XX`` resolves to ``de`` and ``zh-TW`` to ``zh-TW``.
    """
    parts = [p for p in tag.split("-") if p]
    if not parts or parts[0].lower() in ("und", "root"):
        return None
    while parts:
        candidate = "-".join(parts)
        lid = candidate.replace("-", "_")
        if lid in _identifiers:
            return lid, candidate
        try:
            loc = babel.Locale.parse(candidate, sep="-")
        except (ValueError, TypeError, babel.UnknownLocaleError):
            loc = None
        if loc is not None and str(loc) in _identifiers and loc.language == parts[0].lower():
            return str(loc), candidate
        parts.pop()
    return None


def _locale(lid: Any) -> babel.Locale:
    if not isinstance(lid, str) or lid not in _identifiers:
        raise ValueError(f"unknown locale {str(lid)[:MAX_TAG]!r}")
    loc = babel.Locale.parse(lid)
    _trim_babel_cache()
    return loc


def _match(ctx: Any, tags: Any) -> list[Any]:
    """For each canonical tag (no extensions): [Babel id, available tag] or None."""
    if not isinstance(tags, list) or len(tags) > MAX_LOCALES:
        raise ValueError(f"at most {MAX_LOCALES} locales per request")
    out: list[Any] = []
    for tag in tags:
        best = _best(_check_tag(tag))
        out.append(list(best) if best else None)
    return out


def _default_locale(ctx: Any) -> str:
    return "en-US"


def _plain(v: Any) -> Any:
    if isinstance(v, dict) or hasattr(v, "items"):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "pattern"):
        return v.pattern
    return v


# ---- numbers --------------------------------------------------------------------------------------


def _number_data(loc: babel.Locale, nu: str) -> dict[str, Any]:
    d = loc._data
    symbols = d["number_symbols"]
    sym = symbols.get(nu) or symbols.get(d["default_numbering_system"]) or symbols.get("latn")
    compact: dict[str, Any] = {}
    for width, table in (d.get("compact_decimal_formats") or {}).items():
        compact[width] = {cat: {mag: p.pattern for mag, p in pats.items()} for cat, pats in table.items()}
    ccompact = {
        cat: {mag: p.pattern for mag, p in pats.items()}
        for cat, pats in ((d.get("compact_currency_formats") or {}).get("short") or {}).items()
    }
    cur = d.get("currency_formats") or {}
    return {
        "sym": {k: sym.get(k) for k in ("decimal", "group", "percentSign", "plusSign", "minusSign", "exponential", "infinity", "nan", "approximatelySign")},  # noqa: E501
        "ns": d["default_numbering_system"],
        "decimal": d["decimal_formats"][None].pattern,
        "percent": d["percent_formats"][None].pattern,
        "scientific": d["scientific_formats"][None].pattern,
        "currency": cur["standard"].pattern if "standard" in cur else "¤#,##0.00",
        "accounting": cur["accounting"].pattern if "accounting" in cur else None,
        "compact": compact,
        "ccompact": ccompact,
        "cunit": _plain(d.get("currency_unit_patterns") or {}),
        "units": sorted(d.get("unit_patterns") or {}),
        "per": _plain((d.get("compound_unit_patterns") or {}).get("per") or {}),
        "list": _plain(d.get("list_patterns") or {}),
    }  # fmt: skip


def _currency(loc: babel.Locale, code: str) -> dict[str, Any]:
    d = loc._data
    names = d.get("currency_names_plural", {}).get(code) or {}
    return {
        "symbol": d["currency_symbols"].get(code, code),
        "narrow": babel.numbers.get_currency_symbol(code, loc) if code in d["currency_symbols"] else code,
        "name": d.get("currency_names", {}).get(code, code),
        "plural": _plain(names),
        "digits": babel.numbers.get_currency_precision(code),
    }


def _unit(loc: babel.Locale, unit: str) -> dict[str, Any] | None:
    pats = loc._data.get("unit_patterns") or {}
    for key in pats:
        if key.split("-", 1)[-1] == unit:
            out: dict[str, Any] = _plain(pats[key])
            names = (loc._data.get("unit_display_names") or {}).get(key)
            out["names"] = _plain(names) if names else None
            return out
    return None


# ---- plural rules ---------------------------------------------------------------------------------


def _plural_data(loc: babel.Locale, kind: str) -> list[Any]:
    rule = loc.ordinal_form if kind == "ordinal" else loc.plural_form
    return [[tag, _plain(ast)] for tag, ast in rule.abstract]


# ---- dates ----------------------------------------------------------------------------------------


def _date_data(loc: babel.Locale) -> dict[str, Any]:
    d = loc._data
    keep = ("am", "pm", "midnight", "noon", "morning1", "morning2", "afternoon1", "afternoon2", "evening1", "evening2", "night1", "night2")  # fmt: skip  # noqa: E501
    periods = {
        ctx: {w: {k: v for k, v in t.items() if k in keep} for w, t in widths.items()}
        for ctx, widths in d["day_periods"].items()
    }
    zf = d.get("zone_formats") or {}
    short_time = d["time_formats"]["short"].pattern
    hc = "h12" if "h" in short_time else "h23" if "H" in short_time else "h11" if "K" in short_time else "h24"
    return {
        "months": _plain(d["months"]),
        "days": _plain(d["days"]),
        "eras": _plain(d["eras"]),
        "periods": periods,
        "date": {k: v.pattern for k, v in d["date_formats"].items()},
        "time": {k: v.pattern for k, v in d["time_formats"].items()},
        "datetime": {k: v for k, v in d["datetime_formats"].items() if isinstance(v, str)},
        "gmt": zf.get("gmt", "GMT%s"),
        "gmtZero": "GMT",
        "hourFormat": zf.get("hour_format", "+HH:mm;-HH:mm") if "hour_format" in zf else "+HH:mm;-HH:mm",
        "hc": hc,
        "quarters": _plain(d.get("quarters") or {}),
        "week": _plain(d.get("week_data") or {}),
    }


_FIELD_ORDER = "GyQMLwWEcdDFaBhHkKjmsSzvVOxX"
_DATE_CHARS = set("GyQMLEcd")
_TIME_CHARS = set("aBhHkKjmsSzvVOxX")


def _adjust(pattern: str, wanted: dict[str, str]) -> str:
    """Make the field widths of a matched pattern those of the requested skeleton."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            j = pattern.find("'", i + 1)
            j = n - 1 if j < 0 else j
            out.append(pattern[i : j + 1])
            i = j + 1
            continue
        j = i
        while j < n and pattern[j] == ch:
            j += 1
        run = pattern[i:j]
        key = "M" if ch in "ML" else "E" if ch in "Ec" else ch
        want = wanted.get(key)
        if want is not None and ch.isalpha():
            if key in ("M", "E"):
                # numeric month stays numeric; text widths follow the request
                if key == "M" and len(run) <= 2 and len(want) <= 2:
                    run = ch * len(want)
                elif key == "M" and len(want) >= 3:
                    run = ch * len(want)
                elif key == "E":
                    run = ch * len(want)
            elif ch in "dHhKky":
                run = ch * len(want)
        out.append(run)
        i = j
    return "".join(out)


@functools.lru_cache(maxsize=_CACHE)
def _skeleton_pattern(lid: str, skeleton: str, hc: str) -> str:
    loc = _locale(lid)
    skeletons = loc.datetime_skeletons
    hour = {"h12": "h", "h23": "H", "h11": "K", "h24": "k"}.get(hc, "h")
    skeleton = skeleton.replace("j", hour)
    wanted: dict[str, str] = {}
    for m in re.finditer(r"(.)\1*", skeleton):
        run = m.group(0)
        key = "M" if run[0] in "ML" else "E" if run[0] in "Ec" else run[0]
        wanted[key] = run
    date_sk = "".join(wanted[k] for k in wanted if k in _DATE_CHARS)
    time_sk = "".join(wanted[k] for k in wanted if k in _TIME_CHARS and k not in "zvVOxX")
    zone_sk = "".join(wanted[k] for k in wanted if k in "zvVOxX")

    def pick(sk: str) -> str:
        if not sk:
            return ""
        if sk in skeletons:
            return str(skeletons[sk].pattern)
        best = babel.dates.match_skeleton(sk, skeletons, allow_different_fields=True)
        if best is None:
            # drop to the fields one by one (e.g. an era on its own)
            return " ".join(pick(m.group(0)) for m in re.finditer(r"(.)\1*", sk) if m.group(0) != sk) or sk
        return str(skeletons[best].pattern)

    date_p = _adjust(pick(date_sk), wanted) if date_sk else ""
    time_p = _adjust(pick(time_sk), wanted) if time_sk else ""
    if time_p and hour in "hK" and "a" not in time_p and "B" not in time_p and "b" not in time_p:
        time_p += " a"
    if time_p:
        time_p = re.sub("[hHkK]+", lambda m: hour * len(m.group(0)), time_p)
    if zone_sk:
        time_p = (time_p + " " + zone_sk) if time_p else zone_sk
    if date_p and time_p:
        width = (
            "full"
            if "EEEE" in wanted.get("E", "")
            else "long"
            if len(wanted.get("M", "")) >= 4
            else "medium"
            if len(wanted.get("M", "")) == 3
            else "short"
        )
        glue = str(loc._data["datetime_formats"].get(width) or "{1} {0}")
        return glue.replace("{1}", date_p).replace("{0}", time_p)
    return date_p or time_p


def _pattern(ctx: Any, lid: Any, skeleton: Any, hc: Any) -> str:
    if not isinstance(skeleton, str) or len(skeleton) > 64 or not re.fullmatch(r"[A-Za-z]*", skeleton):
        raise ValueError("bad date skeleton")
    if hc not in ("h11", "h12", "h23", "h24"):
        raise ValueError("bad hour cycle")
    _locale(lid)
    return _skeleton_pattern(lid, skeleton, hc)


# ---- time zones -----------------------------------------------------------------------------------

_zones = frozenset(zoneinfo.available_timezones())
_zones_lower = {z.lower(): z for z in _zones}

_UTC_NAMES = frozenset(("Etc/UTC", "Etc/GMT", "GMT", "UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "Etc/Greenwich", "Greenwich", "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT+0", "GMT-0"))  # fmt: skip  # noqa: E501


def _canonical_zone(name: str) -> str | None:
    z = _zones_lower.get(name.lower())
    if z is None:
        return None
    z = get_global("zone_aliases").get(z, z)
    return "UTC" if z in _UTC_NAMES else z


def _tzif(zone: str) -> bytes:
    # the name is one of zoneinfo's own (checked by the caller), so no path escapes its folder
    for base in zoneinfo.TZPATH:
        path = os.path.join(base, zone)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return f.read(1 << 20)
    return importlib.resources.files("tzdata.zoneinfo").joinpath(zone).read_bytes()


@functools.lru_cache(maxsize=_CACHE)
def _transitions(zone: str) -> tuple[list[int], list[int], list[int], str]:
    """(transition times, offsets after each, dst flags, POSIX rule for later times) of a zone.

    The first entry stands for all time before the first transition.
    """
    b = _tzif(zone)
    if b[:4] != b"TZif":
        raise ValueError("bad time zone file")

    def counts(at: int) -> tuple[int, ...]:
        return struct.unpack(">6l", b[at + 20 : at + 44])

    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    tsize = 4
    at = 44
    if b[4:5] >= b"2":
        at += timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
        isut, isstd, leap, timecnt, typecnt, charcnt = counts(at)
        at += 44
        tsize = 8
    times = list(struct.unpack(f">{timecnt}{'q' if tsize == 8 else 'l'}", b[at : at + timecnt * tsize]))
    at += timecnt * tsize
    idx = b[at : at + timecnt]
    at += timecnt
    types = [struct.unpack(">lBB", b[at + 6 * i : at + 6 * i + 6]) for i in range(typecnt)]
    at += typecnt * 6 + charcnt + leap * (4 + tsize) + isstd + isut
    footer = ""
    if tsize == 8 and b[at : at + 1] == b"\n":
        end = b.find(b"\n", at + 1)
        footer = b[at + 1 : end].decode("ascii", "replace") if end > 0 else ""
    first = next((t for t in types if not t[1]), types[0] if types else (0, 0, 0))
    out_t, out_o, out_d = [-(2**53)], [first[0]], [first[1]]
    for t, i in zip(times, idx, strict=True):
        utoff, isdst, _ = types[i]
        out_t.append(t)
        out_o.append(utoff)
        out_d.append(isdst)
    return out_t, out_o, out_d, footer


def _zone(ctx: Any, name: Any) -> list[Any] | None:
    """[canonical name, transition times, offsets (s), dst flags] or None for an unknown zone."""
    if not isinstance(name, str) or len(name) > 64:
        return None
    z = _canonical_zone(name)
    if z is None:
        return None
    with _lock:
        times, offsets, dsts, rule = _transitions(z if z != "UTC" else "Etc/UTC")
    # the identifier as given (case-normalized), as ECMA-402 now reports it; data by its canonical zone
    given = _zones_lower[name.lower()]
    return [
        given if given not in _UTC_NAMES or given in ("UTC", "Etc/UTC", "Etc/GMT", "GMT") else "UTC",
        times,
        offsets,
        dsts,
        rule,
        z,
    ]


def _zone_names(loc: babel.Locale, zone: str, t: int) -> dict[str, Any]:
    tz = zoneinfo.ZoneInfo(zone if zone != "UTC" else "Etc/UTC")
    out: dict[str, Any] = {}
    times, _, dsts, _ = _transitions(zone if zone != "UTC" else "Etc/UTC")
    # one winter and one summer instant of a recent year, for the standard and daylight names
    std_t = dst_t = None
    i = bisect.bisect_right(times, t)
    for j in range(max(0, i - 3), min(len(times), i + 3)):
        if dsts[j] and dst_t is None:
            dst_t = times[j]
        if not dsts[j] and std_t is None:
            std_t = times[j]
    for kind, at in (("std", std_t), ("dst", dst_t)):
        if at is None:
            continue
        d = _dt.datetime.fromtimestamp(at, tz)
        names: dict[str, str | None] = {}
        for width in ("short", "long"):
            try:
                names[width] = babel.dates.get_timezone_name(d, width=width, locale=loc, zone_variant=None)
            except Exception:
                names[width] = None
        out[kind] = names
    try:
        out["generic"] = {
            w: babel.dates.get_timezone_name(tz, width=w, locale=loc) for w in ("short", "long")
        }
        out["location"] = babel.dates.get_timezone_location(tz, locale=loc)
    except Exception:
        out["generic"] = None
    return out


# ---- display names --------------------------------------------------------------------------------


def _display(loc: babel.Locale, kind: str, code: str) -> Any:
    d = loc._data
    if kind == "language":
        key = code.replace("-", "_")
        return d["languages"].get(key) or d["languages"].get(key.split("_")[0])
    if kind == "region":
        return d["territories"].get(code.upper())
    if kind == "script":
        return d["scripts"].get(code.title())
    if kind == "currency":
        return d.get("currency_names", {}).get(code.upper())
    if kind == "calendar":
        return None
    if kind == "dateTimeField":
        f = d.get("date_fields", {}).get(code)
        return f.get("displayName") if f else None
    return None


# ---- the one data entry point ---------------------------------------------------------------------


@functools.lru_cache(maxsize=_CACHE)
def _data_cached(kind: str, lid: str, arg: str) -> Any:
    loc = _locale(lid)
    if kind == "number":
        return _number_data(loc, arg)
    if kind == "currency":
        return _currency(loc, arg)
    if kind == "unit":
        return _unit(loc, arg)
    if kind == "plural":
        return _plural_data(loc, arg)
    if kind == "date":
        return _date_data(loc)
    if kind == "list":
        return _plain(loc._data.get("list_patterns") or {})
    if kind == "relative":
        fields = loc._data.get("date_fields") or {}
        return {k: _plain(v) for k, v in fields.items()}
    if kind == "zone":
        return _zone_names(loc, arg, int(_dt.datetime.now(_dt.timezone.utc).timestamp()))
    if kind in ("language", "region", "script", "currencyName", "calendar", "dateTimeField"):
        return _display(loc, "currency" if kind == "currencyName" else kind, arg)
    raise ValueError(f"unknown Intl data kind {kind!r}")


def _data(ctx: Any, kind: Any, lid: Any, arg: Any = "") -> Any:
    if not isinstance(kind, str) or not isinstance(arg, str) or len(arg) > 64:
        raise ValueError("bad Intl data request")
    if kind == "zone" and _canonical_zone(arg) is None:
        raise ValueError("unknown time zone")
    if not isinstance(lid, str) or lid not in _identifiers:
        raise ValueError(f"unknown locale {str(lid)[:MAX_TAG]!r}")
    with _lock:
        return _data_cached(kind, lid, arg)


def _supported(ctx: Any, key: Any) -> list[str]:
    if key == "timeZone":
        return sorted({z for z in (_canonical_zone(n) for n in _zones if "/" in n or n == "UTC") if z and not z.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))} | {"UTC"})  # fmt: skip  # noqa: E501
    if key == "currency":
        return sorted(c for c in get_global("all_currencies") if len(c) == 3 and c.isalpha())
    if key == "unit":
        units: set[str] = set()
        for k in _locale("en")._data.get("unit_patterns") or {}:
            units.add(k.split("-", 1)[-1])
        return sorted(units)
    raise ValueError("bad key")


register(
    Group(
        "intl",
        globals=("Intl",),
        polyfill="intl.js",
        handlers={
            "match": _match,
            "data": _data,
            "pattern": _pattern,
            "zone": _zone,
            "supported": _supported,
            "defaultLocale": _default_locale,
        },
    )
)
