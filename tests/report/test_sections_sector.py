"""The sector briefing's sections (kg_metrics.report.sections: title, summary, targets, tasks, sources) and their
shared helpers (sections.common): exact texts in Vietnamese and English, missing figures shown as missing."""
from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

from kg_metrics.report.briefing import Briefing
from kg_metrics.report.sections import common, tasks
from tests.conftest import SYNTHETIC_URL

JULY = "2024-07-18"
LATER = "2025-03-31"  # the 2024 GRDP outturn (6/12/2024) is published: the 2023 GRDP level is derived from it


# --------------------------------------------------------------------------- synthetic data on a copy (csv_tools)
@pytest.fixture
def components(data_copy, csv_tools):
    """The data plus services' H1 2023 level ('trên 12.862'), the four components' H1 2024 growth (2,46 / 10,35 /
    9,8 / 5,71%) and taxes' H1 2023 level as the residual 35.872 − 13.897,96 − 7.151,09 − 12.862 = 1.960,95."""
    csv_tools.add_observations(data_copy, "economy", fields=csv_tools.QUALIFIED_ROW_FIELDS, rows=[
        ("va_services", "level", "H1-2023", ">", "12.862", "bn_vnd", "2023-07-04"),
        ("va_agri", "growth_yoy_pct", "H1-2024", "", "2,46", "pct", "2024-07-10"),
        ("va_industry", "growth_yoy_pct", "H1-2024", "", "10,35", "pct", "2024-07-10"),
        ("va_services", "growth_yoy_pct", "H1-2024", "", "9,8", "pct", "2024-07-10"),
        ("va_taxes", "growth_yoy_pct", "H1-2024", "", "5,71", "pct", "2024-07-10")])
    csv_tools.add_derivation(data_copy, "va_taxes/level/H1-2023", "residual",
                             ["grdp/level/H1-2023", "va_agri/level/H1-2023", "va_industry/level/H1-2023",
                              "va_services/level/H1-2023"])
    return csv_tools.load(data_copy)


@pytest.fixture
def derived_h1(data_copy, csv_tools):
    """The data plus the H1 2024 tourist counts as Jan–Jul minus July (derivations), dated before the session:
    tourists 6.400.000 − 927.616 = 5.472.384; international 560.000 − 51.355 = 508.645 (no such figure was
    published by 18/7/2024)."""
    csv_tools.add_observations(data_copy, "tourism", [
        ("tourists", "level", "YTD07-2024", "6.400.000", "arrivals", "2024-07-16"),
        ("tourists", "level", "M07-2024", "927.616", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "YTD07-2024", "560.000", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "M07-2024", "51.355", "arrivals", "2024-07-16")])
    for ind in ("tourists", "intl_tourists"):
        csv_tools.add_derivation(data_copy, f"{ind}/level/H1-2024", "difference",
                                 [f"{ind}/level/YTD07-2024", f"{ind}/level/M07-2024"])
    return csv_tools.load(data_copy)


def _tourism(derived_h1, lang: str) -> Briefing:
    reg, obs = derived_h1
    return Briefing(reg, obs, lang=lang, sector="tourism", notebook="sector")


def _text(b: Briefing, name: str) -> str:
    """A section's text with HTML entities decoded ('People's', not 'People&#39;s')."""
    return html.unescape(b.section(name).text)


def _row(text: str, label: str) -> str:
    """The value cell of a facts-table row."""
    m = re.search(r"<tr><td>" + re.escape(label) + r"</td><td class=\"num\">(.*?)</td>", text)
    assert m, f"no row {label!r}"
    return m.group(1)


def _facts(b: Briefing, target_id: str) -> dict[str, dict]:
    """A target's facts (label → row) from the targets section's data."""
    target = next(tg for tg in b.data("targets")["targets"] if tg["target_id"] == target_id)
    return {f["label"]: f for f in target["facts"]}


# --------------------------------------------------------------------------- common helpers
@pytest.mark.parametrize("ref, lang, paragraph, expected", [
    ("Điều 1, khoản 2, điểm a", "vi", None, "Điều 1, khoản 2, điểm a"),
    ("Điều 1, khoản 2, điểm a", "en", None, "Article 1, clause 2, point a"),
    ("Điều 1, khoản 2, điểm b", "vi", 3, "Điều 1, khoản 2, điểm b, đoạn 3"),
    ("Điều 1, khoản 2, điểm b", "en", 3, "Article 1, clause 2, point b, paragraph 3"),
    ("Điều 1, khoản 1", "en", None, "Article 1, clause 1"),
    ("Điều 2", "en", None, "Article 2"),
])
def test_clause_label(ref, lang, paragraph, expected):
    assert common.clause_label(ref, lang, paragraph) == expected


