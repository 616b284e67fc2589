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
from tests.conftest import SYNTHETIC_URL

OBS_FILES = ["agriculture.csv", "economy.csv", "industry_trade.csv", "public_investment.csv", "tourism.csv"]


def one(obs: pd.DataFrame, indicator: str, measure: str, period: str, area: str = "kien_giang",
        published: str | None = None, status: str | None = None) -> pd.Series:
    """The one row of that figure (of that vintage / status, where a figure has several)."""
    hit = obs[(obs["indicator"] == indicator) & (obs["measure"] == measure) & (obs["period"] == period)
              & (obs["area"] == area)]
    if published is not None:
        hit = hit[hit["published"] == published]
    if status is not None:
        hit = hit[hit["status"] == status]
    assert len(hit) == 1, f"{indicator}/{measure}/{period}/{area}@{published}/{status}: {len(hit)} rows"
    return hit.iloc[0]


def sourced_keys(csv_tools, data_dir) -> set[tuple[str, str, str, str]]:
    keys = set()
    for f in sorted((data_dir / "observations").glob("*.csv")):
        _, rows = csv_tools.read(f)
        keys |= {(r["indicator"], r["measure"], r["period"], r["area"]) for r in rows}
    return keys


def _row(**kw: str) -> dict[str, str]:
    """A synthetic observation row (all 11 columns); ``kw`` overrides the defaults."""
    row = dict(indicator="tourists", measure="level", period="YTD07-2024", area="kien_giang", qualifier="",
               value="1", unit="arrivals", status="estimate", source_url=SYNTHETIC_URL,
               published="2024-08-01", note="synthetic")
    row.update(kw)
    return row


# =========================================================================== the shipped data
def test_loads_every_sourced_row(observations, csv_tools, data_dir):
    n_rows = sum(len(csv_tools.read(f)[1]) for f in (data_dir / "observations").glob("*.csv"))
    assert (observations["status"] != "derived").sum() == n_rows
    assert sorted(p.name for p in (data_dir / "observations").glob("*.csv")) == OBS_FILES


def test_columns(observations):
    assert {"indicator", "measure", "period", "area", "qualifier", "value", "value_published", "unit_published",
            "unit", "status", "source_url", "published", "note", "file", "derivation", "inputs"} \
        <= set(observations.columns)


def test_sourced_rows_keep_their_status_and_file(observations):
    src = observations[observations["status"] != "derived"]
    assert set(src["status"]) <= {"estimate", "official", "plan"}
    assert (src["derivation"] == "").all()
    assert set(src["file"]) == {f"data/observations/{f}" for f in OBS_FILES}
    # public_investment.csv: 2022's "91,33" (an estimate) and 2024's plan "trên 95%"
    pi = one(observations, "pi_disbursement", "level", "FY-2022")
    assert (pi["status"], pi["value"], pi["file"], pi["published"]) == (
        "estimate", pytest.approx(91.33), "data/observations/public_investment.csv", "2022-12-13")
    plan = one(observations, "pi_disbursement", "level", "FY-2024")
    assert (plan["status"], plan["qualifier"], plan["value"]) == ("plan", ">", pytest.approx(95))
    # an official outturn keeps its status beside the earlier estimate of the same figure
    assert one(observations, "exports", "level", "FY-2024", status="official")["file"] == \
        "data/observations/industry_trade.csv"


def test_derived_figures_are_labelled_and_not_typed_in(observations, csv_tools, data_dir):
    derived = observations[observations["status"] == "derived"]
    assert len(derived) > 0
    for r in derived.itertuples():
        assert r.derivation, r                         # a formula a reader can check
        assert r.inputs, r                             # and the vintages it was computed from
        assert r.file == "data/derivations.yml"
        assert r.qualifier == "≈"
        assert math.isnan(r.value_published)           # nothing was published
        # dated by its last input
        assert r.published == max(i.rsplit("@", 1)[1] for i in r.inputs.split(" ; "))
    # no derived row is typed into a CSV: every sourced row is one of the files' rows
    typed = sourced_keys(csv_tools, data_dir)
    src = observations[observations["status"] != "derived"]
    assert set(zip(src["indicator"], src["measure"], src["period"], src["area"])) == typed
    # a derived figure may sit beside a sourced one of the same key (intl_tourists FY-2023: the 573.000 estimate of
    # Dec 2023, and the level implied by the 2024 outturn), but one figure has one row per date and kind
    keys = observations[["indicator", "measure", "period", "area", "published", "status"]]
    assert not keys.duplicated().any()
    both = {(r.indicator, r.measure, r.period) for r in derived.itertuples()} & {k[:3] for k in typed}
    assert ("intl_tourists", "level", "FY-2023") in both


