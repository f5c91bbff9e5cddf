"""Values crossing the Python/JavaScript boundary (DESIGN.md, "Values crossing the boundary").

Everything goes through a real context: ``id`` below is ``function id(x){return x}``,
so ``echo(v)`` is one Python -> JS -> Python round trip.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import actors
from actors import _binding, codec

HEADER = Path(__file__).resolve().parent.parent / "native" / "actors.h"
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)

# One context serves every example of a property: ``id`` keeps no state.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def echo(ctx: actors.Context) -> Callable[[Any], Any]:
    ctx.eval("function id(x) { return x }")
    return lambda value: ctx.call("id", value)


def nested_list(levels: int) -> list[Any]:
    """A list nested ``levels`` deep: nested_list(1) == [], nested_list(2) == [[]]."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def list_depth(value: Any) -> int:
    """Depth of a nested_list, counted without recursion."""
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    return depth


def same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN and -0.0 differs from 0.0 (ints and floats may mix)."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return fa == fb and math.copysign(1.0, fa) == math.copysign(1.0, fb)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def as_returned(value: Any) -> Any:
    """What ``value`` looks like after a round trip: tuples as lists, byte buffers as bytes."""
    if isinstance(value, (list, tuple)):
        return [as_returned(v) for v in value]
    if isinstance(value, dict):
        return {k: as_returned(v) for k, v in value.items()}
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


# ---- (a) the ext-code table -------------------------------------------------------------------


def header_ext_codes() -> dict[str, int]:
    text = HEADER.read_text(encoding="utf-8")
    found = re.findall(r"^\s*#define\s+ACT_EXT_([A-Z0-9_]+)\s+(-?\d+)\s*(?:/\*.*\*/)?\s*$", text, re.M)
    return {name: int(value) for name, value in found}


def test_the_header_defines_the_three_ext_codes() -> None:
    assert set(header_ext_codes()) == {"BIGINT", "DATE", "ERROR"}


def test_the_ext_codes_of_codec_py_agree_with_the_c_header() -> None:
    in_python = {name[len("EXT_") :]: getattr(codec, name) for name in dir(codec) if name.startswith("EXT_")}
    assert in_python == header_ext_codes()


def test_the_ext_codes_of_the_compiled_module_agree_with_codec_py() -> None:
    expected = {"bigint": codec.EXT_BIGINT, "date": codec.EXT_DATE, "error": codec.EXT_ERROR}
    assert expected == _binding.EXT_CODES


def test_the_ext_codes_are_distinct_application_codes() -> None:
    codes = list(header_ext_codes().values())
    assert len(set(codes)) == len(codes)
    assert all(0 <= c <= 127 for c in codes)  # msgpack reserves the negative ones


# ---- (b) round trips --------------------------------------------------------------------------

floats = st.floats(allow_nan=True, allow_infinity=True)
texts = st.text(st.characters(exclude_categories=("Cs",)))  # no surrogates
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | floats
    | texts
    | st.binary()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(texts, inner, max_size=5)
    ),
    max_leaves=25,
)


@PROPERTY
@given(v=values)
def test_any_mapped_value_round_trips_unchanged(echo: Callable[[Any], Any], v: Any) -> None:
    assert same(echo(v), as_returned(v))


@PROPERTY
@given(v=st.integers())
def test_every_int_round_trips_as_an_equal_int(echo: Callable[[Any], Any], v: int) -> None:
    got = echo(v)
    assert type(got) is int
    assert got == v


@pytest.mark.parametrize(
    "v",
    [
        0,
        -1,
        2**31,
        2**53 - 1,
        2**53,
        2**53 + 1,
        -(2**53),
        -(2**53) - 1,
        2**63 - 1,
        2**63,
        -(2**63),
        -(2**63) - 1,
        2**64 - 1,
        2**64,
        -(2**64),
        10**40,
        -(10**40),
    ],
)
def test_ints_at_the_number_bigint_boundaries_round_trip(echo: Callable[[Any], Any], v: int) -> None:
    got = echo(v)
    assert type(got) is int
    assert got == v


