"""Backtest: each target against the 2024 outturn, derived H2 outturns and rounding, the July assessment compared.

Numbers are recomputed by hand from the CSV rows (read with the csv module). Behaviour the shipped data can no
longer show (a missed target with a July probability, a derived H2 within rounding) is shown on a copy of the
data with synthetic rows appended. The page that shows it: tests/report/test_sections_backtest.py."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kg_metrics.analysis.backtest import backtest, brier_score, events, published_half_unit, rounding_half_width
from kg_metrics.data.observations import load_observations, lookup
from kg_metrics.data.registry import load_registry
from tests.conftest import SYNTHETIC_URL

N_DRAWS = 20_000


def vn(text: str) -> float:
    """A number in the data's notation ('78.259', '7,5') read by hand."""
    return float(text.replace(".", "").replace(",", "."))


def row(rows, indicator, measure, period, as_of="9999-12-31") -> dict:
    """The latest vintage published by ``as_of`` of a province's figure (plans left out), from CSV rows."""
    hits = [r for r in rows if (r["indicator"], r["measure"], r["period"], r["area"]) == (indicator, measure, period,
                                                                                          "kien_giang")
            and r["status"] != "plan" and r["published"] <= as_of]
    assert hits, (indicator, measure, period, as_of)
    return max(hits, key=lambda r: r["published"])


@pytest.fixture(scope="module")
def bt(registry, observations):
    return backtest(registry, observations, n_draws=N_DRAWS).set_index("target_id")


@pytest.fixture
def economy(data_dir, csv_tools):
    return csv_tools.read(data_dir / "observations" / "economy.csv")[1]


# --------------------------------------------------------------------------- the shipped data
def test_grdp_growth_is_met(bt, economy):
    fy = row(economy, "grdp", "growth_yoy_pct", "FY-2024")  # 7,5% of 6/12/2024
    r = bt.loc["grdp_growth_fy2024"]
    assert r["verdict"] == "met" and r["outturn"] == vn(fy["value"]) == 7.5 and not r["outturn_derived"]
    assert r["margin"] == pytest.approx(7.5 - 6.7) and r["margin_pct"] == pytest.approx((7.5 - 6.7) / 6.7 * 100)
    assert r["sources"] == fy["source_url"]
    # July: on track (H1 6,84% against the 6,56% the resolution states), no probability (2 years of history < 5)
    assert r["july_status"] == "on_track" and r["agreement"] == "expected"
    assert r["july_p_met"] is None and r["july_p_reason"] == "history"


def test_grdp_h2_outturn_is_derived_by_hand(bt, economy):
    """g₂ = (FY − H1) 2024 / (FY − H1) 2023 − 1, with H1 2024 = H1 2023 × 1,0684 and FY 2023 = FY 2024 / 1,075."""
    fy24 = vn(row(economy, "grdp", "level", "FY-2024")["value"])
    g24 = vn(row(economy, "grdp", "growth_yoy_pct", "FY-2024")["value"])
    h1_23 = vn(row(economy, "grdp", "level", "H1-2023")["value"])
    g1_24 = vn(row(economy, "grdp", "growth_yoy_pct", "H1-2024")["value"])
    h1_24, fy23 = h1_23 * (1 + g1_24 / 100), fy24 / (1 + g24 / 100)
    num, den = fy24 - h1_24, fy23 - h1_23
    r = bt.loc["grdp_growth_h2_2024"]
    assert r["outturn_derived"] and r["outturn"] == pytest.approx((num / den - 1) * 100)
    assert r["verdict"] == "met" and r["margin"] == pytest.approx((num / den - 1) * 100 - 6.56)
    # rounding, first order: ±0,5 on 78.259 and 35.872; ±0,005 on 6,84; ±0,05 on 7,5
    w_h1_24 = h1_24 * (0.5 / h1_23 + 0.005 / (100 + g1_24))
    w_fy23 = fy23 * (0.5 / fy24 + 0.05 / (100 + g24))
    rel = (0.5 + w_h1_24) / num + (w_fy23 + 0.5) / den
    assert r["rounding_half_width"] == pytest.approx(num / den * 100 * rel)
    assert r["july_p_reason"] == "no_weight"  # the 2023 level was not published by 18/7/2024


def test_derived_outturns_are_labelled(bt):
    # only GRDP has both a 2024 outturn and an H1 2024 figure published: every other H2 outturn is missing
    assert set(bt.index[bt["outturn_derived"]]) == {"grdp_growth_h2_2024"}


def test_a_later_vintage_is_the_outturn(bt, data_dir, csv_tools):
    """Rice 2024: 4,6 Mt (6/12/2024), then 4.714.573 t (official, 9/1/2025): the backtest takes the latest."""
    agri = csv_tools.read(data_dir / "observations" / "agriculture.csv")[1]
    latest = row(agri, "rice", "level", "FY-2024")
    assert latest["status"] == "official" and latest["unit"] == "t"
    r = bt.loc["rice_fy2024"]
    assert r["outturn"] == pytest.approx(vn(latest["value"]) / 1e6) and r["verdict"] == "met"
    assert r["sources"] == latest["source_url"]
    early = backtest(_reg(data_dir), load_observations(_reg(data_dir)), outturn_as_of="2024-12-31",
                     n_draws=100).set_index("target_id")
    assert early.loc["rice_fy2024", "outturn"] == vn(row(agri, "rice", "level", "FY-2024", "2024-12-31")["value"]) == 4.6


