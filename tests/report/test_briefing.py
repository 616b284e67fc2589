"""Briefing content: exact strings in Vietnamese and English, missing figures shown as missing, semantic HTML."""
from __future__ import annotations

import re

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
def test_anomalies_section(make):
    vi = make("overview", "vi").anomalies_content().text
    assert "580.645" in vi and "≈508.645" in vi and "3/16 kiểm tra cần lưu ý." in vi
    assert vi.count("check-flagged") == 3
    en = make("overview", "en").anomalies_content().text
    assert "580,645" in en and "≈508,645" in en and "3 of 16 checks flagged." in en


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