@pytest.mark.parametrize(
    ("v", "js_type"),
    [
        (2**53, "number"),
        (-(2**53), "number"),
        (2**53 + 1, "bigint"),
        (-(2**53) - 1, "bigint"),
        (2**64, "bigint"),
        (-(2**70), "bigint"),
    ],
)
def test_ints_beyond_2_to_the_53_become_bigints_in_js(ctx: actors.Context, v: int, js_type: str) -> None:
    ctx.eval("function kind(x) { return typeof x }")
    assert ctx.call("kind", v) == js_type


@PROPERTY
@given(v=floats)
def test_every_float_round_trips_including_nan_infinities_and_signed_zero(
    echo: Callable[[Any], Any], v: float
) -> None:
    assert same(echo(v), v)


def test_negative_zero_keeps_its_sign_inside_containers(echo: Callable[[Any], Any]) -> None:
    got = echo({"z": [-0.0]})
    assert math.copysign(1.0, got["z"][0]) == -1.0


@PROPERTY
@given(v=texts)
def test_every_string_without_surrogates_round_trips(echo: Callable[[Any], Any], v: str) -> None:
    assert echo(v) == v


def test_tuples_come_back_as_lists(echo: Callable[[Any], Any]) -> None:
    assert echo((1, ("a", (None,)))) == [1, ["a", [None]]]


@pytest.mark.parametrize(
    "v",
    [b"", b"\x00\xffabc", bytearray(b"\x01\x02"), memoryview(b"xyz"), memoryview(b"0123456789")[2:5]],
    ids=["empty", "bytes", "bytearray", "memoryview", "memoryview-slice"],
)
def test_byte_buffers_come_back_as_exactly_those_bytes(echo: Callable[[Any], Any], v: Any) -> None:
    got = echo(v)
    assert type(got) is bytes
    assert got == bytes(v)


@pytest.mark.parametrize(
    ("v", "js_tag"),
    [
        (None, "Null"),
        (True, "Boolean"),
        (1, "Number"),
        (1.5, "Number"),
        ("s", "String"),
        (b"b", "Uint8Array"),
        (bytearray(b"b"), "Uint8Array"),
        (memoryview(b"b"), "Uint8Array"),
        ([1], "Array"),
        ((1,), "Array"),
        ({"a": 1}, "Object"),
        (dt.datetime(2020, 1, 1), "Date"),
    ],
)
def test_python_values_arrive_as_the_documented_js_types(ctx: actors.Context, v: Any, js_tag: str) -> None:
    ctx.eval("function tag(x) { return Object.prototype.toString.call(x).slice(8, -1) }")
    assert ctx.call("tag", v) == js_tag


def expected_datetime(v: dt.datetime) -> dt.datetime:
    return (v.replace(tzinfo=UTC) if v.tzinfo is None else v).astimezone(UTC)


def assert_same_instant_to_the_millisecond(got: dt.datetime, v: dt.datetime) -> None:
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)
    assert got.microsecond % 1000 == 0
    assert abs(got - expected_datetime(v)) < dt.timedelta(milliseconds=1)


@PROPERTY
@given(
    v=st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.none()
        | st.just(UTC)
        | st.builds(
            dt.timezone,
            st.timedeltas(
                min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)
            ).map(lambda d: dt.timedelta(minutes=d // dt.timedelta(minutes=1))),
        ),
    )
)
def test_datetimes_round_trip_as_aware_utc_with_millisecond_precision(
    echo: Callable[[Any], Any], v: dt.datetime
) -> None:
    assert_same_instant_to_the_millisecond(echo(v), v)


def test_a_naive_datetime_is_taken_as_utc(ctx: actors.Context) -> None:
    ctx.eval("function iso(d) { return d.toISOString() }")
    assert ctx.call("iso", dt.datetime(2020, 1, 2, 3, 4, 5, 678901)) == "2020-01-02T03:04:05.678Z"
    east = dt.timezone(dt.timedelta(hours=2))
    assert ctx.call("iso", dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=east)) == "2020-01-02T01:04:05.000Z"


