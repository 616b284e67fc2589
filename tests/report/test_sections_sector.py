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


def test_briefing_helpers_read_the_catalog(make, registry):
    b = make("overview", "vi")
    row = b._row_by_key("grdp/level/H1-2023")
    assert b.observed(row) == "trên 35.872 tỷ đồng" and b.observed(None) == "chưa có số liệu"
    assert common.status_word("derived", b.lang) == "tính suy ra"
    derived = b._row_by_key("grdp/level/FY-2023")
    assert b.describe_derivation(derived).startswith("78.259,75 / 1,075 = 72.799,77 (")
    en = make("overview", "en")
    assert en.observed(row) == "over 35,872 bn VND"
    assert "78,259.75 / 1.075 = 72,799.77 (" in en.describe_derivation(derived)


@pytest.mark.parametrize("lang, note", [
    ("vi", "Tổng đóng góp của các khu vực (+6,84 điểm %) khác tăng trưởng GRDP (9,00%)."),
    ("en", "The sectors' contributions (+6.84 pp) do not add up to GRDP growth (9.00%)."),
])
def test_check_notes_come_from_the_catalog_and_show_under_the_title(registry, observations, lang, note):
    obs = observations.copy()
    g1 = (obs["indicator"] == "grdp") & (obs["period"] == "H1-2024") & (obs["measure"] == "growth_yoy_pct")
    assert g1.sum() == 1
    obs.loc[g1, "value"] = 9.0  # the sectors' contributions still add up to 6.84
    b = Briefing(registry, obs, lang=lang)
    text = _text(b, "title")  # runs the checks first
    assert note in b.notes
    assert f"<li>{note}</li>" in text
    assert ("Lưu ý về dữ liệu:" if lang == "vi" else "Data notes:") in text


# --------------------------------------------------------------------------- title
def test_overview_title(make):
    vi = _text(make("overview", "vi"), "title")
    assert vi.startswith("<h1>Tổng quan: mục tiêu 6 tháng cuối năm và cả năm 2024 của tỉnh Kiên Giang</h1>")
    assert "Hội đồng nhân dân tỉnh Kiên Giang (khóa X, kỳ họp thứ 24), thông qua ngày 18/7/2024." in vi
    en = _text(make("overview", "en"), "title")
    assert "of the People's Council of Kiên Giang province (10th term, 24th session), adopted on 18 July 2024." in en
    assert "(Vietnamese: <em>" in en  # the Vietnamese title, in italics
    assert "Data notes" not in en  # the shipped data passes the checks


def test_sector_title(make):
    b = make("sector", "vi", "tourism")
    data = b.data("title")
    assert data["sector_name"] == "Du lịch" and data["clause"] == "Điều 1, khoản 2, điểm a"
    n = data["n_sourced"] + data["n_derived"]
    assert n == len(b.obs) and data["n_derived"] > 0
    text = _text(b, "title")
    assert text.startswith("<h1>Du lịch: mục tiêu 6 tháng cuối năm và cả năm 2024</h1>")
    assert "Lĩnh vực này thuộc Điều 1, khoản 2, điểm a của nghị quyết." in text
    assert f"{data['n_sourced']} số liệu có nguồn, {data['n_derived']} số liệu tính suy ra." in text
    assert "This sector falls under Article 1, clause 2, point a of the resolution." in \
        _text(make("sector", "en", "tourism"), "title")


def test_scenario_title_has_the_banner():
    text = _text(Briefing.load("tourism", "en", scenario="low"), "title")
    assert '<div class="scenario scenario-banner"' in text and "<strong>Scenario: low</strong>" in text
    assert text.index("</h1>") < text.index("scenario-banner") < text.index("A briefing on")


# --------------------------------------------------------------------------- summary
def test_summary_table(make, registry):
    b = make("overview", "vi")
    data = b.data("summary")
    assert data["n"] == len(registry.targets) and sum(c["n"] for c in data["counts"]) == data["n"]
    text = _text(b, "summary")
    assert text.startswith("<h2>Tóm tắt các chỉ tiêu</h2>")
    body = text.split("<tbody>")[1]
    assert body.count("<tr>") == len(registry.targets)
    assert 'class="status status-on_track">Đúng hướng' in body and 'class="status status-not_assessable"' in body
    assert "6 tháng cuối năm cần tăng 6,56% so với cùng kỳ 2023; 6 tháng đầu năm đã tăng 6,84%." in body
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
def test_tourism_shows_the_international_inconsistency_vi(make):
    b = make("sector", "vi", "tourism")
    sec = b.section("targets")
    text = html.unescape(sec.text)
    assert text.startswith("<h2>Các chỉ tiêu định lượng</h2>")
    assert text.count("<h3>") == 4 and len(sec.figures) == 4
    assert "H1 ngầm định trong nghị quyết 580.645 so với H1 báo cáo ≈508.645: chênh 14,2% (vượt ngưỡng 2%)." in text
    assert '<li class="anomaly">' in text
    assert "572.887 − 64.242 = 508.645" in text  # how the reported H1 was derived
    assert 'href="https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"' in text
    assert "2019: 41,6%" in text and "2019: 49,4%<br>2022: 53,9%<br>2023: 41,8%" in text
    assert "không tính các năm COVID-19 2020, 2021" in text


