"""Planning a build: which briefings, with which parameters, where their files go, and their titles."""
from __future__ import annotations

import pytest

from kg_metrics.build.jobs import Job, briefing_outputs, briefing_title, estimated_seconds, plan_jobs
from kg_metrics.build.keys import briefing_sectors
from kg_metrics.errors import ParameterError


@pytest.fixture(scope="module")
def known(data_dir):
    return briefing_sectors(data_dir)


def test_by_default_the_overview_and_every_sector_in_each_language(data_dir, known):
    jobs = plan_jobs(data_dir, known, None, ("vi", "en"), "2024-07-18", overview=True)
    assert [j.key for j in jobs] == [f"{lang}/{n}" for lang in ("vi", "en") for n in ["overview", *known]]
    assert "economy" not in known  # the overview's sector has no briefing of its own
    tourism = next(j for j in jobs if j.key == "en/tourism")
    assert (tourism.notebook, tourism.parameters) == (
        "sector.ipynb", {"sector": "tourism", "lang": "en", "data_dir": "", "as_of": "2024-07-18"})


def test_a_scenario_briefing_has_its_own_folder_and_parameter(data_dir, known):
    jobs = plan_jobs(data_dir, known, ["tourism"], ("vi",), "2024-07-18", overview=False, scenario="low")
    assert [(j.key, j.parameters["scenario"]) for j in jobs] == [("scenarios/low/vi/tourism", "low")]
    assert briefing_outputs(jobs[0]) == ["scenarios/low/vi/tourism.html", "scenarios/low/vi/tourism.pdf",
                                         "scenarios/low/notebooks/vi/tourism.ipynb"]


@pytest.mark.parametrize("sectors, langs, as_of, scenario, message", [
    (["tourismus"], ("vi",), "2024-07-18", "", "unknown sector(s) 'tourismus'; valid: agriculture, "),
    (["economy"], ("vi",), "2024-07-18", "", "unknown sector(s) 'economy'"),
    (["tourism"], ("fr",), "2024-07-18", "", "parameter 'lang'"),
    (["tourism"], ("vi",), "18/07/2024", "", "parameter 'as_of' is '18/07/2024'; expected an ISO date"),
    (["tourism"], ("vi",), "2024-07-18", "nope", "'nope' is not a scenario"),
])
def test_bad_parameters_are_refused_before_any_data_is_loaded(data_dir, known, sectors, langs, as_of, scenario,
                                                             message):
    with pytest.raises(ParameterError) as err:
        plan_jobs(data_dir, known, sectors, langs, as_of, overview=False, scenario=scenario)
    assert message in str(err.value)


@pytest.mark.parametrize("name, lang, title", [
    ("overview", "vi", "Tổng quan"), ("overview", "en", "Overview"),
    ("tourism", "vi", "Du lịch"), ("tourism", "en", "Tourism"),
])
def test_titles_come_from_the_catalog_or_the_sector_table(registry, name, lang, title):
    assert briefing_title(name, lang, registry) == title


def test_longer_briefings_are_expected_to_take_longer(registry):
    def job(name):
        return Job(name, "sector.ipynb", "vi", {}, "")

    assert estimated_seconds(job("agriculture"), registry) > estimated_seconds(job("tourism"), registry)
    assert estimated_seconds(job("admin_reform"), registry) == pytest.approx(0.7)  # no targets
