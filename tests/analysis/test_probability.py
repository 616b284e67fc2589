"""Probability of meeting each target: known answers, the history it rests on, reasons when there is none, charts."""
from __future__ import annotations

import dataclasses
import io
import math
import shutil
import warnings
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from kg_metrics.report import charts
from kg_metrics.analysis import probability as P
from kg_metrics.analysis.assessment import assess_targets, path_status
from kg_metrics.data.observations import load_observations
from kg_metrics.data.registry import load_registry
from kg_metrics.report.briefing import Briefing
from kg_metrics.arithmetic.status import THRESHOLDS, Thresholds
from tests.conftest import predictive_by_hand, t4_sf

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
    values = [-0.27, 0.38, 0.4, 3.28, 0.42]
    c, s, df = P.predictive(values)
    m = sum(values) / 5
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / 4)
    assert c == pytest.approx(m) and df == 4 and s == pytest.approx(sd * math.sqrt(1 + 1 / 5))
    c, s, df = P.predictive([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert (c, df) == (3.5, 5) and s == pytest.approx(math.sqrt(3.5) * math.sqrt(7 / 6))
    # fewer values than MIN_YEARS (5): no predictive distribution, as no probability is given from them
    assert P.MIN_YEARS == 5
    with pytest.raises(ValueError, match="at least 5"):
        P.predictive([3.28, 0.42, 1.0, 2.0])


def test_meets_array_matches_status_meets():
    from kg_metrics.arithmetic.status import meets

    values = np.array([9.1, 9.2, 9.2 + 1e-12, 9.3])
    for comparator in (">", "≥", "=", "≈"):
        assert P.meets_array(values, comparator, 9.2).tolist() == [meets(v, comparator, 9.2) for v in values]


def test_reproducible_with_a_seed():
    a = P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=7)
    assert a == P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=7)
    assert a != P.p_met(5.0, 2.0, None, "≥", 6.0, n_draws=10_000, seed=8)


# --------------------------------------------------------------------------- reading the CSV by hand
def vn(text: str) -> float:
    """A number in the data's notation ('8.780.484', '4,95') read by hand."""
    return float(text.replace(".", "").replace(",", "."))


TO_MILLION = {"arrivals": 1e-6, "m_arrivals": 1.0, "pct": 1.0, "bn_vnd": 1.0}


def figure(rows, indicator, measure, period, as_of="9999-12-31", scale=TO_MILLION):
    """The latest vintage published by ``as_of`` of a province's figure (plans left out), from CSV rows."""
    hits = [r for r in rows if (r["indicator"], r["measure"], r["period"], r["area"]) == (indicator, measure, period,
                                                                                          "kien_giang")
            and r["status"] != "plan" and r["published"] <= as_of]
    assert hits, (indicator, measure, period, as_of)
    r = max(hits, key=lambda r: r["published"])
    return vn(r["value"]) * (scale[r["unit"]] if measure == "level" else 1.0)


@pytest.fixture
def tourism_rows(data_dir, csv_tools):
    return csv_tools.read(data_dir / "observations" / "tourism.csv")[1]


@pytest.fixture
def economy_rows(data_dir, csv_tools):
    return csv_tools.read(data_dir / "observations" / "economy.csv")[1]


# --------------------------------------------------------------------------- history
def test_ratios_leave_covid_years_out(observations, tourism_rows):
    ratios, left_out = P.h2_h1_ratios(observations, "tourists", 2024)
    assert sorted(ratios) == [2019, 2022, 2023] and left_out == [2020, 2021]
    # H2/H1 2023 = (FY − H1) / H1 with '>8,5' M and '≈5' M
    fy, h1 = figure(tourism_rows, "tourists", "level", "FY-2023"), figure(tourism_rows, "tourists", "level", "H1-2023")
    assert (fy, h1) == (8.5, 5.0) and ratios[2023] == pytest.approx((fy - h1) / h1)
    no_covid = dataclasses.replace(THRESHOLDS, covid_years=())
    assert sorted(P.h2_h1_ratios(observations, "tourists", 2024, thresholds=no_covid)[0]) == [2019, 2020, 2021, 2022,
                                                                                            2023]


