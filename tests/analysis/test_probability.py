"""Probability of meeting each target: known answers, the history it rests on, reasons when there is none, charts."""
from __future__ import annotations

import dataclasses
import io
import math
import warnings
from statistics import NormalDist

import numpy as np
import pytest

from kg_metrics.report import charts
from kg_metrics.analysis import probability as P
from kg_metrics.data.observations import load_observations
from kg_metrics.report.briefing import Briefing
from kg_metrics.arithmetic.status import THRESHOLDS

N = 200_000


def mc_tolerance(p: float, n: int = N) -> float:
    """Four standard errors of a Monte Carlo proportion (and a floor for p near 0 or 1)."""
    return 4 * math.sqrt(max(p * (1 - p), 1e-4) / n)


# --------------------------------------------------------------------------- known answers
@pytest.mark.parametrize("mean, sd, comparator, threshold", [
    (6.84, 1.0, "≥", 6.56), (5.0, 2.0, "≥", 6.56), (5.0, 2.0, ">", 9.0), (10.0, 3.0, "≥", 2.0), (0.0, 1.0, "≥", 0.0),
])
def test_normal_growth_against_a_threshold_is_phi_z(mean, sd, comparator, threshold):
    """X ~ N(μ, σ²): P(X ≥ t) = 1 − Φ((t − μ)/σ) = Φ((μ − t)/σ)."""
    expected = NormalDist().cdf((mean - threshold) / sd)
    got = P.p_met(mean, sd, None, comparator, threshold, n_draws=N, seed=1)
    assert got == pytest.approx(expected, abs=mc_tolerance(expected))


@pytest.mark.parametrize("centre, scale, threshold", [(1.85, 2.4768, -0.14), (0.0, 1.0, 1.0), (2.0, 0.5, 3.0)])
def test_student_t_one_degree_is_cauchy(centre, scale, threshold):
    """T₁ is Cauchy: P(X ≥ t) = 1/2 − atan((t − c)/s)/π."""
    expected = 0.5 - math.atan((threshold - centre) / scale) / math.pi
    got = P.p_met(centre, scale, 1, "≥", threshold, n_draws=N, seed=2)
    assert got == pytest.approx(expected, abs=mc_tolerance(expected))


def test_student_t_two_degrees():
    """T₂: P(T ≥ x) = 1/2 − x / (2√(2 + x²))."""
    x = -1.09
    expected = 0.5 - x / (2 * math.sqrt(2 + x * x))
    assert P.p_met(0.0, 1.0, 2, "≥", x, n_draws=N, seed=3) == pytest.approx(expected, abs=mc_tolerance(expected))


def test_predictive_by_hand():
    c, s, df = P.predictive([3.28, 0.42])
    assert c == pytest.approx(1.85) and df == 1
    assert s == pytest.approx(abs(3.28 - 0.42) / math.sqrt(2) * math.sqrt(1.5))
    c, s, df = P.predictive([1.0, 2.0, 3.0])
    assert (c, df) == (2.0, 2) and s == pytest.approx(1.0 * math.sqrt(4 / 3))
    with pytest.raises(ValueError, match="at least 2"):
        P.predictive([1.0])


def test_meets_array_matches_status_meets():
    from kg_metrics.arithmetic.status import meets

    values = np.array([9.1, 9.2, 9.2 + 1e-12, 9.3])
    for comparator in (">", "≥", "=", "≈"):
        assert P.meets_array(values, comparator, 9.2).tolist() == [meets(v, comparator, 9.2) for v in values]


def test_reproducible_with_a_seed():
    a = P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=7)
    assert a == P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=7)
    assert a != P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=8)


# --------------------------------------------------------------------------- history
def test_ratios_leave_covid_years_out(observations):
    ratios, left_out = P.h2_h1_ratios(observations, "tourists", 2024)
    assert sorted(ratios) == [2019, 2022, 2023] and left_out == [2020, 2021]
    assert ratios[2023] == pytest.approx((8.5 - 4.95) / 4.95)
    no_covid = dataclasses.replace(THRESHOLDS, covid_years=())
    assert sorted(P.h2_h1_ratios(observations, "tourists", 2024, thresholds=no_covid)[0]) == [2019, 2020, 2021, 2022,
                                                                                            2023]


def test_growth_gaps(observations):
    gaps, left_out = P.fy_h1_growth_gaps(observations, "grdp", 2024)
    assert gaps == pytest.approx({2022: 7.7 - 4.42, 2023: 6.79 - 6.37}) and left_out == [2020, 2021]


def test_history_respects_as_of(observations):
    assert P.h2_h1_ratios(observations, "tourists", 2024, as_of="2023-06-30")[0] == pytest.approx(
        {2019: (8.780484 - 4.443255) / 4.443255, 2022: (7.56 - 4.95 / 1.42) / (4.95 / 1.42)}, rel=1e-6)


# --------------------------------------------------------------------------- every target
@pytest.fixture(scope="module")
def probs(registry, observations):
    return {p.target_id: p for p in P.target_probabilities(registry, observations, n_draws=N)}


def test_which_targets_get_a_probability(probs, registry):
    assert len(probs) == len(registry.targets)
    assert {k for k, p in probs.items() if p.available} == {"grdp_growth_fy2024", "grdp_growth_h2_2024",
                                                             "tourists_h2_2024", "tourists_fy2024"}