def test_every_clause_of_the_data_reads_back_as_written_in_vietnamese(registry):
    refs = set(registry.sectors["clause"]) | set(registry.targets["clause"]) | set(registry.task_paragraphs["clause"])
    assert refs and all(common.clause_label(r, "vi") == r for r in refs)


@pytest.mark.parametrize("lang, status, qualifier, word, words", [
    ("vi", "derived", ">", "tính suy ra", "trên "),
    ("en", "derived", ">", "derived", "over "),
    ("en", "official", "≈", "official", "about "),
    ("en", "no_such_status", None, "no_such_status", ""),  # a code without words stays the code
])
def test_status_and_qualifier_words(lang, status, qualifier, word, words):
    assert common.status_word(status, lang) == word
    assert common.qualifier_words(qualifier, lang) == words


def test_briefing_helpers_read_the_catalog(make, registry, observations):
    b = make("overview", "vi")
    row = b._row_by_key("grdp/level/H1-2023")
    assert b.observed(row) == "trên 35.872 tỷ đồng" and b.observed(None) == "chưa có số liệu"
    assert common.status_word("derived", b.lang) == "tính suy ra"
    assert b._row_by_key("grdp/level/FY-2023") is None  # not derivable before the 2024 outturn (6/12/2024)
    later = Briefing(registry, observations, lang="vi", as_of=LATER)
    derived = later._row_by_key("grdp/level/FY-2023")  # economy.csv: 78.259 and +7,5% in 2024
    assert later.describe_derivation(derived).startswith("78.259 / 1,075 = 72.799,07 (")
    en = Briefing(registry, observations, lang="en", as_of=LATER)
    assert make("overview", "en").observed(row) == "over 35,872 bn VND"
    assert "78,259 / 1.075 = 72,799.07 (" in en.describe_derivation(derived)


@pytest.mark.parametrize("lang, note", [
    ("vi", "Tổng đóng góp của các khu vực (+6,84 điểm %) khác tăng trưởng GRDP (9,00%)."),
    ("en", "The sectors' contributions (+6.84 pp) do not add up to GRDP growth (9.00%)."),
])
def test_check_notes_come_from_the_catalog_and_show_under_the_title(components, lang, note):
    reg, obs = components
    obs = obs.copy()
    g1 = (obs["indicator"] == "grdp") & (obs["period"] == "H1-2024") & (obs["measure"] == "growth_yoy_pct")
    assert g1.sum() == 1
    obs.loc[g1, "value"] = 9.0  # the sectors' contributions (synthetic) still add up to 6.84
    b = Briefing(reg, obs, lang=lang)
    text = _text(b, "scope")  # runs the checks first
    assert note in b.notes
    assert f"<li>{note}</li>" in text
    assert ("Lưu ý về dữ liệu:" if lang == "vi" else "Data notes:") in text


# --------------------------------------------------------------------------- title
def test_overview_title(make, data_dir, csv_tools):
    assert _text(make("overview", "vi"), "title").startswith(
        "<h1>Tổng quan: mục tiêu 6 tháng cuối năm và cả năm 2024 của tỉnh Kiên Giang</h1>")
    vi = _text(make("overview", "vi"), "scope")
    assert "Hội đồng nhân dân tỉnh Kiên Giang (khóa X, kỳ họp thứ 24), thông qua ngày 18/7/2024." in vi
    en = _text(make("overview", "en"), "scope")
    assert "of the People's Council of Kiên Giang province (10th term, 24th session), adopted on 18 July 2024." in en
    assert "(Vietnamese: <em>" in en  # the Vietnamese title, in italics
    # the shipped data pass the checks but one: tourism.csv gives international arrivals of 34.499 in H1 2021 and
    # 3.500 for the whole of 2021 (both as published), and the check says so
    _, rows = csv_tools.read(data_dir / "observations" / "tourism.csv")
    h1, fy = ([r["value"] for r in rows if r["indicator"] == "intl_tourists" and r["measure"] == "level"
               and r["period"] == p and r["area"] == "kien_giang"] for p in ("H1-2021", "FY-2021"))
    assert (h1, fy) == (["34.499"], ["3.500"])
    # in the reader's language, with the indicator's name and numbers in its notation (never the CLI's English)
    note_en = ("International tourist arrivals: the H1 2021 figure (34,499) exceeds the full-year figure (3,500); "
               "the source needs checking.")
    assert make("overview", "en").notes == [note_en]
    assert en.count("<li>") == 1 and f"<li>{note_en}</li>" in en
    assert make("overview", "vi").notes == [
        "Lượt khách du lịch quốc tế: số liệu 6 tháng đầu năm 2021 (34.499) lớn hơn số liệu cả năm (3.500); "
        "cần kiểm tra lại nguồn."]