def test_tourism_en(make):
    text = _text(make("sector", "en", "tourism"), "targets")
    assert "580,645" in text and "508,645" in text and "14.2%" in text
    assert "572,887 − 64,242 = 508,645" in text
    assert "Implied H1 in the resolution 580,645 vs reported H1 ≈508,645" in text


def test_tourism_required_growth_against_h2_of_the_year_before(make):
    b = make("sector", "vi", "tourism")
    facts = _facts(b, "tourists_fy2024")
    assert facts["6 tháng cuối năm 2023"]["value"] == "3,55 triệu lượt khách"
    assert facts["6 tháng cuối năm 2023"]["note"] == "năm 2023 − 6 tháng đầu năm 2023: 8,5 − 4,95"
    assert facts["Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023"]["value"] == "5,00%"
    assert facts["6 tháng cuối năm 2024 cần đạt"]["note"] == "mục tiêu năm − 6 tháng đầu năm báo cáo: 9,2 − 5,472"
    assert facts["Tình trạng"]["value"] == {"status": "on_track"}
    text = _text(b, "targets")
    assert _row(text, "6 tháng cuối năm 2023") == "3,55 triệu lượt khách"
    assert _row(text, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == "5,63%"  # international tourists


def test_figures_are_numbered_in_order_with_captions(registry, observations):
    b = Briefing(registry, observations, lang="en", sector="tourism", notebook="sector")
    data = b.data("targets")
    assert [tg["figure_no"] for tg in data["targets"]] == [1, 2, 3, 4]
    assert data["targets"][1]["caption"].startswith(
        "Figure 2. Tourist arrivals; unit: M arrivals. 2024: reported H1 (derived) plus the H2 required")
    text = _text(b, "targets")  # a second rendering keeps the numbers
    assert '<p class="caption">Figure 4. ' in text and "Figure 5. " not in text


def test_missing_values_are_shown_as_missing_never_zero(make):
    text = _text(make("sector", "vi", "industry_trade"), "targets")
    # retail: no H1 2024 figure was published
    retail = text.split("<h3>Tổng mức bán lẻ")[1]
    assert _row(retail, "6 tháng đầu năm 2024 báo cáo") == '<span class="missing">chưa có số liệu</span>'
    assert _row(retail, "Tốc độ tăng cần đạt so với 6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert not re.search(r'class="num">0(<| )', text)
    en = _text(make("sector", "en", "industry_trade"), "targets")
    assert _row(en.split("<h3>Retail sales")[1], "Reported H1 2024") == '<span class="missing">not available</span>'


def test_intl_tourists_missing_base_is_named(make):
    text = _text(make("sector", "vi", "tourism"), "targets")
    intl = text.split("<h3>Lượt khách du lịch quốc tế")[1]
    assert _row(intl, "6 tháng cuối năm 2023") == '<span class="missing">chưa có số liệu</span>'
    assert "thiếu số liệu 6 tháng đầu năm 2023" in intl


def test_quantitative_target_without_data(make):
    text = _text(make("sector", "en", "defence_security"), "targets")
    assert "Military admissions" in text and "= 100%" in text
    assert _row(text, "Reported figures") == '<span class="missing">not available</span>'
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
    assert text.startswith("<h2>Nhiệm vụ và giải pháp trong nghị quyết</h2>")
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
def test_overview_sources_list_the_grdp_inputs(make):
    b = make("overview", "vi")
    figures = b.data("sources")["figures"]
    taxes = [f for f in figures if f["indicator"] == "Thuế sản phẩm trừ trợ cấp sản phẩm" and f["measure"] is None]
    assert taxes and taxes[0]["value"] == "≈1.960,95 tỷ đồng" and taxes[0]["status"] == "derived"
    text = _text(b, "sources")
    assert "nguoiduatin.vn" in text and "agrimate.vn" in text
    assert "kỳ kết thúc sau ngày đánh giá" in text  # the 2024 outturn behind the derived 2023 level
    assert b.data("sources")["more_in_sectors"] and text.endswith("<p>Nguồn của các chỉ tiêu theo lĩnh vực: xem bản tin của từng lĩnh vực.</p>")


def test_sector_sources(make):
    b = make("sector", "vi", "tourism")
    text = _text(b, "sources")
    assert "≈508.645 lượt khách" in text and "572.887 lượt khách" in text
    assert "đầu vào của số liệu tính suy ra" in text
    assert 'href="https://vneconomy.vn/nhung-tin-hieu-vui-cho-du-lich-phu-quoc.htm"' in text
    assert "phu_quoc" not in text and "962.449" not in text  # Phú Quốc-only figure not used
    # the 2024 outturn ends after the assessment date: listed only as the input of the derived 2023 level
    row = re.search(r"<tr>(?:(?!</tr>).)*>978\.785 lượt khách<(?:(?!</tr>).)*</tr>", text).group(0)
    assert "đầu vào của số liệu tính suy ra; kỳ kết thúc sau ngày đánh giá" in row
    outturn = next(f for f in b.data("sources")["figures"] if f["value"] == "978.785 lượt khách")
    assert outturn["notes"] == ["đầu vào của số liệu tính suy ra", "kỳ kết thúc sau ngày đánh giá"]
    assert not b.data("sources")["more_in_sectors"]
