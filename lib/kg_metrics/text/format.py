"""Vietnamese and English number formatting and strict parsing, backed by Babel.

Vietnamese writes ``55.467,04`` (``.`` groups thousands, ``,`` marks decimals);
English writes ``55,467.04``. Parsing never guesses: the caller declares the
convention and Babel's strict mode rejects anything ambiguous (``9.2`` in the
Vietnamese convention is refused rather than read as 92).
"""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal

from babel.dates import format_date as babel_format_date, format_datetime as babel_format_datetime
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from kg_metrics.text.catalog import available_langs, catalog

#: The languages with a catalog (``text/locales/<lang>.yml``), Vietnamese first.
LANGS = available_langs()


class NumberParseError(ValueError):
    """A string is not a number in the declared convention."""


def _locale(lang: str) -> str:
    """The one Babel locale of ``lang`` (its catalog's ``_meta.locale``), for numbers and dates alike."""
    return catalog(lang).locale


def format_date(iso: str, lang: str = "vi", style: str = "short") -> str:
    """A date in ``lang``'s own pattern (catalog ``_meta.date_short`` / ``date_long``).

    Examples
    --------
    >>> format_date("2024-07-18", "vi"), format_date("2024-07-18", "en")
    ('18/7/2024', '18 July 2024')
    >>> format_date("2024-07-18", "vi", "long")
    'ngày 18 tháng 7 năm 2024'
    """
    return babel_format_date(date.fromisoformat(iso), catalog(lang).meta[f"date_{style}"], locale=_locale(lang))


def format_timestamp(iso: str, lang: str = "vi") -> str:
    """A moment (ISO 8601, e.g. a build time) in ``lang``'s words, in UTC (catalog ``_meta.datetime``, by Babel).

    Never shown as ISO: a reader sees '12:39 (giờ UTC) ngày 28 tháng 11 năm 2026'. Text that is not an ISO
    moment is returned as it is.

    Examples
    --------
    >>> format_timestamp("2024-08-01T10:05:00+00:00", "vi")
    '10:05 (giờ UTC) ngày 1 tháng 8 năm 2024'
    >>> format_timestamp("2024-08-01T17:05:00+07:00", "en")
    '1 August 2024, 10:05 UTC'
    """
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    moment = moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return babel_format_datetime(moment, catalog(lang).meta["datetime"], tzinfo=timezone.utc, locale=_locale(lang))


def parse_number(text: str, convention: str = "vi") -> Decimal:
    """Parse ``text`` as a number written in ``convention`` ('vi' or 'en').

    Grouping must be well formed; a lone separator that could be either a
    decimal mark or a thousands separator is read per the convention only
    when the grouping is unambiguous.

    Examples
    --------
    >>> parse_number("2,035")
    Decimal('2.035')
    >>> parse_number("55.467,04")
    Decimal('55467.04')
    >>> parse_number("439.051")
    Decimal('439051')
    >>> parse_number("55,467.04", "en")
    Decimal('55467.04')
    >>> parse_number("9.2")
    Traceback (most recent call last):
    ...
    kg_metrics.text.format.NumberParseError: '9.2' is not a number in Vietnamese notation ('.' groups thousands, ',' marks decimals)
    """
    if not isinstance(text, str):
        raise NumberParseError(f"{text!r} is not text")
    s = text.strip()
    conv_name = {"vi": "Vietnamese notation ('.' groups thousands, ',' marks decimals)",  # not prose: operator message
                 "en": "English notation (',' groups thousands, '.' marks decimals)"}.get(convention)
    if conv_name is None:
        raise ValueError(f"unknown decimal convention {convention!r}")
    if not s or any(c.isspace() for c in s) or s.count("-") > (1 if s.startswith("-") else 0):
        raise NumberParseError(f"{text!r} is not a number in {conv_name}")
    if not all(c.isdigit() or c in ".,-" for c in s) or not any(c.isdigit() for c in s):
        raise NumberParseError(f"{text!r} is not a number in {conv_name}")
    try:
        value = parse_decimal(s, locale=_locale(convention), strict=True)
    except (NumberFormatError, ValueError, ArithmeticError):
        raise NumberParseError(f"{text!r} is not a number in {conv_name}") from None
    if not value.is_finite():
        raise NumberParseError(f"{text!r} is not a finite number")
    return value