def test_sector_title(make, data_dir, csv_tools):
    b = make("sector", "vi", "tourism")
    data = b.data("title")
    assert data["sector_name"] == "Du lịch" and data["clause"] == "Điều 1, khoản 2, điểm a"
    n = data["n_sourced"] + data["n_derived"]
    assert n == len(b.obs) and data["n_derived"] > 0
    # the vintage: the newest `published` date of the sourced rows (6/2/2025)
    published = [r["published"] for path in (data_dir / "observations").glob("*.csv") for r in csv_tools.read(path)[1]]
    assert data["vintage"] == max(published) == "2025-02-06"
    assert _text(b, "title") == "<h1>Du lịch: mục tiêu 6 tháng cuối năm và cả năm 2024</h1>"
    text = _text(b, "scope")
    assert text.startswith('<h2 id="scope">Phạm vi và số liệu</h2>')
    assert "Lĩnh vực này thuộc Điều 1, khoản 2, điểm a của nghị quyết." in text
    assert (f"Chỉ dùng số liệu đã công bố đến ngày 18/7/2024: {data['n_sourced']} số liệu có nguồn và "
            f"{data['n_derived']} số liệu tính suy ra, mỗi số liệu lấy bản công bố mới nhất tính đến ngày đó.") in text
    # the sector's own targets are counted, not the resolution's 23
    n_tourism = int((b.reg.targets["sector"] == "tourism").sum())
    assert n_tourism == 4 and "Bộ dữ liệu được thu thập đến ngày 6/2/2025; 4 chỉ tiêu." in text
    assert "This sector falls under Article 1, clause 2, point a of the resolution." in \
        _text(make("sector", "en", "tourism"), "scope")


def test_scenario_title_has_the_banner():
    b = Briefing.load("tourism", "en", scenario="low")
    text = _text(b, "title")
    assert '<div class="scenario scenario-banner"' in text and "<strong>Scenario: low</strong>" in text
    assert text.index("</h1>") < text.index("scenario-banner")
    assert "A briefing on" in _text(b, "scope")


# --------------------------------------------------------------------------- summary
def test_summary_table(make, registry):
    b = make("overview", "vi")
    data = b.data("summary")
    assert data["n"] == len(registry.targets) and sum(c["n"] for c in data["counts"]) == data["n"]
    text = _text(b, "summary")
    assert text.startswith('<h2 id="summary">Đánh giá từng chỉ tiêu</h2>')
    body = text.split("<tbody>")[1]
    assert body.count("<tr>") == len(registry.targets)
    assert 'class="status status-on_track">Có khả năng đạt' in body and 'class="status status-not_assessable"' in body
    assert "6 tháng cuối năm cần tăng 6,56% so với cùng kỳ năm 2023; 6 tháng đầu năm đã tăng 6,84%." in body
    assert "<th>Lĩnh vực</th>" in text
    en = _text(make("overview", "en"), "summary")
    assert "H2 needs 6.56% year on year against H2 2023; H1 grew 6.84%." in en


def test_sector_summary_leaves_out_the_sector_column(make):
    b = make("sector", "vi", "tourism")
    text = _text(b, "summary")
    assert "<th>Lĩnh vực</th>" not in text and "<th>Chỉ tiêu</th>" in text
    assert text.split("<tbody>")[1].count("<tr>") == 4
    statuses = list(b.data("summary")["targets"].iloc[:, 4])
    assert statuses == list(b._sector_targets()["status"])


