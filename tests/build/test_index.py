"""The index page: every briefing of a release in both languages, failures, the backtest and scenario packs, the
status grid of every target with its filters, and the status table's downloads (CSV, XLSX)."""
from __future__ import annotations

import csv
import html as htmllib
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kg_metrics.analysis.assessment import assess_targets
from kg_metrics.build.index import index_files, index_labels, write_index
from kg_metrics.text.catalog import catalog
from kg_metrics.text.style import html_text, scan

from tests.build.conftest import INDEX_COMMON, fake_release

COMMON = INDEX_COMMON
LANGS = ("vi", "en")


@pytest.fixture
def release(tmp_path) -> Path:
    """Placeholder briefings in both languages, a failed one and a scenario pack (see fake_release)."""
    return fake_release(tmp_path)


@pytest.fixture
def page(release, registry, observations) -> str:
    written = write_index(release, registry, observations, COMMON)
    assert written[0] == release / "index.html"
    return written[0].read_text(encoding="utf-8")


def in_lang(fragment: str, lang: str) -> str:
    """What a reader of ``lang`` sees of an HTML fragment: the other languages' texts (``<span class="tr"
    lang="…">``, never nested) dropped, tags stripped, entities decoded, spaces collapsed."""
    kept = re.sub(r'<span class="tr" lang="(\w+)">(.*?)</span>', lambda m: m[2] if m[1] == lang else "", fragment)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", kept))).strip()