def test_derived_figures_match_derivations_yml(observations, data_dir):
    spec = yaml.safe_load((data_dir / "derivations.yml").read_text(encoding="utf-8"))["derivations"]
    derived = observations[observations["status"] == "derived"]
    assert sorted(set(f"{r.indicator}/{r.measure}/{r.period}" for r in derived.itertuples())) == \
        sorted(d["output"] for d in spec)
    # one row per vintage of the inputs (dates read from the CSVs): H1-2020's growth was revised (3,03 of
    # 2020-07-01, 1,24 official of 2021-06-30); the 2024 international arrivals were published on 2025-01-09 and
    # again on 2025-02-06
    vintages = {o: sorted(derived[derived["indicator"] + "/" + derived["measure"] + "/" + derived["period"] == o]
                          ["published"]) for o in (d["output"] for d in spec)}
    assert vintages == {
        "grdp/level/FY-2023": ["2024-12-06"],
        "grdp/level/H1-2022": ["2023-07-04"],
        "grdp/level/H1-2019": ["2020-07-01", "2021-06-30"],
        "tourists/level/H1-2019": ["2019-07-19"],
        "intl_tourists/level/H1-2019": ["2019-07-19"],
        "tourists/level/H1-2022": ["2023-07-10"],
        "intl_tourists/level/FY-2023": ["2025-01-09", "2025-02-06"],
        "retail/level/FY-2023": ["2025-01-17"],
        "ipv/level/FY-2023": ["2025-01-17"],
        "grdp/level/H1-2024": ["2024-07-10"],
    }


def test_grdp_2023_from_2024_and_its_growth(observations):
    # FY-2023 = FY-2024 / (1 + 7,5%) = 78.259 / 1,075 = 72.799,07 bn VND, known from 6 Dec 2024
    r = one(observations, "grdp", "level", "FY-2023")
    assert r["status"] == "derived"
    assert r["value"] == pytest.approx(78259 / 1.075)
    assert r["unit"] == "bn_vnd"
    assert r["published"] == "2024-12-06"
    assert "grdp level FY-2024" in r["derivation"] and "grdp growth yoy pct FY-2024" in r["derivation"]
    assert lookup(observations, "grdp", "FY-2023", as_of="2024-07-18") is None
    assert lookup(observations, "grdp", "FY-2023", as_of="2024-12-06")["value"] == pytest.approx(78259 / 1.075)


def test_a_derived_figure_follows_each_vintage_of_its_inputs(observations):
    # grdp H1-2019 = H1-2020 level / (1 + H1-2020 growth): 32.458,91 / 1,0303 as first estimated (2020-07-01),
    # 32.458,91 / 1,0124 once the official growth was published (2021-06-30)
    first = one(observations, "grdp", "level", "H1-2019", published="2020-07-01")
    second = one(observations, "grdp", "level", "H1-2019", published="2021-06-30")
    assert first["value"] == pytest.approx(32458.91 / 1.0303)
    assert second["value"] == pytest.approx(32458.91 / 1.0124)
    assert lookup(observations, "grdp", "H1-2019", as_of="2021-06-29")["value"] == pytest.approx(32458.91 / 1.0303)
    assert lookup(observations, "grdp", "H1-2019")["value"] == pytest.approx(32458.91 / 1.0124)


def test_a_sourced_and_a_derived_figure_latest_wins(observations):
    # intl_tourists FY-2023: "trên 573.000" (2023-12-27); then 978.000 / 1,707 (2025-01-09); then 980.000 / 1,707
    assert lookup(observations, "intl_tourists", "FY-2023", as_of="2024-07-18")["value"] == pytest.approx(573000)
    assert lookup(observations, "intl_tourists", "FY-2023", as_of="2025-01-31")["value"] == \
        pytest.approx(978000 / 1.707)
    latest = lookup(observations, "intl_tourists", "FY-2023")
    assert (latest["status"], latest["value"]) == ("derived", pytest.approx(980000 / 1.707))


