"""Scenarios: the schema and its errors, the shipped files and their sources, outcomes by hand, round trips, briefings."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kg_metrics.analysis.assessment import assess_targets, grdp_requirement, sector_contributions
from kg_metrics.errors import DataError, ParameterError
from kg_metrics.data.observations import KEY, as_of_view, load_observations, lookup
from kg_metrics.data.params import validate_parameters
from kg_metrics.report.briefing import Briefing
from kg_metrics.analysis.scenarios import apply_scenario, scenario_outcome
from kg_metrics.data.scenario_files import (H1Revision, H1Weight, H2Growth, Scenario, baseline_scenario, format_exact,
                                            load_scenario, save_scenario, scenario_files, scenario_indicators,
                                            scenario_names)
from kg_metrics.report.explorer import Explorer
from tests.conftest import GRDP_SYNTHETIC_ROWS

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "scenarios"

JULY = "2024-07-18"  # the resolution's date: what was published by then
# H1 2023 value added (bn VND, 2010 prices), the weights of both halves. Agriculture and industry are in
# economy.csv; services (found only on an undated page) and product taxes (the residual) are synthetic rows
# of the `synthetic` data below, as are the components' H1 2024 paces (not published by 18/7/2024).
H1_2023 = {"va_agri": 13897.96, "va_industry": 7151.09, "va_services": 12862.0, "va_taxes": 35872 - 13897.96 - 7151.09 - 12862}
H1_PACE = {"va_agri": 2.46, "va_industry": 10.35, "va_services": 9.8, "va_taxes": 5.71}
# w₁ as of 18/7/2024: the 2023 GRDP level was not published, so the w₁ the resolution implies:
# (g − g₂) / (g₁ − g₂) = (6,7 − 6,56) / (6,84 − 6,56) = 0,5
W1_RESOLUTION = (6.7 - 6.56) / (6.84 - 6.56)
# w₁ from the data once the 2023 level is derived from the 2024 outturn (6/12/2024): 35.872 / (78.259 / 1,075)
W1_DATA = 35872 / (78259 / 1.075)
W1 = W1_RESOLUTION

#: (file, indicator, measure, period, value, unit, published): the inputs of the GRDP and indicator outcomes
#: that were not published by 18/7/2024, appended to a copy of the data (all estimates of the province).
SYNTHETIC_ROWS = [
    *GRDP_SYNTHETIC_ROWS,
    ("agriculture", "rice", "level", "H1-2024", "2,57", "mt", "2024-07-10"),
    ("tourism", "tourists", "level", "H1-2024", "5,472384", "m_arrivals", "2024-07-15"),
    ("tourism", "intl_tourists", "level", "H1-2024", "508.645", "arrivals", "2024-07-15"),
    ("industry_trade", "ipv", "growth_yoy_pct", "H1-2024", "11,95", "pct", "2024-07-10"),
]
# by hand from tourism.csv / agriculture.csv / industry_trade.csv (latest vintage by 18/7/2024, plans left out)
TOURISTS_H2_2023 = 8.5 - 5.0          # '>8,5' M − '≈5' M
RICE_H2_2023 = 4.55 - 2.5             # 4,55 − '>2,5' Mt
IPV_H2_2023 = 49496.26 - 22197        # 49.496,26 − '>22.197' bn VND
INTL_H2_2023 = 573000 - 354992        # '>573.000' − 354.992


def by_hand(h2: dict[str, float], g1: float = 6.84, w1: float = W1) -> tuple[float, float]:
    """(annual, H2) GRDP growth from the components' H2 growths, written out as the docs say."""
    g2 = sum(H1_2023[c] / 35872 * h2[c] for c in H1_2023)
    return w1 * g1 + (1 - w1) * g2, g2


@pytest.fixture(scope="module")
def shipped(registry):
    return {n: load_scenario(n, reg=registry) for n in scenario_names()}


@pytest.fixture(scope="module")
def july(observations):
    """The shipped observations as known on 18/7/2024 (one vintage per figure, no plans)."""
    return as_of_view(observations, JULY)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, csv_tools):
    """(registry, observations, the observations as of 18/7/2024) of a data copy with SYNTHETIC_ROWS appended."""
    dest = csv_tools.copy_data(tmp_path_factory.mktemp("scenario"))
    csv_tools.add_observations_by_file(dest, SYNTHETIC_ROWS)
    reg, obs = csv_tools.load(dest)
    return reg, obs, as_of_view(obs, JULY)


# --------------------------------------------------------------------------- files and names
def test_shipped_scenarios(shipped):
    assert {"baseline", "low", "high"} <= set(shipped)
    assert shipped["baseline"].is_empty
    for s in shipped.values():
        assert s.path.name == f"{s.name}.yml" and s.title_vi and s.title_en


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_titles_and_descriptions_are_the_files_own_per_language(shipped, lang):
    low = shipped["low"]
    assert low.title(lang) == getattr(low, f"title_{lang}") and low.title(lang)
    assert low.description(lang) == getattr(low, f"description_{lang}").strip()