def test_growth_gaps(observations, economy_rows):
    gaps, left_out = P.fy_h1_growth_gaps(observations, "grdp", 2024)
    g = lambda p: figure(economy_rows, "grdp", "growth_yoy_pct", p, "2024-07-18")  # noqa: E731
    assert gaps == pytest.approx({2022: g("FY-2022") - g("H1-2022"), 2023: g("FY-2023") - g("H1-2023")})
    assert gaps == pytest.approx({2022: 7.7 - 4.42, 2023: 6.79 - 6.37}) and left_out == [2020, 2021]


def test_history_respects_as_of(observations, tourism_rows):
    # 2019: H1 = Jan–Jul − July (derived, published 19/7/2019); 2022: H1 = H1 2023 / 1,42 (derived, from 10/7/2023)
    h1_2019 = figure(tourism_rows, "tourists", "level", "YTD07-2019") - figure(tourism_rows, "tourists", "level", "M07-2019")
    fy_2019 = figure(tourism_rows, "tourists", "level", "FY-2019")
    r2019 = (fy_2019 - h1_2019) / h1_2019
    assert P.h2_h1_ratios(observations, "tourists", 2024, as_of="2023-06-30")[0] == pytest.approx({2019: r2019})
    h1_2022 = figure(tourism_rows, "tourists", "level", "H1-2023") / (
        1 + figure(tourism_rows, "tourists", "growth_yoy_pct", "H1-2023") / 100)
    fy_2022 = figure(tourism_rows, "tourists", "level", "FY-2022", "2023-07-31")  # the official 7.568.182 of 31/1/2023
    assert fy_2022 == pytest.approx(7.568182)
    assert P.h2_h1_ratios(observations, "tourists", 2024, as_of="2023-07-31")[0] == pytest.approx(
        {2019: r2019, 2022: (fy_2022 - h1_2022) / h1_2022}, rel=1e-9)


# --------------------------------------------------------------------------- the shipped data, 18/7/2024
@pytest.fixture(scope="module")
def probs(registry, observations):
    return {p.target_id: p for p in P.target_probabilities(registry, observations, n_draws=N)}


def test_no_shipped_target_gets_a_probability_as_of_the_resolution(probs, registry):
    """As of 18/7/2024 no target has both an H1 figure and 5 usable years: none gets a number, each says why."""
    assert len(probs) == len(registry.targets)
    assert not [k for k, p in probs.items() if p.available]
    assert all(p.reason in P.REASONS and not p.quantiles and p.n_draws == 0 for p in probs.values())


@pytest.mark.parametrize("target_id, reason, years", [
    ("grdp_growth_fy2024", "history", [2022, 2023]),      # H1 6,84% is published, but 2 years < 5
    ("grdp_growth_h2_2024", "no_weight", [2022, 2023]),   # the 2023 GRDP level was not published by then
    ("rice_h2_2024", "no_h1", [2023]), ("ipv_fy2024", "no_h1", [2023]),
    ("intl_tourists_fy2024", "no_h1", [2019, 2023]), ("tourists_h2_2024", "no_h1", [2019, 2022, 2023]),
    ("fishery_fy2024", "history", []),                   # H1 2024 is published; no earlier year has H1 and year
    ("retail_fy2024", "no_h1", []), ("exports_h2_2024", "no_h1", []), ("ntm_communes_fy2024", "no_h1", []),
    ("pi_disbursement_fy2024", "no_h1", []),            # not additive: the H1→year path model, no H1 rate
    ("military_admissions_fy2024", "no_h1", []),
])
def test_no_probability_says_why(probs, target_id, reason, years):
    p = probs[target_id]
    assert p.p_met is None and p.reason == reason and not p.quantiles and p.years == years


def test_cumulative_rates_use_the_path_model(probs):
    for tid in ("pi_disbursement_fy2024", "military_admissions_fy2024"):
        assert probs[tid].method == "h1_fy_path"
    assert probs["grdp_growth_fy2024"].method == "fy_h1_growth_gap" and probs["tourists_fy2024"].method == "h2_h1_ratio"


