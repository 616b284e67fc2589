"""The briefing facade (kg_metrics.report.briefing): loading, the section API, figure numbers, and whole
briefings that follow their language (numbers, headings, no missing value shown as a number)."""
from __future__ import annotations

import re

import pytest

from kg_metrics.errors import ParameterError
from kg_metrics.report.briefing import Briefing
from kg_metrics.report.sections import SECTIONS, SectionData

OVERVIEW = ["title", "scenario", "summary", "probability", "grdp", "contributions", "anomalies", "sources", "backtest"]
SECTOR = ["title", "scenario", "summary", "targets", "probability", "tasks", "sources"]


def _all_text(b: Briefing) -> str:
    return "\n".join(b.section(n).text for n in (OVERVIEW if b.notebook == "overview" else SECTOR))


def test_the_notebooks_sections_are_registered():
    assert set(OVERVIEW) | set(SECTOR) == set(SECTIONS)


def test_anomalies_section(make):
    vi = make("overview", "vi").section("anomalies").text
    assert "580.645" in vi and "≈508.645" in vi and "3/16 kiểm tra cần lưu ý." in vi
    assert vi.count("check-flagged") == 3
    en = make("overview", "en").section("anomalies").text
    assert "580,645" in en and "≈508,645" in en and "3 of 16 checks flagged." in en


def test_a_sections_data_can_be_inspected_changed_and_rendered(make):
    b = make("overview", "en")
    data = b.data("anomalies")
    assert isinstance(data, SectionData) and list(data.frames()) == ["checks"]
    assert len(data.frames()["checks"]) == 16 and "<table" in data._repr_html_()
    data["checks"] = [dict(c, flagged=True, assessable=True) for c in data["checks"]]
    assert "16 of 16 checks flagged." in b.section("anomalies", data).text
    assert "3 of 16 checks flagged." in b.section("anomalies").text  # the briefing itself is unchanged


def test_an_unknown_section_names_the_known_ones(make):
    with pytest.raises(KeyError, match="no section 'nope'; known: anomalies, backtest"):
        make("overview", "vi").data("nope")


def test_figure_numbers_follow_first_use_and_stay(make, registry, observations):
    b = Briefing(registry, observations, lang="vi", sector="tourism", notebook="sector")
    first = b.data("targets")
    again = b.data("targets")  # an economist re-running an inspect cell
    numbers = [t["figure_no"] for t in first["targets"]]
    assert numbers == list(range(1, len(numbers) + 1)) == [t["figure_no"] for t in again["targets"]]


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
    headings = re.findall(r"<h([1-6])\b", text)
    assert headings[0] == "1" and headings.count("1") == 1
    assert set(headings) <= {"1", "2", "3", "4"}


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
