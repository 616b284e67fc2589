"""A briefing as of a date uses only what was published by that date.

The proof does not trust any list of "inputs": every figure published after the date is *poisoned* (its
value multiplied, its source replaced) and the briefing is built again. If any section of the default
briefing (18 July 2024) read a later figure, some number or link in it would change. The backtest is the
one section that looks back from after the year on purpose: its July half must not change, its outturns must.
"""
from __future__ import annotations

import pandas as pd
import pytest

from kg_metrics.data.observations import load_observations
from kg_metrics.data.registry import RESOLUTION_AS_OF, load_registry
from kg_metrics.report.briefing import Briefing
from kg_metrics.report.sections import SECTIONS, section_data, sources

LATER = "2025-03-31"
POISON_URL = "https://poisoned.invalid/later"


def _poisoned(obs: pd.DataFrame, after: str) -> pd.DataFrame:
    """``obs`` with every row published after ``after`` changed beyond recognition (derived rows too)."""
    out = obs.copy()
    later = out["published"] > after
    out.loc[later, "value"] = out.loc[later, "value"] * 1000 + 7
    out.loc[later, "source_url"] = POISON_URL
    out.attrs = dict(obs.attrs)
    return out


def _rendered(b: Briefing, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {name: b.section(name).text for name in SECTIONS if name not in skip}


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture(scope="module")
def obs(reg):
    return load_observations(reg)


def _briefings(reg, obs, as_of, notebook="overview", sector=None):
    clean = Briefing(reg, obs, lang="vi", as_of=as_of, notebook=notebook, sector=sector)
    dirty = Briefing(reg, _poisoned(obs, as_of), lang="vi", as_of=as_of, notebook=notebook, sector=sector)
    return clean, dirty


def test_the_shipped_data_has_figures_published_after_the_session(obs):
    """Otherwise the poisoning below would prove nothing."""
    later = obs[obs["published"] > RESOLUTION_AS_OF]
    assert len(later) > 30
    assert {"grdp", "tourists", "rice"} <= set(later["indicator"])


@pytest.mark.parametrize("sector", [None, "agriculture", "industry_trade", "tourism", "public_investment",
                                    "defence_security"])
def test_the_default_briefing_reads_no_figure_published_after_18_july_2024(reg, obs, sector):
    notebook = "sector" if sector else "overview"
    clean, dirty = _briefings(reg, obs, RESOLUTION_AS_OF, notebook, sector)
    assert _rendered(clean, skip=("backtest",)) == _rendered(dirty, skip=("backtest",))
    assert POISON_URL not in "".join(_rendered(dirty, skip=("backtest",)).values())


def test_every_figure_listed_carries_its_vintage_date_and_none_is_later(reg, obs):
    for sector in [None, "agriculture", "tourism"]:
        b = Briefing(reg, obs, lang="vi", notebook="sector" if sector else "overview", sector=sector)
        used = sources.used_observations(b)
        assert len(used) and used["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
        assert (used["published"] <= RESOLUTION_AS_OF).all()
        figures = section_data("sources", b)["figures"]
        assert [f["published"] for f in figures] == list(used["published"])


def test_the_backtest_looks_back_but_its_july_half_is_out_of_sample(reg, obs):
    clean, dirty = _briefings(reg, obs, RESOLUTION_AS_OF)
    c, d = section_data("backtest", clean), section_data("backtest", dirty)
    july = lambda data: [(r["target_id"], r["july_status"], r["july_p_met"]) for r in data["targets"]]  # noqa: E731
    assert july(c) == july(d)
    assert [r["outturn"] for r in c["targets"]] != [r["outturn"] for r in d["targets"]]
    assert c["july_latest_published"] <= RESOLUTION_AS_OF
    assert "ngoài mẫu" in clean.section("backtest").text


def test_as_of_march_2025_sees_the_later_vintages(reg, obs):
    july = Briefing(reg, obs, lang="vi", as_of=RESOLUTION_AS_OF)
    march = Briefing(reg, obs, lang="vi", as_of=LATER)
    used = sources.used_observations(march)
    assert (used["published"] > RESOLUTION_AS_OF).any()
    assert (used["published"] <= LATER).all()
    # the 2023 GRDP level: missing in July, the vintage implied by the 2024 outturn in March 2025
    assert section_data("grdp", july)["required"]["required_h2_growth_pct"] is None
    req = section_data("grdp", march)["required"]
    assert req["base_fy"]["status"] == "derived" and req["required_h2_growth_pct"] == pytest.approx(6.56, abs=0.01)
    # outturns published after July: the March assessment has them
    assert (march.assessed["status"] == "met").sum() > (july.assessed["status"] == "met").sum() == 0
    clean, dirty = _briefings(reg, obs, LATER)
    assert _rendered(clean, skip=("backtest",)) == _rendered(dirty, skip=("backtest",))


@pytest.mark.parametrize("sector", ["agriculture", "industry_trade", "tourism", "public_investment"])
def test_every_figure_a_chart_draws_is_listed_with_its_vintage(reg, obs, sector):
    from kg_metrics.report import charts

    for as_of in (RESOLUTION_AS_OF, LATER):
        b = Briefing(reg, obs, lang="vi", as_of=as_of, notebook="sector", sector=sector)
        listed = {(r["indicator"], r["measure"], r["period"], r["published"])
                  for r in sources.used_observations(b).to_dict("records")}
        for o in b.assessed[b.assessed["sector"] == sector].to_dict("records"):
            for r in charts.target_chart_data(o, b.reg, b.obs).used:
                assert (r["indicator"], r["measure"], r["period"], r["published"]) in listed, (o["target_id"], r)
