"""What a build does: the briefings to build (jobs), their outputs, titles and expected durations."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg_metrics.data.params import validate_parameters
from kg_metrics.errors import ParameterError
from kg_metrics.text.catalog import t

#: Briefings that read every data file (not one sector's); each has its title at ``build.title.<name>``.
#: The backtest is the last part of the overview (it too reads every sector's data), so one sector's
#: change rebuilds one more briefing, the overview, and no third one; the index links to it as a page
#: of its own.
WHOLE_DATA_BRIEFINGS = frozenset({"overview"})


@dataclass(frozen=True)
class Job:
    """One briefing to build: a notebook, its parameters and where its outputs go."""

    name: str  # "overview" or a sector id
    notebook: str  # file name in notebooks/
    lang: str
    parameters: dict
    title: str
    scenario: str = ""  # a scenario name in data/scenarios, or "" for the plain briefing

    @property
    def prefix(self) -> str:
        """Where this briefing's files go inside a release: '' or 'scenarios/<name>/'."""
        return f"scenarios/{self.scenario}/" if self.scenario else ""

    @property
    def key(self) -> str:
        return f"{self.prefix}{self.lang}/{self.name}"


@dataclass
class Result:
    job: Job
    status: str  # "built", "failed" or "unchanged"
    seconds: float
    error: str = ""
    outputs: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage: execute, html, pdf, write


def briefing_title(name: str, lang: str, reg) -> str:
    """The title of briefing ``name``: a whole-data briefing's from the catalog, else its sector's name."""
    return t(f"build.title.{name}", lang) if name in WHOLE_DATA_BRIEFINGS else reg.sector_name(name, lang)


def briefing_outputs(job: Job) -> list[str]:
    """Paths (relative to a release) that a built briefing consists of: HTML, PDF, executed notebook."""
    p = job.prefix
    return [f"{p}{job.lang}/{job.name}.html", f"{p}{job.lang}/{job.name}.pdf",
            f"{p}notebooks/{job.lang}/{job.name}.ipynb"]


def plan_jobs(data_dir: Path, known: list[str], sectors: list[str] | None, langs: tuple[str, ...], as_of: str,
              overview: bool, scenario: str = "") -> list[Job]:
    """The jobs to consider, untitled (titles need the full registry: :func:`briefing_title`).

    ``known``: the sectors that get a briefing, from a cheap read of the data
    (:func:`kg_metrics.build.keys.briefing_sectors`); everything is validated in full before any work.
    Raises ParameterError for an unknown sector, scenario, language or date.
    """
    chosen = list(sectors) if sectors else list(known)
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ParameterError(f"unknown sector(s) {', '.join(map(repr, unknown))}; valid: {', '.join(known)}")
    if scenario:
        from kg_metrics.data.scenario_files import scenario_files  # lazy: the module imports pandas

        scenario_files(data_dir, scenario)  # raises ParameterError listing the scenarios there are
    extra = {"scenario": scenario} if scenario else {}  # plain briefings keep their parameters (and keys)
    jobs = []
    for lang in langs:
        validate_parameters(None, lang, "", as_of, notebook="overview")  # type and value checks, no data load
        if overview:
            jobs.append(Job("overview", "overview.ipynb", lang,
                            {"lang": lang, "data_dir": "", "as_of": as_of, **extra}, "", scenario))
        for sec in chosen:
            jobs.append(Job(sec, "sector.ipynb", lang,
                            {"sector": sec, "lang": lang, "data_dir": "", "as_of": as_of, **extra}, "", scenario))
    return jobs


def estimated_seconds(job: Job, reg) -> float:
    """A briefing's build time before it has been timed: charts and tables grow with its targets.

    Only the order of jobs depends on it. Fitted by eye to one cold build here (agriculture, 9 targets:
    4.0 s; tourism, 4: 2.8 s; a sector without targets: 0.7 s; the overview, every target: 4.3 s).
    """
    targets = reg.targets if job.name == "overview" else reg.targets[reg.targets["sector"] == job.name]
    return 0.7 + (0.16 if job.name == "overview" else 0.35) * len(targets)