def test_a_js_date_comes_back_as_an_aware_utc_datetime(ctx: actors.Context) -> None:
    got = ctx.eval("new Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11))")
    assert got == dt.datetime(2021, 6, 7, 8, 9, 10, 11000, tzinfo=UTC)
    assert got.utcoffset() == dt.timedelta(0)


def test_the_latest_python_datetime_round_trips(echo: Callable[[Any], Any]) -> None:
    assert_same_instant_to_the_millisecond(echo(dt.datetime.max), dt.datetime.max)


def test_values_nested_exactly_1000_levels_cross_both_ways(
    ctx: actors.Context, echo: Callable[[Any], Any]
) -> None:
    assert list_depth(echo(nested_list(1000))) == 1000
    ctx.set_global("deep", nested_list(1000))
    assert ctx.eval("let d = 0, x = deep; while (Array.isArray(x)) { d++; x = x[0] } d") == 1000
    made_in_js = ctx.eval("var a = []; for (let i = 1; i < 1000; i++) a = [a]; a")
    assert list_depth(made_in_js) == 1000
    made_in_js = ctx.eval("var o = {}; for (let i = 1; i < 1000; i++) o = {a: o}; o")
    depth = 0
    while isinstance(made_in_js, dict):
        depth += 1
        made_in_js = made_in_js.get("a")
    assert depth == 1000


def test_values_nested_999_levels_cross_both_ways(ctx: actors.Context, echo: Callable[[Any], Any]) -> None:
    assert list_depth(echo(nested_list(999))) == 999
    assert list_depth(ctx.eval("var a = []; for (let i = 1; i < 999; i++) a = [a]; a")) == 999


# ---- (c) conversion errors: Python -> JS --------------------------------------------------------


def cyclic_list() -> list[Any]:
    items: list[Any] = [1]
    items.append(items)
    return items


def cyclic_dict() -> dict[str, Any]:
    d: dict[str, Any] = {}
    d["self"] = {"again": [d]}
    return d


class Opaque:
    pass


@pytest.mark.parametrize(
    ("value", "what", "path"),
    [
        ({"a": [1, cyclic_list()]}, "cyclic reference", "$.a[1][1]"),
        (cyclic_dict(), "cyclic reference", "$.self.again[0]"),
        ({"a": [1, {2}]}, "unsupported value of type set", "$.a[1]"),
        ({"a": [frozenset()]}, "unsupported value of type frozenset", "$.a[0]"),
        ({"a": {"b c": object()}}, "unsupported value of type object", "$.a['b c']"),
        ([Opaque()], "unsupported value of type Opaque", "$[0]"),
        ([1j], "unsupported value of type complex", "$[0]"),
        ({"d": dt.date(2020, 1, 1)}, "unsupported value of type date", "$.d"),
        ({"a": ["ok", "\udfff"]}, "lone surrogate", "$.a[1]"),
        ({"a": {"\ud800": 1}}, "lone surrogate", "$.a"),
    ],
    ids=[
        "cyclic-list",
        "cyclic-dict",
        "set",
        "frozenset",
        "object",
        "class",
        "complex",
        "date",
        "lone-surrogate",
        "lone-surrogate-key",
    ],
)
def test_an_unconvertible_python_value_raises_conversion_error_naming_its_path(
    ctx: actors.Context, value: Any, what: str, path: str
) -> None:
    with pytest.raises(actors.ConversionError) as info:
        ctx.set_global("g", value)
    message = str(info.value)
    assert what in message
    assert path in message
    assert isinstance(info.value, ValueError)
    assert ctx.eval("1+1") == 2


@pytest.mark.parametrize(
    "value",
    [cyclic_list(), {1, 2}, object(), "\ud800", {"k": {3: "v"}}],
    ids=["cycle", "set", "object", "lone-surrogate", "int-key"],
)
def test_every_call_form_refuses_an_unconvertible_argument(ctx: actors.Context, value: Any) -> None:
    ctx.eval("function id(x) { return x }")
    with pytest.raises(actors.ConversionError):
        ctx.call("id", value)
    with pytest.raises(actors.ConversionError):
        ctx.call("id", 1, [value])
    with pytest.raises(actors.ConversionError):
        ctx.set_global("g", value)
    assert ctx.eval("1+1") == 2
    assert ctx.call("id", "still here") == "still here"