def value_or_none(x: object) -> float | None:
    """A number, or None when it is missing (None, NaN or not a number): the one test for "missing".

    Examples
    --------
    >>> value_or_none("6.84"), value_or_none(float("nan")), value_or_none(None), value_or_none("—")
    (6.84, None, None, None)
    """
    if x is None:
        return None
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def format_number(value: float | Decimal | None, lang: str = "vi", decimals: int | None = None) -> str:
    """Format ``value`` for ``lang``; ``decimals`` fixes the decimals.

    By default up to 3 decimals are shown below 100 (2,035 triệu tấn) and up to
    2 from 100 on (55.467,04 tỷ đồng), trailing zeros dropped.

    A missing value (None or NaN) is shown as an em dash, never as 0.

    Examples
    --------
    >>> format_number(55467.04, "vi")
    '55.467,04'
    >>> format_number(55467.04, "en")
    '55,467.04'
    >>> format_number(6.5640, "vi", 2)
    '6,56'
    >>> format_number(2.035, "vi")
    '2,035'
    >>> format_number(None)
    '—'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        frac = ".###" if abs(value) < 100 else ".##"
    else:
        frac = "." + "0" * decimals if decimals else ""
    pattern = "#,##0" + frac
    return format_decimal(value, format=pattern, locale=_locale(lang), decimal_quantization=True)


def format_pct(value: float | None, lang: str = "vi", decimals: int = 2) -> str:
    """Format a value already in percent (6.56 means 6.56%).

    Examples
    --------
    >>> format_pct(6.564, "vi")
    '6,56%'
    >>> format_pct(6.564, "en", 1)
    '6.6%'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_number(value, lang, decimals) + "%"


def format_pp(value: float | None, lang: str = "vi", decimals: int = 2) -> str:
    """Format percentage points with an explicit sign (+0,95 đpt / +0.95 pp).

    Examples
    --------
    >>> format_pp(0.953, "vi")
    '+0,95 điểm %'
    >>> format_pp(-1.2, "en")
    '−1.20 pp'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if value >= 0 else "−"  # U+2212, the typographic minus
    unit = catalog(lang).meta["percentage_point"]
    return f"{sign}{format_number(abs(value), lang, decimals)} {unit}"


def format_quantity(value: float | None, symbol: str, lang: str = "vi", decimals: int | None = None) -> str:
    """A number with its unit symbol: ``55.467,04 tỷ đồng``; percent units attach without a space.

    Examples
    --------
    >>> format_quantity(55467.04, "tỷ đồng")
    '55.467,04 tỷ đồng'
    >>> format_quantity(95, "%", "en")
    '95%'
    """
    text = format_number(value, lang, decimals)
    if text == "—":
        return text
    return text + symbol if symbol == "%" else f"{text} {symbol}"


# --------------------------------------------------------------------------- precision of computed figures
def precision_exponent(half_width: float | None) -> int | None:
    """The decimal place (10**k) a figure is known to, from how far rounding of its inputs can move it.

    ``half_width``: the largest error the inputs' rounding allows (half a unit of an input's last published
    digit; for a computed figure, e.g. :func:`kg_metrics.analysis.backtest.rounding_half_width`). The figure is
    shown to the place whose half unit covers it, so it never has more places than its least precise input:
    6.672.384 − 1,2 triệu (± 0,05 triệu) is known to 0,1 triệu. None when the width is unknown or 0.

    Examples
    --------
    >>> precision_exponent(0.05), precision_exponent(0.0500005), precision_exponent(0.5), precision_exponent(1.0)
    (-1, -1, 0, 0)
    >>> precision_exponent(168.2), precision_exponent(float("nan")), precision_exponent(0)
    (2, None, None)
    """
    if half_width is None or not math.isfinite(half_width) or half_width <= 0:
        return None
    # + 1e-9: a width of exactly a half unit (0,05) is that unit's, whatever the float's last bit says
    return math.floor(math.log10(2 * half_width) + 1e-9)


def round_to_inputs(value: float | None, half_width: float | None, count: bool = False) -> tuple[float | None, int | None]:
    """``value`` rounded to the precision of its inputs (:func:`precision_exponent`), and the decimals to show.

    ``count``: the value counts whole things in its unit (arrivals, communes): never shown with decimals,
    whatever the width. Returns (value, None) when nothing is known about the precision (shown as is).

    Examples
    --------
    >>> round_to_inputs(5.472384, 0.0500005)      # 6.672.384 − 1,2 triệu, in millions
    (5.5, 1)
    >>> round_to_inputs(573394.844757, 168.2)     # 978.785 / 1,707
    (573400.0, 0)
    >>> round_to_inputs(573394.844757, None, count=True)
    (573395.0, 0)
    >>> round_to_inputs(508645.0, 1.0)
    (508645.0, 0)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    k = precision_exponent(half_width)
    if k is None:
        return (float(round(value)), 0) if count else (value, None)
    decimals = max(-k, 0)
    if count:
        decimals = 0
        k = max(k, 0)
    # 12 significant digits first: 9,2 − 3,75 is 5,449999999999999 in binary, and rounds as 5,45
    rounded = float(Decimal(f"{float(value):.12g}").quantize(Decimal(1).scaleb(k), rounding="ROUND_HALF_UP"))
    return rounded, decimals


