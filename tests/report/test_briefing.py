"""Briefing content: exact strings in Vietnamese and English, missing figures shown as missing, semantic HTML."""
from __future__ import annotations

import re
import sys

import pytest

from kg_metrics.report import briefing as report
from kg_metrics.errors import ParameterError
from kg_metrics.report.briefing import Briefing
from kg_metrics.report.markup import LABELS, clause_label, html_table, md_escape


@pytest.fixture(scope="module")
def make(registry, observations):
    cache: dict = {}

    def _make(notebook: str, lang: str, sector: str | None = None) -> Briefing:
        key = (notebook, lang, sector)
        if key not in cache:
            cache[key] = Briefing(registry, observations, lang=lang, sector=sector, notebook=notebook)
        return cache[key]

    return _make


def _all_text(b: Briefing) -> str:
    names = (["title_content", "summary_content", "grdp_content", "contributions_content", "anomalies_content",
              "sources_content"] if b.notebook == "overview" else
             ["title_content", "summary_content", "targets_content", "tasks_content", "sources_content"])
    return "\n".join(getattr(b, n)().text for n in names)


def _row(html: str, label: str) -> str:
    """The value cell of a facts-table row."""
    m = re.search(r"<tr><td>" + re.escape(label) + r"</td><td class=\"num\">(.*?)</td>", html)
    assert m, f"no row {label!r}"
    return m.group(1)


# --------------------------------------------------------------------------- fixed texts
def test_labels_exist_in_both_languages():
    assert set(LABELS["vi"]) == set(LABELS["en"])
    assert all(v.strip() for lang in LABELS for v in LABELS[lang].values())


def test_helpers():
    assert html_table(["a", "b"], [["<x>", "1"]], num=[1]) == (
        '<table class="kg"><thead><tr><th>a</th><th class="num">b</th></tr></thead>'
        '<tbody><tr><td>&lt;x&gt;</td><td class="num">1</td></tr></tbody></table>')
    assert md_escape("a_b*c") == r"a\_b\*c"
    assert clause_label("Điều 1, khoản 2, điểm b", "en", 3) == "Article 1, clause 2, point b, paragraph 3"
    assert clause_label("Điều 1, khoản 2, điểm b", "vi", 3) == "Điều 1, khoản 2, điểm b, đoạn 3"
    assert report.badge("on_track", "vi") == '<span class="status status-on_track">Đúng hướng</span>'
    assert report.missing("en") == '<span class="missing">not available</span>'


# --------------------------------------------------------------------------- overview
def test_overview_title_vi(make):
    text = make("overview", "vi").title_content().text
    assert text.startswith("# Tổng quan")
    assert "Hội đồng nhân dân tỉnh Kiên Giang" in text and "18/7/2024" in text
    assert "6 tháng cuối năm" in text


def test_overview_title_en(make):
    text = make("overview", "en").title_content().text
    assert "People's Council of Kiên Giang province" in text and "18 July 2024" in text


def test_required_growth_vi(make):
    text = make("overview", "vi").grdp_content().text
    for s in ("6,84%", "6,56%", "6 tháng cuối năm", "g₂ = (g − w₁·g₁) / (1 − w₁)",
              "g₂ = (6,7 − 0,4927 × 6,84) / (1 − 0,4927) = **6,56%**, khớp với con số 6,56% của nghị quyết.",
              "35.872 / 72.799,77 = 0,4927", "trên 35.872 tỷ đồng", "≈72.799,77 tỷ đồng",
              "78.259,75 / 1,075 = 72.799,77", "tính suy ra", "2g − g₁ = 6,56%"):
        assert s in text, s
    assert "6.56%" not in text and "6.84%" not in text


def test_required_growth_en(make):
    text = make("overview", "en").grdp_content().text
    for s in ("6.84%", "6.56%", "g₂ = (6.7 − 0.4927 × 6.84) / (1 − 0.4927) = **6.56%**, matching the resolution's 6.56%.",
              "35,872 / 72,799.77 = 0.4927", "over 35,872 bn VND", "78,259.75 / 1.075 = 72,799.77", "derived"):
        assert s in text, s
    assert "6,56%" not in text and "6,84%" not in text


def test_sector_breakdown_table(make):
    text = make("overview", "vi").grdp_content().text
    assert '<table class="kg">' in text
    for s in ("Nông, lâm nghiệp và thủy sản", "Công nghiệp và xây dựng", "Dịch vụ", "Thuế sản phẩm trừ trợ cấp",
              '<td class="num">2,46%</td>', '<td class="num">+0,95 điểm %</td>', '<td class="num">+6,84 điểm %</td>',
              '<td class="num">10,35%</td>'):
        assert s in text, s
    en = make("overview", "en").grdp_content().text
    assert '<td class="num">+0.95 pp</td>' in en and "Agriculture, forestry and fishery" in en


def test_contributions_chart_section(make):
    sec = make("overview", "vi").contributions_content()
    assert len(sec.figures) == 1
    assert sec.text.startswith("### ")
    assert re.search(r'<p class="caption">Hình \d+\. Đóng góp của từng khu vực', sec.text)
    assert not sec.figures[0]._suptitle