# --------------------------------------------------------------------------- targets
def test_tourism_shows_the_international_inconsistency_vi(derived_h1):
    sec = _tourism(derived_h1, "vi").section("targets")
    text = html.unescape(sec.text)
    assert text.startswith('<h2 id="targets">Các chỉ tiêu định lượng</h2>')
    assert text.count("<h3>") == 4 and len(sec.figures) == 4
    # implied H1 = 680.000 − 99.355 = 580.645; reported 560.000 − 51.355 = 508.645; 580.645 / 508.645 − 1 = 14,2%
    assert round((680000 - 99355) / (560000 - 51355) * 100 - 100, 1) == 14.2
    assert ("6 tháng đầu năm ngầm định trong nghị quyết 580.645 so với số tính suy ra (không phải số báo cáo) ≈508.645: "
            "chênh 14,2% (vượt ngưỡng 2%).") in text
    assert '<li class="anomaly">' in text
    assert "560.000 − 51.355 = 508.645" in text  # how the reported H1 was derived
    assert f'href="{SYNTHETIC_URL}"' in text
    # H2 shares of the year (tourism.csv, 2020–21 left out): tourists 2019 (8,780484 − 4,443255) / 8,780484 = 49,4%,
    # 2022 (7,568182 − 5 / 1,42) / 7,568182 = 53,5%, 2023 (8,5 − 5) / 8,5 = 41,2%; international 2019 41,7%,
    # 2023 (573.000 − 354.992) / 573.000 = 38,0%
    assert round((8.780484 - 4.443255) / 8.780484 * 100, 1) == 49.4
    assert round((7.568182 - 5 / 1.42) / 7.568182 * 100, 1) == 53.5 and round(3.5 / 8.5 * 100, 1) == 41.2
    assert round((573000 - 354992) / 573000 * 100, 1) == 38.0
    assert "2019: 49,4%<br>2022: 53,5%<br>2023: 41,2%" in text and "2019: 41,7%<br>2023: 38,0%" in text
    assert "không tính các năm COVID-19 2020, 2021" in text


def test_tourism_targets_without_an_h1_2024_figure_are_not_assessable(make):
    """No H1 2024 tourist count was published by 18/7/2024: the shipped data leave the four targets unassessed."""
    text = _text(make("sector", "vi", "tourism"), "targets")
    assert text.count("Chưa đủ cơ sở đánh giá: thiếu số liệu số lượt khách du lịch 6 tháng đầu năm 2024.") == 2
    assert text.count("Chưa đủ cơ sở đánh giá: thiếu số liệu số lượt khách quốc tế 6 tháng đầu năm 2024.") == 2
    assert "508.645" not in text


def test_tourism_en(derived_h1):
    text = _text(_tourism(derived_h1, "en"), "targets")
    assert "580,645" in text and "508,645" in text and "14.2%" in text
    assert "560,000 − 51,355 = 508,645" in text
    assert "Implied H1 in the resolution 580,645 vs " in text and "≈508,645: gap 14.2% (beyond the 2% tolerance)" in text


