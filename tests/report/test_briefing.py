"""The briefing facade (kg_metrics.report.briefing): loading, the section API, figure numbers, and whole
briefings that follow their language (numbers, headings, no missing value shown as a number)."""
from __future__ import annotations

import json
import re

import pytest

from kg_metrics.errors import ParameterError
from kg_metrics.paths import NOTEBOOKS_DIR
from kg_metrics.report.briefing import Briefing
from kg_metrics.report.sections import SECTIONS, SectionData

def _shown(notebook: str) -> list[str]:
    """The sections a notebook shows, in its order (its ``briefing.show("name"…)`` calls)."""
    nb = json.loads((NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    return [m for c in nb["cells"] if c["cell_type"] == "code"
            for m in re.findall(r'briefing\.show\("(\w+)"', "".join(c["source"]))]


OVERVIEW = _shown("overview")
SECTOR = _shown("sector")


def _all_text(b: Briefing) -> str:
    return "\n".join(b.section(n).text for n in (OVERVIEW if b.notebook == "overview" else SECTOR))


def test_the_notebooks_sections_are_registered():
    assert set(OVERVIEW) | set(SECTOR) == set(SECTIONS)
    # findings first: page 1 is the executive summary, the table of contents follows it
    assert OVERVIEW[:3] == SECTOR[:3] == ["title", "findings", "scenario"]


def test_anomalies_section(make):
    # one check of 16 is flagged: international arrivals' H2 share of the year target, 99.355 / 680.000 = 14,6%,
    # against 2019 (H1 = 466.302 − 50.242; year 713.291): 41,7% and 2023 ((573.000 − 354.992) / 573.000): 38,0%;
    # the implied H1 680.000 − 99.355 = 580.645 has no reported H1 to compare with
    vi = make("overview", "vi").section("anomalies").text
    assert "580.645" in vi and "1/16 kiểm tra cần lưu ý." in vi
    assert vi.count("check-flagged") == 1
    assert "14,6%, so với 38,0%–41,7% các năm 2019, 2023" in vi
    en = make("overview", "en").section("anomalies").text
    assert "580,645" in en and "1 of 16 checks flagged." in en
    assert "14.6% vs 38.0%–41.7% in 2019, 2023" in en


def test_anomalies_compare_the_implied_h1_with_a_derived_h1(data_copy, csv_tools, registry):
    # synthetic: international arrivals H1 2024 = Jan–Jul 560.000 − July 51.355 = 508.645 (derived, dated before the
    # session); the implied H1 580.645 is (580.645 − 508.645) / 508.645 = 14,2% above it: a second flagged check
    csv_tools.add_observations(data_copy, "tourism", [
        ("intl_tourists", "level", "YTD07-2024", "560.000", "arrivals", "2024-07-16"),
        ("intl_tourists", "level", "M07-2024", "51.355", "arrivals", "2024-07-16")])
    csv_tools.add_derivation(data_copy, "intl_tourists/level/H1-2024", "difference",
                             ["intl_tourists/level/YTD07-2024", "intl_tourists/level/M07-2024"], why="synthetic")
    reg, obs = csv_tools.load(data_copy)
    vi = Briefing(reg, obs, lang="vi", notebook="overview").section("anomalies").text
    assert "580.645" in vi and "≈508.645" in vi and "2/16 kiểm tra cần lưu ý." in vi
    assert vi.count("check-flagged") == 2
    en = Briefing(reg, obs, lang="en", notebook="overview").section("anomalies").text
    assert "580,645" in en and "≈508,645" in en and "2 of 16 checks flagged." in en
    assert f"{(580645 - 508645) / 508645 * 100:.1f}%" == "14.2%" and "14.2%" in en


def test_a_sections_data_can_be_inspected_changed_and_rendered(make):
    b = make("overview", "en")
    data = b.data("anomalies")
    assert isinstance(data, SectionData) and list(data.frames()) == ["checks"]
    assert len(data.frames()["checks"]) == 16 and "<table" in data._repr_html_()
    data["checks"] = [dict(c, flagged=True, assessable=True) for c in data["checks"]]
    assert "16 of 16 checks flagged." in b.section("anomalies", data).text
    assert "1 of 16 checks flagged." in b.section("anomalies").text  # the briefing itself is unchanged


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
    # tourism.csv: international arrivals H1 2021 34.499 (8/7/2021) against the year 3.500 (19/1/2022): the one
    # finding of the shipped data (the sources disagree; nothing is corrected)
    assert b.notes == ["International tourist arrivals: the H1 2021 figure (34,499) exceeds the full-year figure (3,500); "
                       "the source needs checking."]
    b = Briefing.load("tourism", "vi", "", "2024-07-18")
    assert b.notebook == "sector" and b.sector == "tourism"


# --------------------------------------------------------------------------- rounding of derived figures
def _derived_tourists(registry):
    """A tiny synthetic set: H1 tourists = Jan–Jul (6.672.384 visitors) − July (1,2 triệu), as derivations.yml has it."""
    import pandas as pd

    base = dict(measure="level", area=registry.province, qualifier="", status="estimate", source_url="",
                published="2024-08-10", note="", file="", row=0, derivation="", inputs="")
    rows = [dict(base, indicator="tourists", period="YTD07-2024", value=6.672384, unit="m_arrivals",
                 value_published=6672384.0, unit_published="arrivals"),
            dict(base, indicator="tourists", period="M07-2024", value=1.2, unit="m_arrivals", qualifier="≈",
                 value_published=1.2, unit_published="m_arrivals"),
            dict(base, indicator="tourists", period="H1-2024", value=6.672384 - 1.2, unit="m_arrivals",
                 status="derived", value_published=float("nan"), unit_published="")]
    obs = pd.DataFrame(rows)
    derivations = {"tourists/level/H1-2024": {"output": "tourists/level/H1-2024", "method": "difference",
                                              "inputs": ["tourists/level/YTD07-2024", "tourists/level/M07-2024"]}}
    return obs, derivations


@pytest.mark.parametrize("lang, expected", [("vi", "≈5,5 triệu lượt khách"), ("en", "≈5.5 M arrivals")])
def test_a_derived_figure_is_shown_at_its_inputs_precision(registry, lang, expected):
    from types import SimpleNamespace

    obs, derivations = _derived_tourists(registry)
    b = SimpleNamespace(reg=registry, obs=obs, lang=lang, _derivations=derivations,
                        _unit_symbol=lambda u: registry.unit_symbol(u, lang))
    b.qty = lambda *args: Briefing.qty(b, *args)
    shown = Briefing.observed(b, obs.iloc[2])
    assert shown == expected  # not '≈5,472 triệu lượt khách' (1,2 triệu is known to 0,1 triệu only)
    # a count computed from whole counts stays whole: 573.394,84 lượt khách is never shown
    assert Briefing.qty(b, 978785 / 1.707, "arrivals", 168.2) == ("573.400 lượt khách" if lang == "vi"
                                                                   else "573,400 arrivals")