def test_no_probability_once_the_outturn_is_known(registry, observations):
    after = {p.target_id: p for p in P.target_probabilities(registry, observations, as_of="2025-12-31", n_draws=100)}
    assert after["grdp_growth_fy2024"].reason == "outturn" and after["tourists_fy2024"].reason == "outturn"


def test_no_fan_chart_without_a_probability(probs, observations):
    with pytest.raises(ValueError, match="no probability"):
        charts.fan_chart_data(probs["rice_fy2024"], observations)


# --------------------------------------------------------------------------- synthetic history (≥ 5 years)
#: Rows appended to a copy of the data so that the models have 5 usable years and an H1 2024 figure.
#: (file, indicator, measure, period, value, unit, published); all estimates of the province.
HISTORY = [
    ("economy", "grdp", "growth_yoy_pct", "FY-2017", "7,25", "pct", "2018-01-10"),   # H1 2017 7,52: gap −0,27
    ("economy", "grdp", "growth_yoy_pct", "FY-2018", "8,9", "pct", "2019-01-10"),    # H1 2018 8,52: gap 0,38
    ("economy", "grdp", "growth_yoy_pct", "H1-2019", "6,9", "pct", "2019-07-10"),    # FY 2019 7,3: gap 0,4
    ("economy", "grdp", "level", "FY-2023", "72.799,77", "bn_vnd", "2024-01-10"),    # w₁ = 35.872 / 72.799,77
    ("tourism", "tourists", "level", "H1-2017", "2,9", "m_arrivals", "2017-07-10"),
    ("tourism", "tourists", "level", "H1-2018", "3,942305", "m_arrivals", "2018-07-13"),
    ("tourism", "tourists", "level", "H1-2024", "5,472384", "m_arrivals", "2024-07-15"),
    ("tourism", "intl_tourists", "level", "H1-2024", "508.645", "arrivals", "2024-07-15"),
    *[("public_investment", "pi_disbursement", "level", p, v, "pct", d) for p, v, d in [
        ("H1-2017", "30", "2017-07-10"), ("FY-2017", "88", "2018-01-10"), ("H1-2018", "35", "2018-07-10"),
        ("FY-2018", "90", "2019-01-10"), ("H1-2019", "28", "2019-07-10"), ("FY-2019", "86", "2020-01-10"),
        ("H1-2020", "20", "2020-07-10"), ("FY-2020", "80", "2021-01-10"), ("H1-2022", "40", "2022-07-10"),
        ("H1-2023", "38", "2023-07-10"), ("FY-2023", "89", "2024-01-10"), ("H1-2024", "36", "2024-07-12")]],
]
# by hand: GRDP FY − H1 growth gaps, tourists' H2/H1 ratios, disbursement's H1→year gains (2020–21 left out)
GAPS = [7.25 - 7.52, 8.9 - 8.52, 7.3 - 6.9, 7.7 - 4.42, 6.79 - 6.37]
RATIOS = [(6.079179 - 2.9) / 2.9, (7.71093 - 3.942305) / 3.942305, (8.780484 - 4.443255) / 4.443255,
          (7.568182 - 5 / 1.42) / (5 / 1.42), (8.5 - 5) / 5]
GAINS = [88 - 30, 90 - 35, 86 - 28, 91.33 - 40, 89 - 38]
W1 = 35872 / 72799.77


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory, csv_tools) -> Path:
    dest = csv_tools.copy_data(tmp_path_factory.mktemp("history"))
    csv_tools.add_observations_by_file(dest, HISTORY)
    return dest


@pytest.fixture(scope="module")
def hist(history_dir, csv_tools):
    reg, obs = csv_tools.load(history_dir)
    return reg, obs, {p.target_id: p for p in P.target_probabilities(reg, obs, n_draws=N)}


def test_t4_survival_function():
    for x in (-2.0, -0.5, 0.0, 0.7, 3.0):
        got = P.p_met(0.0, 1.0, 4, "≥", x, n_draws=N, seed=4)
        assert got == pytest.approx(t4_sf(x), abs=mc_tolerance(t4_sf(x)))


def test_which_targets_get_a_probability(hist, registry):
    _, _, ps = hist
    assert len(ps) == len(registry.targets)
    assert {k for k, p in ps.items() if p.available} == {"grdp_growth_fy2024", "grdp_growth_h2_2024",
                                                         "tourists_h2_2024", "tourists_fy2024",
                                                         "pi_disbursement_fy2024"}