def format_rounded(value: float | None, half_width: float | None, lang: str = "vi", symbol: str | None = None,
                   count: bool = False) -> str:
    """A computed figure at the precision of its inputs (:func:`round_to_inputs`), with its unit ``symbol``.

    Examples
    --------
    >>> format_rounded(5.472384, 0.0500005, "vi", "triệu lượt khách")
    '5,5 triệu lượt khách'
    >>> format_rounded(573394.844757, 168.2, "vi", "lượt khách")
    '573.400 lượt khách'
    >>> format_rounded(573394.844757, None, "en", "arrivals", count=True)
    '573,395 arrivals'
    """
    shown, decimals = round_to_inputs(value, half_width, count)
    if symbol is None:
        return format_number(shown, lang, decimals)
    return format_quantity(shown, symbol, lang, decimals)


# --------------------------------------------------------------------------- a target's comparator in words
#: The catalog key (``analysis.comparator.<key>``) of each comparator of targets.csv.
_COMPARATOR_KEYS = {"≥": "ge", ">": "gt", "=": "eq", "≈": "approx"}  # not prose: comparator symbols


def comparator_text(comparator: str, lang: str = "vi", wording: str = "") -> str:
    """How a target's comparator reads in ``lang``: '≥', '>', and words for '=' and '≈' ('đạt', 'reach').

    '=' is the resolution's 'đạt' (reach), not "exactly": it is never shown as '='. A language whose catalog
    sets ``_meta.resolution_wording`` (the resolution's own language) shows the resolution's ``wording`` of
    the target instead ('công nhận thêm'), when it has one for a worded comparator.

    Examples
    --------
    >>> comparator_text("=", "vi"), comparator_text("=", "en"), comparator_text("≥", "en")
    ('đạt', 'reach', '≥')
    >>> comparator_text("=", "vi", "công nhận thêm"), comparator_text("=", "en", "công nhận thêm")
    ('công nhận thêm', 'reach')
    """
    key = _COMPARATOR_KEYS.get(comparator)
    if key is None:
        return comparator
    cat = catalog(lang)
    if wording and cat.meta.get("resolution_wording") and cat[f"analysis.comparator.{key}"] != comparator:
        return wording
    return cat[f"analysis.comparator.{key}"]


def format_target(comparator: str, shown: str, lang: str = "vi", wording: str = "") -> str:
    """A target as a reader sees it: its comparator (:func:`comparator_text`) and the value already formatted.

    Examples
    --------
    >>> format_target("=", "920 triệu USD", "vi", "đạt"), format_target("=", "920 M USD", "en", "đạt")
    ('đạt 920 triệu USD', 'reach 920 M USD')
    >>> format_target("≥", "95%", "vi", "ít nhất")
    '≥ 95%'
    """
    return f"{comparator_text(comparator, lang, wording)} {shown}"