def test_the_baseline_changes_nothing_and_is_titled_by_its_file(shipped, data_copy):
    base = baseline_scenario()
    assert base.is_empty and base.name == "baseline"
    assert (base.title_vi, base.title_en, base.description_en) == \
        (shipped["baseline"].title_vi, shipped["baseline"].title_en, shipped["baseline"].description_en)
    (data_copy / "scenarios" / "baseline.yml").unlink()
    untitled = baseline_scenario(data_copy)
    assert untitled.is_empty and untitled.title("vi") == untitled.title("en") == "baseline"
    assert untitled.description("en") == ""


def test_scenario_files_name_the_file(data_dir):
    assert scenario_files(data_dir, "low") == [data_dir / "scenarios" / "low.yml"]
    with pytest.raises(ParameterError, match="expected one of: baseline"):
        scenario_files(data_dir, "../low")


def _assumptions(s: Scenario):
    if s.h1_weight:
        yield "h1_weight", s.h1_weight, s.h1_weight.h1_weight
    for k, r in s.h1_revisions.items():
        yield k, r, r.value
    for group in ("sectors", "indicators"):
        for k, a in getattr(s, group).items():
            yield k, a, a.h2_growth_pct


def test_every_derived_shipped_value_names_observations(shipped, observations):
    """'derived from': the rows exist, in the file named. Every assumption has a one-line justification."""
    for s in shipped.values():
        for key, a, value in _assumptions(s):
            assert "\n" not in a.justification and a.justification
            if a.source.startswith("http"):
                continue
            assert a.source.startswith("derived from observations/"), a.source
            file, _, refs = a.source.removeprefix("derived from ").partition(": ")
            for ref in refs.split(", "):
                ind, measure, period = ref.split("/")
                hit = observations[(observations["indicator"] == ind) & (observations["measure"] == measure)
                                   & (observations["period"] == period) & (observations["status"] != "plan")]
                # one figure; its vintages (a first estimate, a revision) are rows with different dates
                assert len(hit) >= 1 and hit["published"].is_unique, ref
                assert set(hit["file"]) <= {f"data/{file}", "data/derivations.yml"}, (ref, set(hit["file"]))


def _stale(shipped, observations) -> list[tuple[str, str, str]]:
    out = []
    for s in shipped.values():
        for key, a, value in _assumptions(s):
            if a.source.startswith("http"):
                rows = observations[observations["source_url"] == a.source]
                if rows.empty:
                    out.append((s.name, key, "source not in the observations"))
                elif not any(math.isclose(v, value, abs_tol=1e-9) for v in rows["value"]):
                    out.append((s.name, key, "value not on that page"))
    return out


def test_every_shipped_value_comes_from_the_observations(shipped, observations):
    """A URL source: some observation from that page has this very value."""
    assert _stale(shipped, observations) == []


def _latest(rows, indicator, measure, period, as_of=JULY):
    hits = [r for r in rows if (r["indicator"], r["measure"], r["period"], r["area"]) == (indicator, measure, period,
                                                                                          "kien_giang")
            and r["status"] != "plan" and r["published"] <= as_of]
    r = max(hits, key=lambda r: r["published"])
    scale = {"arrivals": 1e-6}.get(r["unit"], 1.0) if measure == "level" else 1.0
    return float(r["value"].replace(".", "").replace(",", ".")) * scale


def test_low_tourists_is_the_derived_h2_2023_pace(shipped, data_dir, csv_tools):
    rows = csv_tools.read(data_dir / "observations" / "tourism.csv")[1]
    h1_2023 = _latest(rows, "tourists", "level", "H1-2023")
    h2_2023 = _latest(rows, "tourists", "level", "FY-2023") - h1_2023
    h2_2022 = _latest(rows, "tourists", "level", "FY-2022") - h1_2023 / (
        1 + _latest(rows, "tourists", "growth_yoy_pct", "H1-2023") / 100)
    assert shipped["low"].indicators["tourists"].h2_growth_pct == pytest.approx((h2_2023 / h2_2022 - 1) * 100, abs=0.005)