def test_grdp_probability_by_hand(hist):
    """d = FY − H1 growth of 5 years; FY 2024 = 6,84 + d ≥ 6,7 ⇔ d ≥ −0,14; T₄ predictive."""
    _, _, ps = hist
    c, s = predictive_by_hand(GAPS)
    expected = t4_sf((-0.14 - c) / s)
    p = ps["grdp_growth_fy2024"]
    assert p.p_met == pytest.approx(expected, abs=mc_tolerance(expected))
    assert p.method == "fy_h1_growth_gap" and p.years == [2017, 2018, 2019, 2022, 2023]
    assert p.excluded_years == [2020, 2021] and p.h1 == 6.84
    assert p.history == pytest.approx(dict(zip(p.years, GAPS)))
    # H2: g₂ = (g − w₁·g₁)/(1 − w₁) ≥ 6,56 ⇔ g ≥ w₁·6,84 + (1 − w₁)·6,56
    expected_h2 = t4_sf((W1 * 6.84 + (1 - W1) * 6.56 - 6.84 - c) / s)
    assert ps["grdp_growth_h2_2024"].p_met == pytest.approx(expected_h2, abs=mc_tolerance(expected_h2))


def test_a_scenarios_weight_changes_the_h2_probability(hist):
    reg, obs, _ = hist
    p = P.target_probabilities(reg, obs, n_draws=N, h1_weights={"grdp": 0.3}, target_ids=["grdp_growth_h2_2024"])[0]
    c, s = predictive_by_hand(GAPS)
    expected = t4_sf((0.3 * 6.84 + 0.7 * 6.56 - 6.84 - c) / s)
    assert p.p_met == pytest.approx(expected, abs=mc_tolerance(expected))


def test_tourists_probability_by_hand(hist):
    """ln r of 5 years; H2 2024 = H1 × r > 3,75 M; the year = H1 × (1 + r) > 9,2 M; T₄ predictive of ln r."""
    _, _, ps = hist
    c, s = predictive_by_hand([math.log(r) for r in RATIOS])
    expected = t4_sf((math.log(3.75 / 5.472384) - c) / s)
    assert ps["tourists_h2_2024"].p_met == pytest.approx(expected, abs=mc_tolerance(expected))
    assert ps["tourists_h2_2024"].history == pytest.approx(dict(zip([2017, 2018, 2019, 2022, 2023], RATIOS)))
    expected_fy = t4_sf((math.log(9.2 / 5.472384 - 1) - c) / s)
    assert ps["tourists_fy2024"].p_met == pytest.approx(expected_fy, abs=mc_tolerance(expected_fy))


def test_path_probability_for_a_cumulative_rate_by_hand(hist):
    """Disbursement (not additive): year = H1 + d, d the H1→year gain (pp) of 5 years; 36 + d ≥ 95 ⇔ d ≥ 59."""
    _, _, ps = hist
    p = ps["pi_disbursement_fy2024"]
    assert p.method == "h1_fy_path" and p.h1 == 36.0
    assert p.history == pytest.approx(dict(zip([2017, 2018, 2019, 2022, 2023], GAINS)))  # 2020 left out
    c, s = predictive_by_hand(GAINS)
    expected = t4_sf((95 - 36 - c) / s)
    assert p.p_met == pytest.approx(expected, abs=mc_tolerance(expected))
    assert p.quantiles[0.5] == pytest.approx(36 + c, abs=0.05)


def test_path_model_needs_five_years(history_dir, tmp_path):
    """Without the 2017 and 2018 rows the path model has 3 usable years: no probability, the reason says so."""
    dest = tmp_path / "data"
    shutil.copytree(history_dir, dest)
    path = dest / "observations" / "public_investment.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(l for l in lines if not (",H1-2017," in l or ",H1-2018," in l)), encoding="utf-8")
    reg = load_registry(dest)
    p = P.target_probabilities(reg, load_observations(reg), n_draws=100, target_ids=["pi_disbursement_fy2024"])[0]
    assert p.p_met is None and p.reason == "history" and p.years == [2019, 2022, 2023]


