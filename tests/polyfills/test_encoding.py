"""The ``encoding`` group through real contexts: TextEncoder, TextDecoder, atob, btoa."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import actors
from actors.apis.encoding import CODECS, supports
from actors.errors import JSError

# The WHATWG encodings table, from the shared test data beside the checkout
# (ACTORS_TEST_DATA overrides); without it the per-label test has no cases.
ENCODINGS_JSON = (
    Path(os.environ.get("ACTORS_TEST_DATA", "/work/shared/data")) / "whatwg-encoding" / "encodings.json"
)


def _labels() -> list[tuple[str, str]]:
    if not ENCODINGS_JSON.is_file():
        return []
    data = json.loads(ENCODINGS_JSON.read_text(encoding="utf-8"))
    return [
        (label, enc["name"]) for section in data for enc in section["encodings"] for label in enc["labels"]
    ]


LABELS = _labels()
# The standard's encodings the constructor refuses: `replacement` by the
# standard itself (RangeError); none that Python cannot decode.
KNOWN_UNSUPPORTED: frozenset[str] = frozenset({"replacement"})


@pytest.fixture(scope="module")
def shared(pool_mode: str) -> Iterator[actors.Context]:
    """One context with the encoding group for the many read-only checks."""
    p = actors.ContextPool(size=1)
    try:
        yield p.spawn(apis=["encoding"])
    finally:
        p.stop()


@pytest.fixture
def enc(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("encoding")


def test_globals_are_lazy_accessors_before_first_use(enc: actors.Context) -> None:
    for name in ("TextEncoder", "TextDecoder", "atob", "btoa"):
        assert enc.eval(f"typeof Object.getOwnPropertyDescriptor(globalThis, {name!r}).get") == "function"
    assert enc.eval("typeof TextDecoder") == "function"
    assert enc.eval("new TextDecoder().encoding") == "utf-8"


@pytest.mark.parametrize("text", ["", "hello, world", "héllo wörld ß €", "日本語テキスト", "😀 𝄞 astral 🚀"])
def test_utf8_round_trip(shared: actors.Context, text: str) -> None:
    js = json.dumps(text)
    assert shared.eval(f"new TextEncoder().encode({js})") == text.encode("utf-8")
    assert shared.eval(f"new TextDecoder().decode(new TextEncoder().encode({js}))") == text


def test_encoder_basics_and_lone_surrogates(shared: actors.Context) -> None:
    assert shared.eval("new TextEncoder().encoding") == "utf-8"
    assert shared.eval("new TextEncoder().encode()") == b""
    assert shared.eval("new TextEncoder().encode('a\\ud800b')") == b"a\xef\xbf\xbdb"
    assert shared.eval("new TextEncoder().encode('\\udc00')") == b"\xef\xbf\xbd"
    assert shared.eval("new TextEncoder().encode('\\ud83d\\ude00')") == "😀".encode()


def test_encode_into(shared: actors.Context) -> None:
    assert shared.eval(
        "const d = new Uint8Array(5); const r = new TextEncoder().encodeInto('a€😀', d);"
        "[r.read, r.written, Array.from(d)]"
    ) == [2, 4, [0x61, 0xE2, 0x82, 0xAC, 0]]
    got = shared.eval(
        "(() => { const d = new Uint8Array(8); const r = new TextEncoder().encodeInto('a😀', d);"
        " return [r.read, r.written]; })()"
    )
    assert got == [3, 5]
    with pytest.raises(JSError) as err:
        shared.eval("new TextEncoder().encodeInto('x', [])")
    assert err.value.name == "TypeError"


def test_decode_invalid_utf8_replaces(shared: actors.Context) -> None:
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62]))") == "a\ufffdb"
    # maximal subparts: E0 80 is two errors; F0 9F 98 (truncated) is one
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0xe0, 0x80, 0x41]))") == "\ufffd\ufffdA"
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0xf0, 0x9f, 0x98, 0x41]))") == "\ufffdA"
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0xed, 0xa0, 0x80]))") == "\ufffd" * 3
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0xe2, 0x82]))") == "\ufffd"


@pytest.mark.parametrize("data", ["[0xff]", "[0xc3]", "[0xed, 0xa0, 0x80]", "[0x61, 0x80]"])
def test_fatal_utf8_throws_type_error(shared: actors.Context, data: str) -> None:
    with pytest.raises(JSError) as err:
        shared.eval(f"new TextDecoder('utf-8', {{fatal: true}}).decode(new Uint8Array({data}))")
    assert err.value.name == "TypeError"
    assert shared.eval("new TextDecoder('utf-8', {fatal: true}).fatal") is True


def test_bom_handling(shared: actors.Context) -> None:
    bom = "new Uint8Array([0xef, 0xbb, 0xbf, 0x61])"
    assert shared.eval(f"new TextDecoder().decode({bom})") == "a"
    assert shared.eval(f"new TextDecoder('utf-8', {{ignoreBOM: true}}).decode({bom})") == "\ufeffa"
    assert shared.eval("new TextDecoder('utf-8', {ignoreBOM: true}).ignoreBOM") is True
    # only a leading BOM is stripped, once per stream
    assert shared.eval(
        "const t = new TextDecoder(); [t.decode(new Uint8Array([0xef, 0xbb]), {stream: true}),"
        " t.decode(new Uint8Array([0xbf, 0xef, 0xbb, 0xbf]))]"
    ) == ["", "\ufeff"]


def test_streaming_split_inside_multibyte_sequence(shared: actors.Context) -> None:
    data = list("a€😀b".encode())
    for cut in range(len(data) + 1):
        got = shared.eval(
            f"(() => {{ const t = new TextDecoder(); const b = {data};"
            f" return t.decode(new Uint8Array(b.slice(0, {cut})), {{stream: true}})"
            f" + t.decode(new Uint8Array(b.slice({cut}))); }})()"
        )
        assert got == "a€😀b", cut
    # byte at a time
    assert (
        shared.eval(
            f"(() => {{ const t = new TextDecoder(); let s = '';"
            f" for (const b of {data}) s += t.decode(new Uint8Array([b]), {{stream: true}});"
            f" return s + t.decode(); }})()"
        )
        == "a€😀b"
    )
    # an unfinished sequence at the end of the stream is an error
    assert (
        shared.eval(
            "const u = new TextDecoder(); u.decode(new Uint8Array([0xe2, 0x82]), {stream: true}) + u.decode()"
        )
        == "\ufffd"
    )


def test_decode_accepts_buffer_sources(shared: actors.Context) -> None:
    assert shared.eval("new TextDecoder().decode(new Uint8Array([0x61, 0x62]).buffer)") == "ab"
    assert (
        shared.eval("new TextDecoder().decode(new DataView(new Uint8Array([0, 0x61, 0x62]).buffer, 1))")
        == "ab"
    )
    assert (
        shared.eval("new TextDecoder().decode(new Uint8Array([0x78, 0x61, 0x62, 0x78]).subarray(1, 3))")
        == "ab"
    )
    assert shared.eval("new TextDecoder().decode()") == ""
    with pytest.raises(JSError) as err:
        shared.eval("new TextDecoder().decode('abc')")
    assert err.value.name == "TypeError"


@pytest.mark.parametrize(("label", "codec"), [("utf-16le", "utf-16-le"), ("utf-16be", "utf-16-be")])
def test_utf16_with_bom(shared: actors.Context, label: str, codec: str) -> None:
    text = "hé😀"
    body = list(("\ufeff" + text).encode(codec))
    assert shared.eval(f"new TextDecoder({label!r}).decode(new Uint8Array({body}))") == text
    assert shared.eval(f"new TextDecoder({label!r}, {{ignoreBOM: true}}).decode(new Uint8Array({body}))") == (
        "\ufeff" + text
    )
    # streamed one byte at a time
    assert (
        shared.eval(
            f"(() => {{ const t = new TextDecoder({label!r}); let s = '';"
            f" for (const b of {body}) s += t.decode(new Uint8Array([b]), {{stream: true}});"
            f" return s + t.decode(); }})()"
        )
        == text
    )


def test_utf16_errors(shared: actors.Context) -> None:
    # lone lead surrogate, odd trailing byte
    assert (
        shared.eval("new TextDecoder('utf-16le').decode(new Uint8Array([0x00, 0xd8, 0x41, 0x00]))")
        == "\ufffdA"
    )
    assert shared.eval("new TextDecoder('utf-16le').decode(new Uint8Array([0x41, 0x00, 0x42]))") == "A\ufffd"
    assert shared.eval("new TextDecoder('utf-16').encoding") == "utf-16le"
    with pytest.raises(JSError) as err:
        shared.eval("new TextDecoder('utf-16be', {fatal: true}).decode(new Uint8Array([0xdc, 0x00]))")
    assert err.value.name == "TypeError"


@pytest.mark.parametrize(("label", "name"), LABELS, ids=[label for label, _ in LABELS])
def test_every_label_resolves_to_its_encoding(shared: actors.Context, label: str, name: str) -> None:
    if name in KNOWN_UNSUPPORTED:
        with pytest.raises(JSError) as err:
            shared.eval(f"new TextDecoder({label!r})")
        assert err.value.name == "RangeError"
        return
    assert shared.eval(f"new TextDecoder({label!r}).encoding") == name.lower()
    # padded and upper-cased labels resolve too
    assert shared.eval(f"new TextDecoder(' \\t{label.upper()}\\n').encoding") == name.lower()


@pytest.mark.skipif(not LABELS, reason=f"WHATWG encodings table not found at {ENCODINGS_JSON}")
def test_every_legacy_encoding_is_decodable_by_python() -> None:
    names = {name for _, name in LABELS} - {"UTF-8", "UTF-16LE", "UTF-16BE"}
    assert names == set(CODECS)
    assert all(supports(name) for name in names)


@pytest.mark.parametrize("label", ["nope", "", "utf-7", "utf8 x", "replacement", "iso-2022-kr"])
def test_unknown_labels_throw_range_error(shared: actors.Context, label: str) -> None:
    with pytest.raises(JSError) as err:
        shared.eval(f"new TextDecoder({label!r})")
    assert err.value.name == "RangeError"


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        ("shift_jis", "日本語のテキスト", "cp932"),
        ("euc-jp", "日本語", "euc_jp"),
        ("iso-2022-jp", "日本語 abc", "iso2022_jp"),
        ("gbk", "中文字符", "gbk"),
        ("gb18030", "中文 😀", "gb18030"),
        ("big5", "繁體中文", "big5"),
        ("euc-kr", "한국어", "euc_kr"),
        ("koi8-r", "Привет", "koi8_r"),
        ("windows-1251", "Привет", "cp1251"),
        ("iso-8859-2", "Zażółć", "iso8859_2"),
        ("x-mac-cyrillic", "Привет", "mac_cyrillic"),
        ("latin1", "café €", "cp1252"),
    ],
)
def test_legacy_decoding_through_python(shared: actors.Context, label: str, text: str, codec: str) -> None:
    data = list(text.encode(codec))
    assert shared.eval(f"new TextDecoder({label!r}).decode(new Uint8Array({data}))") == text


def test_legacy_whatwg_details(shared: actors.Context) -> None:
    # windows-1252 maps bytes Python leaves undefined to C1 controls
    assert shared.eval("new TextDecoder('ascii').decode(new Uint8Array([0x80, 0x81, 0x9d]))") == "€\x81\x9d"
    assert shared.eval("new TextDecoder('x-user-defined').decode(new Uint8Array([0x41, 0x80, 0xff]))") == (
        "A\uf780\uf7ff"
    )
    # invalid input: replacement, or TypeError when fatal
    assert "\ufffd" in shared.eval("new TextDecoder('shift_jis').decode(new Uint8Array([0x41, 0x81]))")
    with pytest.raises(JSError) as err:
        shared.eval("new TextDecoder('euc-kr', {fatal: true}).decode(new Uint8Array([0x41, 0xff, 0xff]))")
    assert err.value.name == "TypeError"


def test_legacy_streaming_keeps_partial_sequences(shared: actors.Context) -> None:
    for label, codec, text in [("shift_jis", "cp932", "日本語"), ("iso-2022-jp", "iso2022_jp", "a日本b")]:
        data = list(text.encode(codec))
        got = shared.eval(
            f"(() => {{ const t = new TextDecoder({label!r}); let s = '';"
            f" for (const b of {data}) s += t.decode(new Uint8Array([b]), {{stream: true}});"
            f" return s + t.decode(); }})()"
        )
        assert got == text, label


def test_btoa_atob_round_trip(shared: actors.Context) -> None:
    assert shared.eval("btoa('')") == ""
    assert shared.eval("btoa('f')") == "Zg=="
    assert shared.eval("btoa('fo')") == "Zm8="
    assert shared.eval("btoa('foo')") == "Zm9v"
    assert shared.eval("btoa('\\xff\\xfe\\x00')") == "//4A"
    binary = "".join(chr(i) for i in range(256))
    assert shared.eval(f"atob(btoa({json.dumps(binary)}))") == binary
    # forgiving: whitespace, missing padding
    assert shared.eval("atob(' Zm 9v\\nYm\\tE= ')") == "fooba"
    assert shared.eval("atob('Zm9vYg')") == "foob"
    assert shared.eval("atob('')") == ""


@pytest.mark.parametrize(
    "code", ["atob('a')", "atob('Zm9v=')", "atob('Zm9v*')", "atob('Zg===')", "btoa('€')"]
)
def test_base64_invalid_input_throws_invalid_character_error(shared: actors.Context, code: str) -> None:
    with pytest.raises(JSError) as err:
        shared.eval(code)
    assert err.value.name == "InvalidCharacterError"


def test_base64_requires_an_argument(shared: actors.Context) -> None:
    with pytest.raises(JSError) as err:
        shared.eval("atob()")
    assert err.value.name == "TypeError"


def test_nothing_leaks_onto_global_this(enc: actors.Context) -> None:
    before = enc.eval("Object.getOwnPropertyNames(globalThis).sort()")
    enc.eval("new TextDecoder('shift_jis').decode(new Uint8Array([0x41])); btoa('x')")
    assert enc.eval("Object.getOwnPropertyNames(globalThis).sort()") == before


def test_long_inputs_take_the_ascii_fast_path(shared: actors.Context) -> None:
    text = "x" * 20000 + "é😀" + "y" * 100 + "\u65e5" + "z" * 65
    js = json.dumps(text)
    assert shared.eval(f"new TextDecoder().decode(new TextEncoder().encode({js})) === {js}") is True
    assert shared.eval(f"atob(btoa({js}.replace(/[^xyz]/g, ''))).length") == 20165
    # an invalid byte right after a long ASCII run
    assert shared.eval("new TextDecoder().decode(new Uint8Array([...new Array(100).fill(0x61), 0xff]))") == (
        "a" * 100 + "\ufffd"
    )
