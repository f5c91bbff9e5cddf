"""The converter trusts no guest code, and lone surrogates have one policy.

A guest that replaces builtin methods (``BigInt.prototype.toString``,
``Map.prototype.entries``, ``Date.prototype.valueOf`` ...) must not change
what the host receives: values are read with the engine's own operations.
Errors are described without calling a guest's toString, valueOf or proxy
trap (a getter on an error's name or message runs: DOMException has them).

Lone surrogates: in a value (a string, a key) they are a
``ConversionError``; in text that describes (error names, messages and
stacks, logs, DOM snapshots) each becomes U+FFFD.
"""

from __future__ import annotations

import datetime as dt

import msgpack
import pytest

import actors
from actors import codec


def test_an_overridden_bigint_to_string_does_not_change_the_value(ctx: actors.Context) -> None:
    ctx.eval("BigInt.prototype.toString = () => 'zz'; BigInt.prototype.toLocaleString = () => '1'; 0")
    assert ctx.eval("2n ** 70n") == 2**70
    assert ctx.eval("-(3n ** 90n)") == -(3**90)
    assert ctx.eval("[5n, 2n ** 64n]") == [5, 2**64]


def test_an_overridden_map_iteration_does_not_change_the_value(ctx: actors.Context) -> None:
    ctx.eval(
        """
        globalThis.m = new Map([['a', 1], [2, [3]]]);
        Object.getPrototypeOf(new Map().entries()).next = () => ({done: true});
        const empty = () => [][Symbol.iterator]();
        Map.prototype.entries = empty;
        Map.prototype[Symbol.iterator] = empty;
        Array.from = () => [];
        0
        """
    )
    assert ctx.eval("m") == {"a": 1, 2: [3]}


def test_an_overridden_set_iteration_does_not_change_the_value(ctx: actors.Context) -> None:
    ctx.eval(
        "Set.prototype.values = () => [][Symbol.iterator]();"
        "Set.prototype[Symbol.iterator] = Set.prototype.values; 0"
    )
    assert ctx.eval("new Set([1, 'two', 3])") == [1, "two", 3]


def test_a_dates_value_of_and_get_time_are_never_called(ctx: actors.Context) -> None:
    ctx.eval(
        """
        globalThis.called = [];
        Date.prototype.getTime = () => { called.push('getTime'); return 5 };
        Date.prototype.valueOf = () => { called.push('valueOf'); return 5 };
        Date.prototype[Symbol.toPrimitive] = () => { called.push('toPrimitive'); return 5 };
        0
        """
    )
    assert ctx.eval("new Date(86400000)") == dt.datetime(1970, 1, 2, tzinfo=dt.timezone.utc)
    assert ctx.eval("called") == []


def test_describing_an_error_never_converts_objects_with_guest_code(ctx: actors.Context) -> None:
    ctx.eval("globalThis.called = []")
    with pytest.raises(actors.JSError) as info:
        ctx.eval(
            """
            const e = new RangeError('plain');
            e.name = { toString() { called.push('name'); return 'Forged' } };
            Object.defineProperty(e, 'message', { get() { called.push('message'); return 'forged' } });
            throw e
            """
        )
    assert info.value.name == "Error"  # a name that is not a string is not converted
    assert info.value.message == "forged"  # a getter is the error's own data (as DOMException's)
    assert info.value.stack and "<eval>" in info.value.stack
    with pytest.raises(actors.JSError) as thrown:
        ctx.eval("throw { toString() { called.push('toString'); return 'x' } }")
    assert thrown.value.message == "[object Object]"
    assert set(ctx.eval("called")) == {"message"}  # never the name's or the object's toString


def test_a_replaced_stack_accessor_does_not_hide_the_engines_stack(ctx: actors.Context) -> None:
    ctx.eval("Object.defineProperty(Error.prototype, 'stack', { get() { return 'forged' } }); 0")
    with pytest.raises(actors.JSError) as info:
        ctx.eval("function f() { throw new Error('x') } f()")
    assert info.value.stack is not None and "at f" in info.value.stack


def test_a_shared_array_buffer_comes_back_as_its_bytes(ctx: actors.Context) -> None:
    assert ctx.eval("const sab = new SharedArrayBuffer(4); new Uint8Array(sab).set([1, 2, 3, 4]); sab") == (
        b"\x01\x02\x03\x04"
    )
    assert ctx.eval("new Uint8Array(sab, 1, 2)") == b"\x02\x03"


def test_lone_surrogates_in_values_are_conversion_errors(ctx: actors.Context) -> None:
    with pytest.raises(actors.ConversionError, match=r"lone surrogate.*\$\[1\]"):
        ctx.eval("['ok', '\\uD800']")
    with pytest.raises(actors.ConversionError, match="key with a lone surrogate"):
        ctx.eval("({'\\uDC00': 1})")
    with pytest.raises(actors.ConversionError, match="lone surrogate"):
        ctx.eval("new Map([['\\uD800', 1]])")
    assert ctx.eval("'\\uD83D\\uDE00'") == "\U0001f600"  # a pair is fine


def test_lone_surrogates_in_error_text_become_replacement_characters(ctx: actors.Context) -> None:
    with pytest.raises(actors.JSError) as info:
        ctx.eval("const e = new Error('a\\uD800b'); e.name = 'N\\uDFFF'; throw e")
    assert info.value.message == "a\ufffdb"
    assert info.value.name == "N\ufffd"


def test_a_js_error_with_a_lone_surrogate_sent_into_js_is_a_conversion_error(ctx: actors.Context) -> None:
    ctx.eval("globalThis.id = (x) => x; 0")
    with pytest.raises(actors.ConversionError, match="lone surrogate"):
        ctx.call("id", actors.JSError("E\ud800", "m"))
    with pytest.raises(actors.ConversionError, match="lone surrogate"):
        ctx.call("id", actors.JSError("E", "m\udc00"))
    back = ctx.call("id", actors.JSError("TypeError", "fine"))
    assert (back.name, back.message) == ("TypeError", "fine")


@pytest.mark.mode_independent
@pytest.mark.parametrize("text", [b"zz", b"-", b"", b"\xff"])
def test_a_malformed_bigint_never_yields_a_raw_value_error(text: bytes) -> None:
    data = msgpack.packb(msgpack.ExtType(codec.EXT_BIGINT, text))
    with pytest.raises(actors.ConversionError, match="BigInt"):
        codec.decode(data)


@pytest.mark.mode_independent
def test_malformed_dates_and_errors_are_conversion_errors() -> None:
    with pytest.raises(actors.ConversionError, match="Date"):
        codec.decode(msgpack.packb(msgpack.ExtType(codec.EXT_DATE, b"\x00" * 4)))
    with pytest.raises(actors.ConversionError, match="Error"):
        codec.decode(msgpack.packb(msgpack.ExtType(codec.EXT_ERROR, msgpack.packb([1, 2]))))