@pytest.mark.parametrize("projected, status", [
    (95.0, "on_track"), (96.0, "on_track"), (85.0, "at_risk"), (94.99, "at_risk"), (84.99, "off_track"), (70.0, "off_track"),
])
def test_path_status_thresholds(projected, status):
    """On track when the projected year meets the target; at risk up to path_at_risk_pp (10) short; else off track."""
    assert THRESHOLDS.path_at_risk_pp == 10
    assert path_status("≥", 95, projected) == status


def test_path_status_takes_its_threshold_and_comparator():
    assert path_status("≥", 95, 88.0, Thresholds(path_at_risk_pp=5)) == "off_track"
    assert path_status("≥", 95, 91.0, Thresholds(path_at_risk_pp=5)) == "at_risk"
    assert path_status(">", 95, 95.0) == "at_risk" and path_status(">", 95, 95.01) == "on_track"


def test_path_status_of_the_disbursement_target(hist):
    """36% + mean gain 54,666 pp = 90,666% against ≥ 95%: 4,33 pp short, within 10 pp: at risk."""
    reg, obs, _ = hist
    a = assess_targets(reg, obs).set_index("target_id").loc["pi_disbursement_fy2024"]
    assert a["projected_fy"] == pytest.approx(36 + sum(GAINS) / 5) and a["status"] == "at_risk"


def test_short_history_names_its_years(hist):
    _, _, ps = hist
    assert ps["intl_tourists_h2_2024"].reason == "history" and ps["intl_tourists_h2_2024"].years == [2019, 2023]
    assert ps["rice_fy2024"].years == [2023]


def test_a_sector_briefings_data_give_the_same_probability(hist):
    reg, _, ps = hist
    tourism = load_observations(reg, sectors=["tourism"])
    mine = {p.target_id: p for p in P.target_probabilities(reg, tourism, n_draws=N, target_ids=["tourists_fy2024"])}
    assert mine["tourists_fy2024"].p_met == ps["tourists_fy2024"].p_met


def test_quantiles_are_ordered(hist):
    _, _, ps = hist
    for tid in ("tourists_fy2024", "grdp_growth_h2_2024", "pi_disbursement_fy2024"):
        q = ps[tid].quantiles
        assert list(q) == list(P.FAN_QUANTILES) and list(q.values()) == sorted(q.values())


# --------------------------------------------------------------------------- charts and briefings
def _png(fig) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Vietnamese glyph would warn
        fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fan_charts_draw(hist, lang):
    reg, obs, ps = hist
    for tid in ("grdp_growth_fy2024", "grdp_growth_h2_2024", "tourists_h2_2024", "tourists_fy2024",
                "pi_disbursement_fy2024"):
        data = charts.fan_chart_data(ps[tid], obs, "2024-07-18")
        fig = charts.fan_chart(data, reg, lang)
        texts = [t.get_text() for t in fig.axes[0].texts] + [t.get_text() for t in fig.legends[0].get_texts()]
        assert any(("Xác suất đạt ≈" if lang == "vi" else "Probability of meeting it ≈") in t for t in texts)
        assert _png(fig).startswith(b"\x89PNG")
    d = charts.fan_chart_data(ps["tourists_fy2024"], obs, "2024-07-18")
    assert [y for y, _, _ in d.history] == [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023]
    assert [c for _, _, c in d.history] == [False, False, False, False, True, True, False, False]
    assert charts.fan_chart_data(ps["grdp_growth_h2_2024"], obs).start == 6.84


def test_sector_probability_per_target(history_dir):
    b = Briefing.load("tourism", "en", data_dir=str(history_dir))
    targets = b.section("targets").text
    assert "Probability of meeting the target (estimate)" in targets
    assert "H2 / H1 ratio in 2017, 2018, 2019, 2022, 2023; COVID-19 years 2020, 2021 left out" in targets
    assert "too little history: 2 usable year(s) (2019, 2023), at least 5 needed" in targets


def test_shipped_sector_briefing_says_why_there_is_no_probability():
    targets = Briefing.load("tourism", "en").section("targets").text
    assert "Probability of meeting the target (estimate)" in targets
    assert "No probability: the H1 2024 figure is missing." in targets
