"""kg_metrics.text.format: strict Vietnamese/English number parsing and formatting."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg_metrics.text.format import (NumberParseError, format_number, format_pct, format_pp, format_quantity,
                               parse_number)


# --------------------------------------------------------------------------- parse_number, Vietnamese
@pytest.mark.parametrize("text, expected", [
    ("2,035", Decimal("2.035")),          # ',' is the decimal mark: two point zero three five, not 2035
    ("55.467,04", Decimal("55467.04")),   # '.' groups thousands, ',' marks decimals
    ("439.051", Decimal("439051")),       # a lone '.' with three digits after it groups thousands
    ("6.672.384", Decimal("6672384")),    # several groups
    ("29.947,93", Decimal("29947.93")),
    ("6,7", Decimal("6.7")),
    ("0,5", Decimal("0.5")),
    ("920", Decimal("920")),
    ("03", Decimal("3")),                 # "03 xã": a leading zero is still three
    ("-4,6", Decimal("-4.6")),
    ("  6,56  ", Decimal("6.56")),        # surrounding blanks are trimmed
])
def test_parse_number_vietnamese(text, expected):
    assert parse_number(text, "vi") == expected


def test_parse_number_defaults_to_vietnamese():
    # 2,035 triệu tấn is 2.035 Mt in the resolution; reading it as 2035 would be a 1000× error
    assert parse_number("2,035") == Decimal("2.035")


@pytest.mark.parametrize("text", [
    "9.2",        # English decimal in a Vietnamese file: ambiguous (92? 9,2?) so refused, never guessed
    "1.23",       # a '.' group must have exactly three digits
    "1.2345",
    "55,467.04",  # English grouping and decimals
    "1,2,3",      # two decimal marks
    "1.2.3",
    "1..2",
    "0.000",      # a group after a lone zero is not a grouped number
    "1.000,",     # dangling decimal mark after grouping
])
def test_parse_number_vietnamese_rejects_other_conventions(text):
    with pytest.raises(NumberParseError, match="Vietnamese notation"):
        parse_number(text, "vi")


# --------------------------------------------------------------------------- parse_number, English
@pytest.mark.parametrize("text, expected", [
    ("55,467.04", Decimal("55467.04")),
    ("9.2", Decimal("9.2")),
    ("2,035", Decimal("2035")),   # the same text as above means two thousand thirty-five in English
    ("1,000", Decimal("1000")),
    ("439,051", Decimal("439051")),
])
def test_parse_number_english(text, expected):
    assert parse_number(text, "en") == expected


@pytest.mark.parametrize("text", ["55.467,04", "9,2", "6,56", "1,23"])
def test_parse_number_english_rejects_vietnamese(text):
    with pytest.raises(NumberParseError, match="English notation"):
        parse_number(text, "en")


# --------------------------------------------------------------------------- parse_number, garbage
@pytest.mark.parametrize("text", [
    "", " ", "\t\n", "abc", "sáu", "6,7%", "1 000", "1\u00a0000", "1e5", "NaN", "Infinity", "inf",
    "-", "--1", "5-", "1-2", ".", ",", "+", "²", "12 tỷ",
])
@pytest.mark.parametrize("convention", ["vi", "en"])
def test_parse_number_rejects_garbage(text, convention):
    with pytest.raises(NumberParseError):
        parse_number(text, convention)


@pytest.mark.parametrize("value", [None, 6.7, 3, b"6,7"])
def test_parse_number_rejects_non_text(value):
    with pytest.raises(NumberParseError):
        parse_number(value)


def test_number_parse_error_is_a_value_error():
    # callers (pydantic validators) rely on it being a ValueError
    assert issubclass(NumberParseError, ValueError)


def test_parse_number_unknown_convention():
    with pytest.raises(ValueError, match="convention"):
        parse_number("1", "fr")


def test_parse_number_error_message_quotes_the_input():
    with pytest.raises(NumberParseError) as exc:
        parse_number("9.2", "vi")
    assert "'9.2'" in str(exc.value)


# --------------------------------------------------------------------------- formatting
@pytest.mark.parametrize("value, lang, decimals, expected", [
    (55467.04, "vi", None, "55.467,04"),
    (55467.04, "en", None, "55,467.04"),
    (6.5640, "vi", 2, "6,56"),
    (6.5640, "en", 2, "6.56"),
    (1234567, "vi", 0, "1.234.567"),
    (1234567, "en", 0, "1,234,567"),
    (1234.5, "vi", 2, "1.234,50"),       # fixed decimals pad with zeros
    (5, "vi", None, "5"),                # no decimals shown when there are none
    (5.1, "vi", None, "5,1"),
    (2.035, "vi", None, "2,035"),        # below 100 up to 3 decimals: 2,035 triệu tấn keeps its third
    (123.456, "en", None, "123.46"),     # from 100 on up to 2
    (2.035, "vi", 3, "2,035"),
    (Decimal("29947.93"), "vi", None, "29.947,93"),
    (-1234.5, "en", 1, "-1,234.5"),
    (0, "vi", 2, "0,00"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize("value", [None, float("nan")])
def test_missing_values_are_an_em_dash_never_zero(value):
    assert format_number(value) == "—"
    assert format_number(value, "en", 2) == "—"
    assert format_pct(value) == "—"
    assert format_pp(value, "en") == "—"
    assert format_quantity(value, "tỷ đồng") == "—"
    assert format_quantity(value, "%", "en") == "—"


def test_format_number_unknown_language():
    with pytest.raises(ValueError, match="unknown language"):
        format_number(1.0, "fr")


@pytest.mark.parametrize("value, lang, decimals, expected", [
    (6.564, "vi", 2, "6,56%"),
    (6.564, "en", 2, "6.56%"),
    (6.564, "en", 1, "6.6%"),
    (45.42, "vi", 2, "45,42%"),
    (100, "vi", 0, "100%"),
])
def test_format_pct(value, lang, decimals, expected):
    assert format_pct(value, lang, decimals) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (0.953, "vi", "+0,95 điểm %"),
    (0.953, "en", "+0.95 pp"),
    (-1.2, "en", "\u22121.20 pp"),   # typographic minus U+2212, not a hyphen
    (-1.2, "vi", "\u22121,20 điểm %"),
    (0.0, "en", "+0.00 pp"),
    (12.5, "vi", "+12,50 điểm %"),
])
def test_format_pp(value, lang, expected):
    assert format_pp(value, lang) == expected


@pytest.mark.parametrize("value, symbol, lang, decimals, expected", [
    (55467.04, "tỷ đồng", "vi", None, "55.467,04 tỷ đồng"),
    (55467.04, "bn VND", "en", None, "55,467.04 bn VND"),
    (95, "%", "en", None, "95%"),             # percent attaches without a space
    (95, "%", "vi", 1, "95,0%"),
    (3.75, "triệu lượt khách", "vi", None, "3,75 triệu lượt khách"),
    (439051, "t", "en", 0, "439,051 t"),
])
def test_format_quantity(value, symbol, lang, decimals, expected):
    assert format_quantity(value, symbol, lang, decimals) == expected


# --------------------------------------------------------------------------- properties
@settings(max_examples=300, deadline=None)
@given(x=st.decimals(min_value=0, max_value=Decimal(10) ** 15, places=2, allow_nan=False, allow_infinity=False),
       lang=st.sampled_from(["vi", "en"]))
def test_format_then_parse_round_trips(x, lang):
    text = format_number(x, lang, 2)
    assert parse_number(text, lang) == x


@settings(max_examples=300, deadline=None)
@given(x=st.decimals(min_value=1000, max_value=Decimal(10) ** 9, places=2, allow_nan=False, allow_infinity=False))
def test_the_two_conventions_never_read_each_other_alike(x):
    # a grouped number with decimals written the Vietnamese way is never silently accepted as English
    vi = format_number(x, "vi", 2)
    with pytest.raises(NumberParseError):
        parse_number(vi, "en")


_numberish = st.text(alphabet="0123456789.,-+ eE\u00a0\u066b\u0661%", max_size=14)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=30), _numberish), convention=st.sampled_from(["vi", "en"]))
def test_parse_number_only_ever_raises_number_parse_error(text, convention):
    try:
        value = parse_number(text, convention)
    except NumberParseError:
        return
    assert isinstance(value, Decimal) and value.is_finite()


# --------------------------------------------------------------------------- precision of computed figures
from kg_metrics.text.format import (comparator_text, format_rounded, format_target,  # noqa: E402
                                    precision_exponent, round_to_inputs)


def test_a_derived_count_is_shown_at_its_least_precise_inputs_precision():
    # 6.672.384 − 1,2 triệu (± 0,05 triệu, + 0,5 of a visitor from the exact count), in millions: 5,5 triệu,
    # never 5,472384 triệu
    assert format_rounded(6.672384 - 1.2, 0.05 + 0.0000005, "vi", "triệu lượt khách") == "5,5 triệu lượt khách"
    # 978.785 / 1,707 = 573.394,84…: a count of arrivals is whole, and known to the hundred here
    assert format_rounded(978785 / 1.707, 168.2, "vi", "lượt khách") == "573.400 lượt khách"
    assert format_rounded(978785 / 1.707, None, "vi", "lượt khách", count=True) == "573.395 lượt khách"
    # two whole counts: a whole count, every place kept
    assert format_rounded(572887 - 64242, 1.0, "en", "arrivals") == "508,645 arrivals"


@pytest.mark.parametrize("value, half_width, expected", [
    (9.2 - 3.75, 0.055, (5.5, 1)),         # 5,449999… in binary is still 5,45 → 5,5
    (2.03, 0.005, (2.03, 2)),
    (72799.767, 0.343, (72799.8, 1)),
    (123.456, float("nan"), (123.456, None)),  # unknown precision: shown as is
])
def test_round_to_inputs(value, half_width, expected):
    shown, decimals = round_to_inputs(value, half_width)
    assert (shown, decimals) == (pytest.approx(expected[0]), expected[1])


def test_precision_exponent_never_finer_than_the_coarsest_input():
    assert precision_exponent(0.05) == -1 and precision_exponent(0.5) == 0 and precision_exponent(50) == 2
    assert precision_exponent(None) is None and precision_exponent(0) is None


# --------------------------------------------------------------------------- a target's comparator
@pytest.mark.parametrize("comparator, wording, lang, expected", [
    ("=", "đạt", "vi", "đạt 920 triệu USD"),
    ("=", "đạt", "en", "reach 920 triệu USD"),
    ("=", "công nhận thêm", "vi", "công nhận thêm 920 triệu USD"),  # the resolution's own word, in Vietnamese
    ("≈", "ước đạt", "vi", "ước đạt 920 triệu USD"),
    ("≈", "ước đạt", "en", "about 920 triệu USD"),
    ("≥", "ít nhất", "vi", "≥ 920 triệu USD"),
    (">", "trên", "en", "> 920 triệu USD"),
])
def test_a_target_reads_with_words_not_an_equals_sign(comparator, wording, lang, expected):
    assert format_target(comparator, "920 triệu USD", lang, wording) == expected
    assert "=" not in comparator_text("=", lang, wording)


@pytest.mark.parametrize("target_id, lang, shown, expected", [
    # targets.csv's comparator_text, as the resolution words each target
    ("exports_fy2024", "vi", "920 triệu USD", "đạt 920 triệu USD"),             # = đạt
    ("exports_fy2024", "en", "920 M USD", "reach 920 M USD"),
    ("ntm_communes_fy2024", "vi", "5 xã", "công nhận thêm 5 xã"),              # = công nhận thêm
    ("fishery_h2_2024", "vi", "439.051 tấn", "ước đạt 439.051 tấn"),            # ≈ ước đạt
    ("pi_disbursement_fy2024", "vi", "95%", "≥ 95%"),                         # ≥ ít nhất
    ("tourists_fy2024", "en", "9.2 M arrivals", "> 9.2 M arrivals"),          # > trên
])
def test_a_targets_wording_comes_from_the_registry(registry, target_id, lang, shown, expected):
    t = registry.targets.set_index("target_id").loc[target_id]
    wording = registry.comparator_wording(target_id)
    assert wording == t["comparator_text"]
    assert format_target(t["comparator"], shown, lang, wording) == expected


def test_an_unknown_targets_wording_is_empty(registry):
    assert registry.comparator_wording("nope") == ""
    assert format_target("≥", "95%", "vi", registry.comparator_wording("nope")) == "≥ 95%"
