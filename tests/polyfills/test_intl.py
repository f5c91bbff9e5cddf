"""The ``intl`` group through real contexts: what users format, and what attackers send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import actors
from actors.apis import REGISTRY, resolve_apis
from actors.errors import JSError

JAN_30 = "Date.UTC(2024, 0, 30, 15, 4, 5)"


@pytest.fixture
def ictx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("intl")


def test_browser_includes_intl_and_a_bare_context_has_none(pool: actors.ContextPool) -> None:
    assert "intl" in resolve_apis("browser")
    bare = pool.spawn(apis=None)
    try:
        assert bare.eval("typeof Intl") == "undefined"
    finally:
        bare.stop()


def test_dates_follow_the_locale_once_intl_is_loaded(ictx: actors.Context) -> None:
    assert ictx.eval(f"void Intl; new Date({JAN_30}).toLocaleDateString('de-DE')") == "30.1.2024"
    assert ictx.eval(f"new Intl.DateTimeFormat('en-US').format({JAN_30})") == "1/30/2024"
    assert (
        ictx.eval(f"new Date({JAN_30}).toLocaleString('en-US', {{timeZone: 'UTC'}})")
        == "1/30/2024, 3:04:05 PM"
    )


def test_time_zones_give_the_offsets_and_names_of_the_iana_database(ictx: actors.Context) -> None:
    # what dayjs's timezone plugin asks for
    parts = ictx.eval(
        f"""new Intl.DateTimeFormat('en-US', {{timeZone: 'America/New_York', hour12: false, year: 'numeric',
            month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'}})
            .formatToParts({JAN_30}).map(p => p.value).join('')"""
    )
    assert parts == "01/30/2024, 10:04:05"
    assert ictx.eval(f"new Intl.DateTimeFormat('en-US', {{timeZone: 'Asia/Tokyo', timeZoneName: 'short'}}).format({JAN_30})") == "1/31/2024, GMT+9"  # fmt: skip  # noqa: E501
    # summer time, past the last explicit transition of the zone file (the POSIX rule)
    assert (
        ictx.eval(
            "new Intl.DateTimeFormat('en-US', {timeZone: 'America/Los_Angeles', hour: 'numeric', timeZoneName: 'short'})"  # noqa: E501
            ".format(Date.UTC(2050, 6, 1))"
        )
        == "5 PM PDT"
    )
    with pytest.raises(JSError, match="RangeError"):
        ictx.eval("new Intl.DateTimeFormat('en', {timeZone: '../../etc/passwd'})")


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (
            "new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR'}).format(1234567.891)",
            "1.234.567,89\xa0€",
        ),
        ("new Intl.NumberFormat('en-IN').format(123456789)", "12,34,56,789"),
        ("new Intl.NumberFormat('en', {notation: 'compact'}).format(1234567)", "1.2M"),
        ("new Intl.NumberFormat('en', {notation: 'engineering'}).format(123456)", "123.456E3"),
        ("new Intl.NumberFormat('en', {style: 'percent', signDisplay: 'always'}).format(0.256)", "+26%"),
        (
            "new Intl.NumberFormat('en', {style: 'unit', unit: 'kilometer-per-hour', unitDisplay: 'long'}).format(50)",  # noqa: E501
            "50 kilometers per hour",
        ),
        ("new Intl.NumberFormat('en', {maximumSignificantDigits: 3}).format(123456)", "123,000"),
        ("void Intl, (1234.5).toLocaleString('de-DE')", "1.234,5"),
        ("void Intl, 12345678901234567890n.toLocaleString('en')", "12,345,678,901,234,567,890"),
        (
            "new Intl.NumberFormat('en').formatToParts(-1.5).map(p => p.type).join()",
            "minusSign,integer,decimal,fraction",
        ),
    ],
)
def test_numbers_format_as_cldr_says(ictx: actors.Context, expr: str, expected: str) -> None:
    assert ictx.eval(expr) == expected


def test_the_other_constructors_answer_in_the_locale(ictx: actors.Context) -> None:
    got: list[Any] = ictx.eval(
        """[new Intl.PluralRules('ru').select(3), new Intl.PluralRules('en', {type: 'ordinal'}).select(22),
            new Intl.RelativeTimeFormat('en', {numeric: 'auto'}).format(-1, 'day'),
            new Intl.RelativeTimeFormat('de').format(3, 'hours'),
            new Intl.ListFormat('en').format(['a', 'b', 'c']),
            [...new Intl.Segmenter('en', {granularity: 'word'}).segment('Hello, world!')]
                .filter(s => s.isWordLike).length,
            new Intl.DisplayNames('de', {type: 'region'}).of('US'),
            ['b', 'a', 'Ä', 'z'].sort(new Intl.Collator('de').compare).join(''),
            'a'.localeCompare('B'), Intl.getCanonicalLocales('EN-us')[0],
            Intl.supportedValuesOf('timeZone').includes('Europe/Berlin')]"""
    )
    assert got == ["few", "two", "yesterday", "in 3 Stunden", "a, b, and c", 2, "Vereinigte Staaten", "aÄbz", -1, "en-US", True]  # fmt: skip  # noqa: E501


def test_hostile_locales_and_options_are_refused_before_the_host_builds_anything(
    ictx: actors.Context,
) -> None:
    for expr in (
        "new Intl.NumberFormat('a'.repeat(1 << 20))",
        "new Intl.NumberFormat(Array.from({length: 1000}, (_, i) => 'en-' + String(i).padStart(3, '0')))",
        "new Intl.NumberFormat('en', {maximumFractionDigits: 1e9})",
        "new Intl.NumberFormat('en', {minimumIntegerDigits: 22})",
        "new Intl.DateTimeFormat('en', {timeZone: 'x'.repeat(100000)})",
    ):
        with pytest.raises(JSError, match="RangeError"):
            ictx.eval(expr)
    # a string with an absurd exponent formats without building a huge number
    assert ictx.eval("new Intl.NumberFormat('en').format('1e1000000000')") == "∞"
    assert ictx.eval("1 + 1") == 2


@pytest.mark.thread_only("counts host calls by wrapping the group's handler in this process")
def test_formatting_in_a_loop_makes_no_host_calls(
    ictx: actors.Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = dict(REGISTRY["intl"].handlers)
    calls: list[str] = []

    def counting(name: str) -> Any:
        def call(*args: Any) -> Any:
            calls.append(name)
            return handlers[name](*args)

        return call

    for name in handlers:
        monkeypatch.setitem(REGISTRY["intl"].handlers, name, counting(name))  # type: ignore[index]
    ictx.eval(
        """const nf = new Intl.NumberFormat('de-DE', {style: 'currency', currency: 'EUR'});
           const df = new Intl.DateTimeFormat('de-DE', {timeZone: 'Europe/Berlin', dateStyle: 'long'});
           0"""
    )
    before = len(calls)
    ictx.eval(
        """for (let i = 0; i < 2000; i++) {
             nf.format(i * 1.5); df.format(i * 86400000); (i).toLocaleString('de-DE');
             new Intl.NumberFormat('de-DE'); }
           0"""
    )
    assert len(calls) == before


def test_a_script_that_replaced_a_locale_method_keeps_it(ictx: actors.Context) -> None:
    assert ictx.eval("Number.prototype.toLocaleString = function () { return 'mine'; }; void Intl; (5).toLocaleString()") == "mine"  # fmt: skip  # noqa: E501
