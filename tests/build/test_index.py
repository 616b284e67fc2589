"""The index page: every briefing of a release, failures, the backtest and scenario packs, in its language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg_metrics.build.index import index_labels, write_index

COMMON = {"build_time": "2024-08-01T10:00:00+00:00", "commit": "abc123", "data_checksum": "f" * 64,
          "versions": {"kg_metrics": "0.1.0", "pandas": "2.2"}, "vintage": "2024-07-10",
          "resolution_vi": "Nghị quyết số 21/NQ-HĐND", "resolution_en": "Resolution No. 21/NQ-HĐND",
          "as_of": "2024-07-18"}


@pytest.fixture
def release(tmp_path) -> Path:
    """Built: vi overview and tourism, en tourism, a low-scenario tourism; failed: vi culture (no PDF)."""
    for rel in ("vi/overview.html", "vi/overview.pdf", "vi/tourism.html", "vi/tourism.pdf", "en/tourism.html",
                "en/tourism.pdf", "vi/culture_society.html", "scenarios/low/vi/tourism.html",
                "scenarios/low/vi/tourism.pdf"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    return tmp_path


def _rows(page: str) -> list[str]:
    """The briefings table's rows as text: cells joined by |."""
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return [re.sub(r"<[^>]+>", "", "|".join(re.findall(r"<td>(.*?)</td>", row)))
            for row in re.findall(r"<tr>(.*?)</tr>", table)]


def test_every_briefing_is_listed_with_its_files_per_language(release, registry, observations):
    page = write_index(release, registry, observations, COMMON, lang="vi").read_text(encoding="utf-8")
    assert _rows(page) == ["Tổng quan|HTML · PDF|—", "Du lịch|HTML · PDF|HTML · PDF",
                           "Văn hóa - xã hội|Lỗi khi tạo chi tiết|—",
                           "Đối chiếu với kết quả thực hiện năm 2024|HTML · PDF|—"]
    for href in ("vi/overview.html", "en/tourism.pdf", "vi/overview.html#backtest", "vi/overview.pdf#backtest",
                 "scenarios/low/vi/tourism.html", "scenarios/low/vi/tourism.pdf"):
        assert f'href="{href}"' in page
    # the failed briefing is named at the top, linking to its failure page
    assert '<strong>Lỗi khi tạo:</strong> <a href="vi/culture_society.html">Văn hóa - xã hội (vi)</a>' in page
    assert "<h2>Kịch bản: low</h2>" in page and "Du lịch (vi)</a>" in page
    assert page.count('class="status status-') >= len(registry.targets)


@pytest.mark.parametrize("lang, texts", [
    ("vi", ["Bản tin phân tích Nghị quyết ngày 18 tháng 7 năm 2024 của HĐND tỉnh Kiên Giang", "Nghị quyết số 21/NQ-HĐND",
            "<dt>Bộ dữ liệu thu thập đến</dt><dd>ngày 10 tháng 7 năm 2024</dd>", "<dt>Thời điểm đánh giá</dt><dd>ngày 18 tháng 7 năm 2024</dd>",
            "<dt>Phiên bản mã (dấu + ở cuối: có thay đổi chưa lưu vào git)</dt><dd><code>abc123</code></dd>", "<dt>Thời điểm tạo</dt><dd>10:00 (giờ UTC) ngày 1 tháng 8 năm 2024</dd>", "kg_metrics 0.1.0 · pandas 2.2"]),
    ("en", ["Briefings on Kiên Giang&#39;s People&#39;s Council resolution of 18 July 2024", "Resolution No. 21",
            "<dt>Data set collected up to</dt><dd>10 July 2024</dd>", "<dt>Assessed as of</dt><dd>18 July 2024</dd>",
            "<th>Status</th>", "Backtest against the 2024 outturn"]),
])
def test_the_page_is_in_the_language_of_the_build(release, registry, observations, lang, texts):
    page = write_index(release, registry, observations, COMMON, lang=lang).read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    for text in texts:
        assert text in page, text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_index_shares_the_covers_labels_except_its_own(lang):
    labels = index_labels(lang)
    assert labels["commit"] == {"vi": "Phiên bản mã (dấu + ở cuối: có thay đổi chưa lưu vào git)",
                                "en": "Code version (a final +: uncommitted changes)"}[lang]  # not the cover's "(git"
    assert labels["checksum"] == {"vi": "Tổng kiểm dữ liệu (SHA-256)", "en": "Data checksum (SHA-256)"}[lang]
