"""kg_metrics.data.observations: sourced observations, unit conversion, derived figures and bad input."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from kg_metrics.errors import DataError
from kg_metrics.data.observations import (check_observations, grdp_components_of, load_observations, lookup,
                                          province_of)
from kg_metrics.data.registry import load_registry

OBS_FILES = ["agriculture.csv", "economy.csv", "industry_trade.csv", "public_investment.csv", "tourism.csv"]


def one(obs: pd.DataFrame, indicator: str, measure: str, period: str, area: str = "kien_giang") -> pd.Series:
    hit = obs[(obs["indicator"] == indicator) & (obs["measure"] == measure) & (obs["period"] == period)
              & (obs["area"] == area)]
    assert len(hit) == 1, f"{indicator}/{measure}/{period}/{area}: {len(hit)} rows"
    return hit.iloc[0]


def sourced_keys(csv_tools, data_dir) -> set[tuple[str, str, str, str]]:
    keys = set()
    for f in sorted((data_dir / "observations").glob("*.csv")):
        _, rows = csv_tools.read(f)
        keys |= {(r["indicator"], r["measure"], r["period"], r["area"]) for r in rows}
    return keys


# =========================================================================== the shipped data
def test_loads_every_sourced_row(observations, csv_tools, data_dir):
    n_rows = sum(len(csv_tools.read(f)[1]) for f in (data_dir / "observations").glob("*.csv"))
    assert (observations["status"] != "derived").sum() == n_rows
    assert sorted(p.name for p in (data_dir / "observations").glob("*.csv")) == OBS_FILES


def test_columns(observations):
    assert {"indicator", "measure", "period", "area", "qualifier", "value", "value_published", "unit_published",
            "unit", "status", "source_url", "note", "file", "derivation"} <= set(observations.columns)


def test_sourced_rows_keep_their_status_and_file(observations):
    src = observations[observations["status"] != "derived"]
    assert set(src["status"]) <= {"estimate", "official", "plan"}
    assert (src["derivation"] == "").all()
    assert set(src["file"]) == {f"data/observations/{f}" for f in OBS_FILES}
    pi = one(observations, "pi_disbursement", "level", "FY-2024")
    assert (pi["status"], pi["value"], pi["file"]) == ("official", pytest.approx(75.22),
                                                       "data/observations/public_investment.csv")


def test_derived_figures_are_labelled_and_not_typed_in(observations, csv_tools, data_dir):
    derived = observations[observations["status"] == "derived"]
    assert len(derived) > 0
    typed = sourced_keys(csv_tools, data_dir)
    for r in derived.itertuples():
        assert (r.indicator, r.measure, r.period, r.area) not in typed
        assert r.derivation, r                         # a formula a reader can check
        assert r.file == "data/derivations.yml"
        assert r.qualifier == "≈"
        assert math.isnan(r.value_published)           # nothing was published
    # every derived figure is unique alongside the sourced ones
    keys = observations[["indicator", "measure", "period", "area"]]
    assert not keys.duplicated().any()


def test_derived_figures_match_derivations_yml(observations, data_dir):
    import yaml

    spec = yaml.safe_load((data_dir / "derivations.yml").read_text(encoding="utf-8"))["derivations"]
    derived = observations[observations["status"] == "derived"]
    assert sorted(f"{r.indicator}/{r.measure}/{r.period}" for r in derived.itertuples()) == \
        sorted(d["output"] for d in spec)


def test_grdp_2023_from_2024_and_its_growth(observations):
    # FY-2023 = FY-2024 / (1 + 7,5%) = 78.259,75 / 1,075 = 72.799,77 bn VND
    r = one(observations, "grdp", "level", "FY-2023")
    assert r["status"] == "derived"
    assert r["value"] == pytest.approx(78259.75 / 1.075)
    assert r["unit"] == "bn_vnd"
    assert "grdp level FY-2024" in r["derivation"] and "grdp growth yoy pct FY-2024" in r["derivation"]


def test_tourists_h1_2024_is_jan_jul_minus_july(observations):
    # 6.672.384 arrivals (Jan–Jul) − 1,2 M (July) = 5,472384 M arrivals
    r = one(observations, "tourists", "level", "H1-2024")
    assert r["value"] == pytest.approx(6672384 / 1e6 - 1.2)
    assert r["unit"] == "m_arrivals"
    assert "YTD07-2024" in r["derivation"] and "M07-2024" in r["derivation"]


def test_intl_tourists_h1_2024(observations):
    # 572.887 − 64.242 = 508.645 arrivals
    r = one(observations, "intl_tourists", "level", "H1-2024")
    assert r["value"] == pytest.approx(572887 - 64242)
    assert r["unit"] == "arrivals"


def test_product_taxes_are_the_residual_of_grdp(observations):
    # 35.872 − 13.897,96 − 7.151,09 − 12.862 = 1.960,95 bn VND
    r = one(observations, "va_taxes", "level", "H1-2023")
    assert r["value"] == pytest.approx(35872 - 13897.96 - 7151.09 - 12862)
    assert r["value"] == pytest.approx(1960.95)


def test_next_level_and_ratio_derivations(observations):
    # H1-2024 GRDP = 35.872 × 1,0684 = 38.325,64
    assert one(observations, "grdp", "level", "H1-2024")["value"] == pytest.approx(35872 * 1.0684)
    # H1-2020 tourists = 2.329.454 / 96,3% = 2,418955 M (H1 2021 was 96,3% of H1 2020)
    assert one(observations, "tourists", "level", "H1-2020")["value"] == pytest.approx(2.329454 / 0.963)


def test_ipv_h1_2024_from_h1_2023_and_its_growth(observations):
    # ipv H1-2024 = 22.285,13 × 1,1195
    assert one(observations, "ipv", "level", "H1-2024")["value"] == pytest.approx(22285.13 * 1.1195)


def test_source_urls_of_derived_figures_are_their_inputs(observations):
    r = one(observations, "intl_tourists", "level", "H1-2024")
    assert r["source_url"] == "https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"


# --------------------------------------------------------------------------- unit conversion
def test_arrivals_are_converted_to_millions_for_tourists(observations):
    # tourists are counted in m_arrivals: 6.672.384 arrivals → 6,672384 M
    r = one(observations, "tourists", "level", "YTD07-2024")
    assert r["value"] == pytest.approx(6.672384)
    assert r["unit"] == "m_arrivals"
    assert (r["value_published"], r["unit_published"]) == (pytest.approx(6672384), "arrivals")


def test_values_in_the_indicators_unit_are_unchanged(observations):
    r = one(observations, "tourists", "level", "M07-2024")
    assert (r["value"], r["unit"], r["unit_published"]) == (pytest.approx(1.2), "m_arrivals", "m_arrivals")


def test_billion_usd_becomes_million_usd(observations):
    # exports 2024 "1 tỷ USD" = 1.000 triệu USD
    r = one(observations, "exports", "level", "FY-2024")
    assert r["value"] == pytest.approx(1000)
    assert r["unit"] == "m_usd"
    assert (r["value_published"], r["unit_published"]) == (pytest.approx(1), "bn_usd")


def test_percentages_are_not_converted(observations):
    r = one(observations, "grdp", "growth_yoy_pct", "H1-2024")
    assert (r["value"], r["unit"]) == (pytest.approx(6.84), "pct")


def test_vietnamese_numbers_are_read_right(observations):
    assert one(observations, "rice", "level", "H1-2024")["value"] == pytest.approx(2.57)          # "2,57" Mt
    assert one(observations, "fishery", "level", "H1-2024")["value"] == pytest.approx(360942)     # "360.942" t
    assert one(observations, "va_agri", "level", "H1-2023")["value"] == pytest.approx(13897.96)   # "13.897,96"


def test_areas_are_kept_apart(observations):
    kg = one(observations, "intl_tourists", "level", "FY-2024")
    pq = one(observations, "intl_tourists", "level", "FY-2024", area="phu_quoc")
    assert (kg["value"], pq["value"]) == (pytest.approx(978785), pytest.approx(962449))


def test_load_observations_without_a_registry(data_copy):
    obs = load_observations(data_dir=data_copy)
    assert one(obs, "grdp", "level", "FY-2023")["value"] == pytest.approx(78259.75 / 1.075)


# --------------------------------------------------------------------------- lookup and checks
def test_lookup(observations):
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct")["value"] == pytest.approx(6.84)
    assert lookup(observations, "grdp", "H1-2031") is None
    assert lookup(observations, "intl_tourists", "FY-2024", area="phu_quoc")["value"] == pytest.approx(962449)


def test_lookup_as_of(observations):
    # H1-2024 ends on 30 June 2024: known as of that day, not the day before
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct", as_of="2024-06-30") is not None
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct", as_of="2024-06-29") is None


def test_check_observations_passes_on_shipped_data(observations):
    assert check_observations(observations) == []


def test_check_observations_flags_h1_above_year():
    df = pd.DataFrame([
        {"indicator": "rice", "measure": "level", "period": "H1-2024", "area": "kien_giang", "value": 5.0},
        {"indicator": "rice", "measure": "level", "period": "FY-2024", "area": "kien_giang", "value": 4.6},
        {"indicator": "fishery", "measure": "level", "period": "H1-2024", "area": "kien_giang", "value": 1.0},
        {"indicator": "fishery", "measure": "level", "period": "FY-2024", "area": "kien_giang", "value": 2.0},
        {"indicator": "grdp", "measure": "growth_yoy_pct", "period": "H1-2024", "area": "kien_giang", "value": 9.0},
        {"indicator": "grdp", "measure": "growth_yoy_pct", "period": "FY-2024", "area": "kien_giang", "value": 7.0},
    ])
    warnings = check_observations(df, area="kien_giang")
    assert len(warnings) == 1   # growth rates are not levels: H1 growth above the year's is fine
    assert warnings[0].startswith("rice: H1 2024 (5) exceeds the full year (4.6)")
    with pytest.raises(ValueError, match="province"):   # a frame not from load_observations: say whose figures
        check_observations(df)
    df.attrs["province"] = "kien_giang"
    assert check_observations(df) == warnings


def test_observations_record_the_registrys_province_and_components(registry, observations):
    assert province_of(observations) == registry.province
    assert grdp_components_of(observations) == registry.grdp_components
    # kept by filtering, so the report's selections of the frame still know whose figures they are
    assert province_of(observations[observations["indicator"] == "rice"]) == "kien_giang"
    assert lookup(observations[observations["indicator"] == "grdp"], "grdp", "H1-2024", "growth_yoy_pct") is not None


def test_an_area_is_one_of_the_catalogs(data_copy, csv_tools):
    path = data_copy / "observations" / "agriculture.csv"
    header, rows = csv_tools.read(path)
    csv_tools.write(path, header, rows + [{**rows[0], "area": "rach_gia"}])
    with pytest.raises(DataError, match="kien_giang, phu_quoc"):
        load_observations(load_registry(data_copy))
    cat = data_copy / "catalog.yml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("[kien_giang, phu_quoc]", "[kien_giang, phu_quoc, rach_gia]"),
                   encoding="utf-8")
    obs = load_observations(load_registry(data_copy))
    assert lookup(obs, "rice", "H1-2024", area="rach_gia")["value"] == pytest.approx(2.57)


# =========================================================================== bad input
def _obs_error(data_dir) -> DataError:
    reg = load_registry(data_dir)   # the registry itself is fine
    with pytest.raises(DataError) as exc:
        load_observations(reg)
    return exc.value


def test_duplicate_observation_across_files(data_copy, csv_tools, problem):
    agri = data_copy / "observations" / "agriculture.csv"
    tour = data_copy / "observations" / "tourism.csv"
    _, arows = csv_tools.read(agri)
    header, trows = csv_tools.read(tour)
    first = csv_tools.row_of(agri, "note", "mùa + đông xuân crops")     # rice/level/H1-2024
    csv_tools.write(tour, header, trows + [arows[first - 1]])
    err = _obs_error(data_copy)
    new_row = len(trows) + 1
    p = problem(err, "data/observations/tourism.csv", row=new_row, line=new_row + 1, contains="duplicate observation")
    assert "rice/level/H1-2024/kien_giang" in p.message
    assert f"first at data/observations/agriculture.csv row {first}" in p.message


def test_same_figure_for_another_area_is_not_a_duplicate(data_copy, csv_tools):
    path = data_copy / "observations" / "agriculture.csv"
    header, rows = csv_tools.read(path)
    csv_tools.write(path, header, rows + [{**rows[0], "area": "phu_quoc"}])
    obs = load_observations(load_registry(data_copy))
    assert one(obs, "rice", "level", "H1-2024", area="phu_quoc")["value"] == pytest.approx(2.57)


def test_unknown_measure(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "economy.csv"
    csv_tools.set(path, 1, measure="growth")
    problem(_obs_error(data_copy), "data/observations/economy.csv", row=1, field="measure", line=2,
            contains="must be one of")


def test_source_url_must_be_a_url(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "economy.csv"
    csv_tools.set(path, 2, source_url="agrimate.vn/read-blog/7106")
    problem(_obs_error(data_copy), "data/observations/economy.csv", row=2, field="source_url", line=3)


def test_empty_source_url_is_rejected(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "tourism.csv"
    csv_tools.set(path, 1, source_url="")
    problem(_obs_error(data_copy), "data/observations/tourism.csv", row=1, field="source_url")


def test_status_derived_cannot_be_typed_in(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "economy.csv"
    csv_tools.set(path, 1, status="derived")
    problem(_obs_error(data_copy), "data/observations/economy.csv", row=1, field="status",
            contains="derived figures are computed, not typed")


def test_unknown_area(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "agriculture.csv"
    csv_tools.set(path, 2, area="an_giang")
    problem(_obs_error(data_copy), "data/observations/agriculture.csv", row=2, field="area")


def test_unknown_qualifier(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "agriculture.csv"
    csv_tools.set(path, 2, qualifier="~")
    problem(_obs_error(data_copy), "data/observations/agriculture.csv", row=2, field="qualifier")


def test_observation_value_in_english_notation(data_copy, csv_tools, problem):
    # English notation in a Vietnamese file is refused, never reinterpreted
    path = data_copy / "observations" / "tourism.csv"
    row = csv_tools.row_of(path, "note", "Phú Quốc only (often misquoted as provincial)")
    csv_tools.set(path, row, value="962,449.5")
    problem(_obs_error(data_copy), "data/observations/tourism.csv", row=row, field="value",
            contains="not a number in Vietnamese notation")


def test_share_in_a_level_unit(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "agriculture.csv"
    row = 2   # rice share_of_plan_pct H1-2024
    assert csv_tools.read(path)[1][row - 1]["measure"] == "share_of_plan_pct"
    csv_tools.set(path, row, unit="mt")
    problem(_obs_error(data_copy), "data/observations/agriculture.csv", row=row, field="unit", contains="'pct'")


def test_negative_share(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "agriculture.csv"
    csv_tools.set(path, 2, value="-58,49")
    problem(_obs_error(data_copy), "data/observations/agriculture.csv", row=2, field="value",
            contains="cannot be negative")


def test_problems_in_several_files_are_all_reported(data_copy, csv_tools, problem):
    csv_tools.set(data_copy / "observations" / "agriculture.csv", 2, qualifier="~")
    csv_tools.set(data_copy / "observations" / "tourism.csv", 3, status="final")
    err = _obs_error(data_copy)
    assert len(err.problems) == 2
    problem(err, "data/observations/agriculture.csv", row=2, field="qualifier")
    problem(err, "data/observations/tourism.csv", row=3, field="status")


def test_bom_in_an_observation_file(data_copy, problem):
    path = data_copy / "observations" / "tourism.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    problem(_obs_error(data_copy), "data/observations/tourism.csv", line=1, contains="byte-order mark")


def test_no_observation_files(data_copy, problem):
    for f in (data_copy / "observations").glob("*.csv"):
        f.unlink()
    problem(_obs_error(data_copy), "data/observations", contains="no observation CSV files")


# --------------------------------------------------------------------------- derivations.yml
def _edit_derivations(data_dir, old: str, new: str) -> None:
    path = data_dir / "derivations.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_derivation_input_that_does_not_exist(data_copy, problem):
    # the first derivation (grdp/level/FY-2023) now asks for a 2031 level nobody published
    _edit_derivations(data_copy, "inputs: [grdp/level/FY-2024,", "inputs: [grdp/level/FY-2031,")
    err = _obs_error(data_copy)
    problem(err, "data/derivations.yml", row=1, field="inputs", contains="grdp/level/FY-2031 is not an observation")


def test_derivation_of_a_sourced_figure(data_copy, problem):
    # FY-2024 GRDP is published: deriving it too would give two values for one figure
    _edit_derivations(data_copy, "output: grdp/level/FY-2023", "output: grdp/level/FY-2024")
    problem(_obs_error(data_copy), "data/derivations.yml", row=1, field="output", contains="also in the sourced")


def test_derivation_of_an_unknown_indicator(data_copy, problem):
    _edit_derivations(data_copy, "output: grdp/level/FY-2023", "output: gdp/level/FY-2023")
    problem(_obs_error(data_copy), "data/derivations.yml", row=1, field="output", contains="unknown indicator 'gdp'")


def test_derivation_with_unknown_method(data_copy, problem):
    _edit_derivations(data_copy, "method: prior_level", "method: backcast")
    problem(_obs_error(data_copy), "data/derivations.yml", row=1, contains="unknown method 'backcast'")


def test_derivation_with_wrong_number_of_inputs(data_copy, problem):
    _edit_derivations(data_copy, "inputs: [grdp/level/FY-2024, grdp/growth_yoy_pct/FY-2024]",
                      "inputs: [grdp/level/FY-2024]")
    problem(_obs_error(data_copy), "data/derivations.yml", row=1, contains="prior_level takes 2 inputs")


def test_derivation_declared_twice(data_copy, problem):
    import yaml

    path = data_copy / "derivations.yml"
    n = len(yaml.safe_load(path.read_text(encoding="utf-8"))["derivations"])
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - output: grdp/level/FY-2023\n"
        "    method: prior_level\n"
        "    inputs: [grdp/level/FY-2024, grdp/growth_yoy_pct/FY-2024]\n"
        "    why: the first derivation again\n"), encoding="utf-8")
    # rejected at the repeated item (its message wrongly calls the first one "sourced"; see the report)
    problem(_obs_error(data_copy), "data/derivations.yml", row=n + 1, field="output", contains="grdp/level/FY-2023")


def test_derivations_yml_unparseable(data_copy, problem):
    (data_copy / "derivations.yml").write_text("derivations: [\n", encoding="utf-8")
    problem(_obs_error(data_copy), "data/derivations.yml", contains="not valid YAML")


def test_derivations_yml_without_a_list(data_copy, problem):
    (data_copy / "derivations.yml").write_text("derivations: 3\n", encoding="utf-8")
    problem(_obs_error(data_copy), "data/derivations.yml", contains="'derivations' list")


def test_derivation_mixing_units_is_rejected(data_copy):
    path = data_copy / "derivations.yml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - output: tourists/level/H1-2018\n"
        "    method: difference\n"
        "    inputs: [tourists/level/YTD07-2019, intl_tourists/level/YTD07-2019]\n"
        "    why: domestic = all − international, but in two different units\n"), encoding="utf-8")
    with pytest.raises(DataError):
        load_observations(load_registry(data_copy))