def test_h1_revised_is_the_h1_2021_revision(shipped, data_dir, csv_tools):
    """6,84 less the H1 2021 revision: first estimate 4,52 (30/6/2021), later 3,54 (9/7/2022)."""
    rows = csv_tools.read(data_dir / "observations" / "economy.csv")[1]
    h1_2021 = sorted((r["published"], r["value"]) for r in rows
                     if (r["indicator"], r["measure"], r["period"]) == ("grdp", "growth_yoy_pct", "H1-2021"))
    (_, first), (_, later) = h1_2021
    g1 = _latest(rows, "grdp", "growth_yoy_pct", "H1-2024")
    expected = g1 - (float(first.replace(",", ".")) - float(later.replace(",", ".")))
    assert (g1, first, later) == (6.84, "4,52", "3,54")
    assert shipped["h1_revised"].h1_revisions["grdp"].growth_yoy_pct == pytest.approx(expected)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("name, field, line, contains", [
    ("bad_yaml", None, 6, "is not valid YAML"),
    ("wrong_type", "sectors.va_agri.h2_growth_pct", 6, "is not a number in Vietnamese notation"),
    ("unknown_sector", "sectors.va_mining", 9, "unknown GRDP component 'va_mining'"),
    ("unknown_indicator", "indicators.pi_disbursement", 5, "unknown indicator"),
    ("growth_out_of_range", "indicators.tourists.h2_growth_pct", 6, "outside the sane range [-50, 100]"),
    ("bare_decimal", "sectors.va_services.h2_growth_pct", 6, "quoted string"),
    ("weight_out_of_range", "h1_weight.h1_weight", 5, "outside the sane range [0.3, 0.7]"),
    ("name_mismatch", "name", 1, "differs from the file name"),
    ("unknown_field", "sector", 4, "unknown field"),
    ("bad_source", "indicators.rice.source", 8, "must be a URL"),
    ("two_measures", "h1_revisions.rice", 5, "exactly one of growth_yoy_pct and level"),
])
def test_a_bad_file_names_file_field_and_line(name, field, line, contains, registry, problem):
    with pytest.raises(DataError) as exc:
        load_scenario(FIXTURES / f"{name}.yml", reg=registry)
    p = problem(exc.value, f"tests/data/scenarios/{name}.yml", field=field, contains=contains)
    assert p.line == line
    assert f"line {line}" in str(exc.value)


def test_a_missing_scenario_lists_the_known_ones(registry):
    with pytest.raises(DataError, match="not found; known scenarios: baseline, h1_revised, high, low"):
        load_scenario("medium", reg=registry)