@pytest.mark.parametrize("key", [1, 2.5, None, True, b"k", (1, 2)], ids=repr)
def test_a_dict_with_a_non_str_key_raises_conversion_error(ctx: actors.Context, key: Any) -> None:
    with pytest.raises(actors.ConversionError):
        ctx.set_global("g", {"a": {key: "v"}})
    assert ctx.eval("1+1") == 2


def test_a_non_str_dict_key_error_names_the_path_of_the_dict(ctx: actors.Context) -> None:
    with pytest.raises(actors.ConversionError, match=r"\$\.a\b"):
        ctx.set_global("g", {"a": {1: "v"}})


def test_a_python_value_nested_1001_levels_raises_conversion_error(ctx: actors.Context) -> None:
    with pytest.raises(actors.ConversionError, match="deeper than 1000"):
        ctx.set_global("g", nested_list(1001))


def test_a_python_value_nested_far_deeper_than_1000_levels_raises_conversion_error(
    ctx: actors.Context,
) -> None:
    try:
        with pytest.raises(actors.ConversionError, match="deeper than 1000"):
            ctx.set_global("g", nested_list(5000))
    except RecursionError:
        # re-raised short: pytest would spend seconds rendering a 1000-frame traceback
        raise AssertionError("RecursionError instead of ConversionError") from None


def test_a_python_value_nested_1003_levels_is_refused_and_the_context_lives(ctx: actors.Context) -> None:
    with pytest.raises(actors.ConversionError, match="deeper than 1000"):
        ctx.set_global("g", nested_list(1003))
    assert ctx.eval("1+1") == 2


@pytest.mark.parametrize("value", [cyclic_list(), {1, 2}, "\ud800"], ids=["cycle", "set", "lone-surrogate"])
def test_send_refuses_an_unconvertible_message_before_it_leaves(ctx: actors.Context, value: Any) -> None:
    with pytest.raises(actors.ConversionError):
        ctx.send(value)
    assert ctx.eval("1+1") == 2


@pytest.mark.parametrize("value", [{1: "v"}, nested_list(1003)], ids=["int-key", "1003-levels"])
def test_send_of_a_message_js_cannot_decode_raises_and_keeps_the_context(
    ctx: actors.Context, value: Any
) -> None:
    with pytest.raises(actors.ConversionError):
        ctx.send(value)
    assert ctx.eval("1+1") == 2
    assert ctx.alive


# ---- (c) conversion errors: JS -> Python --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "what", "path"),
    [
        ("var a = [1]; a.push({x: a}); a", "cyclic reference", "$[1].x"),
        ("var o = {}; o.me = o; o", "cyclic reference", "$.me"),
        ("var a = []; for (let i = 0; i < 1e5; i++) a = [a]; a", "deeper than 1000", "$[0][0][0]"),
        ("var a = []; for (let i = 1; i < 1001; i++) a = [a]; a", "deeper than 1000", "$[0]"),
        ("({a: [Symbol('s')]})", "symbol", "$.a[0]"),
        ("({f: function () {}})", "function", "$.f"),
        ("[1, () => 2]", "function", "$[1]"),
        ("({d: new Date(NaN)})", "invalid Date", "$.d"),
        ("['ok', '\\ud800']", "lone surrogate", "$[1]"),
        ("({s: 'a\\udfffb'})", "lone surrogate", "$.s"),
        ("({a: {'\\ud800x': 1}})", "lone surrogate", "$.a"),
        ("({get g() { throw new Error('boom') }})", "boom", "$.g"),
        ("({a: [new Proxy({}, {ownKeys() { throw new TypeError('no keys') }})]})", "no keys", "$.a[0]"),
        ("({p: new Proxy({k: 1}, {get() { throw new RangeError('trap') }})})", "trap", "$.p.k"),
        ("({r: /x/})", "RegExp", "$.r"),
        ("({p: Promise.resolve(1)})", "Promise", "$.p"),
        ("({w: new WeakMap()})", "WeakMap", "$.w"),
    ],
    ids=[
        "cyclic-array",
        "cyclic-object",
        "1e5-deep",
        "1001-deep",
        "symbol",
        "function",
        "arrow",
        "invalid-date",
        "lone-surrogate",
        "lone-surrogate-in-object",
        "lone-surrogate-key",
        "throwing-getter",
        "throwing-ownkeys-trap",
        "throwing-get-trap",
        "regexp",
        "promise",
        "weakmap",
    ],
)
def test_an_unconvertible_js_value_raises_conversion_error_naming_its_path(
    ctx: actors.Context, code: str, what: str, path: str
) -> None:
    with pytest.raises(actors.ConversionError) as info:
        ctx.eval(code)
    message = str(info.value)
    assert what in message
    assert path in message
    assert ctx.eval("1+1") == 2