def test_a_sourced_figure_wins_a_tie_with_a_derived_one(data_copy, csv_tools):
    # a sourced intl_tourists FY-2023 published the same day as the derived one's last input (2025-02-06)
    csv_tools.add_observations(data_copy, "tourism", [
        _row(indicator="intl_tourists", period="FY-2023", value="574.000", published="2025-02-06")])
    obs = load_observations(data_dir=data_copy)
    assert len(obs[(obs["indicator"] == "intl_tourists") & (obs["period"] == "FY-2023")
                   & (obs["measure"] == "level") & (obs["published"] == "2025-02-06")]) == 2
    r = lookup(obs, "intl_tourists", "FY-2023")
    assert (r["status"], r["value"]) == ("estimate", pytest.approx(574000))


def _tourists_jan_jul(data_dir, csv_tools) -> None:
    """The Jan–Jul and July 2024 tourist counts (published in August 2024, after the session) and the two
    derivations of H1 2024 from them, which the shipped data no longer have."""
    url = "https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"
    csv_tools.add_observations(data_dir, "tourism", [
        _row(period="YTD07-2024", value="6.672.384", published="2024-08-05", source_url=url),
        _row(period="M07-2024", value="1,2", unit="m_arrivals", published="2024-08-06", source_url=url),
        _row(indicator="intl_tourists", period="YTD07-2024", value="572.887", published="2024-08-05", source_url=url),
        _row(indicator="intl_tourists", period="M07-2024", value="64.242", published="2024-08-05", source_url=url)])
    csv_tools.add_derivation(data_dir, "tourists/level/H1-2024", "difference",
                             ["tourists/level/YTD07-2024", "tourists/level/M07-2024"], why="Jan–Jul minus July")
    csv_tools.add_derivation(data_dir, "intl_tourists/level/H1-2024", "difference",
                             ["intl_tourists/level/YTD07-2024", "intl_tourists/level/M07-2024"],
                             why="Jan–Jul minus July")


def test_tourists_h1_is_jan_jul_minus_july(data_copy, csv_tools):
    _tourists_jan_jul(data_copy, csv_tools)
    obs = load_observations(data_dir=data_copy)
    # 6.672.384 arrivals (Jan–Jul) − 1,2 M (July) = 5,472384 M arrivals, known from the later input's date
    r = one(obs, "tourists", "level", "H1-2024")
    assert r["value"] == pytest.approx(6672384 / 1e6 - 1.2)
    assert r["unit"] == "m_arrivals"
    assert r["published"] == "2024-08-06"
    assert "YTD07-2024" in r["derivation"] and "M07-2024" in r["derivation"]
    # published after the session: not known as of 18 July 2024
    assert lookup(obs, "tourists", "H1-2024", as_of="2024-07-18") is None


def test_intl_tourists_h1_from_jan_jul_minus_july(data_copy, csv_tools):
    _tourists_jan_jul(data_copy, csv_tools)
    # 572.887 − 64.242 = 508.645 arrivals
    r = one(load_observations(data_dir=data_copy), "intl_tourists", "level", "H1-2024")
    assert r["value"] == pytest.approx(572887 - 64242)
    assert r["unit"] == "arrivals"
    # both inputs come from one page: it is named once
    assert r["source_url"] == "https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"


def test_product_taxes_are_the_residual_of_grdp(data_copy, csv_tools):
    # H1-2023 services value added is not in the shipped data: a synthetic one, from the same page
    csv_tools.add_observations(data_copy, "economy", [
        _row(indicator="va_services", period="H1-2023", value="12.862", unit="bn_vnd", published="2023-07-04")])
    csv_tools.add_derivation(data_copy, "va_taxes/level/H1-2023", "residual",
                             ["grdp/level/H1-2023", "va_agri/level/H1-2023", "va_industry/level/H1-2023",
                              "va_services/level/H1-2023"], why="synthetic")
    # 35.872 − 13.897,96 − 7.151,09 − 12.862 = 1.960,95 bn VND
    r = one(load_observations(data_dir=data_copy), "va_taxes", "level", "H1-2023")
    assert r["value"] == pytest.approx(35872 - 13897.96 - 7151.09 - 12862)
    assert r["value"] == pytest.approx(1960.95)
    assert r["derivation"].startswith("grdp level H1-2023 − (va_agri level H1-2023 + ")


