"""The style scanner (kg_metrics.text.style, rules in text/style.yml): the forbidden forms found in small
strings, the neutral tokens left alone, and (e2e) none of them in any briefing of a full build."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kg_metrics.text.catalog import available_langs, catalog
from kg_metrics.text.style import STYLE_FILE, html_text, patterns, scan, style


def rules(text: str, lang: str) -> list[str]:
    return [f.rule for f in scan(text, lang)]


# ------------------------------------------------------------------------------------------ the style file
def test_every_rule_says_why_and_every_pattern_compiles():
    doc = style()
    assert doc["rules"] and all(r.get("id") and r.get("rule") and r.get("why") for r in doc["rules"])
    for lang in available_langs():
        neutral, forbidden = patterns(lang)
        assert neutral and forbidden
    for entries in doc["forbidden"].values():
        assert all(e.get("why") for e in entries), STYLE_FILE


def test_a_language_without_forbidden_forms_is_refused():
    with pytest.raises(ValueError, match="no forbidden forms for language 'fr'"):
        patterns("fr")


# ------------------------------------------------------------------------------------------ Vietnamese
@pytest.mark.parametrize("text, expected", [
    ("Lượt khách quốc tế: H1 2021 (34499) exceeds the full year (3500)", ["english_word"] * 4 + ["half_abbreviation"]),
    ("6 tháng cuối năm cần tăng -0,73% so với cùng kỳ năm 2023", ["negative_growth"]),
    ("6 tháng cuối năm cần tăng −0,73% so với cùng kỳ năm 2023", ["negative_growth"]),
    ("mô phỏng Monte Carlo (100.000 lần, hạt giống 20240718)", ["seed"]),
    ("Đánh giá tại ngày 18 tháng 7, 2024", ["english_date_order"]),
    ("cần tăng 6,56% so với cùng kỳ 2023", ["same_period_without_year"]),
    ("so với 55,2%–55,2% các năm 2023", ["one_value_range"]),
    ("Thời điểm tạo 2026-11-28T12:39:35+00:00", ["iso_timestamp"]),
    ("tăng 6.56% so với cùng kỳ", ["decimal_point"]),
    ("= 920 triệu USD", ["equals_target"]),
    ("Chỉ tiêu chưa được đánh giá: intl_tourists_h2", ["identifier"]),
    ("6 tháng 2, 2025", ["english_date_order"]),
])
def test_forbidden_forms_in_vietnamese(text, expected):
    assert rules(text, "vi") == expected


@pytest.mark.parametrize("text", [
    "6 tháng cuối năm có thể thấp hơn cùng kỳ năm 2023 0,73% mà vẫn đạt mục tiêu; 6 tháng đầu năm đã tăng 6,84%.",
    "Ước lượng bằng mô phỏng Monte Carlo (100.000 lần, giá trị khởi tạo ngẫu nhiên 20240718); phân phối Student t.",
    "Nghị quyết ngày 18 tháng 7 năm 2024; thông qua ngày 18/7/2024; GRDP 55.467,04 tỷ đồng; 6.672.384 tấn; 2,035 triệu tấn",
    "so với 41,2%–53,5% các năm 2019, 2022, 2023; 55,2% năm 2023; COVID-19; USD; g₂ = 2g − g₁ = 6,56%",
    "Nguồn: baophapluat.vn, https://www.nguoiduatin.vn/kien-giang-a615563.html; lmhtx.kiengiang.gov.vn",
    "Phiên bản gói kg_metrics 0.1.0 · pandas 3.1.1 · weasyprint 70.0 · babel 2.18.0",
    "70.0 · babel 2.18.0 · pydantic 2.14.3",
    "f1a54ef427d39c0987f0e727479f49700b6a6d7a+",
    "Sổ tay notebooks/sector.ipynb (sector='tourism', lang='vi', as_of='2024-07-18')",
    "560.000 − 143.940\n= 416.060",  # a formula wrapped in a PDF line is no target
    "Tình trạng: Có khả năng đạt; Khó đạt; Có nguy cơ không đạt; Đã đạt; Chưa đủ cơ sở đánh giá",
])
def test_correct_vietnamese_passes(text):
    assert scan(text, "vi") == []


# ------------------------------------------------------------------------------------------ English
@pytest.mark.parametrize("text, expected", [
    ("H2 needs 6,56% year on year", ["decimal_comma"]),
    ("Built 2026-11-28T12:39:35+00:00", ["iso_timestamp"]),
    ("H2 share of the year target 44.2% vs 45.1%–45.1% in 2023", ["one_value_range"]),
    ("Target = 920", ["equals_target"]),
])
def test_forbidden_forms_in_english(text, expected):
    assert rules(text, "en") == expected


@pytest.mark.parametrize("text", [
    "H2 may be up to 0.73% below H2 2023 and the target is still met; H1 grew 6.84%.",
    "GRDP 55,467.04 billion VND; 100,000 draws; reach 920 M USD; adopted on 18 July 2024",
    "tổng kim ngạch xuất khẩu hàng hóa đạt từ 449,2 triệu USD",  # a quotation of the resolution, as written
    "Built 28 November 2026, 12:39 UTC",
])
def test_correct_english_passes(text):
    assert scan(text, "en") == []


def test_the_english_page_leaves_out_the_quoted_vietnamese_but_the_vietnamese_page_keeps_english():
    page = ('<html lang="{lang}"><head><style>p {{ x: 1.5 }}</style></head><body><p>Targets 6.7%</p>'
            '<ul lang="vi"><li>đạt 449,2 triệu USD</li></ul><img alt="H1 2024: 6,84%" src="data:,">'
            '<span lang="en">the full year</span></body></html>')
    en = html_text(page.format(lang="en"), "en")
    assert "449,2" not in en and "x: 1.5" not in en and "H1 2024: 6,84%" in en
    vi = html_text(page.format(lang="vi"), "vi")
    assert "449,2" in vi and "the full year" in vi
    assert "english_word" in rules(vi, "vi")


def test_the_catalogs_hold_no_forbidden_form_of_their_language():
    """Each catalog text, its fields blanked, already obeys its language's forbidden forms."""
    for lang in available_langs():
        found = []
        for key, text in catalog(lang).texts.items():
            if key.startswith("cli."):  # terminal messages: g2, w1 and argument syntax
                continue
            blank = re.sub(r"\{\w+\}", " ", text)
            found += [f"{key}: {f}" for f in scan(blank, lang)]
        assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------------ end to end
