"""kg_metrics.data.observations: sourced observations, unit conversion, derived figures and bad input."""
from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

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
# an observation as published (value, unit) and as loaded, in its indicator's unit
@pytest.mark.parametrize("indicator, measure, period, published, published_unit, value, unit", [
    # tourists are counted in m_arrivals: 6.672.384 arrivals → 6,672384 M
    pytest.param("tourists", "level", "YTD07-2024", 6672384, "arrivals", 6.672384, "m_arrivals",
                 id="arrivals_are_converted_to_millions_for_tourists"),
    pytest.param("tourists", "level", "M07-2024", 1.2, "m_arrivals", 1.2, "m_arrivals",
                 id="values_in_the_indicators_unit_are_unchanged"),
    # exports 2024 "1 tỷ USD" = 1.000 triệu USD
    pytest.param("exports", "level", "FY-2024", 1, "bn_usd", 1000, "m_usd", id="billion_usd_becomes_million_usd"),
    pytest.param("grdp", "growth_yoy_pct", "H1-2024", 6.84, "pct", 6.84, "pct", id="percentages_are_not_converted"),
])
def test_unit_conversion(observations, indicator, measure, period, published, published_unit, value, unit):
    r = one(observations, indicator, measure, period)
    assert (r["value"], r["unit"]) == (pytest.approx(value), unit)
    assert (r["value_published"], r["unit_published"]) == (pytest.approx(published), published_unit)


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


# One row of an observation file (its number, or the row with a given cell) gets new cells; loading must then
# report a problem in that file at that row and field, whose message holds the phrase; where `line` is set, the
# problem also names the physical line (row + 1: the header is line 1).
# file, row, changes, field, phrase, line
BAD_CELLS = [
    pytest.param("economy.csv", 1, {"measure": "growth"}, "measure", "must be one of", True, id="unknown_measure"),
    pytest.param("economy.csv", 2, {"source_url": "agrimate.vn/read-blog/7106"}, "source_url", None, True,
                 id="source_url_must_be_a_url"),
    pytest.param("tourism.csv", 1, {"source_url": ""}, "source_url", None, False, id="empty_source_url_is_rejected"),
    pytest.param("economy.csv", 1, {"status": "derived"}, "status", "derived figures are computed, not typed", False,
                 id="status_derived_cannot_be_typed_in"),
    pytest.param("agriculture.csv", 2, {"area": "an_giang"}, "area", None, False, id="unknown_area"),
    pytest.param("agriculture.csv", 2, {"qualifier": "~"}, "qualifier", None, False, id="unknown_qualifier"),
    # English notation in a Vietnamese file is refused, never reinterpreted
    pytest.param("tourism.csv", ("note", "Phú Quốc only (often misquoted as provincial)"), {"value": "962,449.5"},
                 "value", "not a number in Vietnamese notation", False, id="observation_value_in_english_notation"),
    pytest.param("agriculture.csv", 2, {"value": "-58,49"}, "value", "cannot be negative", False,
                 id="negative_share"),
]


@pytest.mark.parametrize("file, row, changes, field, contains, line", BAD_CELLS)
def test_a_bad_cell_is_named_by_file_row_and_field(data_copy, csv_tools, problem, file, row, changes, field,
                                                   contains, line):
    path = data_copy / "observations" / file
    if not isinstance(row, int):
        row = csv_tools.row_of(path, *row)
    csv_tools.set(path, row, **changes)
    problem(_obs_error(data_copy), f"data/observations/{file}", row=row, field=field,
            line=row + 1 if line else None, contains=contains)


def test_share_in_a_level_unit(data_copy, csv_tools, problem):
    path = data_copy / "observations" / "agriculture.csv"
    row = 2   # rice share_of_plan_pct H1-2024
    assert csv_tools.read(path)[1][row - 1]["measure"] == "share_of_plan_pct"
    csv_tools.set(path, row, unit="mt")
    problem(_obs_error(data_copy), "data/observations/agriculture.csv", row=row, field="unit", contains="'pct'")


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


# the first derivation (grdp/level/FY-2023) rewritten (old → new, once): a problem at its item (row 1) and field,
# whose message holds the phrase
@pytest.mark.parametrize("old, new, field, contains", [
    # now asks for a 2031 level nobody published
    pytest.param("inputs: [grdp/level/FY-2024,", "inputs: [grdp/level/FY-2031,", "inputs",
                 "grdp/level/FY-2031 is not an observation", id="derivation_input_that_does_not_exist"),
    # FY-2024 GRDP is published: deriving it too would give two values for one figure
    pytest.param("output: grdp/level/FY-2023", "output: grdp/level/FY-2024", "output", "also in the sourced",
                 id="derivation_of_a_sourced_figure"),
    pytest.param("output: grdp/level/FY-2023", "output: gdp/level/FY-2023", "output", "unknown indicator 'gdp'",
                 id="derivation_of_an_unknown_indicator"),
    pytest.param("method: prior_level", "method: backcast", None, "unknown method 'backcast'",
                 id="derivation_with_unknown_method"),
    pytest.param("inputs: [grdp/level/FY-2024, grdp/growth_yoy_pct/FY-2024]", "inputs: [grdp/level/FY-2024]", None,
                 "prior_level takes 2 inputs", id="derivation_with_wrong_number_of_inputs"),
])
def test_a_bad_derivation_is_named_by_its_item_and_field(data_copy, problem, old, new, field, contains):
    _edit_derivations(data_copy, old, new)
    problem(_obs_error(data_copy), "data/derivations.yml", row=1, field=field, contains=contains)


def test_derivation_declared_twice(data_copy, problem):
    path = data_copy / "derivations.yml"
    n = len(yaml.safe_load(path.read_text(encoding="utf-8"))["derivations"])
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - output: grdp/level/FY-2023\n"
        "    method: prior_level\n"
        "    inputs: [grdp/level/FY-2024, grdp/growth_yoy_pct/FY-2024]\n"
        "    why: the first derivation again\n"), encoding="utf-8")
    # rejected at the repeated item (its message wrongly calls the first one "sourced"; see the report)
    problem(_obs_error(data_copy), "data/derivations.yml", row=n + 1, field="output", contains="grdp/level/FY-2023")


@pytest.mark.parametrize("content, contains", [
    pytest.param("derivations: [\n", "not valid YAML", id="derivations_yml_unparseable"),
    pytest.param("derivations: 3\n", "'derivations' list", id="derivations_yml_without_a_list"),
])
def test_a_derivations_yml_that_is_not_a_list_of_derivations(data_copy, problem, content, contains):
    (data_copy / "derivations.yml").write_text(content, encoding="utf-8")
    problem(_obs_error(data_copy), "data/derivations.yml", contains=contains)


def test_derivation_mixing_units_is_rejected(data_copy):
    path = data_copy / "derivations.yml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - output: tourists/level/H1-2018\n"
        "    method: difference\n"
        "    inputs: [tourists/level/YTD07-2019, intl_tourists/level/YTD07-2019]\n"
        "    why: domestic = all − international, but in two different units\n"), encoding="utf-8")
    with pytest.raises(DataError):
        load_observations(load_registry(data_copy))