def test_summary_table(make, registry):
    text = make("overview", "vi").summary_content().text
    assert text.startswith("## Tóm tắt các chỉ tiêu")
    body = text.split("<tbody>")[1]
    assert body.count("<tr>") == len(registry.targets)
    assert 'class="status status-on_track"' in body and 'class="status status-not_assessable"' in body
    assert "6 tháng cuối năm cần tăng 6,56% so với cùng kỳ 2023; 6 tháng đầu năm đã tăng 6,84%." in body
    en = make("overview", "en").summary_content().text
    assert "H2 needs 6.56% year on year against H2 2023; H1 grew 6.84%." in en


def test_anomalies_section(make):
    vi = make("overview", "vi").anomalies_content().text
    assert "580.645" in vi and "≈508.645" in vi and "3/16 kiểm tra cần lưu ý." in vi
    assert vi.count("check-flagged") == 3
    en = make("overview", "en").anomalies_content().text
    assert "580,645" in en and "≈508,645" in en and "3 of 16 checks flagged." in en


def test_overview_sources_list_the_grdp_inputs(make):
    text = make("overview", "vi").sources_content().text
    assert "nguoiduatin.vn" in text and "agrimate.vn" in text
    assert "≈1.960,95 tỷ đồng" in text  # product taxes, derived
    assert "kỳ kết thúc sau ngày đánh giá" in text  # the 2024 outturn behind the derived 2023 level


# --------------------------------------------------------------------------- sector briefings
def test_tourism_shows_the_international_inconsistency_vi(make):
    sec = make("sector", "vi", "tourism").targets_content()
    text = sec.text
    assert text.startswith("## Các chỉ tiêu định lượng")
    assert text.count("\n### ") + text.startswith("### ") == 4 and len(sec.figures) == 4
    assert "580.645" in text and "508.645" in text
    assert "H1 ngầm định trong nghị quyết 580.645 so với H1 báo cáo ≈508.645: chênh 14,2% (vượt ngưỡng 2%)." in text
    assert '<li class="anomaly">' in text
    assert "572.887 − 64.242 = 508.645" in text  # how the reported H1 was derived
    assert "https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm" in text
    assert "2019: 41,6%" in text and "2019: 49,4%<br>2022: 53,9%<br>2023: 41,8%" in text
    assert "không tính các năm COVID-19 2020, 2021" in text


def test_tourism_en(make):
    text = make("sector", "en", "tourism").targets_content().text
    assert "580,645" in text and "508,645" in text and "14.2%" in text
    assert "572,887 − 64,242 = 508,645" in text
    assert "Implied H1 in the resolution 580,645 vs reported H1 ≈508,645" in text


