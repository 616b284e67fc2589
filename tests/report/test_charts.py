"""Charts: every target draws, labels are in the briefing's language (Vietnamese with diacritics), no glyph is missing."""
from __future__ import annotations

import io
import re
import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib.font_manager import FontProperties, findfont

from kg_metrics.report import charts
from kg_metrics.analysis.assessment import assess_targets, sector_contributions
from kg_metrics.analysis.scenarios import scenario_outcome
from kg_metrics.text.catalog import catalog


# --------------------------------------------------------------------------- synthetic data on a copy (csv_tools)
@pytest.fixture
def derived_h1(data_copy, csv_tools):
    """The data plus the H1 2024 tourist counts as Jan–Jul minus July (derivations), dated before the session:
    tourists 6.400.000 − 927.616 = 5.472.384; international 560.000 − 51.355 = 508.645."""
    csv_tools.add_observations(data_copy, "tourism", [
        ("tourists", "level", "YTD07-2024", "6.400.000", "arrivals", "2024-07-16"),
        ("tourists", "level", "M07-2024", "927.616", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "YTD07-2024", "560.000", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "M07-2024", "51.355", "arrivals", "2024-07-16")])
    for ind in ("tourists", "intl_tourists"):
        csv_tools.add_derivation(data_copy, f"{ind}/level/H1-2024", "difference",
                                 [f"{ind}/level/YTD07-2024", f"{ind}/level/M07-2024"])
    reg, obs = csv_tools.load(data_copy)
    return reg, obs, {lang: assess_targets(reg, obs, lang=lang) for lang in ("vi", "en")}


@pytest.fixture
def with_components(data_copy, csv_tools):
    """The data plus services' H1 2023 level (12.000), the components' H1 2024 growth (2,46 / 9,5 / 10,5 / 6,11%)
    and taxes' H1 2023 level as the residual 35.872 − 13.897,96 − 7.151,09 − 12.000 = 2.822,95 (derived)."""
    csv_tools.add_observations(data_copy, "economy", [
        ("va_services", "level", "H1-2023", "12.000", "bn_vnd", "2023-07-04"),
        ("va_agri", "growth_yoy_pct", "H1-2024", "2,46", "pct", "2024-07-10"),
        ("va_industry", "growth_yoy_pct", "H1-2024", "9,5", "pct", "2024-07-10"),
        ("va_services", "growth_yoy_pct", "H1-2024", "10,5", "pct", "2024-07-10"),
        ("va_taxes", "growth_yoy_pct", "H1-2024", "6,11", "pct", "2024-07-10")])
    csv_tools.add_derivation(data_copy, "va_taxes/level/H1-2023", "residual",
                             ["grdp/level/H1-2023", "va_agri/level/H1-2023", "va_industry/level/H1-2023",
                              "va_services/level/H1-2023"])
    return csv_tools.load(data_copy)


@pytest.fixture(scope="module")
def assessed_vi(registry, observations):
    return assess_targets(registry, observations, lang="vi")


@pytest.fixture(scope="module")
def assessed_en(registry, observations):
    return assess_targets(registry, observations, lang="en")


def _row(assessed: pd.DataFrame, target_id: str) -> dict:
    return assessed[assessed["target_id"] == target_id].iloc[0].to_dict()


def _texts(fig) -> list[str]:
    """Every piece of text on a figure: axis labels, tick labels, legend entries, annotations."""
    out = []
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
    for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        out += [t.get_text() for t in leg.get_texts()]
    return out


def _png(fig, dpi: int = 40) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Glyph 7871 missing from font(s)": a Vietnamese letter not drawn
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_target_draws(lang, registry, observations, assessed_vi, assessed_en):
    assessed = assessed_vi if lang == "vi" else assessed_en
    assert len(assessed) == len(registry.targets)
    for row in assessed.to_dict("records"):
        fig = charts.target_chart(row, registry, observations, lang)
        assert len(fig.axes) == 1, row["target_id"]
        assert fig.axes[0].get_ylabel(), row["target_id"]
        assert not fig._suptitle and not fig.axes[0].get_title(), "captions are text, not in the image"
        assert _png(fig).startswith(b"\x89PNG"), row["target_id"]