def test_tourism_required_growth_against_h2_of_the_year_before(derived_h1):
    b = _tourism(derived_h1, "vi")
    facts = _facts(b, "tourists_fy2024")
    # H2 2023 = '>8,5' − '≈5' M (tourism.csv), shown at its inputs' precision (±0,55 M): 4
    assert facts["6 tháng cuối năm 2023"]["value"] == "4 triệu lượt khách"
    assert facts["6 tháng cuối năm 2023"]["note"] == "năm 2023 − 6 tháng đầu năm 2023: 8,5 − 5"
    # (9,2 − 5,472384) / 3,5 − 1 = 6,50%; H1 pace 5,472384 / 5 − 1 = 9,45%
    assert round(((9.2 - 5.472384) / 3.5 - 1) * 100, 2) == 6.50 and round((5.472384 / 5 - 1) * 100, 2) == 9.45
    assert facts["Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023"]["value"] == "6,50%"
    assert facts["6 tháng cuối năm 2024 cần đạt"]["note"] == "mục tiêu năm − 6 tháng đầu năm: 9,2 − ≈5,5"
    assert facts["Tình trạng"]["value"] == {"status": "on_track"}
    text = _text(b, "targets")
    fy = text.split("<h3>Lượt khách du lịch — năm 2024")[1].split("<h3>")[0]
    assert _row(fy, "6 tháng cuối năm 2023") == "4 triệu lượt khách"
    assert _row(fy, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == "6,50%"
    # H2 target: 3,75 / 3,5 − 1 = 7,14%; international, year: (680.000 − 508.645) / (573.000 − 354.992) − 1 = −21,40%
    h2 = text.split("<h3>Lượt khách du lịch — 6 tháng cuối năm 2024")[1].split("<h3>")[0]
    assert _row(h2, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == "7,14%"
    assert round(((680000 - 508645) / (573000 - 354992) - 1) * 100, 2) == -21.40
    intl = text.split("<h3>Lượt khách du lịch quốc tế — năm 2024")[1]
    assert _row(intl, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == "-21,40%"


def test_figures_are_numbered_in_order_with_captions(derived_h1):
    b = _tourism(derived_h1, "en")
    data = b.data("targets")
    assert [tg["figure_no"] for tg in data["targets"]] == [1, 2, 3, 4]
    assert data["targets"][1]["caption"].startswith(
        "Figure 2. Tourist arrivals; unit: M arrivals. 2024: H1 derived from published figures (not a reported "
        "figure) plus the H2 required to reach the year target")
    text = _text(b, "targets")  # a second rendering keeps the numbers
    assert '<p class="caption">Figure 4. ' in text and "Figure 5. " not in text


def test_captions_without_a_reported_h1_show_the_implied_one(make):
    data = make("sector", "en", "tourism").data("targets")
    assert data["targets"][1]["caption"].startswith(
        "Figure 2. Tourist arrivals; unit: M arrivals. 2024: the H1 the resolution implies (hatched; no reported H1)")


def test_missing_values_are_shown_as_missing_never_zero(make):
    text = _text(make("sector", "vi", "industry_trade"), "targets")
    # retail: no H1 2024 figure was published
    retail = text.split("<h3>Tổng mức bán lẻ")[1]
    assert _row(retail, "6 tháng đầu năm 2024 báo cáo") == '<span class="missing">chưa có số liệu</span>'
    assert _row(retail, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert not re.search(r'class="num">0(<| )', text)
    en = _text(make("sector", "en", "industry_trade"), "targets")
    assert _row(en.split("<h3>Retail sales")[1], "Reported H1 2024") == '<span class="missing">not available</span>'


def test_intl_tourists_missing_base_is_named(registry, observations):
    # without intl_tourists' H1 2023 level (354.992, tourism.csv) the H2 2023 base is missing and named
    drop = (observations["indicator"] == "intl_tourists") & (observations["period"] == "H1-2023")
    b = Briefing(registry, observations[~drop], lang="vi", sector="tourism", notebook="sector")
    text = _text(b, "targets")
    intl = text.split("<h3>Lượt khách du lịch quốc tế")[1]
    assert _row(intl, "6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert "thiếu số liệu 6 tháng đầu năm 2023" in intl


def test_intl_tourists_base_by_hand(make):
    # '>573.000' − 354.992 = 218.008, shown at the inputs' precision
    intl = _text(make("sector", "vi", "tourism"), "targets").split("<h3>Lượt khách du lịch quốc tế")[1]
    assert _row(intl, "6 tháng cuối năm 2023") == "218.000 lượt khách"
    assert "năm 2023 − 6 tháng đầu năm 2023: 573.000 − 354.992" in intl


def test_quantitative_target_without_data(make):
    text = _text(make("sector", "en", "defence_security"), "targets")
    assert "Military admissions" in text and '<td>2024 target</td><td class="num">reach 100%</td>' in text
    assert _row(text, "Reported figures") == '<span class="missing">not available</span>'
    assert "Not assessable: missing military admissions against the quota for H1 2024." in text
    assert "qualitative tasks only" not in text


@pytest.mark.parametrize("sector", ["culture_society", "admin_reform"])
def test_qualitative_only_sectors(make, sector):
    b = make("sector", "vi", sector)
    assert b.data("targets") == {"targets": []}
    assert "Nghị quyết chỉ đặt ra nhiệm vụ định tính cho lĩnh vực này, không có chỉ tiêu định lượng." in \
        _text(b, "targets")
    assert b.data("summary") is None and not b.section("summary")
    assert b.data("sources")["figures"] == []
    assert "Bản tin này không dùng số liệu thống kê nào." in _text(b, "sources")
    assert "The resolution sets qualitative tasks only for this sector" in _text(make("sector", "en", sector), "targets")


def test_a_later_as_of_uses_the_outturn(registry, observations):
    b = Briefing(registry, observations, lang="vi", as_of="2025-03-19", sector="tourism", notebook="sector")
    facts = _facts(b, "tourists_fy2024")
    assert facts["Thực hiện năm 2024"]["value"] == "9,8 triệu lượt khách"
    assert facts["Tình trạng"]["value"] == {"status": "met"}
    assert "status-met" in _text(b, "targets")


# --------------------------------------------------------------------------- tasks
def test_tasks_with_clause_references(make):
    text = _text(make("sector", "vi", "culture_society"), "tasks")
    assert text.startswith('<h2 id="tasks">Nhiệm vụ và giải pháp trong nghị quyết</h2>')
    assert '<ol class="kg-tasks">' in text and '<ul lang="vi">' in text
    for p in range(2, 7):
        assert f'<span class="clause">Điều 1, khoản 2, điểm b, đoạn {p}</span>' in text
    assert "Tổ chức thực hiện tốt công tác tuyển sinh các lớp đầu cấp" in text
    en = _text(make("sector", "en", "culture_society"), "tasks")
    assert "Article 1, clause 2, point b, paragraph 2" in en and "original Vietnamese" in en


def test_tasks_fall_back_to_the_registry(make, monkeypatch, registry):
    b = make("sector", "vi", "tourism")
    sentences = tasks.task_rows(b)
    assert list(sentences.columns) == ["clause", "paragraph", "text"]

    def boom(reg, sector):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "tasks_for_sector", boom)
    with pytest.warns(UserWarning, match="boom"):
        rows = tasks.task_rows(b)
    assert len(rows) == len(registry.tasks_for("tourism")) < len(sentences)  # paragraphs, not sentences
    assert rows["text"].iloc[0].startswith("Tập trung hoàn thành")
    monkeypatch.setattr(tasks, "tasks_for_sector", lambda reg, sector: pd.DataFrame({"x": [1]}))
    with pytest.warns(UserWarning, match="unexpected shape"):
        assert len(tasks.task_rows(b)) == len(rows)
    monkeypatch.undo()
    with warnings.catch_warnings():  # the shipped extractor works: sentences, no warning
        warnings.simplefilter("error")
        assert tasks.data(b)["paragraphs"][0]["clause"].startswith("Điều 1, khoản 2, điểm a, đoạn ")


# --------------------------------------------------------------------------- sources
def test_overview_sources_list_the_grdp_inputs(make, components):
    shipped = make("overview", "vi")
    text = _text(shipped, "sources")
    assert "nguoiduatin.vn" in text and "lmhtx.kiengiang.gov.vn" in text
    assert "<th>Công bố</th>" in text and "<td>4/7/2023</td>" in text and "<td>10/7/2024</td>" in text
    assert shipped.data("sources")["more_in_sectors"] and \
        text.endswith("<p>Nguồn của các chỉ tiêu theo lĩnh vực: xem bản tin của từng lĩnh vực.</p>")
    reg, obs = components
    b = Briefing(reg, obs, lang="vi")
    figures = b.data("sources")["figures"]
    taxes = [f for f in figures if f["indicator"] == "Thuế sản phẩm trừ trợ cấp sản phẩm" and f["measure"] is None]
    # 35.872 − 13.897,96 − 7.151,09 − 12.862 = 1.960,95, shown at its inputs' precision (whole bn VND)
    assert taxes and taxes[0]["value"] == "≈1.961 tỷ đồng" and taxes[0]["status"] == "derived"
    assert "35.872 − (13.897,96 + 7.151,09 + 12.862) = 1.960,95" in _text(b, "sources")


def test_sector_sources(derived_h1):
    b = _tourism(derived_h1, "vi")
    text = _text(b, "sources")
    # 560.000 − 51.355 = 508.645, shown at the precision of 560.000 (thousands)
    assert "≈510.000 lượt khách" in text and "560.000 − 51.355 = 508.645" in text
    assert "560.000 lượt khách" in text and "51.355 lượt khách" in text
    assert f'href="{SYNTHETIC_URL}"' in text
    assert "phu_quoc" not in text and "962.449" not in text and "63.116" not in text  # Phú Quốc-only figures not used
    # the 2024 outturn (9/1/2025) is after the assessment date: not listed
    assert ">978.000 lượt khách<" not in text and "9/1/2025" not in text
    row = re.search(r"<tr>(?:(?!</tr>).)*>560\.000 lượt khách<(?:(?!</tr>).)*</tr>", text).group(0)
    # published 16/7/2024, before July (its period) ended: an estimate released early, and the note says so
    assert "<td>16/7/2024</td>" in row and "số ước tính công bố trước khi kỳ kết thúc" in row
    assert not b.data("sources")["more_in_sectors"]