def test_tourism_required_growth_against_h2_of_the_year_before(make):
    text = make("sector", "vi", "tourism").targets_content().text
    assert _row(text, "6 tháng cuối năm 2023") == "3,55 triệu lượt khách"
    assert _row(text, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == "5,63%"
    assert "8,5 − 4,95" in text
    assert "mục tiêu năm − 6 tháng đầu năm báo cáo: 9,2 − 5,472" in text


def test_missing_values_are_shown_as_missing_never_zero(make):
    text = make("sector", "vi", "industry_trade").targets_content().text
    # retail: no H1 2024 figure was published
    retail = text.split("### Tổng mức bán lẻ")[1]
    assert _row(retail, "6 tháng đầu năm 2024 báo cáo") == '<span class="missing">chưa có số liệu</span>'
    assert _row(retail, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert not re.search(r'class="num">0(<| )', text)
    en = make("sector", "en", "industry_trade").targets_content().text
    assert _row(en.split("### Retail sales")[1], "Reported H1 2024") == '<span class="missing">not available</span>'


def test_intl_tourists_missing_base_is_named(make):
    text = make("sector", "vi", "tourism").targets_content().text
    intl = text.split("### Lượt khách du lịch quốc tế")[1]
    assert _row(intl, "6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert "thiếu số liệu 6 tháng đầu năm 2023" in intl


def test_quantitative_target_without_data(make):
    text = make("sector", "en", "defence_security").targets_content().text
    assert "Military admissions" in text and "= 100%" in text
    assert _row(text, "Reported figures") == '<span class="missing">not available</span>'
    assert "qualitative tasks only" not in text


@pytest.mark.parametrize("sector", ["culture_society", "admin_reform"])
def test_qualitative_only_sectors(make, sector):
    b = make("sector", "vi", sector)
    assert "Nghị quyết chỉ đặt ra nhiệm vụ định tính cho lĩnh vực này, không có chỉ tiêu định lượng." in \
        b.targets_content().text
    assert not b.summary_content()
    assert "Bản tin này không dùng số liệu thống kê nào." in b.sources_content().text
    en = make("sector", "en", sector).targets_content().text
    assert "The resolution sets qualitative tasks only for this sector" in en


def test_tasks_with_clause_references(make):
    text = make("sector", "vi", "culture_society").tasks_content().text
    assert text.startswith("## Nhiệm vụ và giải pháp trong nghị quyết")
    assert '<ol class="kg-tasks">' in text
    for p in range(2, 7):
        assert f"Điều 1, khoản 2, điểm b, đoạn {p}" in text
    assert "Tổ chức thực hiện tốt công tác tuyển sinh các lớp đầu cấp" in text
    en = make("sector", "en", "culture_society").tasks_content().text
    assert "Article 1, clause 2, point b, paragraph 2" in en and "original Vietnamese" in en


def test_tasks_fall_back_to_the_registry(make, monkeypatch, registry):
    b = make("sector", "vi", "tourism")
    monkeypatch.setitem(sys.modules, "kg_metrics.data.extract", None)  # import fails
    rows = b.task_rows()
    assert list(rows.columns) == ["clause", "paragraph", "text"]
    assert len(rows) == len(registry.tasks_for("tourism"))
    monkeypatch.delitem(sys.modules, "kg_metrics.data.extract")

    import types

    broken = types.ModuleType("kg_metrics.data.extract")
    broken.tasks_for_sector = lambda reg, sector: (_ for _ in ()).throw(RuntimeError("boom"))
    monkeypatch.setitem(sys.modules, "kg_metrics.data.extract", broken)
    with pytest.warns(UserWarning, match="boom"):
        rows = b.task_rows()
    assert rows["text"].iloc[0].startswith("Tập trung hoàn thành")


def test_sector_sources(make):
    text = make("sector", "vi", "tourism").sources_content().text
    assert "≈508.645 lượt khách" in text and "572.887 lượt khách" in text
    assert "đầu vào của số liệu tính suy ra" in text
    assert 'href="https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"' in text
    assert "phu_quoc" not in text and "962.449" not in text  # Phú Quốc-only figure not used
    # the 2024 outturn ends after the assessment date: listed only as the input of the derived 2023 level
    row = re.search(r"<tr>(?:(?!</tr>).)*>978\.785 lượt khách<(?:(?!</tr>).)*</tr>", text).group(0)
    assert "đầu vào của số liệu tính suy ra; kỳ kết thúc sau ngày đánh giá" in row


def test_sector_title(make):
    text = make("sector", "vi", "tourism").title_content().text
    assert text.startswith("# Du lịch:") and "Điều 1, khoản 2, điểm a" in text
    assert "Hội đồng nhân dân tỉnh Kiên Giang" in text


# --------------------------------------------------------------------------- whole briefings
@pytest.mark.parametrize("notebook, sector", [("overview", None), ("sector", "tourism"), ("sector", "agriculture"),
                                              ("sector", "industry_trade"), ("sector", "public_investment")])
def test_numbers_follow_the_language(make, notebook, sector):
    # the data files' own notes are English text, marked lang="en": not the briefing's numbers
    strip = lambda t: re.sub(r'<span class="data-note" lang="en">.*?</span>', "", t)  # noqa: E731
    vi = strip(_all_text(make(notebook, "vi", sector)))
    en = strip(_all_text(make(notebook, "en", sector)))
    assert not re.search(r"\d\.\d{1,2}%", vi), re.findall(r".{30}\d\.\d{1,2}%", vi)[:3]
    assert not re.search(r"(?<![\d.])\d{1,3},\d{1,2}%", en), re.findall(r".{30}\d,\d{1,2}%", en)[:3]
    for text in (vi, en):
        assert "nan" not in re.sub(r"<[^>]+>|https?://\S+", "", text).lower().split()
        assert "None" not in text


@pytest.mark.parametrize("notebook, sector", [("overview", None), ("sector", "tourism")])
def test_heading_levels(make, notebook, sector):
    text = _all_text(make(notebook, "vi", sector))
    headings = re.findall(r"^(#+) ", text, flags=re.M)
    assert headings[0] == "#" and headings.count("#") == 1
    assert set(headings) <= {"#", "##", "###"}


def test_section_displays_each_block(monkeypatch, make):
    import IPython.display as ipd

    shown = []
    monkeypatch.setattr(ipd, "display", lambda obj, **kw: shown.append(obj))
    sec = make("overview", "vi").contributions_content()
    sec._ipython_display_()
    kinds = [type(o).__name__ for o in shown]
    assert kinds == ["Markdown", "Figure", "HTML"]


def test_load_validates_first():
    with pytest.raises(ParameterError, match="expected one of"):
        Briefing.load("nope", "vi", "", "2024-07-18")
    with pytest.raises(ParameterError, match="'lang'"):
        Briefing.load("tourism", "de", "", "2024-07-18")


def test_load_and_check():
    b = Briefing.load(None, "en", "", "2024-07-18")
    assert b.notebook == "overview" and b.sector is None
    b.check()
    assert b.notes == []
    b = Briefing.load("tourism", "vi", "", "2024-07-18")
    assert b.notebook == "sector" and b.sector == "tourism"


def test_a_later_as_of_uses_the_outturn(registry, observations):
    b = Briefing(registry, observations, lang="vi", as_of="2025-03-19", sector="tourism", notebook="sector")
    text = b.targets_content().text
    assert "Thực hiện năm 2024" in text  # the 9,8 M outturn is known by then
    assert 'status-met' in text