def test_style_uses_dejavu_sans():
    charts.apply_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert "DejaVuSans" in findfont(FontProperties(family=matplotlib.rcParams["font.sans-serif"]))
    assert matplotlib.rcParams["savefig.dpi"] == 150


def test_additive_chart_vietnamese_labels(derived_h1):
    registry, observations, assessed = derived_h1
    row = _row(assessed["vi"], "tourists_fy2024")
    fig = charts.target_chart(row, registry, observations, "vi")
    texts = _texts(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Triệu lượt khách"
    assert "2024\n(mục tiêu)" in texts
    assert "2020\nCOVID-19" in texts and "2021\nCOVID-19" in texts
    for expected in ("6 tháng đầu năm", "6 tháng cuối năm", "6 tháng đầu năm 2024: thực hiện (tính suy ra)",
                     "6 tháng cuối năm 2024: cần đạt", "Mục tiêu năm 2024: 9,2 triệu lượt khách",
                     "Năm COVID-19: không dùng so sánh mùa vụ"):
        assert expected in texts, expected
    assert "≈5,472" in texts  # the derived H1 (6.400.000 − 927.616), in Vietnamese notation
    assert ax.yaxis.get_major_formatter()(2.5, 0) == "2,5"
    _png(fig)


def test_additive_chart_english_labels(derived_h1):
    registry, observations, assessed = derived_h1
    fig = charts.target_chart(_row(assessed["en"], "intl_tourists_fy2024"), registry, observations, "en")
    texts = _texts(fig)
    assert fig.axes[0].get_ylabel() == "Visitor arrivals"
    # derived H1 560.000 − 51.355 = 508.645; H2 needed 680.000 − 508.645 = 171.355
    assert "≈508,645" in texts and "171,355" in texts
    assert "2024 target: 680,000 arrivals" in texts
    assert fig.axes[0].yaxis.get_major_formatter()(600000, 0) == "600,000"


def test_vietnamese_numbers_on_the_international_tourist_chart(derived_h1):
    registry, observations, assessed = derived_h1
    fig = charts.target_chart(_row(assessed["vi"], "intl_tourists_h2_2024"), registry, observations, "vi")
    texts = _texts(fig)
    assert "≈508.645" in texts and "99.355" in texts
    assert "Mục tiêu năm 2024: 680.000 lượt khách" in texts
    assert fig.axes[0].yaxis.get_major_formatter()(600000, 0) == "600.000"


def test_without_an_h1_figure_the_chart_shows_the_h1_the_resolution_implies(registry, observations, assessed_en):
    # the shipped data have no H1 2024 international arrivals: the bar is the implied 680.000 − 99.355 = 580.645
    row = _row(assessed_en, "intl_tourists_fy2024")
    data = charts.target_chart_data(row, registry, observations)
    assert (data.h1_kind, data.h1) == ("implied", pytest.approx(580645))
    assert (data.h2_kind, data.h2) == ("target", pytest.approx(99355))
    texts = _texts(charts.target_chart(row, registry, observations, "en", data=data))
    assert "580,645" in texts and "99,355" in texts and "≈580,645" not in texts


def test_implied_h1_is_hatched_and_labelled_when_no_h1_is_reported(registry, observations, assessed_vi):
    row = _row(assessed_vi, "retail_fy2024")
    data = charts.target_chart_data(row, registry, observations)
    assert data.kind == "additive" and data.h1_kind == "implied" and data.h1 == pytest.approx(82573)
    assert data.h2 == pytest.approx(75027) and data.h2_kind == "target"
    fig = charts.target_chart(row, registry, observations, "vi", data=data)
    assert any(p.get_hatch() == "///" for p in fig.axes[0].patches)
    assert "6 tháng đầu năm 2024: ngầm định trong nghị quyết" in _texts(fig)


def test_missing_history_is_simply_absent(registry, observations, assessed_vi):
    # industry_trade.csv, retail levels published by 18/7/2024: FY-2016, H1-2018, FY-2019, FY-2020 (the derived
    # 2023 level dates from the 2024 outturn, 17/1/2025): no other year is drawn, none as zero
    data = charts.target_chart_data(_row(assessed_vi, "retail_h2_2024"), registry, observations)
    assert data.history_years == [2016, 2018, 2019, 2020]
    assert [h.shape for h in data.history] == ["fy_only", "h1_only", "fy_only", "fy_only"]
    assert data.history[1].h1 == pytest.approx(47905.65) and data.history[1].fy is None
    assert all(h.h2 is None for h in data.history)
    data = charts.target_chart_data(_row(assessed_vi, "ntm_model_fy2024"), registry, observations)
    assert data.history == [] and data.h1 is None and data.h2 is None
    fig = charts.target_chart(_row(assessed_vi, "ntm_model_fy2024"), registry, observations, "vi")
    assert "Mục tiêu năm 2024 (không tách 6 tháng)" in _texts(fig)


def test_covid_years_are_marked(registry, observations, assessed_vi):
    data = charts.target_chart_data(_row(assessed_vi, "tourists_h2_2024"), registry, observations)
    assert data.covid_years == [2020, 2021]
    # tourism.csv: a full-year count every year 2016–2023 (H1 2019, 2020, 2021, 2022, 2023 too)
    assert data.history_years == [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023]


def test_growth_target_chart(registry, observations, assessed_vi, assessed_en):
    row = _row(assessed_vi, "grdp_growth_fy2024")
    data = charts.target_chart_data(row, registry, observations)
    # in July 2024 w₁ is not computable: H2 needs the resolution's 6,56%
    assert data.kind == "growth" and data.h1 == pytest.approx(6.84) and data.h2 == pytest.approx(6.56)
    later = _row(assess_targets(registry, observations, as_of="2025-03-31", lang="vi"), "grdp_growth_fy2024")
    # from the data's w₁ = 35.872 / (78.259 / 1,075): (6,7 − w₁·6,84) / (1 − w₁) = 6,564
    w1 = 35872 / (78259 / 1.075)
    assert charts.target_chart_data(later, registry, observations).h2 == pytest.approx((6.7 - w1 * 6.84) / (1 - w1))
    fig = charts.target_chart(row, registry, observations, "vi", data=data)
    texts = _texts(fig)
    assert fig.axes[0].get_ylabel() == "Tăng so với cùng kỳ năm trước (%)"
    assert "6,84%" in texts and "6,56%" in texts and "Mục tiêu năm 2024: 6,7%" in texts
    fig = charts.target_chart(_row(assessed_en, "grdp_growth_h2_2024"), registry, observations, "en")
    assert "6.56%" in _texts(fig) and "H2 2024: target" in _texts(fig)


def test_non_additive_level_chart_respects_as_of(registry, observations, assessed_vi):
    data = charts.target_chart_data(_row(assessed_vi, "pi_disbursement_fy2024"), registry, observations)
    assert data.kind == "level"
    # public_investment.csv: "nearly 12%" by February 2022 (2/3/2022), the 2022 outturn 91,33% (13/12/2022);
    # the 2024 plan "trên 95%" is a plan, never a point
    assert [(p, v) for p, v, _ in data.points] == [("YTD02-2022", pytest.approx(12)), ("FY-2022", pytest.approx(91.33))]
    for as_of, periods in (("2022-03-01", []), ("2022-12-12", ["YTD02-2022"])):
        before = assess_targets(registry, observations, as_of=as_of, lang="vi")
        data = charts.target_chart_data(_row(before, "pi_disbursement_fy2024"), registry, observations)
        assert [p for p, _, _ in data.points] == periods, as_of
    fig = charts.target_chart(_row(assessed_vi, "pi_disbursement_fy2024"), registry, observations, "vi")
    assert fig.axes[0].get_ylabel() == "Phần trăm" and "Mục tiêu năm 2024: ≥ 95%" in _texts(fig)


def test_non_additive_level_chart_reveals_later_figures_after_their_date(data_copy, csv_tools):
    csv_tools.add_observations(data_copy, "public_investment", [
        ("pi_disbursement", "level", "H1-2024", "40", "pct", "2024-07-12"),
        ("pi_disbursement", "level", "FY-2024", "75,22", "pct", "2025-03-19")])
    reg, obs = csv_tools.load(data_copy)
    for as_of, periods in (("2024-07-11", ["YTD02-2022", "FY-2022"]),
                           ("2024-07-18", ["YTD02-2022", "FY-2022", "H1-2024"]),
                           ("2025-03-18", ["YTD02-2022", "FY-2022", "H1-2024"]),
                           ("2025-03-19", ["YTD02-2022", "FY-2022", "H1-2024", "FY-2024"])):
        row = _row(assess_targets(reg, obs, as_of=as_of, lang="vi"), "pi_disbursement_fy2024")
        assert [p for p, _, _ in charts.target_chart_data(row, reg, obs).points] == periods, as_of


def test_a_target_without_any_figure_says_so(registry, observations, assessed_vi, assessed_en):
    fig = charts.target_chart(_row(assessed_vi, "military_admissions_fy2024"), registry, observations, "vi")
    assert "Chưa có số liệu thực hiện" in _texts(fig)
    assert "Mục tiêu năm 2024: đạt 100%" in _texts(fig)  # the resolution's 'đạt', not '=' (nor nothing)
    fig = charts.target_chart(_row(assessed_en, "military_admissions_fy2024"), registry, observations, "en")
    assert "No reported figures available" in _texts(fig)


def test_contributions_chart_labels(with_components):
    registry, observations = with_components
    # agriculture 13.897,96 / 35.872 × 2,46 = 0,95; services 12.000 / 35.872 × 10,5 = 3,51
    df = sector_contributions(observations)
    fig = charts.contributions_chart(df, "vi", names=charts.component_names(registry, "vi"))
    texts = _texts(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "Nông, lâm nghiệp và thủy sản", "Công nghiệp và xây dựng", "Dịch vụ", "Thuế sản phẩm trừ trợ cấp"]
    assert fig.axes[0].get_xlabel() == "Đóng góp vào tăng trưởng GRDP (điểm phần trăm)"
    assert "+0,95 điểm %" in texts and "+3,51 điểm %" in texts
    assert "Quyền số tính suy ra" in texts  # product taxes: residual weight, hatched
    _png(fig)
    en = _texts(charts.contributions_chart(df, "en", names=charts.component_names(registry, "en")))
    assert "Agriculture, forestry and fishery" in en and "+0.95 pp" in en


def test_contributions_chart_without_data_shows_nothing_as_zero(observations):
    df = sector_contributions(observations)
    df["contribution_pp"] = float("nan")
    fig = charts.contributions_chart(df, "vi")
    assert "Chưa có số liệu" in _texts(fig)
    assert not any(t.startswith("+0") for t in _texts(fig))


def test_unknown_language_is_refused(registry, observations, assessed_vi):
    with pytest.raises(ValueError, match="unknown language"):
        charts.target_chart(_row(assessed_vi, "rice_fy2024"), registry, observations, "fr")


@pytest.mark.parametrize("lang, legend, axis, agri, h1_pp", [
    ("vi", ["6 tháng đầu năm 2024 (thực hiện)", "6 tháng cuối năm 2024 (kịch bản)", "Cả năm 2024 (kịch bản)"],
     "Đóng góp vào tăng trưởng GRDP (điểm phần trăm)", "Nông, lâm nghiệp và thủy sản", "+0,95 điểm %"),
    ("en", ["H1 2024 (actual)", "H2 2024 (scenario)", "Year 2024 (scenario)"],
     "Contribution to GRDP growth (percentage points)", "Agriculture, forestry and fishery", "+0.95 pp"),
])
def test_scenario_contributions_chart_labels(lang, legend, axis, agri, h1_pp, with_components):
    registry, observations = with_components
    oc = scenario_outcome(registry, observations)  # H1 agriculture: 13.897,96 / 35.872 × 2,46 = 0,95
    fig = charts.scenario_contributions_chart(oc.components, oc.year, lang, names=charts.component_names(registry, lang))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == legend
    assert fig.axes[0].get_xlabel() == axis and fig.axes[0].get_yticklabels()[0].get_text() == agri
    assert h1_pp in _texts(fig)
    _png(fig)


def test_chart_texts_are_the_catalogs():
    assert charts._L("en")["fan_p"] == catalog("en")["chart.fan_p"] == "Probability of meeting it ≈ {p}"
    assert charts._L("vi")["target_tick"] == "{y}\n(mục tiêu)"


# --------------------------------------------------------------------------- what each bar is, said and drawn
def _synthetic_additive(**kw) -> charts.TargetChartData:
    """An additive target whose history has each shape: 2019 split, 2020 full year only, 2021 H1 only."""
    d = charts.TargetChartData(kind="additive", target_id="fishery_fy2024", indicator="fishery", measure="level",
                               period="FY-2024", year=2024, unit="t", target=800000, comparator="=",
                               fy_target=800000, h2_target=439051, h1=360942, h1_kind="reported",
                               h2=439058, h2_kind="required", **kw)
    d.history = [charts.HistoryYear(2019, h1=300000, fy=700000), charts.HistoryYear(2020, fy=720000, covid=True),
                 charts.HistoryYear(2021, h1=340000, covid=True)]
    return d


def test_history_years_are_sorted_by_what_was_published():
    d = _synthetic_additive()
    assert [h.shape for h in d.history] == ["split", "fy_only", "h1_only"]
    assert (d.years_with("split"), d.years_with("fy_only"), d.years_with("h1_only")) == ([2019], [2020], [2021])


@pytest.mark.parametrize("lang, split, fy_only, h1_only", [
    ("vi", "có cả số 6 tháng đầu năm và cả năm", "Chỉ có số cả năm", "Chỉ có số 6 tháng đầu năm, chưa có số cả năm"),
    ("en", "with both an H1 and a full-year figure", "Full year only", "H1 only, no full-year figure"),
])
def test_the_caption_names_the_years_of_each_kind_of_bar(registry, lang, split, fy_only, h1_only):
    from types import SimpleNamespace

    from kg_metrics.report.sections import targets

    b = SimpleNamespace(lang=lang, _unit_symbol=lambda u: registry.unit_symbol(u, lang))
    caption = targets._caption(b, {"name": "X"}, _synthetic_additive(), 1)
    # each kind, with exactly its years (the old caption said every year had H1 and H2)
    assert re.search(re.escape(split) + r"[^.]*: 2019\.", caption), caption
    assert re.search(re.escape(fy_only) + r"[^.]*: 2020\.", caption), caption
    assert re.search(re.escape(h1_only) + r"[^.]*: 2021\.", caption), caption
    assert "2019, 2020, 2021" not in caption


def test_single_figure_bars_look_unlike_split_bars_and_have_a_legend_entry(registry):
    fig = charts.target_chart(None, registry, None, "vi", data=_synthetic_additive())
    ax = fig.axes[0]
    by_x = {}
    for p in ax.patches:
        if round(p.get_width(), 2) != 0.62:  # bars only (not the COVID years' background)
            continue
        by_x.setdefault(round(p.get_x() + p.get_width() / 2), []).append(p)
    split, fy_only, h1_only = by_x[0], by_x[1], by_x[2]
    assert len(split) == 2 and all(not p.get_hatch() for p in split)  # H1 + H2 stacked, solid
    for single in (fy_only, h1_only):
        assert len(single) == 1 and single[0].get_hatch() and single[0].get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert fy_only[0].get_hatch() != h1_only[0].get_hatch()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Cả năm (không tách được 6 tháng)" in legend and "6 tháng đầu năm (chưa có số cả năm)" in legend
    _png(fig)


def test_levels_across_a_series_break_are_never_one_series(registry):
    # GRDP levels before 2021 are the series before the 2021–22 re-basing (data/README.md, Assumptions 3):
    # catalog.yml's level_series_from says so; its components share the break; growth rates do not break
    assert registry.catalog.level_series_from["grdp"] == 2021
    assert charts.series_break(registry, "grdp", "level") == 2021
    assert charts.series_break(registry, registry.grdp_components[0], "level") == 2021
    assert charts.series_break(registry, "grdp", "growth_yoy_pct") is None
    assert charts.series_break(registry, "tourists", "level") is None
    assert charts.series_break(None, "grdp", "level") is None  # without a registry: no break known
    # a registry whose catalog puts the break at 2022: the break is read from the data, not from the code
    import dataclasses

    moved = dataclasses.replace(registry, catalog=registry.catalog.model_copy(
        update={"level_series_from": {**registry.catalog.level_series_from, "grdp": 2022}}))
    brk = charts.series_break(moved, "grdp", "level")
    assert brk == 2022
    d = charts.FanChartData("x", "fy_level", 2024, "bn_vnd", "≥", 78000, 0.6,
                            {0.1: 74000, 0.25: 76000, 0.5: 77500, 0.75: 79000, 0.9: 81000},
                            history=[(2019, 66913, False), (2020, 68957, True), (2022, 68436, False),
                                     (2023, 72800, False)], series_break=brk)
    fig = charts.fan_chart(d, moved, "vi")
    ax = fig.axes[0]
    joined = [ln for ln in ax.lines if ln.get_linestyle() == "-" and len(ln.get_xdata()) > 1]
    for ln in joined:  # no drawn line runs from an old-series year (x 0, 1) to a new one (x 2, 3)
        xs = set(ln.get_xdata())
        assert xs <= {0, 1} or xs <= {2, 3}, xs
    assert len(joined) == 2
    assert "Gãy chuỗi số: mức trước 2022 không so sánh được" in _texts(fig)
    _png(fig)


def test_additive_history_across_a_price_base_break_is_split_and_captioned(registry):
    from types import SimpleNamespace

    from kg_metrics.report.sections import targets

    d = _synthetic_additive(series_break=2021)
    fig = charts.target_chart(None, registry, None, "en", data=d)
    assert any(ln.get_linestyle() == ":" and list(ln.get_xdata()) == [1.5, 1.5] for ln in fig.axes[0].lines)
    assert "Series break: levels before 2021 not comparable" in _texts(fig)
    b = SimpleNamespace(lang="en", _unit_symbol=lambda u: registry.unit_symbol(u, "en"))
    assert "levels before 2021 are from an older series" in targets._caption(b, {"name": "X"}, d, 1)


@pytest.mark.parametrize("lang, expected", [("vi", "Mục tiêu năm 2024: đạt 100%"),
                                            ("en", "2024 target: reach 100%")])
def test_level_chart_target_reads_with_the_resolutions_word(registry, lang, expected):
    d = charts.TargetChartData(kind="level", target_id="military_admissions_fy2024", indicator="military_admissions",
                               measure="level", period="FY-2024", year=2024, unit="pct", target=100, comparator="=")
    assert expected in _texts(charts.target_chart(None, registry, None, lang, data=d))
