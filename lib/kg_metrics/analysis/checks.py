"""Anomaly checks on the resolution's own numbers: implied H1 against reported H1, H2 share against history."""
from __future__ import annotations

import math

import pandas as pd

from kg_metrics.text.format import format_number, format_pct
from kg_metrics.arithmetic.status import THRESHOLDS, Thresholds


def anomalies(assessed: pd.DataFrame, lang: str = "vi", thresholds: Thresholds = THRESHOLDS) -> pd.DataFrame:
    """One row per (indicator with both an H2 and a year target, check).

    Checks, with tolerances from :data:`kg_metrics.arithmetic.status.THRESHOLDS`:

    - ``implied_h1``: |implied H1 − reported H1| / reported H1 > ``implied_h1_tolerance_pct`` → flagged;
    - ``h2_share``: the H2 target's share of the year target lies more than ``h2_share_tolerance_pp``
      outside the [min, max] of earlier years' H2 shares (COVID years left out) → flagged.

    A check without the figures it needs is reported as not assessable (``flagged`` is False).
    """
    rows = []
    pairs = assessed[assessed["period"].str.startswith("FY-") & assessed["implied_h1"].notna()]
    for o in pairs.to_dict("records"):
        rows.append(_implied(o, lang, thresholds))
        rows.append(_share(o, lang, thresholds))
    return pd.DataFrame(rows, columns=["indicator", "name", "check", "flagged", "assessable", "message"])


def _implied(o: dict, lang: str, th: Thresholds) -> dict:
    vi = lang == "vi"
    imp = format_number(o["implied_h1"], lang)
    if math.isnan(o["reported_h1"]):
        msg = (f"H1 ngầm định {imp}; chưa có số liệu 6 tháng đầu năm để so sánh." if vi
               else f"Implied H1 {imp}; no reported H1 figure to compare.")
        return dict(indicator=o["indicator"], name=o["name"], check="implied_h1", flagged=False,
                    assessable=False, message=msg)
    gap = o["implied_h1_gap_pct"]
    flagged = abs(gap) > th.implied_h1_tolerance_pct
    rep = ("≈" if o["reported_h1_status"] == "derived" else o["reported_h1_qualifier"]) + format_number(o["reported_h1"], lang)
    tol = format_pct(th.implied_h1_tolerance_pct, lang, 0)
    if vi:
        msg = (f"H1 ngầm định trong nghị quyết {imp} so với H1 báo cáo {rep}: chênh {format_pct(gap, lang, 1)}"
               f" ({'vượt' if flagged else 'trong'} ngưỡng {tol}).")
    else:
        msg = (f"Implied H1 in the resolution {imp} vs reported H1 {rep}: gap {format_pct(gap, lang, 1)}"
               f" ({'beyond' if flagged else 'within'} the {tol} tolerance).")
    return dict(indicator=o["indicator"], name=o["name"], check="implied_h1", flagged=flagged, assessable=True,
                message=msg)


def _share(o: dict, lang: str, th: Thresholds) -> dict:
    vi = lang == "vi"
    hist: dict = o["h2_share_hist"] or {}
    share = format_pct(o["h2_share_target_pct"], lang, 1)
    if not hist:
        msg = (f"Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm {share}; chưa có số liệu các năm trước để so sánh."
               if vi else f"H2 share of the year target {share}; no earlier years to compare.")
        return dict(indicator=o["indicator"], name=o["name"], check="h2_share", flagged=False, assessable=False,
                    message=msg)
    lo, hi = min(hist.values()), max(hist.values())
    s = o["h2_share_target_pct"]
    outside = max(lo - s, s - hi, 0.0)
    flagged = outside > th.h2_share_tolerance_pp
    years = ", ".join(str(y) for y in hist)
    rng = f"{format_pct(lo, lang, 1)}–{format_pct(hi, lang, 1)}"
    if vi:
        msg = (f"Tỷ trọng 6 tháng cuối năm trong mục tiêu cả năm {share}, so với {rng} các năm {years}"
               f" ({'ngoài' if flagged else 'trong'} biên {format_number(th.h2_share_tolerance_pp, lang, 0)} điểm phần trăm).")
    else:
        msg = (f"H2 share of the year target {share} vs {rng} in {years}"
               f" ({'outside' if flagged else 'within'} a {format_number(th.h2_share_tolerance_pp, lang, 0)} pp margin).")
    return dict(indicator=o["indicator"], name=o["name"], check="h2_share", flagged=flagged, assessable=True,
                message=msg)