def test_a_js_value_that_fails_to_convert_does_not_poison_later_answers(ctx: actors.Context) -> None:
    ctx.eval("var bad = {f() {}}; var good = {n: 1}")
    for _ in range(3):
        with pytest.raises(actors.ConversionError):
            ctx.get_global("bad")
        assert ctx.get_global("good") == {"n": 1}


@pytest.mark.parametrize("code", ["new Map([[{a: 1}, 1]])", "new Map([[[1], 1]])"], ids=["object", "array"])
def test_a_map_with_object_keys_raises_conversion_error(ctx: actors.Context, code: str) -> None:
    with pytest.raises(actors.ConversionError):
        ctx.eval(code)


@pytest.mark.parametrize("ms", ["8.64e15", "-8.64e15", "253402300800000"])
def test_a_js_date_outside_pythons_range_raises_conversion_error(ctx: actors.Context, ms: str) -> None:
    with pytest.raises(actors.ConversionError):
        ctx.eval(f"new Date({ms})")


_INT_DIGITS_LIMITED = getattr(sys, "get_int_max_str_digits", lambda: 0)() != 0


@pytest.mark.parametrize("direction", ["python-to-js", "js-to-python"])
def test_a_bigint_of_6000_digits_crosses(ctx: actors.Context, direction: str) -> None:
    big = 2**20000
    if direction == "python-to-js":
        ctx.set_global("big", big)
        assert ctx.eval("big === 2n ** 20000n") is True
    else:
        assert ctx.eval("2n ** 20000n") == big


# ---- (d) values only JS has --------------------------------------------------------------------


def test_a_map_comes_back_as_a_dict(ctx: actors.Context) -> None:
    assert ctx.eval("new Map([['a', 1], ['b', [2, {c: 3}]]])") == {"a": 1, "b": [2, {"c": 3}]}
    assert ctx.eval("new Map([[1, 'one'], [2.5, 'x']])") == {1: "one", 2.5: "x"}
    assert ctx.eval("new Map()") == {}


def test_a_set_comes_back_as_a_list_in_insertion_order(ctx: actors.Context) -> None:
    assert ctx.eval("new Set([3, 1, 3, 'a', 1])") == [3, 1, "a"]
    assert ctx.eval("({s: new Set()})") == {"s": []}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).subarray(3, 5)", b"\x04\x05"),
        ("new Uint16Array(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer, 2, 2)", b"\x03\x04\x05\x06"),
        ("new Int32Array(new Uint8Array([9, 9, 9, 9, 1, 0, 0, 0, 9]).buffer, 4, 1)", b"\x01\x00\x00\x00"),
        ("new Float64Array([1.5])", bytes.fromhex("000000000000f83f")),
        ("new Uint8Array(0)", b""),
        ("new Uint8Array(new ArrayBuffer(16), 16)", b""),
        ("new Uint8ClampedArray([300, -5, 7])", b"\xff\x00\x07"),
        ("new BigInt64Array([-1n])", b"\xff" * 8),
    ],
    ids=[
        "subarray",
        "uint16-offset",
        "int32-offset",
        "float64",
        "empty",
        "empty-at-end",
        "clamped",
        "bigint64",
    ],
)
def test_a_typed_array_comes_back_as_exactly_the_bytes_it_views(
    ctx: actors.Context, code: str, expected: bytes
) -> None:
    got = ctx.eval(code)
    assert type(got) is bytes
    assert got == expected