def test_not_a_mapping(tmp_path, registry):
    (tmp_path / "x.yml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(DataError, match="must be a mapping"):
        load_scenario(tmp_path / "x.yml", reg=registry)


def test_a_file_with_every_field_loads(registry):
    s = load_scenario(FIXTURES / "ok_everything.yml", reg=registry)
    assert s.h1_weight.h1_weight == 0.5
    assert s.h1_revisions["retail"].measure == "level" and s.h1_revisions["retail"].value == 80_000
    assert s.indicators["tourists"].h2_growth_pct == 10.0


def test_python_construction_accepts_floats_but_checks_ranges():
    H2Growth(h2_growth_pct=2.46, justification="x", source="explorer")
    with pytest.raises(ValueError, match="sane range"):
        H2Growth(h2_growth_pct=-60.0, justification="x", source="explorer")
    with pytest.raises(ValueError, match="finite"):
        H2Growth(h2_growth_pct=float("nan"), justification="x", source="explorer")
    with pytest.raises(ValueError, match="one non-empty line"):
        H1Weight(h1_weight=0.5, justification="two\nlines", source="explorer")


@pytest.mark.parametrize("model, fields, message", [
    (H2Growth, {"h2_growth_pct": None}, "is empty; a number is required"),         # required: None is no growth
    (H1Weight, {"h1_weight": 0.8}, "w₁ 0.8 is outside the sane range [0.3, 0.7]"),
    (H1Revision, {"growth_yoy_pct": 120}, "H1 growth (%) 120 is outside the sane range [-50, 100]"),
    (H1Revision, {"growth_yoy_pct": None, "level": 0}, "a level must be positive, not 0"),  # None: not given
])
def test_each_assumption_checks_its_number(model, fields, message):
    with pytest.raises(ValueError) as exc:
        model(justification="x", source="explorer", **fields)
    assert [e["msg"].removeprefix("Value error, ") for e in exc.value.errors()] == [message]


# --------------------------------------------------------------------------- baseline = the data
def test_baseline_changes_nothing(registry, observations, shipped):
    reg, obs = apply_scenario(registry, observations, shipped["baseline"])
    assert reg is registry and obs is observations


def test_baseline_briefing_reproduces_the_plain_one(registry, observations, shipped):
    contents = {"overview": ("grdp", "summary", "probability", "sources"),
                "sector": ("summary", "targets", "sources")}
    for notebook, sector in (("overview", None), ("sector", "tourism")):
        plain = Briefing(registry, observations, notebook=notebook, sector=sector)
        base = Briefing(registry, observations, notebook=notebook, sector=sector, scenario=shipped["baseline"])
        pd.testing.assert_frame_equal(plain.assessed, base.assessed)
        for name in contents[notebook]:
            assert plain.section(name).text == base.section(name).text, name
        assert {k: p.p_met for k, p in plain.probabilities.items()} == {k: p.p_met for k, p in base.probabilities.items()}
    # as of 18/7/2024 the 2023 GRDP level was not published: no w₁ from the data
    assert grdp_requirement(registry, observations)["required_h2_growth_pct"] is None
    # once it is (derived from the 2024 outturn, 6/12/2024), the baseline keeps the data's w₁
    req = grdp_requirement(registry, observations, as_of="2024-12-31")
    assert req["h1_weight"] == req["h1_weight_data"] == pytest.approx(W1_DATA) and not req["h1_weight_overridden"]


def test_w1_from_the_resolution_when_the_base_levels_are_missing(registry, july):
    """As of 18/7/2024 GRDP 2023 was not published: w₁ = (6,7 − 6,56) / (6,84 − 6,56) = 0,5, the resolution's."""
    oc = scenario_outcome(registry, july)
    assert lookup(july, "grdp", "FY-2023") is None and lookup(july, "grdp", "H1-2023")["value"] == 35872
    assert oc.h1_weight_source == "resolution" and oc.h1_weight == oc.h1_weight_data == pytest.approx(0.5)
    assert oc.h1_weight == pytest.approx(W1_RESOLUTION) and oc.grdp_h1_growth_pct == 6.84
    # the components' H1 2024 paces were not published by then either: no GRDP outcome, and it says so
    assert oc.grdp_annual_growth_pct is None and oc.grdp_h2_growth_pct is None
    assert oc.target("grdp_growth_fy2024")["missing"] == "grdp"


def test_w1_from_the_data_once_the_base_levels_are_published(registry, observations):
    oc = scenario_outcome(registry, as_of_view(observations, "2024-12-31"), as_of="2024-12-31")
    assert oc.h1_weight_source == "data" and oc.h1_weight == pytest.approx(W1_DATA, rel=1e-12)


def test_w1_from_the_resolution_with_the_observations_as_loaded(registry, observations):
    oc = scenario_outcome(registry, observations)  # as of 18/7/2024, from every vintage
    assert oc.h1_weight_source == "resolution" and oc.h1_weight == pytest.approx(0.5)


def test_scenario_outcome_ignores_plans_and_later_vintages(registry, observations, july):
    t = scenario_outcome(registry, observations).targets.set_index("target_id")
    # H2 2023 tourists = 8,5 − 5 M (the estimate), not 8,3 − 5 (the 2023 plan, listed first in tourism.csv)
    assert t.loc["tourists_fy2024", "h2_base"] == pytest.approx(TOURISTS_H2_2023)
    assert t.loc["ipv_fy2024", "h2_base"] == pytest.approx(IPV_H2_2023)  # not the 49.000 plan
    assert scenario_outcome(registry, observations).summary() == scenario_outcome(registry, july).summary()


def test_baseline_outcome_by_hand(synthetic):
    reg, _, obs = synthetic
    oc = scenario_outcome(reg, obs)
    annual, g2 = by_hand(H1_PACE)
    assert oc.h1_weight == pytest.approx(W1_RESOLUTION, rel=1e-12) and oc.h1_weight_source == "resolution"
    assert oc.grdp_h2_growth_pct == pytest.approx(g2, abs=1e-9)
    assert oc.grdp_annual_growth_pct == pytest.approx(annual, abs=1e-9)
    assert round(oc.grdp_annual_growth_pct, 2) == 6.84
    # H1 contributions are the briefing's own
    h1 = sector_contributions(obs)
    assert list(oc.components["h1_contribution_pp"]) == pytest.approx(list(h1["contribution_pp"]), abs=1e-12)
    # components' year contributions + the rounding row add up to the year
    total = oc.components["year_contribution_pp"].sum() + oc.h1_rounding_pp
    assert total == pytest.approx(oc.grdp_annual_growth_pct, abs=1e-12)
    assert set(oc.components["h2_growth_source"]) == {"h1_pace"}
    assert set(oc.components["h2_weight_basis"]) == {"H1-2023"}  # 2023 sector levels are not published


def test_baseline_indicator_outcomes_on_the_shipped_data(registry, july):
    """As of 18/7/2024: the H2 2023 bases are there, but no H1 2024 figure of rice, ipv or tourists."""
    t = scenario_outcome(registry, july).targets.set_index("target_id")
    assert t.loc["rice_fy2024", "h2_base"] == pytest.approx(RICE_H2_2023)
    assert t.loc["tourists_fy2024", "h2_base"] == pytest.approx(TOURISTS_H2_2023)
    assert t.loc["ipv_fy2024", "h2_base"] == pytest.approx(IPV_H2_2023)
    assert t.loc["intl_tourists_fy2024", "h2_base"] == pytest.approx(INTL_H2_2023)
    for tid in ("rice_fy2024", "rice_h2_2024", "tourists_fy2024", "ipv_h2_2024"):
        assert t.loc[tid, "missing"] == "growth" and t.loc[tid, "met"] is None and math.isnan(t.loc[tid, "projected"])
    # fishery: H1 2024 pace 360.942 / 357.857 − 1, but no 2023 full-year figure
    assert t.loc["fishery_fy2024", "h2_growth_pct"] == pytest.approx((360942 / 357857 - 1) * 100)
    assert t.loc["fishery_fy2024", "missing"] == "h2_base"
    assert t.loc["retail_fy2024", "missing"] == "h2_base" and t.loc["retail_fy2024", "met"] is None
    assert t.loc["pi_disbursement_fy2024", "missing"] == "not_additive"


def test_baseline_indicator_outcomes_by_hand(synthetic):
    reg, _, obs = synthetic
    t = scenario_outcome(reg, obs).targets.set_index("target_id")
    # rice: H1 2024 2,57 Mt (synthetic), H2 2023 = 4,55 − 2,5 = 2,05 Mt, H1 pace 2,57/2,5 − 1 = 2,8%
    assert t.loc["rice_h2_2024", "projected"] == pytest.approx(2.05 * 1.028)
    assert t.loc["rice_fy2024", "projected"] == pytest.approx(2.57 + 2.05 * 1.028)
    assert t.loc["rice_fy2024", "met"] is True and t.loc["rice_h2_2024", "met"] is True
    # tourists: H1 2024 5,472384 M (synthetic), H2 2023 = 3,5 M, pace 5,472384/5 − 1
    pace = 5.472384 / 5 - 1
    assert t.loc["tourists_fy2024", "projected"] == pytest.approx(5.472384 + TOURISTS_H2_2023 * (1 + pace))
    # missing inputs are missing, with the reason
    assert t.loc["retail_fy2024", "missing"] == "h2_base" and t.loc["retail_fy2024", "met"] is None
    assert math.isnan(t.loc["retail_fy2024", "projected"])
    # ipv: H1 2024 growth 11,95% (synthetic) on H2 2023; the year needs the H1 level, not published
    assert t.loc["ipv_h2_2024", "projected"] == pytest.approx(IPV_H2_2023 * 1.1195)
    assert t.loc["ipv_fy2024", "missing"] == "h1"
    assert t.loc["pi_disbursement_fy2024", "missing"] == "not_additive"


# --------------------------------------------------------------------------- low, high, revisions, w1
def test_low_and_high_by_hand(synthetic, shipped):
    reg, _, obs = synthetic
    low = scenario_outcome(reg, obs, shipped["low"])
    annual, g2 = by_hand({"va_agri": 0.79, "va_industry": 7.09, "va_services": 6.15, "va_taxes": 4.6})
    assert low.grdp_annual_growth_pct == pytest.approx(annual, abs=1e-9)
    assert 5 < annual < 6.7 and g2 < 6.56  # the weakest paces miss both targets
    t = low.targets.set_index("target_id")
    assert t.loc["grdp_growth_fy2024", "met"] is False and t.loc["grdp_growth_h2_2024", "met"] is False
    assert t.loc["tourists_fy2024", "projected"] == pytest.approx(5.472384 + TOURISTS_H2_2023 * (1 - 0.1352))
    assert t.loc["tourists_fy2024", "met"] is False
    # ipv: the scenario's 10,6% on H2 2023; the year needs an H1 2024 figure, not published
    assert t.loc["ipv_h2_2024", "projected"] == pytest.approx(IPV_H2_2023 * 1.106)
    assert t.loc["ipv_fy2024", "missing"] == "h1"
    high = scenario_outcome(reg, obs, shipped["high"])
    annual_high, _ = by_hand({"va_agri": 2.49, "va_industry": 8.99, "va_services": 6.15, "va_taxes": 4.6})
    assert high.grdp_annual_growth_pct == pytest.approx(annual_high, abs=1e-9) and annual_high > annual


def test_w1_override(synthetic, registry, observations):
    reg, _, obs = synthetic
    s = Scenario(name="w", title_vi="x", title_en="x",
                 h1_weight=H1Weight(h1_weight=0.45, justification="a heavier H2", source="explorer"))
    oc = scenario_outcome(reg, obs, s)
    annual, _ = by_hand(H1_PACE, w1=0.45)
    assert oc.grdp_annual_growth_pct == pytest.approx(annual) and oc.h1_weight_source == "scenario"
    # the data have no w₁ as of 18/7/2024: beside the scenario's, the one the resolution implies
    assert oc.h1_weight == 0.45 and oc.h1_weight_data == pytest.approx(0.5)
    b = Briefing(reg, obs, scenario=s)
    row = b.assessed.set_index("target_id").loc["grdp_growth_fy2024"]
    assert row["h1_weight"] == 0.45 and row["required_h2_growth_pct"] == pytest.approx((6.7 - 0.45 * 6.84) / 0.55)
    # the GRDP section, once the 2023 level is known: the scenario's w₁ beside the data's 35.872 / 72.799,07
    b = Briefing(registry, observations, as_of="2024-12-31", scenario=s)
    text = b.section("grdp").text
    assert "g₂ = (6,7 − 0,4500 × 6,84) / (1 − 0,4500) = <strong>6,59%</strong>" in text
    assert "35.872 / 72.799,07 = 0,4928" in text and round(W1_DATA, 4) == 0.4928
    assert "giả định của kịch bản" in text


def test_grdp_requirement_takes_the_scenarios_w1_without_base_levels(registry, observations):
    req = grdp_requirement(registry, observations, h1_weight=0.45)
    a = assess_targets(registry, observations, h1_weights={"grdp": 0.45}).set_index("target_id")
    assert req["required_h2_growth_pct"] == pytest.approx(a.loc["grdp_growth_fy2024", "required_h2_growth_pct"])
    assert req["required_h2_growth_pct"] == pytest.approx((6.7 - 0.45 * 6.84) / 0.55)


def test_h1_revision_replaces_the_figure_and_rederives(registry, observations, shipped):
    _, obs = apply_scenario(registry, observations, shipped["h1_revised"])
    g = obs[(obs["indicator"] == "grdp") & (obs["measure"] == "growth_yoy_pct") & (obs["period"] == "H1-2024")]
    assert g["value"].tolist() == [5.86] and g["status"].tolist() == ["scenario"]
    lv = obs[(obs["indicator"] == "grdp") & (obs["measure"] == "level") & (obs["period"] == "H1-2024")]
    assert lv["value"].iloc[0] == pytest.approx(35872 * 1.0586) and lv["status"].iloc[0] == "derived"
    # the result is the view as of the date (one vintage per figure, no plans), revised
    assert len(obs) == len(as_of_view(observations)) and not obs.duplicated(KEY).any()
    _, twice = apply_scenario(registry, obs, shipped["h1_revised"])  # idempotent
    pd.testing.assert_frame_equal(obs, twice)
    assert lookup(obs, "grdp", "H1-2024", "growth_yoy_pct")["value"] == 5.86  # still knows its province
    # assessed with the revision on a day when the 2023 level is known: w₁ from the data
    day = "2024-12-31"
    _, dec = apply_scenario(registry, observations, shipped["h1_revised"], as_of=day)
    a = assess_targets(registry, dec, as_of=day).set_index("target_id")
    assert a.loc["grdp_growth_fy2024", "required_h2_growth_pct"] == pytest.approx((6.7 - W1_DATA * 5.86) / (1 - W1_DATA))


def test_h1_revision_outcome_by_hand(synthetic, shipped):
    reg, obs, _ = synthetic
    day = "2024-12-31"  # w₁ from the data (the 2023 level derived from the 2024 outturn)
    oc = scenario_outcome(reg, obs, shipped["h1_revised"], as_of=day)
    assert oc.h1_weight_source == "data" and oc.grdp_h1_source == "scenario"
    assert oc.grdp_annual_growth_pct == pytest.approx(by_hand(H1_PACE, g1=5.86, w1=W1_DATA)[0])


def test_h1_revision_keeps_the_resolutions_w1(synthetic, shipped):
    reg, obs, _ = synthetic
    oc = scenario_outcome(reg, obs, shipped["h1_revised"])
    assert oc.h1_weight_source == "resolution" and oc.h1_weight == pytest.approx(0.5)


def test_revising_a_derived_or_missing_figure(registry, observations, july):
    s = Scenario(name="r", title_vi="x", title_en="x", h1_revisions={
        "grdp": H1Revision(level=38000.0, justification="x", source="explorer"),      # derived: 35.872 × 1,0684
        "tourists": H1Revision(level=5.5, justification="x", source="explorer"),      # not published
        "retail": H1Revision(level=80_000.0, justification="x", source="explorer")})  # not published
    _, obs = apply_scenario(registry, observations, s, as_of=JULY)
    g = obs[(obs["indicator"] == "grdp") & (obs["period"] == "H1-2024") & (obs["measure"] == "level")]
    assert g["value"].tolist() == [38000.0] and g["status"].tolist() == ["scenario"]
    t = obs[(obs["indicator"] == "tourists") & (obs["period"] == "H1-2024") & (obs["measure"] == "level")]
    assert t["value"].tolist() == [5.5] and t["status"].tolist() == ["scenario"]
    r = obs[(obs["indicator"] == "retail") & (obs["period"] == "H1-2024")]
    assert r["value"].tolist() == [80_000.0] and r["status"].tolist() == ["scenario"]
    assert len(obs) == len(july) + 2
    oc = scenario_outcome(registry, observations, s).targets.set_index("target_id")
    # H2 2023 = 3,5 M; pace 5,5 / 5 − 1 = 10%
    assert oc.loc["tourists_fy2024", "projected"] == pytest.approx(5.5 + TOURISTS_H2_2023 * 1.1)
    assert oc.loc["retail_fy2024", "missing"] == "h2_base"  # H2 2023 retail is still unknown


def test_sector_briefing_ignores_other_sectors_revisions(registry, shipped):
    obs = load_observations(registry, sectors=["tourism"])
    _, out = apply_scenario(registry, obs, shipped["h1_revised"], sectors=["tourism"])
    pd.testing.assert_frame_equal(out.reset_index(drop=True), as_of_view(obs).reset_index(drop=True))


# --------------------------------------------------------------------------- round trip
def test_save_and_load_round_trip(tmp_path, registry, observations, shipped):
    for s in shipped.values():
        path = save_scenario(s, tmp_path / f"{s.name}.yml")
        back = load_scenario(path, reg=registry)
        assert back.model_dump() == s.model_dump()
        assert scenario_outcome(registry, observations, back).summary() == \
            scenario_outcome(registry, observations, s).summary()


def test_save_writes_exact_numbers_and_takes_the_file_name(tmp_path, registry):
    s = Scenario(name="x", title_vi="x", title_en="x",
                 h1_weight=H1Weight(h1_weight=0.4927488268234948, justification="j", source="explorer"),
                 sectors={"va_agri": H2Growth(h2_growth_pct=-1.25, justification="j", source="explorer")},
                 h1_revisions={"ipv": H1Revision(level=24948.203035, justification="j", source="explorer")})
    path = save_scenario(s, tmp_path / "mine.yml")
    text = path.read_text(encoding="utf-8")
    assert "name: mine" in text and "0,4927488268234948" in text and "24.948,203035" in text and "-1,25" in text
    back = load_scenario(path, reg=registry)
    assert back.name == "mine" and back.h1_weight.h1_weight == 0.4927488268234948
    assert back.h1_revisions["ipv"].level == 24948.203035
    with pytest.raises(ValueError, match="ends in .yml"):
        save_scenario(s, tmp_path / "mine.yaml")


@pytest.mark.parametrize("x, vi, en", [
    (24948.203035, "24.948,203035", "24,948.203035"),
    (-12.86, "-12,86", "-12.86"),
    (3.0, "3", "3"),
    (0.4927488268234948, "0,4927488268234948", "0.4927488268234948"),
    (1e20, "100.000.000.000.000.000.000", "100,000,000,000,000,000,000"),
    (1e-7, "0,0000001", "0.0000001"),
])
def test_format_exact_writes_the_shortest_digits_that_read_back(x, vi, en):
    assert (format_exact(x, "vi"), format_exact(x, "en")) == (vi, en)


def test_a_saved_scenario_is_one_the_batch_build_accepts(data_copy, registry):
    s = load_scenario("low", reg=registry)
    save_scenario(s, data_copy / "scenarios" / "mine.yml")
    assert "mine" in scenario_names(data_copy)
    p = validate_parameters(None, "vi", str(data_copy), "2024-07-18", notebook="overview", scenario="mine")
    assert p["scenario"] == "mine"
    b = Briefing.load(**p)
    assert b.scenario.name == "mine" and "Kịch bản: mine" in b.section("title").text


# --------------------------------------------------------------------------- parameters
def test_scenario_parameter():
    assert "scenario" not in validate_parameters(None, "vi", "", notebook="overview")
    p = validate_parameters("tourism", "vi", "", notebook="sector", scenario="low")
    assert p["scenario"] == "low" and Briefing.load(**p).scenario.name == "low"


@pytest.mark.parametrize("bad, match", [
    ("medium", "not a scenario in .*expected one of: baseline, h1_revised, high, low"),
    ("../low", "not a scenario name"), ("Low", "not a scenario name"), ("low'", "quote"),
    ("low\n", "newline"), (1, "must be a string"), (None, "must be a string"),
])
def test_bad_scenario_parameter(bad, match):
    with pytest.raises(ParameterError, match=match):
        validate_parameters(None, "vi", "", notebook="overview", scenario=bad)


def test_an_empty_scenario_folder(data_copy):
    shutil.rmtree(data_copy / "scenarios")
    assert scenario_names(data_copy) == []
    with pytest.raises(ParameterError, match="expected one of: none"):
        validate_parameters(None, "vi", str(data_copy), notebook="overview", scenario="low")


# --------------------------------------------------------------------------- scenario briefings
@pytest.fixture(scope="module")
def low_briefings(registry, observations, shipped):
    return {lang: Briefing(registry, observations, lang=lang, scenario=shipped["low"]) for lang in ("vi", "en")}


def test_scenario_briefing_is_labelled(low_briefings):
    vi, en = low_briefings["vi"].section("title").text, low_briefings["en"].section("title").text
    assert "<strong>Kịch bản: low</strong>" in vi and "<strong>Scenario: low</strong>" in en
    assert 'class="scenario scenario-banner"' in vi
    assert vi.startswith("<h1>Tổng quan")


# The scenario section itself (assumptions, outcome, banner): tests/report/test_sections_scenario.py.


# --------------------------------------------------------------------------- explorer (no kernel)
def test_explorer_update_and_save(tmp_path, synthetic):
    reg, _, obs = synthetic
    ex = Explorer(reg, obs, lang="vi")
    # every additive indicator with a level target has a control (not only those with an H2 2023 base)
    assert ex.indicators == scenario_indicators(reg) and {"rice", "ipv", "tourists", "intl_tourists"} <= set(ex.indicators)
    assert ex.values["va_agri"] == 2.46 and ex.values["h1_weight"] == pytest.approx(W1_RESOLUTION)
    oc = ex.update(va_agri=1.5, h1_weight=0.45, tourists=-5.0)
    assert oc.grdp_annual_growth_pct == pytest.approx(by_hand({**H1_PACE, "va_agri": 1.5}, w1=0.45)[0])
    path = ex.save(tmp_path / "mine.yml")
    back = load_scenario(path, reg=reg)
    assert set(back.sectors) == {"va_agri"} and set(back.indicators) == {"tourists"}
    assert back.h1_weight.source.startswith("explorer") and "data: 0.5000" in back.h1_weight.justification
    assert scenario_outcome(reg, obs, back).summary() == oc.summary()
    with pytest.raises(FileExistsError):
        ex.save(tmp_path / "mine.yml")
    with pytest.raises(ValueError, match="unknown control"):
        ex.update(va_mining=1.0)
    with pytest.raises(ValueError, match="outside"):
        ex.update(h1_weight=0.95)
    result = ex.result()
    assert "5,51" not in result.text and "<h3>Kết quả theo các giá trị đang chọn</h3>" in result.text
    assert len(result.figures) == 1 and "Hình 1." in result.text
    mine = ex.scenario("mine")
    assert mine.title_vi == "Kịch bản mine (từ trình khám phá, xuất phát từ baseline)"
    assert mine.title_en == "Scenario mine (from the explorer, starting from baseline)"
    assert mine.description_en == "Values chosen in the explorer; whatever was not changed is as in scenario baseline."


def test_explorer_starting_from_a_scenario_keeps_its_sources(synthetic, shipped):
    reg, _, obs = synthetic
    ex = Explorer(reg, obs, shipped["low"], lang="en")
    assert ex.values["va_agri"] == 0.79
    ex.update(va_industry=8.0)
    s = ex.scenario("mine")
    assert s.sectors["va_agri"].source == shipped["low"].sectors["va_agri"].source
    assert s.sectors["va_industry"].source.startswith("explorer")
    assert s.indicators["tourists"].h2_growth_pct == -13.52
    assert scenario_outcome(reg, obs, s).grdp_annual_growth_pct == pytest.approx(
        by_hand({"va_agri": 0.79, "va_industry": 8.0, "va_services": 6.15, "va_taxes": 4.6})[0])


def test_explorer_set_values_without_widgets(synthetic):
    reg, _, obs = synthetic
    ex = Explorer(reg, obs)
    oc = ex.set_values('{"va_services": 6.15}')
    assert oc.components.set_index("component").loc["va_services", "h2_growth_pct"] == 6.15
    assert ex.set_values("") is ex.outcome


# The widgets (sliders, Reset, Load, Save as… with its confirmation): tests/report/test_explorer.py.


def test_explorer_saves_on_the_shipped_data(tmp_path, registry, july):
    ex = Explorer(registry, july, lang="en")
    ex.update(h1_weight=0.45)
    back = load_scenario(ex.save(tmp_path / "mine.yml"), reg=registry)
    assert back.h1_weight.h1_weight == 0.45 and not back.sectors


# --------------------------------------------------------------------------- notebooks (a kernel each)
def _run(tmp_path, name: str, **parameters):
    import nbformat
    import papermill as pm

    nbs = Path(__file__).resolve().parents[2] / "notebooks"
    out = tmp_path / f"{name}-{'-'.join(map(str, parameters.values()))}.ipynb"
    pm.execute_notebook(str(nbs / name), str(out), parameters=parameters, kernel_name="python3", progress_bar=False,
                        cwd=str(nbs), execution_timeout=300)
    nb = nbformat.read(out, as_version=4)
    # what the briefing shows: the inspect cells (tag notebook-only) are for JupyterLab, not the briefing
    outputs = [o for c in nb.cells if "notebook-only" not in c.get("metadata", {}).get("tags", [])
               for o in c.get("outputs", [])]
    assert all(o["output_type"] == "display_data" for o in outputs), [o["output_type"] for o in outputs]
    return "\n".join(o["data"].get("text/markdown", "") + o["data"].get("text/html", "") for o in outputs)


@pytest.mark.notebook
def test_overview_scenario_briefing(tmp_path):
    text = _run(tmp_path, "overview.ipynb", lang="vi", scenario="low")
    assert text.lstrip().startswith("<h1>Tổng quan")
    for s in ("<strong>Kịch bản: low</strong>", '<h2 id="scenario">Kịch bản low: giả định và kết quả</h2>',
              # as of 18/7/2024 the components' H1 2024 growth was not published (dated): no GRDP outcome
              "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản: thiếu số liệu.", "6,56%", "6,84%"):
        assert s in text, s


@pytest.mark.notebook
def test_sector_scenario_briefing_en(tmp_path):
    text = _run(tmp_path, "sector.ipynb", sector="tourism", lang="en", scenario="high")
    for s in ("<strong>Scenario: high</strong>", '<h2 id="scenario">Scenario high: assumptions and outcomes</h2>', "17.00%",
              "thanhnien.vn"):
        assert s in text, s


@pytest.mark.notebook
def test_a_bad_scenario_stops_at_validation(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as exc:
        _run(tmp_path, "overview.ipynb", lang="vi", scenario="medium")
    assert exc.value.ename == "ParameterError" and "expected one of: baseline" in exc.value.evalue