def test_next_level_derivation(observations):
    # H1-2024 GRDP = 35.872 × 1,0684 = 38.325,64, known from 10 July 2024 (the growth's date)
    r = one(observations, "grdp", "level", "H1-2024")
    assert r["value"] == pytest.approx(35872 * 1.0684)
    assert r["published"] == "2024-07-10"


def test_ratio_derivation(data_copy, csv_tools):
    # H1-2020 tourists = 2.329.454 / 96,3% = 2,418955 M (H1 2021 was 96,3% of H1 2020; both published 2021-07-08);
    # it is a later vintage than the sourced "trên 1,9 triệu" of 2020-07-09
    csv_tools.add_derivation(data_copy, "tourists/level/H1-2020", "prior_from_ratio",
                             ["tourists/level/H1-2021", "tourists/pct_of_prior_year/H1-2021"], why="synthetic")
    obs = load_observations(data_dir=data_copy)
    r = one(obs, "tourists", "level", "H1-2020", status="derived")
    assert (r["value"], r["published"]) == (pytest.approx(2.329454 / 0.963), "2021-07-08")
    assert lookup(obs, "tourists", "H1-2020", as_of="2021-07-07")["value"] == pytest.approx(1.9)
    assert lookup(obs, "tourists", "H1-2020")["value"] == pytest.approx(2.329454 / 0.963)


def test_source_urls_of_derived_figures_are_their_inputs(observations):
    # grdp H1-2024 = H1-2023 level (nguoiduatin, 2023-07-04) × H1-2024 growth (lmhtx, 2024-07-10)
    r = one(observations, "grdp", "level", "H1-2024")
    assert r["source_url"] == (
        "https://www.nguoiduatin.vn/kien-giang-grdp-6-thang-dau-nam-dat-tren-35-872-ty-dong-a615563.html ; "
        "https://lmhtx.kiengiang.gov.vn/trang/TinTuc/137/3516/Toc-do-tang-truong-kinh-te-6-thang-dau-nam-dat-6-84---st-.html")
    assert r["inputs"] == "grdp/level/H1-2023@2023-07-04 ; grdp/growth_yoy_pct/H1-2024@2024-07-10"


# --------------------------------------------------------------------------- unit conversion
# an observation as published (value, unit) and as loaded, in its indicator's unit; `published` picks the vintage
@pytest.mark.parametrize("indicator, measure, period, date, published, published_unit, value, unit", [
    # tourists are counted in m_arrivals: 5.364.401 arrivals (Jan–Jul 2019) → 5,364401 M
    pytest.param("tourists", "level", "YTD07-2019", "2019-07-19", 5364401, "arrivals", 5.364401, "m_arrivals",
                 id="arrivals_are_converted_to_millions_for_tourists"),
    pytest.param("tourists", "level", "YTD07-2020", None, 3.42, "m_arrivals", 3.42, "m_arrivals",
                 id="values_in_the_indicators_unit_are_unchanged"),
    # exports 2024 "1 tỷ USD" (the official figure of 2025-01-17) = 1.000 triệu USD
    pytest.param("exports", "level", "FY-2024", "2025-01-17", 1, "bn_usd", 1000, "m_usd",
                 id="billion_usd_becomes_million_usd"),
    # rice 2024 "4.714.573 tấn" (2025-01-09) = 4,714573 Mt
    pytest.param("rice", "level", "FY-2024", "2025-01-09", 4714573, "t", 4.714573, "mt", id="tonnes_become_mt"),
    pytest.param("grdp", "growth_yoy_pct", "H1-2024", None, 6.84, "pct", 6.84, "pct", id="percentages_are_not_converted"),
])
def test_unit_conversion(observations, indicator, measure, period, date, published, published_unit, value, unit):
    r = one(observations, indicator, measure, period, published=date)
    assert (r["value"], r["unit"]) == (pytest.approx(value), unit)
    assert (r["value_published"], r["unit_published"]) == (pytest.approx(published), published_unit)


def test_vietnamese_numbers_are_read_right(observations):
    assert one(observations, "rice", "level", "FY-2023")["value"] == pytest.approx(4.55)          # "4,55" Mt
    assert one(observations, "fishery", "level", "H1-2024")["value"] == pytest.approx(360942)     # "360.942" t
    assert one(observations, "va_agri", "level", "H1-2023")["value"] == pytest.approx(13897.96)   # "13.897,96"
    assert one(observations, "grdp", "level", "H1-2020")["value"] == pytest.approx(32458.91)      # "32.458,91"