def rows_of(page: str, table_class: str, lang: str) -> list[str]:
    """The rows (header first) of the first table of class ``table_class``, as ``lang`` reads them: cells joined by |."""
    table = re.search(rf'<table class="kg {table_class}">(.*?)</table>', page, re.S)[1]
    return ["|".join(in_lang(c, lang) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def target_rows(page: str) -> list[tuple[str, str, str]]:
    """(sector, status, row HTML) of every row of the status grid."""
    return re.findall(r'<tr class="target" data-sector="(\w+)" data-status="(\w+)">(.*?)</tr>', page, re.S)


# ------------------------------------------------------------------------------------------ the briefings
@pytest.mark.parametrize("lang, expected", [
    ("vi", ["Bản tin|Tiếng Việt|Tiếng Anh", "Tổng quan|HTML · PDF|—", "Du lịch|HTML · PDF|HTML · PDF",
            "Văn hóa - xã hội|Lỗi khi tạo chi tiết|—", "Đối chiếu với kết quả thực hiện năm 2024|HTML · PDF|—"]),
    ("en", ["Briefing|Vietnamese|English", "Overview|HTML · PDF|—", "Tourism|HTML · PDF|HTML · PDF",
            "Culture and society|Build failed details|—", "Backtest against the 2024 outturn|HTML · PDF|—"]),
])
def test_every_briefing_is_listed_with_its_files_in_both_languages(page, lang, expected):
    assert rows_of(page, "briefings", lang) == expected
    for href in ("vi/overview.html", "en/tourism.pdf", "en/tourism.html", "vi/overview.html#backtest",
                 "vi/overview.pdf#backtest", "scenarios/low/vi/tourism.html", "scenarios/low/vi/tourism.pdf"):
        assert f'href="{href}"' in page
    assert 'href="en/overview.html' not in page  # not built in English: no link to it


def test_failures_are_named_at_the_top_and_scenario_packs_listed(page):
    banner = re.search(r'<div class="anomaly">(.*?)</div>', page, re.S)[1]
    assert in_lang(banner, "vi") == "Lỗi khi tạo: Văn hóa - xã hội (bản tiếng Việt)"
    assert in_lang(banner, "en") == "Build failed: Culture and society (Vietnamese version)"
    assert '<a href="vi/culture_society.html">' in banner
    heading = re.search(r"<h2>([^\n]*?: low)</h2>", page)[1]
    assert (in_lang(heading, "vi"), in_lang(heading, "en")) == ("Kịch bản: low", "Scenario: low")
    scenario_table = page.split(heading)[1]
    assert rows_of(scenario_table, "briefings", "vi")[1:] == ["Du lịch|HTML · PDF|—"]


# ------------------------------------------------------------------------------------------ the status grid
def test_the_status_grid_has_one_row_per_target_with_its_status(page, registry, observations):
    rows = target_rows(page)
    for lang in LANGS:
        assessed = assess_targets(registry, observations, as_of=COMMON["as_of"], lang=lang)
        assert [(s, st) for s, st, _ in rows] == list(zip(assessed["sector"], assessed["status"]))
        for (_, status, html), label, reason in zip(rows, assessed["status_label"], assessed["reason"]):
            assert f'<span class="status status-{status}">' in html  # the badge, coloured by status
            shown = in_lang(html, lang)
            assert label in shown and shown.endswith(reason)
    assert len(rows) == len(registry.targets)
    # as of the session only GRDP could be assessed (README): its two targets are on track
    grdp = [st for (_, st, html) in rows if "GRDP" in in_lang(html, "vi")]
    assert grdp == ["on_track", "on_track"]


def test_the_status_grid_has_a_filter_for_every_sector_and_status(page, registry):
    rows = target_rows(page)
    sectors = sorted({s for s, _, _ in rows})
    statuses = list(catalog("vi").prefixed("status."))
    for name, values in (("sector", sectors), ("status", statuses)):
        for value in ["all", *values]:
            assert re.search(rf'<input class="control" type="radio" name="{name}" id="f-{name}-{value}"', page), value
            assert f'<label class="chip' in page and f'for="f-{name}-{value}"' in page
        for value in values:  # choosing a value hides the rows of every other value
            assert (f'#f-{name}-{value}:checked ~ .page tr.target:not([data-{name}="{value}"]) {{ display: none; }}'
                    in page)
    # each option counts its rows, and "all" every row
    tourism = re.search(r'<label class="chip[^"]*" for="f-sector-tourism">(.*?)</label>', page, re.S)[1]
    assert in_lang(tourism, "vi") == f"Du lịch {sum(s == 'tourism' for s, _, _ in rows)}"
    assert in_lang(tourism, "en") == f"Tourism {sum(s == 'tourism' for s, _, _ in rows)}"
    everything = re.search(r'<label class="chip[^"]*" for="f-status-all">(.*?)</label>', page, re.S)[1]
    assert in_lang(everything, "vi") == f"Tất cả {len(registry.targets)}"
    # a combination no target passes says so: no target is at risk, in any sector
    assert "#f-sector-all:checked ~ #f-status-at_risk:checked ~ .page .no-match { display: block; }" in page
    assert "#f-sector-all:checked ~ #f-status-on_track:checked ~ .page .no-match" not in page


# ------------------------------------------------------------------------------------------ the downloads
def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark: Excel shows 'Du lịch', not 'Du lá»‹ch'
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize("lang", LANGS)
def test_the_downloads_hold_the_status_table_one_row_per_target(release, registry, observations, lang):
    written = write_index(release, registry, observations, COMMON)
    assert [str(p.relative_to(release)) for p in written] == index_files() == [
        "index.html", "status-vi.csv", "status-vi.xlsx", "status-en.csv", "status-en.xlsx"]
    page = written[0].read_text(encoding="utf-8")
    assert f'href="status-{lang}.csv"' in page and f'href="status-{lang}.xlsx"' in page

    labels = index_labels(lang)
    header = [labels[c] for c in ("target_id", "sector", "indicator", "period", "target", "status", "reason")]
    assessed = assess_targets(registry, observations, as_of=COMMON["as_of"], lang=lang)
    table = _csv_rows(release / f"status-{lang}.csv")
    assert table[0] == header
    assert [r[0] for r in table[1:]] == list(registry.targets["target_id"])  # one row per target, in order
    assert [r[5] for r in table[1:]] == list(assessed["status_label"])
    assert [r[6] for r in table[1:]] == list(assessed["reason"])

    wb = load_workbook(release / f"status-{lang}.xlsx", read_only=True)
    ws = wb.worksheets[0]
    assert ws.title == labels["status_table"]
    cells = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert ws.max_row == 1 + len(registry.targets)
    assert cells == table  # the same table, cell for cell


def test_the_vietnamese_download_is_in_vietnamese_and_the_english_in_english(release, registry, observations):
    write_index(release, registry, observations, COMMON)
    vi, en = (_csv_rows(release / f"status-{lg}.csv") for lg in LANGS)
    assert vi[0][:3] == ["Mã chỉ tiêu", "Lĩnh vực", "Chỉ tiêu"] and en[0][:3] == ["Target ID", "Sector", "Indicator"]
    tourism_vi = [r for r in vi if r[0] == "tourists_fy2024"][0]
    tourism_en = [r for r in en if r[0] == "tourists_fy2024"][0]
    assert tourism_vi[1:5] == ["Du lịch", "Lượt khách du lịch", "năm 2024", "> 9,2 triệu lượt khách"]
    assert tourism_en[1:5] == ["Tourism", "Tourist arrivals", "2024", "> 9.2 M arrivals"]


# ------------------------------------------------------------------------------------------ the page
def test_the_page_loads_nothing_and_runs_no_script(page):
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"\bsrc\s*=", page, re.I)  # no image, frame or script at all
    assert not re.search(r"url\(|@import|<link\b|<script\b|<iframe\b|\bon[a-z]+\s*=", page, re.I)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)[1]
    assert "default-src 'none'" in csp and "script-src" not in csp
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(re.fullmatch(r"[\w./-]+(#\w+)?", h) for h in hrefs), hrefs  # files of the release only