def test_an_array_buffer_comes_back_as_bytes(ctx: actors.Context) -> None:
    assert ctx.eval("new Uint8Array([1, 2, 3]).buffer") == b"\x01\x02\x03"
    assert ctx.eval("new ArrayBuffer(0)") == b""


def test_a_data_view_comes_back_as_the_bytes_it_views(ctx: actors.Context) -> None:
    assert ctx.eval("new DataView(new Uint8Array([1, 2, 3, 4, 5]).buffer, 1, 3)") == b"\x02\x03\x04"
    assert ctx.eval("new DataView(new ArrayBuffer(4))") == b"\x00" * 4


def test_a_bytes_value_arrives_as_a_uint8array_with_its_own_buffer(ctx: actors.Context) -> None:
    ctx.eval("function info(u) { return [u.constructor.name, u.byteOffset, u.buffer.byteLength, [...u]] }")
    assert ctx.call("info", memoryview(b"0123456789")[2:5]) == ["Uint8Array", 0, 3, [50, 51, 52]]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2n ** 200n", 2**200),
        ("-(2n ** 200n)", -(2**200)),
        ("5n", 5),
        ("-(2n ** 63n) - 1n", -(2**63) - 1),
        ("2n ** 64n", 2**64),
        ("[0n, -0n]", [0, 0]),
    ],
)
def test_a_bigint_comes_back_as_an_int(ctx: actors.Context, code: str, expected: Any) -> None:
    assert ctx.eval(code) == expected


def test_undefined_comes_back_as_none_everywhere(ctx: actors.Context) -> None:
    assert ctx.eval("undefined") is None
    assert ctx.eval("({a: undefined, b: [undefined, 1]})") == {"a": None, "b": [None, 1]}
    assert ctx.eval("[1, , 3]") == [1, None, 3]


def test_an_error_value_that_is_not_thrown_comes_back_as_a_js_error(ctx: actors.Context) -> None:
    err = ctx.eval("new TypeError('bad thing')")
    assert isinstance(err, actors.JSError)
    assert (err.name, err.message) == ("TypeError", "bad thing")
    assert isinstance(err.stack, str)
    nested = ctx.eval(
        "class MyError extends Error { constructor(m) { super(m); this.name = 'MyError' } }"
        "({errors: [new RangeError('r'), new MyError('mine')]})"
    )
    assert [(e.name, e.message) for e in nested["errors"]] == [("RangeError", "r"), ("MyError", "mine")]


def test_a_class_instance_comes_back_as_its_own_enumerable_properties(ctx: actors.Context) -> None:
    got = ctx.eval(
        "class P { constructor() { this.x = 1; Object.defineProperty(this, 'hidden', {value: 2}) }"
        " get y() { return 3 } }"
        "var p = new P(); p[Symbol('s')] = 4; p"
    )
    assert got == {"x": 1}


def test_nested_objects_with_more_distinct_keys_than_the_key_cache_round_trip(ctx: actors.Context) -> None:
    # Regression: decoding a value could evict its own key's atom from the
    # decoder's key cache before the property was defined (use after free).
    ctx.eval("function id(x) { return x }")
    value = {f"k{i}": {f"j{i}_{k}": {"z": k, f"deep{k}": [k]} for k in range(40)} for i in range(40)}
    for _ in range(20):
        assert ctx.call("id", value) == value


def test_a_string_built_with_plus_equals_comes_back_as_a_string(ctx: actors.Context) -> None:
    # QuickJS-NG represents such strings as ropes (a tag of their own)
    assert ctx.eval("let t = ''; for (let i = 0; i < 50; i++) t += 'ab'.repeat(30); t") == "ab" * 1500
    assert ctx.eval("({k: 'x'.repeat(300) + 'y'.repeat(300)})") == {"k": "x" * 300 + "y" * 300}