def _reg(data_dir):
    return load_registry(data_dir)


def test_targets_without_an_outturn(bt):
    none = set(bt.index[bt["verdict"] == "no_outturn"])
    # no 2024 figure (fishery: only the plan; disbursement: the 75,22% is on an undated page) or no H1 2024
    # figure for the derived H2 (rice, tourists, intl_tourists, ipv, exports, retail, ntm_communes)
    assert none == {"rice_h2_2024", "ntm_communes_h2_2024", "ntm_model_fy2024", "ntm_districts_fy2024",
                    "fishery_h2_2024", "fishery_fy2024", "pi_disbursement_fy2024", "ipv_h2_2024", "retail_h2_2024",
                    "exports_h2_2024", "tourists_h2_2024", "intl_tourists_h2_2024", "military_admissions_fy2024"}
    assert all(math.isnan(x) for x in bt.loc[list(none), "margin"])
    assert (bt.loc[list(none), "sources"] == "").all()


def test_counts(bt):
    assert bt["verdict"].value_counts().to_dict() == {"no_outturn": 13, "met": 10}


def test_derived_outturn_sources_are_its_inputs(bt, observations):
    """FY 2024, H1 2024 (derived: its inputs' pages), FY 2023 (derived), H1 2023: each page once, in that order."""
    srcs = bt.loc["grdp_growth_h2_2024", "sources"].split(" ; ")
    inputs = [lookup(observations, "grdp", p) for p in ("FY-2024", "H1-2024", "FY-2023", "H1-2023")]
    expected = list(dict.fromkeys(u.strip() for r in inputs for u in r["source_url"].split(";")))
    assert srcs == expected and len(srcs) == 3


def test_rounding_half_widths(registry, observations):
    assert published_half_unit(4.6) == pytest.approx(0.05) and published_half_unit(360942) == 0.5
    intl = lookup(observations, "intl_tourists", "FY-2024", as_of="2025-01-31")  # '>978.000' arrivals: to the thousand
    assert rounding_half_width(observations, intl, registry) == 500
    intl = lookup(observations, "intl_tourists", "FY-2024")  # the later '>980.000': to the ten thousand
    assert rounding_half_width(observations, intl, registry) == 5000
    exports = lookup(observations, "exports", "FY-2024")  # 1 bn USD = 1.000 m USD, to the whole bn
    assert rounding_half_width(observations, exports, registry) == 500
    rice = lookup(observations, "rice", "FY-2024", as_of="2024-12-31")  # '4,6' Mt: to 0,1
    assert rounding_half_width(observations, rice, registry) == pytest.approx(0.05)
    # derived, a difference: Jan–Jul 466.302 (±0,5) − July 50.242 (±0,5)
    h1 = lookup(observations, "intl_tourists", "H1-2019")
    assert h1["status"] == "derived" and rounding_half_width(observations, h1, registry) == pytest.approx(1.0)
    # derived, a product: 35.872 (±0,5) × (1 + 6,84/100) (±0,005 pp)
    g = lookup(observations, "grdp", "H1-2024")
    assert rounding_half_width(observations, g, registry) == pytest.approx(35872 * 1.0684 * (0.5 / 35872 + 0.005 / 106.84))


def test_brier_score_without_july_probabilities(bt):
    """As of 18/7/2024 no target had a probability: nothing to score."""
    assert bt["july_p_met"].isna().all()
    assert brier_score(bt.reset_index()) == (None, 0)


# --------------------------------------------------------------------------- one event per indicator
def test_brier_score_counts_one_event_per_indicator():
    bt = pd.DataFrame({
        "indicator": ["a", "a", "b", "c", "d", "d", "e", "e", "f", "f"],
        "period": ["H2-2024", "FY-2024", "FY-2024", "H2-2024", "H2-2024", "FY-2024", "H2-2024", "FY-2024",
                   "H2-2024", "FY-2024"],
        "verdict": ["met", "met", "missed", "missed", "met", "no_outturn", "within_rounding", "met", "met", "missed"],
        "july_p_met": [0.9, 0.8, 0.6, 0.3, 0.7, 0.5, 0.4, None, 0.2, 0.9]})
    ev = events(bt)
    # a: FY kept; b: FY; c: H2 only; d: FY has no outturn, H2 kept; e: FY kept (H2 within rounding); f: FY
    assert ev[["indicator", "period"]].values.tolist() == [["a", "FY-2024"], ["b", "FY-2024"], ["c", "H2-2024"],
                                                           ["d", "H2-2024"], ["e", "FY-2024"], ["f", "FY-2024"]]
    b, k = brier_score(bt)
    # e's kept target has no probability: not scored, though its H2 target has one
    expected = [(0.8 - 1) ** 2, (0.6 - 0) ** 2, (0.3 - 0) ** 2, (0.7 - 1) ** 2, (0.9 - 0) ** 2]
    assert k == 5 and b == pytest.approx(sum(expected) / 5)
    # counting every target instead would score 8 (a and f twice)
    assert bt["july_p_met"].notna().sum() == 9


