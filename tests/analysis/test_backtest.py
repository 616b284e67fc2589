"""Backtest: each target against the 2024 outturn, derived H2 outturns and rounding, the July assessment compared.

The page that shows it: tests/report/test_sections_backtest.py."""
from __future__ import annotations

import math

import pytest

from kg_metrics.analysis.backtest import backtest, brier_score, published_half_unit, rounding_half_width
from kg_metrics.data.observations import lookup

LAODONG = "https://news.laodong.vn/kinh-doanh/kien-giang-xu-ly-dut-diem-du-an-vuong-mac-truoc-304-1479623.ldo"
BAOPHAPLUAT = "https://baophapluat.vn/kien-giang-thu-nhap-binh-quan-dau-nguoi-dat-gan-82-trieu-dong-nam-2024-post533994.html"


@pytest.fixture(scope="module")
def bt(registry, observations):
    return backtest(registry, observations).set_index("target_id")


def test_public_investment_is_missed(bt):
    r = bt.loc["pi_disbursement_fy2024"]
    assert r["verdict"] == "missed" and r["outturn"] == 75.22 and not r["outturn_derived"]
    assert r["margin"] == pytest.approx(75.22 - 95) and r["margin_pct"] == pytest.approx((75.22 - 95) / 95 * 100)
    assert r["sources"] == LAODONG


def test_grdp_growth_is_met(bt):
    r = bt.loc["grdp_growth_fy2024"]
    assert r["verdict"] == "met" and r["outturn"] == 7.5
    assert r["margin"] == pytest.approx(0.8) and r["margin_pct"] == pytest.approx(0.8 / 6.7 * 100)
    assert r["sources"] == BAOPHAPLUAT
    assert r["july_status"] == "on_track" and r["agreement"] == "expected" and round(r["july_p_met"], 2) == 0.72


def test_rice_h2_is_within_rounding_not_a_miss(bt):
    """4,6 − >2,57 = 2,03 vs ≥ 2,035: short by 0,005; the inputs are rounded to 0,1 and 0,01 (±0,05 + ±0,005)."""
    r = bt.loc["rice_h2_2024"]
    assert r["outturn_derived"] and r["outturn"] == pytest.approx(2.03)
    assert r["margin"] == pytest.approx(-0.005) and r["rounding_half_width"] == pytest.approx(0.055)
    assert r["verdict"] == "within_rounding" and r["agreement"] == "rounding"


def test_derived_outturns_are_labelled(bt):
    derived = set(bt.index[bt["outturn_derived"]])
    assert derived == {"grdp_growth_h2_2024", "rice_h2_2024", "fishery_h2_2024", "ipv_h2_2024", "tourists_h2_2024",
                       "intl_tourists_h2_2024"}
    assert bt.loc["tourists_h2_2024", "outturn"] == pytest.approx(9.8 - (6.672384 - 1.2))


def test_targets_without_an_outturn(bt):
    none = set(bt.index[bt["verdict"] == "no_outturn"])
    assert none == {"ntm_communes_h2_2024", "ntm_model_fy2024", "ntm_districts_fy2024", "retail_h2_2024",
                    "exports_h2_2024", "military_admissions_fy2024"}
    assert all(math.isnan(x) for x in bt.loc[list(none), "margin"])
    assert (bt.loc[list(none), "sources"] == "").all()


def test_counts(bt):
    assert bt["verdict"].value_counts().to_dict() == {"met": 15, "no_outturn": 6, "missed": 1, "within_rounding": 1}


def test_derived_outturn_sources_are_its_inputs(bt, observations):
    srcs = bt.loc["rice_h2_2024", "sources"].split(" ; ")
    assert srcs == [lookup(observations, "rice", "FY-2024")["source_url"], lookup(observations, "rice", "H1-2024")["source_url"]]


def test_rounding_half_widths(registry, observations):
    assert published_half_unit(4.6) == pytest.approx(0.05) and published_half_unit(360942) == 0.5
    fishery = lookup(observations, "fishery", "FY-2024")  # '>814.000' t: to the thousand
    assert rounding_half_width(observations, fishery, registry) == 500
    exports = lookup(observations, "exports", "FY-2024")  # 1 bn USD = 1.000 m USD, to the whole bn
    assert rounding_half_width(observations, exports, registry) == 500
    # derived: Jan–Jul minus July: 6.672.384 (±0,5) − 1,2 M (±0,05 M)
    t = lookup(observations, "tourists", "H1-2024")
    assert rounding_half_width(observations, t, registry) == pytest.approx(0.5e-6 + 0.05)


def test_brier_score(bt):
    b, k = brier_score(bt.reset_index())
    ps = bt["july_p_met"].dropna()
    assert k == 4 and b == pytest.approx(float(((ps - 1) ** 2).mean()))
