"""Anomaly checks on the resolution's own numbers: implied H1 against reported H1, H2 share against history."""
from __future__ import annotations

import math

import pandas as pd

from kg_metrics.text.format import format_number, format_pct
from kg_metrics.arithmetic.status import THRESHOLDS, Thresholds
from kg_metrics.text.catalog import t


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
    imp = format_number(o["implied_h1"], lang)
    if math.isnan(o["reported_h1"]):
        return dict(indicator=o["indicator"], name=o["name"], check="implied_h1", flagged=False,
                    assessable=False, message=t("analysis.check.implied_h1_na", lang, implied=imp))
    gap = o["implied_h1_gap_pct"]
    flagged = abs(gap) > th.implied_h1_tolerance_pct
    derived = o["reported_h1_status"] == "derived"
    rep = ("≈" if derived else o["reported_h1_qualifier"]) + format_number(o["reported_h1"], lang)
    key = "analysis.check.implied_h1_beyond" if flagged else "analysis.check.implied_h1_within"
    h1 = t("analysis.check.h1_derived" if derived else "analysis.check.h1_reported", lang)  # never "reported" if computed
    msg = t(key, lang, implied=imp, h1=h1, reported=rep, gap=format_pct(gap, lang, 1),
            tolerance=format_pct(th.implied_h1_tolerance_pct, lang, 0))
    return dict(indicator=o["indicator"], name=o["name"], check="implied_h1", flagged=flagged, assessable=True,
                message=msg)


def _share(o: dict, lang: str, th: Thresholds) -> dict:
    hist: dict = o["h2_share_hist"] or {}
    share = format_pct(o["h2_share_target_pct"], lang, 1)
    if not hist:
        return dict(indicator=o["indicator"], name=o["name"], check="h2_share", flagged=False, assessable=False,
                    message=t("analysis.check.h2_share_na", lang, share=share))
    lo, hi = min(hist.values()), max(hist.values())
    s = o["h2_share_target_pct"]
    outside = max(lo - s, s - hi, 0.0)
    flagged = outside > th.h2_share_tolerance_pp
    key = "analysis.check.h2_share_outside" if flagged else "analysis.check.h2_share_within"
    low, high = format_pct(lo, lang, 1), format_pct(hi, lang, 1)
    values = low if low == high else f"{low}–{high}"  # a range of one value is that value
    past = t("analysis.check.past_year" if len(hist) == 1 else "analysis.check.past_years", lang,
             values=values, years=", ".join(str(y) for y in hist))
    msg = t(key, lang, share=share, past=past, margin=format_number(th.h2_share_tolerance_pp, lang, 0))
    return dict(indicator=o["indicator"], name=o["name"], check="h2_share", flagged=flagged, assessable=True,
                message=msg)