# --------------------------------------------------------------------------- synthetic history
#: (file, indicator, measure, period, value, unit, published): 5 usable years for the July probabilities
#: (as in test_probability.py), an H1 2024 rice figure, and a dated 2024 disbursement outturn.
ROWS = [
    ("economy", "grdp", "growth_yoy_pct", "FY-2017", "7,25", "pct", "2018-01-10"),
    ("economy", "grdp", "growth_yoy_pct", "FY-2018", "8,9", "pct", "2019-01-10"),
    ("economy", "grdp", "growth_yoy_pct", "H1-2019", "6,9", "pct", "2019-07-10"),
    ("economy", "grdp", "level", "FY-2023", "72.799,77", "bn_vnd", "2024-01-10"),
    ("tourism", "tourists", "level", "H1-2017", "2,9", "m_arrivals", "2017-07-10"),
    ("tourism", "tourists", "level", "H1-2018", "3,942305", "m_arrivals", "2018-07-13"),
    ("tourism", "tourists", "level", "H1-2024", "5,472384", "m_arrivals", "2024-07-15"),
    ("agriculture", "rice", "level", "H1-2024", "2,57", "mt", "2024-07-10"),
    *[("public_investment", "pi_disbursement", "level", p, v, "pct", d) for p, v, d in [
        ("H1-2017", "30", "2017-07-10"), ("FY-2017", "88", "2018-01-10"), ("H1-2018", "35", "2018-07-10"),
        ("FY-2018", "90", "2019-01-10"), ("H1-2019", "28", "2019-07-10"), ("FY-2019", "86", "2020-01-10"),
        ("H1-2022", "40", "2022-07-10"), ("H1-2023", "38", "2023-07-10"), ("FY-2023", "89", "2024-01-10"),
        ("H1-2024", "36", "2024-07-12"), ("FY-2024", "75,22", "2025-03-19")]],
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, csv_tools):
    dest = csv_tools.copy_data(tmp_path_factory.mktemp("backtest"))
    csv_tools.add_observations_by_file(dest, ROWS)
    reg, obs = csv_tools.load(dest)
    return reg, obs, backtest(reg, obs, n_draws=N_DRAWS).set_index("target_id")


def test_public_investment_is_missed(synthetic):
    _, _, sbt = synthetic
    r = sbt.loc["pi_disbursement_fy2024"]
    assert r["verdict"] == "missed" and r["outturn"] == 75.22 and not r["outturn_derived"]
    assert r["margin"] == pytest.approx(75.22 - 95) and r["margin_pct"] == pytest.approx((75.22 - 95) / 95 * 100)
    assert r["sources"] == SYNTHETIC_URL
    # July: 36% + the usual H1→year gain 54,67 pp = 90,67% against 95%: at risk, so 'missed' is no surprise…
    assert r["july_status"] == "at_risk" and r["agreement"] == "expected"
    assert r["july_p_reason"] == "" and 0 < r["july_p_met"] < 0.5


def test_rice_h2_is_within_rounding_not_a_miss(synthetic):
    """As of 31/12/2024: 4,6 − 2,57 = 2,03 vs ≥ 2,035: short by 0,005; inputs rounded to 0,1 and 0,01 (±0,05 + ±0,005)."""
    reg, obs, _ = synthetic
    r = backtest(reg, obs, outturn_as_of="2024-12-31", n_draws=100).set_index("target_id").loc["rice_h2_2024"]
    assert r["outturn_derived"] and r["outturn"] == pytest.approx(2.03)
    assert r["margin"] == pytest.approx(-0.005) and r["rounding_half_width"] == pytest.approx(0.055)
    assert r["verdict"] == "within_rounding" and r["agreement"] == "rounding"


def test_brier_score_of_the_synthetic_backtest(synthetic):
    """Five July probabilities (GRDP H2 and year, tourists H2 and year, disbursement), three events."""
    _, _, sbt = synthetic
    ps = sbt["july_p_met"].dropna()
    assert set(ps.index) == {"grdp_growth_fy2024", "grdp_growth_h2_2024", "tourists_h2_2024", "tourists_fy2024",
                             "pi_disbursement_fy2024"}
    assert (sbt.loc[["grdp_growth_h2_2024", "tourists_h2_2024"], "verdict"] == "met").all()
    b, k = brier_score(sbt.reset_index())
    p = sbt["july_p_met"]
    expected = ((p["grdp_growth_fy2024"] - 1) ** 2 + (p["tourists_fy2024"] - 1) ** 2
                + (p["pi_disbursement_fy2024"] - 0) ** 2) / 3
    assert k == 3 and b == pytest.approx(expected)