def test_areas_are_kept_apart(observations):
    # intl_tourists 2016: the province's 309.793 (official, 2018-01-02) and Phú Quốc's 267.439 (same table)
    kg = one(observations, "intl_tourists", "level", "FY-2016", published="2018-01-02")
    pq = one(observations, "intl_tourists", "level", "FY-2016", area="phu_quoc")
    assert (kg["value"], pq["value"]) == (pytest.approx(309793), pytest.approx(267439))


def test_load_observations_without_a_registry(data_copy):
    obs = load_observations(data_dir=data_copy)
    assert one(obs, "grdp", "level", "FY-2023")["value"] == pytest.approx(78259 / 1.075)


# --------------------------------------------------------------------------- lookup and checks
def test_lookup(observations):
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct")["value"] == pytest.approx(6.84)
    assert lookup(observations, "grdp", "H1-2031") is None
    assert lookup(observations, "intl_tourists", "FY-2016", area="phu_quoc")["value"] == pytest.approx(267439)
    # several vintages: the latest (the official 309.793 of 2018-01-02 after the estimate "trên 319.200")
    assert lookup(observations, "intl_tourists", "FY-2016")["value"] == pytest.approx(309793)
    # plans are never returned: public investment 2024 has only its plan ("trên 95%")
    assert lookup(observations, "pi_disbursement", "FY-2024") is None


def test_lookup_as_of(observations):
    # GRDP H1-2024 growth was published on 10 July 2024: known as of that day, not the day before
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct", as_of="2024-07-10") is not None
    assert lookup(observations, "grdp", "H1-2024", "growth_yoy_pct", as_of="2024-07-09") is None
    # intl_tourists FY-2016: the estimate until the official figure was published
    assert lookup(observations, "intl_tourists", "FY-2016", as_of="2018-01-01")["value"] == pytest.approx(319200)
    assert lookup(observations, "intl_tourists", "FY-2016", as_of="2018-01-02")["value"] == pytest.approx(309793)


def test_check_observations_on_shipped_data_finds_only_the_documented_conflict(observations, data_dir):
    """The sources disagree on 2021's international arrivals (Sở Du lịch's monthly table: 34.499 in H1; its
    year-end report: 3.500 for the year). Both are kept as published; data/README.md documents the conflict."""
    assert check_observations(observations) == ["intl_tourists: H1 2021 (34499) exceeds the full year (3500)"]
    assert "34.499" in (data_dir / "README.md").read_text(encoding="utf-8")
    # as of a date before the year-end report, there is no conflict yet
    assert check_observations(observations, as_of="2021-12-31") == []


def test_check_observations_flags_h1_above_year():
    base = {"area": "kien_giang", "status": "estimate", "published": "2024-12-20"}
    df = pd.DataFrame([{**base, **r} for r in [
        {"indicator": "rice", "measure": "level", "period": "H1-2024", "value": 5.0},
        {"indicator": "rice", "measure": "level", "period": "FY-2024", "value": 4.6},
        {"indicator": "fishery", "measure": "level", "period": "H1-2024", "value": 1.0},
        {"indicator": "fishery", "measure": "level", "period": "FY-2024", "value": 2.0},
        # an earlier vintage above the year is superseded: only each figure's latest vintage is checked
        {"indicator": "fishery", "measure": "level", "period": "H1-2024", "value": 3.0, "published": "2024-07-01"},
        {"indicator": "grdp", "measure": "growth_yoy_pct", "period": "H1-2024", "value": 9.0},
        {"indicator": "grdp", "measure": "growth_yoy_pct", "period": "FY-2024", "value": 7.0},
    ]])
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
    assert (rows[0]["indicator"], rows[0]["measure"], rows[0]["period"]) == ("fishery", "level", "YTD09-2015")
    csv_tools.write(path, header, rows + [{**rows[0], "area": "rach_gia"}])
    with pytest.raises(DataError, match="kien_giang, phu_quoc"):
        load_observations(load_registry(data_copy))
    cat = data_copy / "catalog.yml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("[kien_giang, phu_quoc]", "[kien_giang, phu_quoc, rach_gia]"),
                   encoding="utf-8")
    obs = load_observations(load_registry(data_copy))
    assert lookup(obs, "fishery", "YTD09-2015", area="rach_gia")["value"] == pytest.approx(510000)   # "510.000" t


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
    first = 1                                                           # fishery/level/YTD09-2015
    csv_tools.write(tour, header, trows + [arows[first - 1]])
    err = _obs_error(data_copy)
    new_row = len(trows) + 1
    p = problem(err, "data/observations/tourism.csv", row=new_row, line=new_row + 1, contains="duplicate observation")
    assert "fishery/level/YTD09-2015/kien_giang published 2015-10-08" in p.message
    assert f"first at data/observations/agriculture.csv row {first}" in p.message