@pytest.fixture(scope="module")
def built_out(tmp_path_factory) -> Path:
    from kg_metrics.cli import main

    out = tmp_path_factory.mktemp("style-outputs")
    assert main(["build", "--lang", "vi", "--lang", "en", "--out", str(out), "--quiet"]) == 0
    return out


def _lang_of(path: Path) -> str:
    return path.parent.name if path.parent.name in available_langs() else available_langs()[0]


@pytest.mark.e2e
def test_no_briefing_holds_a_forbidden_form(built_out):
    files = sorted({p.resolve() for p in built_out.rglob("*") if p.suffix in (".html", ".pdf") and p.is_file()})
    assert any(p.suffix == ".pdf" for p in files) and {_lang_of(p) for p in files} >= {"vi", "en"}
    found = []
    for path in files:
        lang = _lang_of(path)
        if path.name == "index.html":  # written in every language: each read on its own
            page = path.read_text(encoding="utf-8")
            for lg in available_langs():
                text = html_text(page, lg, strict=True)
                assert len(text) > 2000, (lg, text[:200])  # every label, briefing title and status row
                found += [f"index.html ({lg}): {f}" for f in scan(text, lg)]
            continue
        if path.suffix == ".html":
            text = html_text(path.read_text(encoding="utf-8"), lang)
        else:
            text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        found += [f"{path.relative_to(built_out.resolve())}: {f}" for f in scan(text, lang)]
    assert not found, f"{len(found)} forbidden forms:\n" + "\n".join(found[:60])
