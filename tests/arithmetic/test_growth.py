"""kg_metrics.arithmetic.growth: the council's growth arithmetic, checked against values derivable by hand."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg_metrics.arithmetic.growth import (annual_growth, contribution_pp, contributions_pp, gap_pct, growth_pct, h1_weight,
                               h2_share, implied_h1, implied_h1_weight, pro_rata_target, projected_by_path,
                               required_h2_growth, required_h2_yoy_growth, share_of_plan)

# Kiên Giang's published inputs (data/observations/economy.csv; bn VND, 2010 prices; growth in %)
GRDP_H1_2023 = 35872.0      # H1-2023, 4/7/2023
GRDP_FY_2024 = 78259.0      # FY-2024, 6/12/2024 (the page writes 78.259, no decimals)
GRDP_GROWTH_FY_2024 = 7.5   # FY-2024, 6/12/2024
GRDP_FY_2023 = GRDP_FY_2024 / (1 + GRDP_GROWTH_FY_2024 / 100)   # = 78.259 / 1,075 ≈ 72.799,07 (derivations.yml)
TARGET_2024 = 6.7
H1_GROWTH_2024 = 6.84


# --------------------------------------------------------------------------- h1_weight
def test_h1_weight_is_h1_over_year():
    assert h1_weight(45, 90) == pytest.approx(0.5)   # 45 / 90
    assert h1_weight(30, 120) == pytest.approx(0.25)


def test_h1_weight_kien_giang_2023():
    # 35.872 / 72.799,07 = 0,49275 (H1 was a little under half of 2023)
    assert h1_weight(GRDP_H1_2023, GRDP_FY_2023) == pytest.approx(0.49275, abs=5e-6)


@pytest.mark.parametrize("year", [0, -1])
def test_h1_weight_rejects_non_positive_year(year):
    with pytest.raises(ValueError, match="positive"):
        h1_weight(10, year)


# --------------------------------------------------------------------------- required_h2_growth
def test_required_h2_growth_with_the_real_kien_giang_inputs():
    # w₁ = 35.872 / (78.259 / 1,075) = 0,492754…
    # g₂ = (6,7 − 0,492754 × 6,84) / (1 − 0,492754) = (6,7 − 3,370434) / 0,507246 = 6,5640
    # the resolution wrote "6 tháng cuối năm phải đạt từ 6,56% trở lên"
    w1 = h1_weight(GRDP_H1_2023, GRDP_FY_2023)
    g2 = required_h2_growth(TARGET_2024, H1_GROWTH_2024, w1)
    assert g2 == pytest.approx(6.5640, abs=5e-4)
    assert round(g2, 2) == 6.56


@pytest.mark.parametrize("g, g1", [(6.7, 6.84), (5.0, 3.0), (7.0, 9.5), (0.0, 2.0), (-1.0, 4.0)])
def test_required_h2_growth_with_equal_halves_is_2g_minus_g1(g, g1):
    # w₁ = ½: g = ½·g₁ + ½·g₂  ⇒  g₂ = 2·g − g₁
    assert required_h2_growth(g, g1, 0.5) == pytest.approx(2 * g - g1)


def test_required_h2_growth_hand_values():
    # w₁ = 0,25: g₂ = (8 − 0,25 × 4) / 0,75 = 7 / 0,75 = 9,333…
    assert required_h2_growth(8, 4, 0.25) == pytest.approx(28 / 3)
    # w₁ = 0: H1 does not count, H2 must deliver the whole year's growth
    assert required_h2_growth(6.7, 100.0, 0.0) == pytest.approx(6.7)
    # if H1 grew exactly at the target, H2 must too, whatever the weight
    assert required_h2_growth(6.7, 6.7, 0.49) == pytest.approx(6.7)


def test_h1_above_target_lowers_what_h2_needs():
    w = 0.49
    assert required_h2_growth(6.7, 7.5, w) < 6.7 < required_h2_growth(6.7, 6.0, w)


@pytest.mark.parametrize("w", [1.0, 1.2, -0.01])
def test_required_h2_growth_rejects_invalid_weights(w):
    with pytest.raises(ValueError, match="h1_weight"):
        required_h2_growth(6.7, 6.84, w)


# --------------------------------------------------------------------------- annual_growth
def test_annual_growth_hand_values():
    assert annual_growth(6.84, 6.56, 0.5) == pytest.approx(6.7)          # (6,84 + 6,56) / 2
    assert annual_growth(4, 8, 0.25) == pytest.approx(7)                 # 0,25·4 + 0,75·8 = 1 + 6


@settings(max_examples=200, deadline=None)
@given(g=st.floats(-20, 50), g1=st.floats(-20, 50), w=st.floats(0, 0.95))
def test_annual_growth_inverts_required_h2_growth(g, g1, w):
    g2 = required_h2_growth(g, g1, w)
    assert annual_growth(g1, g2, w) == pytest.approx(g, abs=1e-9)


def test_annual_growth_recovers_the_kien_giang_target():
    w1 = h1_weight(GRDP_H1_2023, GRDP_FY_2023)
    g2 = required_h2_growth(TARGET_2024, H1_GROWTH_2024, w1)
    assert annual_growth(H1_GROWTH_2024, g2, w1) == pytest.approx(TARGET_2024)


# --------------------------------------------------------------------------- levels and shares
def test_implied_h1_is_year_minus_h2():
    assert implied_h1(680_000, 99_355) == 580_645      # intl tourists: 680.000 − 99.355
    assert implied_h1(4.6, 2.035) == pytest.approx(2.565)  # rice: 4,6 − 2,035 Mt


def test_gap_pct():
    assert gap_pct(110, 100) == pytest.approx(10)
    assert gap_pct(45, 90) == pytest.approx(-50)
    # implied H1 intl tourists 580.645 vs the 508.645 observed: 72.000 / 508.645 = 14,155%
    assert gap_pct(580_645, 508_645) == pytest.approx(14.155, abs=5e-4)


def test_gap_pct_rejects_zero_reference():
    with pytest.raises(ValueError, match="zero"):
        gap_pct(1, 0)


def test_h2_share():
    assert h2_share(45, 90) == pytest.approx(50)
    assert h2_share(2.035, 4.6) == pytest.approx(44.239, abs=5e-4)   # 2,035 / 4,6 = 0,44239


@pytest.mark.parametrize("year", [0, -4.6])
def test_h2_share_rejects_non_positive_year(year):
    with pytest.raises(ValueError):
        h2_share(1, year)


def test_growth_pct():
    assert growth_pct(107, 100) == pytest.approx(7)
    assert growth_pct(90, 100) == pytest.approx(-10)
    assert growth_pct(2.57, 2.5) == pytest.approx(2.8)               # 2,57 / 2,5 = 1,028
    # 78.259,75 after 7,5% growth: back to the base and forward again
    assert growth_pct(GRDP_FY_2024, GRDP_FY_2023) == pytest.approx(GRDP_GROWTH_FY_2024)


@pytest.mark.parametrize("base", [0, -1])
def test_growth_pct_rejects_non_positive_base(base):
    with pytest.raises(ValueError, match="base"):
        growth_pct(1, base)


def test_required_h2_yoy_growth():
    # H2 2023 tourists = 8,5 − 4,95 = 3,55 M; 3,75 / 3,55 = 1,05634 → 5,634%
    assert required_h2_yoy_growth(3.75, 8.5 - 4.95) == pytest.approx(5.634, abs=5e-4)
    assert required_h2_yoy_growth(110, 100) == pytest.approx(10)
    with pytest.raises(ValueError):
        required_h2_yoy_growth(3.75, 0)


def test_share_of_plan():
    assert share_of_plan(45, 90) == pytest.approx(50)                 # 45/90 = 50%
    assert share_of_plan(360_942, 800_000) == pytest.approx(45.11775)  # fishery H1 2024 vs the 800.000 t plan
    assert share_of_plan(120, 100) == pytest.approx(120)              # over-fulfilment is not capped


@pytest.mark.parametrize("plan", [0, -5])
def test_share_of_plan_rejects_non_positive_plan(plan):
    with pytest.raises(ValueError, match="plan"):
        share_of_plan(1, plan)


# --------------------------------------------------------------------------- contributions
def test_contribution_pp():
    # a 60-of-100 sector growing 5% adds 0,6 × 5 = 3 pp
    assert contribution_pp(60, 100, 5) == pytest.approx(3)
    # agriculture H1 2024: 13.897,96 / 35.872 × 2,46 = 0,38743 × 2,46 = 0,9531 pp
    assert contribution_pp(13897.96, GRDP_H1_2023, 2.46) == pytest.approx(0.9531, abs=5e-5)


@pytest.mark.parametrize("total", [0, -10])
def test_contribution_pp_rejects_non_positive_total(total):
    with pytest.raises(ValueError, match="total"):
        contribution_pp(1, total, 5)


def test_contributions_pp_hand_values():
    c = contributions_pp({"a": 60, "b": 40}, {"a": 5, "b": 10})
    # a: 0,6 × 5 = 3; b: 0,4 × 10 = 4; the total grows from 100 to 63 + 44 = 107, i.e. 7%
    assert c == pytest.approx({"a": 3.0, "b": 4.0})
    assert sum(c.values()) == pytest.approx(growth_pct(63 + 44, 100))


def test_contributions_pp_with_kien_giangs_h1_2023_weights():
    # agriculture's and industry's H1 2023 value added (bn VND) are the published ones (economy.csv, 4/7/2023);
    # services' level and the H1 2024 growth rates are illustrative (no dated source: data/README.md);
    # product taxes are the residual
    base = {"agri": 13897.96, "industry": 7151.09, "services": 12862.0,
            "taxes": GRDP_H1_2023 - 13897.96 - 7151.09 - 12862.0}   # = 1.960,95
    growth = {"agri": 2.46, "industry": 10.35, "services": 9.8, "taxes": 5.71}
    c = contributions_pp(base, growth)
    # services: 12.862 / 35.872 × 9,8 = 3,5138 pp
    assert c["services"] == pytest.approx(3.5138, abs=5e-5)
    # the contributions add up to the growth of the sum: Σ bᵢ(1 + gᵢ) over Σ bᵢ
    grown = sum(base[k] * (1 + growth[k] / 100) for k in base)
    assert sum(c.values()) == pytest.approx(growth_pct(grown, GRDP_H1_2023))
    # … which is close to the 6,84% the province reported (rounding in the published figures)
    assert sum(c.values()) == pytest.approx(H1_GROWTH_2024, abs=0.05)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3),
                       st.tuples(st.floats(0.01, 1e6), st.floats(-50, 100)), min_size=1, max_size=6))
def test_contributions_sum_to_total_growth(parts):
    base = {k: b for k, (b, _) in parts.items()}
    growth = {k: g for k, (_, g) in parts.items()}
    grown = sum(b * (1 + growth[k] / 100) for k, b in base.items())
    total = sum(contributions_pp(base, growth).values())
    assert total == pytest.approx(growth_pct(grown, sum(base.values())), abs=1e-7)


def test_contributions_pp_zero_bases_rejected():
    with pytest.raises(ValueError):
        contributions_pp({"a": 0, "b": 0}, {"a": 5, "b": 10})


def test_contributions_pp_missing_growth_is_an_error():
    with pytest.raises(KeyError):
        contributions_pp({"a": 60, "b": 40}, {"a": 5})


# --------------------------------------------------------------------------- pro rata
@pytest.mark.parametrize("months, expected", [(0, 0.0), (1, 449.2 / 6), (3, 224.6), (6, 449.2)])
def test_pro_rata_target(months, expected):
    # exports H2 target 449,2 M USD, spread evenly: half of it after 3 of 6 months
    assert pro_rata_target(449.2, months) == pytest.approx(expected)


@pytest.mark.parametrize("months", [-1, 7, 12])
def test_pro_rata_target_rejects_months_outside_h2(months):
    with pytest.raises(ValueError, match="between 0 and 6"):
        pro_rata_target(449.2, months)


# --------------------------------------------------------------------------- implied_h1_weight
def test_implied_h1_weight_of_the_resolution():
    # the resolution states 6,7% for the year and 6,56% for H2; H1 grew 6,84%:
    # w₁ = (6,7 − 6,56) / (6,84 − 6,56) = 0,14 / 0,28 = 0,5
    assert implied_h1_weight(6.7, 6.56, 6.84) == pytest.approx(0.5)
    # hand values: (5 − 6) / (4 − 6) = 0,5; (7 − 9) / (1 − 9) = 0,25
    assert implied_h1_weight(5, 6, 4) == pytest.approx(0.5)
    assert implied_h1_weight(7, 9, 1) == pytest.approx(0.25)


def test_implied_h1_weight_differs_from_the_datas_w1():
    # the data's w₁ (0,49275) gives g₂ = 6,564, which the resolution rounded to 6,56; 6,56 implies 0,5
    w1 = h1_weight(GRDP_H1_2023, GRDP_FY_2023)
    g2 = required_h2_growth(TARGET_2024, H1_GROWTH_2024, w1)
    assert implied_h1_weight(TARGET_2024, g2, H1_GROWTH_2024) == pytest.approx(w1, abs=1e-9)
    assert implied_h1_weight(TARGET_2024, round(g2, 2), H1_GROWTH_2024) == pytest.approx(0.5)


@settings(max_examples=200, deadline=None)
@given(g=st.floats(-20, 50), g1=st.floats(-20, 50), w=st.floats(0.01, 0.95))
def test_implied_h1_weight_inverts_required_h2_growth(g, g1, w):
    g2 = required_h2_growth(g, g1, w)
    if abs(g1 - g2) < 1e-3:  # equal halves: every weight gives the same year
        return
    assert implied_h1_weight(g, g2, g1) == pytest.approx(w, abs=1e-6)


def test_implied_h1_weight_rejects_equal_half_year_growth():
    with pytest.raises(ValueError, match="equal"):
        implied_h1_weight(6.7, 6.7, 6.7)


# --------------------------------------------------------------------------- projected_by_path
def test_projected_by_path_adds_the_mean_past_gain():
    # 40 + (50 + 46) / 2 = 88
    assert projected_by_path(40.0, [50.0, 46.0]) == pytest.approx(88.0)
    # one past year: its gain; 2022 disbursement 30 → 91,33 added 61,33 pp
    assert projected_by_path(35.0, [61.33]) == pytest.approx(96.33)
    # a year that lost ground (a revision down) counts with its sign: 40 + (10 − 4) / 2 = 43
    assert projected_by_path(40.0, [10.0, -4.0]) == pytest.approx(43.0)


def test_projected_by_path_needs_a_past_year():
    with pytest.raises(ValueError, match="at least one"):
        projected_by_path(40.0, [])