def test_same_figure_for_another_area_is_not_a_duplicate(data_copy, csv_tools):
    path = data_copy / "observations" / "agriculture.csv"
    header, rows = csv_tools.read(path)
    csv_tools.write(path, header, rows + [{**rows[0], "area": "phu_quoc"}])
    obs = load_observations(load_registry(data_copy))
    assert one(obs, "fishery", "level", "YTD09-2015", area="phu_quoc")["value"] == pytest.approx(510000)
    assert one(obs, "fishery", "level", "YTD09-2015")["value"] == pytest.approx(510000)


def test_same_figure_on_another_day_is_a_vintage_not_a_duplicate(data_copy, csv_tools):
    path = data_copy / "observations" / "agriculture.csv"
    header, rows = csv_tools.read(path)
    csv_tools.write(path, header, rows + [{**rows[0], "value": "512.000", "published": "2015-12-30"}])
    obs = load_observations(load_registry(data_copy))
    assert lookup(obs, "fishery", "YTD09-2015", as_of="2015-12-29")["value"] == pytest.approx(510000)
    assert lookup(obs, "fishery", "YTD09-2015")["value"] == pytest.approx(512000)


def test_a_plan_and_a_figure_of_one_day_are_not_duplicates(data_copy, csv_tools):
    # rice 2024: add an estimate on the day of the shipped plan (4,4 Mt); the plan stays out of lookup
    path = data_copy / "observations" / "agriculture.csv"
    header, rows = csv_tools.read(path)
    plan = next(r for r in rows if (r["indicator"], r["period"], r["status"]) == ("rice", "FY-2024", "plan"))
    csv_tools.write(path, header, rows + [{**plan, "status": "estimate", "value": "4,5"}])
    obs = load_observations(load_registry(data_copy))
    assert lookup(obs, "rice", "FY-2024", as_of=plan["published"])["value"] == pytest.approx(4.5)


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
    pytest.param("tourism.csv", 1, {"value": "31.4"},
                 "value", "not a number in Vietnamese notation", False, id="observation_value_in_english_notation"),
    pytest.param("agriculture.csv", 3, {"value": "-85,45"}, "value", "cannot be negative", False,
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
    row = 3   # fishery share_of_plan_pct YTD10-2017
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


def test_derivation_declared_twice(data_copy, csv_tools, problem):
    path = data_copy / "derivations.yml"
    n = len(yaml.safe_load(path.read_text(encoding="utf-8"))["derivations"])
    csv_tools.add_derivation(data_copy, "grdp/level/FY-2023", "prior_level",
                             ["grdp/level/FY-2024", "grdp/growth_yoy_pct/FY-2024"], why="the first derivation again")
    # rejected at the repeated item (its message wrongly calls the first one "sourced"; see the report)
    problem(_obs_error(data_copy), "data/derivations.yml", row=n + 1, field="output", contains="grdp/level/FY-2023")


@pytest.mark.parametrize("content, contains", [
    pytest.param("derivations: [\n", "not valid YAML", id="derivations_yml_unparseable"),
    pytest.param("derivations: 3\n", "'derivations' list", id="derivations_yml_without_a_list"),
])
def test_a_derivations_yml_that_is_not_a_list_of_derivations(data_copy, problem, content, contains):
    (data_copy / "derivations.yml").write_text(content, encoding="utf-8")
    problem(_obs_error(data_copy), "data/derivations.yml", contains=contains)


def test_derivation_mixing_units_is_rejected(data_copy, csv_tools):
    csv_tools.add_derivation(data_copy, "tourists/level/H1-2018", "difference",
                             ["tourists/level/YTD07-2019", "intl_tourists/level/YTD07-2019"],
                             why="domestic = all − international, but in two different units")
    with pytest.raises(DataError):
        load_observations(load_registry(data_copy))
