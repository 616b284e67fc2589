"""Charts: every target draws, labels are in the briefing's language (Vietnamese with diacritics), no glyph is missing."""
from __future__ import annotations

import io
import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib.font_manager import FontProperties, findfont

from kg_metrics.report import charts
from kg_metrics.analysis.assessment import assess_targets, sector_contributions
from kg_metrics.analysis.scenarios import scenario_outcome
from kg_metrics.text.catalog import catalog


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


def test_additive_chart_vietnamese_labels(registry, observations, assessed_vi):
    row = _row(assessed_vi, "tourists_fy2024")
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
    assert "≈5,472" in texts  # the derived H1, in Vietnamese notation
    assert ax.yaxis.get_major_formatter()(2.5, 0) == "2,5"
    _png(fig)


def test_additive_chart_english_labels(registry, observations, assessed_en):
    fig = charts.target_chart(_row(assessed_en, "intl_tourists_fy2024"), registry, observations, "en")
    texts = _texts(fig)
    assert fig.axes[0].get_ylabel() == "Visitor arrivals"
    assert "≈508,645" in texts and "171,355" in texts
    assert "2024 target: 680,000 arrivals" in texts
    assert fig.axes[0].yaxis.get_major_formatter()(600000, 0) == "600,000"


def test_vietnamese_numbers_on_the_international_tourist_chart(registry, observations, assessed_vi):
    fig = charts.target_chart(_row(assessed_vi, "intl_tourists_h2_2024"), registry, observations, "vi")
    texts = _texts(fig)
    assert "≈508.645" in texts and "99.355" in texts
    assert "Mục tiêu năm 2024: 680.000 lượt khách" in texts
    assert fig.axes[0].yaxis.get_major_formatter()(600000, 0) == "600.000"


def test_implied_h1_is_hatched_and_labelled_when_no_h1_is_reported(registry, observations, assessed_vi):
    row = _row(assessed_vi, "retail_fy2024")
    data = charts.target_chart_data(row, registry, observations)
    assert data.kind == "additive" and data.h1_kind == "implied" and data.h1 == pytest.approx(82573)
    assert data.h2 == pytest.approx(75027) and data.h2_kind == "target"
    fig = charts.target_chart(row, registry, observations, "vi", data=data)
    assert any(p.get_hatch() == "///" for p in fig.axes[0].patches)
    assert "6 tháng đầu năm 2024: ngầm định trong nghị quyết" in _texts(fig)


def test_missing_history_is_simply_absent(registry, observations, assessed_vi):
    data = charts.target_chart_data(_row(assessed_vi, "retail_h2_2024"), registry, observations)
    assert data.history_years == [2023]
    assert data.history[0].h1 is None and data.history[0].h2 is None  # only the (derived) full year
    data = charts.target_chart_data(_row(assessed_vi, "ntm_model_fy2024"), registry, observations)
    assert data.history == [] and data.h1 is None and data.h2 is None
    fig = charts.target_chart(_row(assessed_vi, "ntm_model_fy2024"), registry, observations, "vi")
    assert "Mục tiêu năm 2024 (không tách 6 tháng)" in _texts(fig)


def test_covid_years_are_marked(registry, observations, assessed_vi):
    data = charts.target_chart_data(_row(assessed_vi, "tourists_h2_2024"), registry, observations)
    assert data.covid_years == [2020, 2021]
    assert data.history_years == [2019, 2020, 2021, 2022, 2023]


def test_growth_target_chart(registry, observations, assessed_vi, assessed_en):
    row = _row(assessed_vi, "grdp_growth_fy2024")
    data = charts.target_chart_data(row, registry, observations)
    assert data.kind == "growth" and data.h1 == pytest.approx(6.84) and data.h2 == pytest.approx(6.564, abs=1e-3)
    fig = charts.target_chart(row, registry, observations, "vi", data=data)
    texts = _texts(fig)
    assert fig.axes[0].get_ylabel() == "Tăng so với cùng kỳ năm trước (%)"
    assert "6,84%" in texts and "6,56%" in texts and "Mục tiêu năm 2024: 6,7%" in texts
    fig = charts.target_chart(_row(assessed_en, "grdp_growth_h2_2024"), registry, observations, "en")
    assert "6.56%" in _texts(fig) and "H2 2024: target" in _texts(fig)


def test_non_additive_level_chart_respects_as_of(registry, observations, assessed_vi):
    data = charts.target_chart_data(_row(assessed_vi, "pi_disbursement_fy2024"), registry, observations)
    assert data.kind == "level"
    assert [p for p, _, _ in data.points] == ["FY-2021", "H1-2023"]  # FY-2024 ends after 18/7/2024
    later = assess_targets(registry, observations, as_of="2025-03-19", lang="vi")
    data = charts.target_chart_data(_row(later, "pi_disbursement_fy2024"), registry, observations)
    assert [p for p, _, _ in data.points] == ["FY-2021", "H1-2023", "FY-2024"]
    fig = charts.target_chart(_row(assessed_vi, "pi_disbursement_fy2024"), registry, observations, "vi")
    assert fig.axes[0].get_ylabel() == "Phần trăm" and "Mục tiêu năm 2024: ≥ 95%" in _texts(fig)


def test_a_target_without_any_figure_says_so(registry, observations, assessed_vi, assessed_en):
    fig = charts.target_chart(_row(assessed_vi, "military_admissions_fy2024"), registry, observations, "vi")
    assert "Chưa có số liệu thực hiện" in _texts(fig)
    assert "Mục tiêu năm 2024: 100%" in _texts(fig)
    fig = charts.target_chart(_row(assessed_en, "military_admissions_fy2024"), registry, observations, "en")
    assert "No reported figures available" in _texts(fig)


def test_contributions_chart_labels(registry, observations):
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
def test_scenario_contributions_chart_labels(lang, legend, axis, agri, h1_pp, registry, observations):
    oc = scenario_outcome(registry, observations)
    fig = charts.scenario_contributions_chart(oc.components, oc.year, lang, names=charts.component_names(registry, lang))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == legend
    assert fig.axes[0].get_xlabel() == axis and fig.axes[0].get_yticklabels()[0].get_text() == agri
    assert h1_pp in _texts(fig)
    _png(fig)


def test_chart_texts_are_the_catalogs():
    assert charts._L("en")["fan_p"] == catalog("en")["chart.fan_p"] == "Probability of meeting it ≈ {p}"
    assert charts._L("vi")["target_tick"] == "{y}\n(mục tiêu)"