def test_both_languages_are_on_the_page_and_it_opens_in_the_first(release, registry, observations, page):
    assert '<html lang="vi">' in page
    assert '<input class="control" type="radio" name="lang" id="lang-vi" value="vi" checked>' in page
    assert '<title>Bản tin phân tích Nghị quyết ngày 18 tháng 7 năm 2024 của HĐND tỉnh Kiên Giang</title>' in page
    texts = {lg: html_text(page, lg, strict=True) for lg in LANGS}
    for text in ("Bản tin phân tích Nghị quyết ngày 18 tháng 7 năm 2024 của HĐND tỉnh Kiên Giang",
                 "Nghị quyết số 21/NQ-HĐND", "Thời điểm tạo\n10:00 (giờ UTC) ngày 1 tháng 8 năm 2024",
                 "Bộ dữ liệu thu thập đến\nngày 10 tháng 7 năm 2024", "Thời điểm đánh giá\nngày 18 tháng 7 năm 2024",
                 "Phiên bản mã (dấu + ở cuối: có thay đổi chưa lưu vào git)", "Tải về bảng tình trạng",
                 "Lọc theo lĩnh vực", "Lọc theo tình trạng", "Tình trạng các chỉ tiêu"):
        assert text in texts["vi"], text
    for text in ("Briefings on Kiên Giang's People's Council resolution of 18 July 2024", "Resolution No. 21",
                 "Built\n1 August 2024, 10:00 UTC", "Data set collected up to\n10 July 2024",
                 "Assessed as of\n18 July 2024", "Download the status table", "Filter by sector", "Filter by status",
                 "Status of every target", "Backtest against the 2024 outturn"):
        assert text in texts["en"], text
    assert "kg_metrics 0.1.0 · pandas 2.2" in page and "<code>abc123</code>" in page
    # a build of English first opens the same page in English
    write_index(release, registry, observations, COMMON, lang="en")
    english_first = (release / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english_first and 'id="lang-en" value="en" checked>' in english_first
    assert "<title>Briefings on Kiên Giang&#39;s People&#39;s Council resolution of 18 July 2024</title>" in english_first


def test_each_language_reads_without_a_word_of_the_other(page):
    """Read one language at a time (the other's texts left out, as the language switch does), the page obeys
    that language's style: no English word in the Vietnamese, no ISO timestamp, no decimal comma in English…"""
    for lang in LANGS:
        text = html_text(page, lang, strict=True)
        assert len(text) > 2000
        assert scan(text, lang) == [], scan(text, lang)[:5]
    assert "2024-08-01T10:00" not in re.sub(r"<style>.*?</style>", "", page, flags=re.S)


def test_a_template_text_missing_a_language_would_show(page):
    """Every text the page writes is there once per language: each `tr` span of one language has its twin."""
    spans = re.findall(r'<span class="tr" lang="(\w+)">', page)
    assert spans.count("vi") == spans.count("en") > 100


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_index_shares_the_covers_labels_except_its_own(lang):
    labels = index_labels(lang)
    assert labels["commit"] == {"vi": "Phiên bản mã (dấu + ở cuối: có thay đổi chưa lưu vào git)",
                                "en": "Code version (a final +: uncommitted changes)"}[lang]  # not the cover's "(git"
    assert labels["checksum"] == {"vi": "Tổng kiểm dữ liệu (SHA-256)", "en": "Data checksum (SHA-256)"}[lang]