def test_grdp_probability_by_hand(probs):
    """d = FY − H1 growth in 2022, 2023 (3,28; 0,42); FY 2024 = 6,84 + d ≥ 6,7 ⇔ d ≥ −0,14; T₁ predictive."""
    c, s = 1.85, abs(3.28 - 0.42) / math.sqrt(2) * math.sqrt(1.5)
    expected = 0.5 - math.atan((-0.14 - c) / s) / math.pi
    p = probs["grdp_growth_fy2024"]
    assert p.p_met == pytest.approx(expected, abs=mc_tolerance(expected))
    assert round(p.p_met, 2) == 0.72 and p.method == "fy_h1_growth_gap" and p.years == [2022, 2023]
    # H2: g₂ = (g − w₁·g₁)/(1 − w₁) ≥ 6,56 ⇔ g ≥ w₁·6,84 + (1 − w₁)·6,56
    w1 = 35872 / (78259.75 / 1.075)
    expected_h2 = 0.5 - math.atan((w1 * 6.84 + (1 - w1) * 6.56 - 6.84 - c) / s) / math.pi
    assert probs["grdp_growth_h2_2024"].p_met == pytest.approx(expected_h2, abs=mc_tolerance(expected_h2))


def test_tourists_probability_by_hand(probs):
    """ln r of 2019, 2022, 2023; H2 2024 = H1 × r > 3,75 M; T₂ predictive of ln r."""
    logs = np.log([(8.780484 - 4.443255) / 4.443255, (7.56 - 4.95 / 1.42) / (4.95 / 1.42), 3.55 / 4.95])
    c, s = logs.mean(), logs.std(ddof=1) * math.sqrt(4 / 3)
    x = (math.log(3.75 / 5.472384) - c) / s
    expected = 0.5 - x / (2 * math.sqrt(2 + x * x))
    assert probs["tourists_h2_2024"].p_met == pytest.approx(expected, abs=mc_tolerance(expected))
    assert round(probs["tourists_h2_2024"].p_met, 2) == 0.81


@pytest.mark.parametrize("target_id, reason", [
    ("rice_h2_2024", "history"), ("ipv_fy2024", "history"), ("intl_tourists_fy2024", "history"),
    ("fishery_fy2024", "history"), ("retail_fy2024", "no_h1"), ("exports_h2_2024", "no_h1"),
    ("ntm_communes_fy2024", "no_h1"), ("pi_disbursement_fy2024", "not_additive"),
    ("military_admissions_fy2024", "not_additive"),
])
def test_no_probability_says_why(probs, target_id, reason):
    p = probs[target_id]
    assert p.p_met is None and p.reason == reason and not p.quantiles


def test_short_history_names_its_years(probs):
    assert probs["rice_fy2024"].years == [2023] and probs["intl_tourists_h2_2024"].years == [2019]


def test_no_probability_once_the_outturn_is_known(registry, observations):
    after = {p.target_id: p for p in P.target_probabilities(registry, observations, as_of="2025-12-31", n_draws=100)}
    assert after["grdp_growth_fy2024"].reason == "outturn" and after["tourists_h2_2024"].reason == "outturn"


def test_a_sector_briefings_data_give_the_same_probability(registry, observations, probs):
    tourism = load_observations(registry, sectors=["tourism"])
    mine = {p.target_id: p for p in P.target_probabilities(registry, tourism, n_draws=N,
                                                           target_ids=["tourists_fy2024"])}
    assert mine["tourists_fy2024"].p_met == probs["tourists_fy2024"].p_met


def test_quantiles_are_ordered(probs):
    q = probs["tourists_fy2024"].quantiles
    assert list(q) == list(P.FAN_QUANTILES) and list(q.values()) == sorted(q.values())


# --------------------------------------------------------------------------- charts and briefings
def _png(fig) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Vietnamese glyph would warn
        fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fan_charts_draw(probs, registry, observations, lang):
    for tid in ("grdp_growth_fy2024", "grdp_growth_h2_2024", "tourists_h2_2024", "tourists_fy2024"):
        data = charts.fan_chart_data(probs[tid], observations, "2024-07-18")
        fig = charts.fan_chart(data, registry, lang)
        texts = [t.get_text() for t in fig.axes[0].texts] + [t.get_text() for t in fig.legends[0].get_texts()]
        assert any(("Xác suất đạt ≈" if lang == "vi" else "Probability of meeting it ≈") in t for t in texts)
        assert _png(fig).startswith(b"\x89PNG")
    d = charts.fan_chart_data(probs["tourists_fy2024"], observations, "2024-07-18")
    assert [y for y, _, _ in d.history] == [2019, 2020, 2021, 2022, 2023]
    assert [c for _, _, c in d.history] == [False, True, True, False, False]
    assert charts.fan_chart_data(probs["grdp_growth_h2_2024"], observations).start == 6.84


def test_no_fan_chart_without_a_probability(probs, observations):
    with pytest.raises(ValueError, match="no probability"):
        charts.fan_chart_data(probs["rice_fy2024"], observations)


def test_sector_probability_per_target(registry):
    b = Briefing.load("tourism", "en")
    targets = b.section("targets").text
    assert "Probability of meeting the target (estimate)" in targets
    assert "H2 / H1 ratio in 2019, 2022, 2023; COVID-19 years 2020, 2021 left out" in targets
    assert "too little history: 1 usable year(s) (2019), at least 2 needed" in targets
